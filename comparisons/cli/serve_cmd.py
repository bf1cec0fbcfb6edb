"""``xjur serve``: the web form (issue 23) under uvicorn, on 127.0.0.1 unless told otherwise."""
from __future__ import annotations

import ipaddress
from importlib.util import find_spec

import typer

from .app import app, console_err

#: The packages ``xjur serve`` needs (the ``web`` extra).
WEB_PACKAGES = {"starlette": "starlette", "uvicorn": "uvicorn", "multipart": "python-multipart"}
INSTALL_HINT = "pip install -e '.[web]'  (or: pip install 'xjur[web]')"


def missing_web_packages() -> list[str]:
    """The distributions of the ``web`` extra that are not installed."""
    return [dist for module, dist in WEB_PACKAGES.items() if find_spec(module) is None]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command("serve")
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)"),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on"),
) -> None:
    """Serve the web form: profiles in, the side-by-side comparison, costs, stress tests and charts out."""
    from jurisdictions.framework import XjurError

    missing = missing_web_packages()
    if missing:
        raise XjurError(f"xjur serve needs {', '.join(missing)}: {INSTALL_HINT}")
    if not is_loopback(host):
        console_err.print(f"[yellow]warning:[/] listening on {host}: anyone who can reach this address on the "
                          "network can use the form and read what is typed into it (no login, no TLS)",
                          highlight=False)
    import uvicorn

    from ..web import create_app

    console_err.print(f"xjur web form on http://{host if ':' not in host else f'[{host}]'}:{port}/ (Ctrl+C stops it)",
                      highlight=False, markup=False)
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")

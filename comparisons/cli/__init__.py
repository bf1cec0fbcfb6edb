"""The ``xjur`` command line (typer + rich). Each command lives in a module of its own.

Bad input exits with status 2 and a message naming file, row and field, never a traceback.
"""
from __future__ import annotations

import sys

from .app import app, command, console_err, pipe_closed, quiet_closed_pipe
from . import compare_cmd, demo_cmd, explain_cmd, jurisdictions_cmd  # noqa: F401  (register commands)
from . import plan_cmd  # noqa: F401  (xjur plan)
from . import stress_cmd  # noqa: F401  (register commands)
from . import brief_cmd  # noqa: F401  (xjur brief)
from . import timeline_cmd  # noqa: F401  (xjur timeline)
from . import serve_cmd  # noqa: F401  (xjur serve)


def main() -> None:
    """Console-script entry point: bad input exits 2 with the message; a closed pipe (``| head``) ends quietly
    with status 0."""
    from rich.markup import escape

    from jurisdictions.framework import XjurError

    try:
        command()(standalone_mode=True)
    except XjurError as e:  # the message may quote the user's text: escaped, never read as markup
        console_err.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False, markup=True, soft_wrap=True)
        sys.exit(2)
    except BrokenPipeError:
        quiet_closed_pipe()
    except SystemExit as e:
        if e.code == 1 and pipe_closed():  # click's answer to a closed pipe: status 1; a reader that stopped
            quiet_closed_pipe()            # reading (`| head`) is not an error
        raise


__all__ = ["app", "command", "main"]

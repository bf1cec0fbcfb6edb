"""``xjur serve``: a web form over the public API (issue 23).

``create_app()`` builds a Starlette application (routes in :mod:`comparisons.web.app`); every request is
computed from its own inputs (the query string, or an uploaded file), nothing is kept between requests.
Starlette, uvicorn and python-multipart come with the ``web`` extra (``pip install -e '.[web]'``).
"""
from __future__ import annotations


def create_app(**kwargs):
    """The ASGI application (see :func:`comparisons.web.app.create_app`)."""
    from .app import create_app as _create

    return _create(**kwargs)


__all__ = ["create_app"]

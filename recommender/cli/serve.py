"""`serve`: the web pages and the JSON API. The one place the library reaches into `api/`."""

from __future__ import annotations

from typing import Annotated

import typer

from ..config import get_settings
from .common import app, err


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Serve the web pages and the JSON API (under /api/v1) with uvicorn.

    Example: clustermatch serve --port 8000, then open http://127.0.0.1:8000/docs
    """
    import uvicorn

    from api.main import create_app

    err.print(
        f"[dim]data folder {get_settings().home}; API docs at http://{host}:{port}/docs; "
        "create a token with: clustermatch token create --role admin[/dim]"
    )
    uvicorn.run(create_app(), host=host, port=port, log_level="info")

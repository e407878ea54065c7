"""The `clustermatch` command line: thin verbs over the Workspace.

One module per group of verbs; each registers its commands on the root app of `common`,
which is the only module they share (so no command module imports another).
"""

from __future__ import annotations

from . import data, leads, relevance, serve, tokens
from .common import PRESS_RELEASE_SMES, app
from .mission import mission_app

app.add_typer(mission_app, name="mission")


def main() -> None:  # pragma: no cover - console entry point
    app()


__all__ = ["PRESS_RELEASE_SMES", "app", "data", "leads", "main", "relevance", "serve", "tokens"]

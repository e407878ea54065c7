"""Fixtures: workspaces on a deterministic hashing embedder (no model, no network) in tmp_path,
and the synthetic corpus of corpus.py written to CSV files."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from corpus import CountingEmbedder, make_settings, write_partners, write_smes

from recommender import Settings, Workspace, get_settings
from recommender.embedding.backends import HashingEmbedder

# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_clustermatch_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests never see the developer's CLUSTERMATCH_* variables or cached settings."""
    for name in list(os.environ):
        if name.startswith("CLUSTERMATCH_"):
            monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def settings(home: Path) -> Settings:
    return make_settings(home)


@pytest.fixture
def corpus_files(tmp_path: Path) -> tuple[Path, Path]:
    """The synthetic corpus as (smes.csv, partners.csv)."""
    return write_smes(tmp_path / "smes.csv"), write_partners(tmp_path / "partners.csv")


@pytest.fixture
def new_workspace(settings: Settings) -> Iterator[Callable[..., Workspace]]:
    """A factory of workspaces on the test's home, each with its own counting embedder."""
    opened: list[Workspace] = []

    def make(embedder: HashingEmbedder | None = None, **overrides: Any) -> Workspace:
        chosen = settings.model_copy(update=overrides) if overrides else settings
        ws = Workspace(chosen, embedder=embedder or CountingEmbedder())
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()


@pytest.fixture
def workspace(new_workspace: Callable[..., Workspace]) -> Workspace:
    """An empty workspace."""
    return new_workspace()


@pytest.fixture
def loaded(workspace: Workspace, corpus_files: tuple[Path, Path]) -> Workspace:
    """A workspace holding the synthetic corpus."""
    workspace.import_files(*corpus_files)
    return workspace

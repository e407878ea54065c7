"""Derived files are disposable: a damaged embedding cache, index or lexical model is set
aside and rebuilt; neither the CLI nor the service stops for one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from recommender import BUNDLED_DATA, get_settings
from recommender.cli import app
from recommender.embedding import EmbeddingCache

REPO = Path(__file__).resolve().parents[1]
MODEL = "test-model"


def _fill(path: Path, rows: int = 3_000) -> dict[str, np.ndarray]:
    cache = EmbeddingCache(path)
    vectors = {f"{i:064x}": np.full(64, i, dtype=np.float32) for i in range(rows)}
    cache.put(MODEL, vectors)
    cache.close()
    return vectors


def _damaged(path: Path) -> list[Path]:
    """The set-aside copies of a file (its SQLite -wal and -shm go along, not counted)."""
    found = path.parent.glob(f"{path.name}.damaged-*")
    return sorted(p for p in found if not p.name.endswith(("-wal", "-shm")))


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


@pytest.mark.parametrize("damage", [_truncate, _garbage], ids=["truncated", "garbage"])
def test_a_damaged_cache_is_set_aside_and_starts_empty(tmp_path: Path, damage: object) -> None:
    path = tmp_path / "embeddings.sqlite"
    vectors = _fill(path)
    damage(path)  # type: ignore[operator]
    cache = EmbeddingCache(path)
    assert cache.count(MODEL) == 0
    assert len(_damaged(path)) == 1
    cache.put(MODEL, dict(list(vectors.items())[:10]))
    assert len(cache.get(MODEL, list(vectors))) == 10
    cache.close()
    assert len(EmbeddingCache(path).get(MODEL, list(vectors))) == 10  # the new file is sound


def test_damage_found_by_a_query_is_recovered_there(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite"
    vectors = _fill(path, rows=6_000)
    cache = EmbeddingCache(path)
    # Pages in the middle overwritten while the cache is open: header and size look fine.
    with path.open("r+b") as handle:
        handle.seek(path.stat().st_size // 3)
        handle.write(os.urandom(64 * 1024))
    found = cache.get(MODEL, list(vectors))  # no exception: the misses are embedded again
    assert len(found) < len(vectors)
    cache.put(MODEL, {"a" * 64: np.ones(64, dtype=np.float32)})
    assert list(cache.get(MODEL, ["a" * 64])) == ["a" * 64]
    cache.close()


def test_an_empty_or_missing_file_is_a_new_cache_not_damage(tmp_path: Path) -> None:
    (tmp_path / "empty.sqlite").write_bytes(b"")
    for name in ("empty.sqlite", "missing.sqlite"):
        cache = EmbeddingCache(tmp_path / name)
        assert cache.count(MODEL) == 0
        cache.close()
        assert _damaged(tmp_path / name) == []


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data folder holding the bundled data (hashing model), settings re-read around it."""
    monkeypatch.setenv("CLUSTERMATCH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLUSTERMATCH_EMBEDDING_BACKEND", "hashing")
    get_settings.cache_clear()
    files = [
        "--smes",
        str(BUNDLED_DATA / "smes.csv"),
        "--partners",
        str(BUNDLED_DATA / "partners.csv"),
    ]
    result = CliRunner().invoke(app, ["import", *files])
    assert result.exit_code == 0, result.output
    yield tmp_path / "home"
    get_settings.cache_clear()


@pytest.mark.parametrize("damage", [_truncate, _garbage], ids=["truncated", "garbage"])
def test_the_cli_works_on_with_a_damaged_cache(home: Path, damage: object) -> None:
    damage(home / "embeddings.sqlite")  # type: ignore[operator]
    result = CliRunner().invoke(app, ["recommend", "sme-ksh", "--top", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert len(_damaged(home / "embeddings.sqlite")) == 1


def test_a_damaged_index_and_lexical_model_are_rebuilt(home: Path) -> None:
    indexes = sorted(home.glob("index/**/vectors.faiss"))
    lexical = sorted(p for p in home.glob("index/**/*") if p.suffix in (".npz", ".joblib"))
    assert indexes and lexical
    for path in (*indexes, *lexical):
        _garbage(path)
    result = CliRunner().invoke(app, ["recommend", "sme-ksh", "--top", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    for path in (*indexes, lexical[0]):
        assert _damaged(path), path  # set aside for a look, and a sound file in its place
        assert path.exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_starts_with_a_truncated_cache(home: Path) -> None:
    _truncate(home / "embeddings.sqlite")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen(
        [sys.executable, "-m", "recommender", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline, ready = time.monotonic() + 60, False
        while time.monotonic() < deadline and server.poll() is None and not ready:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    ready = r.status == 200
            except OSError:
                time.sleep(0.2)
        assert ready, f"serve exited {server.poll()}"
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "Traceback" not in stderr
    assert "moved aside" in stderr
    assert len(_damaged(home / "embeddings.sqlite")) == 1

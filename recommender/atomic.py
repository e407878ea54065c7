"""Crash-safe file writes for everything derived and saved (indexes, lexical model, mission
blocks, agendas, manifests): the project's one atomic writer."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def atomic_write_with(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write a file whole or not at all: `write` fills a temporary file in the same folder,
    which is flushed to disk, then renamed over `path` (a unique name per writer, so two
    writers never share a temporary file)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes) -> None:
    """Write bytes whole or not at all (see `atomic_write_with`)."""

    def write(handle: BinaryIO) -> None:
        handle.write(data)

    atomic_write_with(path, write)

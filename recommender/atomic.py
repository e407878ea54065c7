"""Crash-safe file writes for everything derived and saved (indexes, lexical model, mission
blocks, agendas, manifests): the project's one atomic writer; and damaged derived files
set aside."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger("clustermatch")


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


def set_aside(path: Path, reason: str, companions: tuple[str, ...] = ()) -> Path | None:
    """Move a damaged derived file out of the way (kept for inspection), and say so.

    Derived files (the embedding cache, indexes, the lexical model) can all be rebuilt from
    the database, so damage is never fatal: the file is renamed `NAME.damaged-<UTC time>`
    and its owner starts afresh. `companions` are suffixes of files that belong with it
    (SQLite's `-wal` and `-shm`). Returns the new path, or None when there was no file.
    """
    if not path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    os.replace(path, target)
    for suffix in companions:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, target.with_name(target.name + suffix))
    log.warning("%s: %s; moved aside to %s and rebuilt", path, reason, target.name)
    return target

"""One digest of source code, for cache keys that must change when the code behind them does."""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Sequence
from pathlib import Path


def source_digest(modules: Sequence[str]) -> str:
    """16 hex digits of SHA-256 over the source files of `modules` (dotted names), in order.

    A changed tokenizer or fusion weight changes results while data, model and vectors stay
    the same: a key that includes this digest then misses, and the work is redone.
    """
    digest = hashlib.sha256()
    for name in modules:
        source = Path(importlib.import_module(name).__file__ or "")
        try:
            digest.update(source.read_bytes())
        except OSError:  # no source files (a frozen build): the format versions must do
            digest.update(source.name.encode())
    return digest.hexdigest()[:16]

"""The embedder a setting names: the one module that knows every backend and the process pool.

Kept apart from both so that neither imports the other: `parallel` receives a factory to
build its workers' models with, instead of importing the backends.
"""

from __future__ import annotations

from functools import partial

from ..errors import ConfigurationError
from .backends import HashingEmbedder, SentenceTransformerEmbedder, UseMultilingualEmbedder
from .base import Embedder
from .parallel import ParallelEmbedder

#: Backends with an int8 path (`create_embedder(..., int8=True)`).
INT8_BACKENDS = ("sentence-transformers",)


def create_embedder(
    backend: str, model: str = "", int8: bool = False, processes: int = 1
) -> Embedder:
    """The embedder a backend setting names; `int8` asks for its int8 path, if it has one.

    With `processes` > 1, large batches are embedded by that many worker processes.
    """
    known = ("use-multilingual", "sentence-transformers", "hashing")
    if backend not in known:
        raise ConfigurationError(
            f"unknown embedding backend '{backend}' "
            "(use-multilingual, sentence-transformers or hashing)"
        )
    if int8 and backend not in INT8_BACKENDS:
        raise ConfigurationError(
            f"the '{backend}' embedding backend has no int8 path; only "
            f"{', '.join(INT8_BACKENDS)} has one (unset CLUSTERMATCH_EMBEDDING_INT8 "
            "or choose that backend)"
        )
    embedder: Embedder
    if backend == "use-multilingual":
        embedder = UseMultilingualEmbedder()
    elif backend == "sentence-transformers":
        embedder = SentenceTransformerEmbedder(model, int8=int8)
    else:
        return HashingEmbedder()  # instant: nothing to spread over processes
    if processes > 1:
        # Each worker builds its own copy with this factory (picklable: a module function).
        build = partial(create_embedder, backend, model, int8=int8)
        return ParallelEmbedder(embedder, build, processes)
    return embedder

"""Bulk embedding on every core: one single-threaded copy of the model per worker process.

Threads inside one model do not pay on 2 cores: USE's matrix products are small and a quarter
of its time is a pure-Python tokenizer, so a second BLAS thread gained 13% alone and lost 80%
next to any other busy process. Whole processes, one thread each, scale with the cores and
degrade gracefully when one core is busy.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from .base import Embedder, Progress

#: Below this many texts the in-process model embeds them: starting workers and loading the
#: model in each costs a few seconds, the time to embed a few hundred texts on one core.
MIN_PARALLEL_TEXTS = 2_000

_worker_model: Embedder | None = None
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_POLL_S = 1.0


def _die_with_parent(parent: int) -> None:
    """End this worker when the process that started it ends, even by `kill -9`.

    A worker holds a model (300+ MB) and the resource tracker's pipe, so orphans kept both
    alive for minutes. Linux delivers SIGKILL to us when our parent dies (PR_SET_PDEATHSIG);
    a thread that watches the parent id is the fallback elsewhere, and covers the moment
    before prctl took effect.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _start_worker(build: Callable[[], Embedder], parent: int) -> None:
    """Build this worker's model with one thread: the processes are the parallelism."""
    global _worker_model
    _die_with_parent(parent)
    from threadpoolctl import threadpool_limits

    os.environ["OMP_NUM_THREADS"] = "1"  # read by torch when it loads
    threadpool_limits(1)  # BLAS libraries already loaded (numpy's)
    _worker_model = build()
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


def _encode_in_worker(texts: list[str], batch_size: int) -> np.ndarray:
    assert _worker_model is not None, "worker started without a model"
    return _worker_model.encode(texts, batch_size=batch_size)


class ParallelEmbedder(Embedder):
    """A model whose large batches are spread over worker processes, each with its own copy.

    Same name, dimension, languages and vectors as the model it wraps (the cache key does
    not change). `build` makes the same model in a worker process (it must be picklable:
    `embedding.factory` passes a partial of its `create_embedder`).
    """

    def __init__(
        self,
        model: Embedder,
        build: Callable[[], Embedder],
        processes: int,
        min_texts: int = MIN_PARALLEL_TEXTS,
    ) -> None:
        self.model = model
        self.build = build
        self.processes = processes
        self.min_texts = min_texts
        self.name = model.name
        self.dimension = model.dimension
        self.languages = model.languages

    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        # Never reached through `encode` (overridden below); through the wrapped model's
        # public method, not its private one.
        return self.model.encode(texts, batch_size=max(1, len(texts)))

    def encode(
        self, texts: Sequence[str], batch_size: int = 32, progress: Progress | None = None
    ) -> np.ndarray:
        """Embed texts; large inputs in length-sorted chunks over the worker processes."""
        if self.processes < 2 or len(texts) < self.min_texts:
            return self.model.encode(texts, batch_size=batch_size, progress=progress)
        order = np.argsort([len(t) for t in texts], kind="stable")
        # Chunks of similar lengths (little padding), several per worker so all finish together.
        size = max(batch_size, min(16 * batch_size, len(texts) // (4 * self.processes) or 1))
        chunks = [order[start : start + size] for start in range(0, len(texts), size)]
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        done = 0
        # "spawn": the caller may hold threads (the service, FAISS, BLAS), which fork would
        # copy in an undefined state.
        context: Any = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=min(self.processes, len(chunks)),
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.build, os.getpid()),
        ) as pool:
            results = pool.map(
                _encode_in_worker,
                [[texts[i] for i in chunk] for chunk in chunks],
                [batch_size] * len(chunks),
            )
            for chunk, vectors in zip(chunks, results, strict=True):
                out[chunk] = vectors
                done += len(chunk)
                if progress:
                    progress(done, len(texts))
        return out


def default_processes() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1

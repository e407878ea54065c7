"""Where the ranking step's blocks run: in this process, or as Ray tasks.

An engine only decides where ``fn(*shared, *args)`` runs for each task; the functions and
their inputs are the same everywhere, so every engine gives the same results.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Iterator
from types import TracebackType
from typing import Any, TypeVar

from ..errors import ConfigurationError

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")
ENGINES = ("local", "ray")


class Engine(ABC):
    """Runs independent tasks and yields each (key, result) as it finishes."""

    name: str

    @abstractmethod
    def map(
        self,
        fn: Callable[..., R],
        shared: tuple[Any, ...],
        tasks: Iterable[tuple[K, tuple[Any, ...]]],
    ) -> Iterator[tuple[K, R]]:
        """``fn(*shared, *args)`` for each ``(key, args)``; `tasks` is read lazily."""

    def close(self) -> None:  # noqa: B027 - a no-op unless the engine started something
        """Release what the engine started."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class LocalEngine(Engine):
    """One task after another in this process (NumPy's BLAS still uses every core)."""

    name = "local"

    def map(
        self,
        fn: Callable[..., R],
        shared: tuple[Any, ...],
        tasks: Iterable[tuple[K, tuple[Any, ...]]],
    ) -> Iterator[tuple[K, R]]:
        for key, args in tasks:
            yield key, fn(*shared, *args)


class RayEngine(Engine):
    """Tasks on a Ray cluster at `address`, or on a local Ray instance started here.

    The shared inputs go to the object store once. At most `max_in_flight` tasks are queued,
    so the driver holds a bounded number of blocks whatever the mission's size. If Ray is
    already initialised (a notebook, a test), that session is used and left running.
    """

    name = "ray"

    def __init__(self, address: str | None = None, max_in_flight: int | None = None):
        try:
            import ray
        except ImportError as exc:
            raise ConfigurationError(
                "the ray engine needs the 'ray' package (pip install 'ray>=2.30')"
            ) from exc
        self._ray = ray
        self._started = False
        if not ray.is_initialized():
            try:
                ray.init(
                    address=address or None,
                    include_dashboard=False,
                    logging_level=logging.WARNING,
                    log_to_driver=False,
                )
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ConfigurationError(f"cannot start or reach Ray ({exc})") from exc
            self._started = True
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.max_in_flight = max_in_flight or max(2, 2 * cpus)

    def map(
        self,
        fn: Callable[..., R],
        shared: tuple[Any, ...],
        tasks: Iterable[tuple[K, tuple[Any, ...]]],
    ) -> Iterator[tuple[K, R]]:
        ray = self._ray
        remote = ray.remote(num_cpus=1, max_retries=1)(fn)
        refs = [ray.put(item) for item in shared]
        pending: dict[Any, K] = {}
        queue = iter(tasks)
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < self.max_in_flight:
                    try:
                        key, args = next(queue)
                    except StopIteration:
                        exhausted = True
                        break
                    pending[remote.remote(*refs, *args)] = key
                if not pending:
                    return
                ready, _ = ray.wait(list(pending), num_returns=1)
                for ref in ready:
                    key = pending.pop(ref)
                    yield key, ray.get(ref)
        finally:
            # Interrupted (Ctrl-C, an error): do not leave the cluster busy with orphans.
            for ref in pending:
                ray.cancel(ref)

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()
            self._started = False


def make_engine(name: str = "local", address: str | None = None) -> Engine:
    """The engine of that name ("local" or "ray")."""
    if name == "local":
        if address:
            raise ValueError("--ray-address needs --engine ray")
        return LocalEngine()
    if name == "ray":
        return RayEngine(address)
    raise ValueError(f"unknown engine '{name}' (one of {', '.join(ENGINES)})")


__all__ = ["ENGINES", "Engine", "LocalEngine", "RayEngine", "make_engine"]

"""The machine's floor for a vector query: measured memory read bandwidth and float32 matmul rate.

A filtered top-k over n float32 vectors of d dimensions reads at least n*d*4 bytes (one scan), so
it cannot beat `floor_scan_ms(n, d, gbs)`; q queries at once are at least 2*q*n*d flops, so they
cannot beat `floor_batch_s(q, n, d, gflops)`. The scale benchmark prints its timings against these.

Run `python benchmarks/hardware.py` for a table (about 15 s). BLAS threads are set with
threadpoolctl, so the figures are for 1 and 2 threads whatever the environment says.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

GB = 1e9


def _best_seconds(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm: page in, spin up BLAS threads
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def memory_bandwidth_gbs(threads: int = 1, size_gb: float = 1.0, repeat: int = 5) -> float:
    """Best measured read bandwidth in GB/s (1e9 bytes) over a `size_gb` float32 array, `threads`
    threads. Takes the best of: the matrix-vector product a scan query does (sgemv of an (n, 512)
    matrix, BLAS limited to `threads`) and a plain sum split over `threads` Python threads (numpy
    releases the GIL). Best of `repeat` runs each."""
    d = 512
    n = max(1, int(size_gb * GB) // (4 * d))
    matrix = np.ones((n, d), dtype=np.float32)  # written once: every page is resident
    vector = np.ones(d, dtype=np.float32)
    nbytes = matrix.nbytes
    chunks = np.array_split(matrix, threads)

    with threadpool_limits(limits=threads, user_api="blas"):
        gemv = _best_seconds(lambda: matrix @ vector, repeat)
    if threads == 1:
        summed = _best_seconds(matrix.sum, repeat)
    else:
        with ThreadPoolExecutor(threads) as pool:
            summed = _best_seconds(lambda: list(pool.map(np.sum, chunks)), repeat)
    return nbytes / min(gemv, summed) / GB


def matmul_gflops(threads: int = 1, repeat: int = 5) -> float:
    """float32 matmul rate in GFLOP/s: (2048 x 512) @ (512 x 8192), BLAS limited to `threads`."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2048, 512), dtype=np.float32)
    b = rng.standard_normal((512, 8192), dtype=np.float32)
    flops = 2.0 * a.shape[0] * a.shape[1] * b.shape[1]
    with threadpool_limits(limits=threads, user_api="blas"):
        seconds = _best_seconds(lambda: a @ b, repeat)
    return flops / seconds / GB


def floor_scan_ms(n: int, d: int, gbs: float) -> float:
    """Milliseconds one read of an n x d float32 matrix needs at `gbs` GB/s."""
    return n * d * 4 / (gbs * GB) * 1000


def floor_batch_s(q: int, n: int, d: int, gflops: float) -> float:
    """Seconds q queries against n x d vectors need at `gflops` (2*q*n*d flops)."""
    return 2.0 * q * n * d / (gflops * GB)


@dataclass(frozen=True)
class Hardware:
    cpu: str
    cores: int
    blas: str
    bandwidth_gbs: dict[int, float]  # threads -> GB/s
    gflops: dict[int, float]  # threads -> GFLOP/s
    load: float  # 1-minute load average before measuring: other work on the machine skews all this


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def numpy_blas() -> str:
    for info in threadpool_info():
        if info.get("user_api") == "blas" and "numpy" in str(info.get("filepath", "")):
            version, arch = info.get("version") or "", info.get("architecture")
            return f"{info['internal_api']} {version} ({arch})"
    return "unknown"


def measure(threads: tuple[int, ...] = (1, 2), size_gb: float = 1.0) -> Hardware:
    cores = os.cpu_count() or 1
    threads = tuple(t for t in threads if t <= cores) or (1,)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return Hardware(
        cpu=cpu_name(),
        cores=cores,
        blas=numpy_blas(),
        load=load,
        bandwidth_gbs={t: memory_bandwidth_gbs(t, size_gb) for t in threads},
        gflops={t: matmul_gflops(t) for t in threads},
    )


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    hw = measure()
    console = Console()
    console.print(f"{hw.cpu}, {hw.cores} cores, numpy BLAS: {hw.blas}, load {hw.load:.2f}")
    if hw.load > 0.5:
        console.print("[yellow]Other work is running: these figures are low and noisy.[/yellow]")
    table = Table(title="Measured")
    table.add_column("threads", justify="right")
    table.add_column("read bandwidth GB/s", justify="right")
    table.add_column("sgemm GFLOP/s", justify="right")
    for t in hw.bandwidth_gbs:
        table.add_row(str(t), f"{hw.bandwidth_gbs[t]:.1f}", f"{hw.gflops[t]:.0f}")
    console.print(table)

    d, q = 512, 1000
    top = max(hw.bandwidth_gbs)
    floors = Table(title=f"Floors, d = {d} float32")
    floors.add_column("N", justify="right")
    floors.add_column("matrix MB", justify="right")
    for t in hw.bandwidth_gbs:
        floors.add_column(f"1 scan ms, {t}T", justify="right")
    floors.add_column(f"{q} queries s, {top}T sgemm", justify="right")
    for n in (10_000, 100_000, 1_000_000):
        floors.add_row(
            f"{n:,}",
            f"{n * d * 4 / 1e6:,.0f}",
            *[f"{floor_scan_ms(n, d, hw.bandwidth_gbs[t]):.2f}" for t in hw.bandwidth_gbs],
            f"{floor_batch_s(q, n, d, hw.gflops[top]):.3f}",
        )
    console.print(floors)


if __name__ == "__main__":
    main()

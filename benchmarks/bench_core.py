"""Core benchmark on the bundled data: import (cold and warm), embedding speed, query latency.

Run by hand: `make bench` or `.venv/bin/python benchmarks/bench_core.py [--backend NAME]`.
Prints a table; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from recommender import BUNDLED_DATA, Settings, Workspace
from recommender.schema import profile_text


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="use-multilingual")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    smes, partners = BUNDLED_DATA / "smes.csv", BUNDLED_DATA / "partners.csv"
    rows: list[tuple[str, str]] = []

    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), embedding_backend=args.backend)
        start = time.perf_counter()
        workspace = Workspace(settings)
        workspace.embedder  # noqa: B018 - load the model outside the import timing
        load_s = time.perf_counter() - start

        start = time.perf_counter()
        report = workspace.import_files(smes, partners)
        workspace.state()
        cold_s = time.perf_counter() - start
        texts = report.embedded

        start = time.perf_counter()
        again = Workspace(settings)
        report2 = again.import_files(smes, partners)
        again.state()
        warm_s = time.perf_counter() - start

        # Raw model speed, no cache: every profile text once, in the library's batches.
        all_texts = [profile_text(r) for r in again.store.all("partner")]
        start = time.perf_counter()
        again.embedder.embedder.encode(all_texts, batch_size=settings.embedding_batch_size)
        per_second = len(all_texts) / (time.perf_counter() - start)

        sme_ids = [s.id for s in again.store.all("sme")]
        again.recommend(sme_ids[0])  # warm the sentence cache used by explanations
        for sme_id in sme_ids:
            again.recommend(sme_id)
        ids = iter(sme_ids * (args.repeat // len(sme_ids) + 1))
        with_expl = timed(lambda: again.recommend(next(ids), top=10), args.repeat)
        ids = iter(sme_ids * (args.repeat // len(sme_ids) + 1))
        bare = timed(lambda: again.recommend(next(ids), top=10, explain=False), args.repeat)
        filtered = timed(
            lambda: again.recommend(sme_ids[0], top=10, org_types=["public_authority"]),
            args.repeat,
        )
        queries = iter(
            ["smart parking sensors", "capteurs de stationnement", "垃圾分类传感器"] * args.repeat
        )
        search = timed(lambda: again.search(next(queries), top=10, explain=False), args.repeat)

    rows += [
        ("model load", f"{load_s:.2f} s"),
        (
            "import cold (validate + embed + store + index)",
            f"{cold_s:.2f} s ({texts} texts embedded)",
        ),
        ("import warm (unchanged files)", f"{warm_s:.2f} s ({report2.embedded} texts embedded)"),
        ("embeddings per second (model alone)", f"{per_second:.0f}"),
    ]
    for label, values in (
        ("recommend, top 10, with explanations", with_expl),
        ("recommend, top 10, no explanations", bare),
        ("recommend with org-type filter", filtered),
        ("free-text search (incl. query embedding)", search),
    ):
        rows.append(
            (
                label,
                f"p50 {statistics.median(values):.1f} ms · p99 {percentile(values, 99):.1f} ms",
            )
        )

    machine = platform.processor() or platform.machine()
    table = Table(
        title=f"ClusterMatch core benchmark · {args.backend} · {machine} · {os.cpu_count()} cores",
        title_justify="left",
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    for row in rows:
        table.add_row(*row)
    Console().print(table)


if __name__ == "__main__":
    main()

"""Import benchmark at scale: validation, cold import, unchanged re-import, 1% changed.

Run by hand: `.venv/bin/python benchmarks/bench_import.py --sizes 10000 100000 1000000`.
Each size runs in its own process (so peak RSS is that size's) on a synthetic partner file,
in a scratch data folder with the `hashing` backend. Prints a table; nothing is asserted
except that an unchanged re-import embeds nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from recommender import Settings, Workspace
from recommender.profiles import load_profile_file
from recommender.synth import write

PG_SERVER = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
CHANGED_SHARE = 0.01


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


@contextmanager
def database(postgres: bool) -> Iterator[str]:
    """An empty database: a SQLite file in the folder, or a scratch PostgreSQL database."""
    if not postgres:
        yield ""  # the workspace's default SQLite file
        return
    import psycopg

    name = f"cm_bench_{secrets.token_hex(6)}"
    with psycopg.connect(PG_SERVER, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.format(name=name)
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def changed_copy(path: Path, out: Path) -> int:
    """A copy of a partner file with every 1/CHANGED_SHARE-th description edited."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = frame.index[:: round(1 / CHANGED_SHARE)]
    frame.loc[rows, "description"] = frame.loc[rows, "description"] + " Now also in Europe."
    frame.to_csv(out, index=False, lineterminator="\n")
    return len(rows)


def import_once(settings: Settings, partners: Path) -> tuple[dict[str, Any], float]:
    """One import in a fresh workspace (as the CLI does), the model loaded outside the timing."""
    workspace = Workspace(settings)
    workspace.embedder  # noqa: B018
    try:
        report, seconds = timed(lambda: workspace.import_files(partners=partners))
    finally:
        workspace.close()
    counts = report.counts["partner"]
    return {
        "embedded": report.embedded,
        "added": counts.added,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
    }, seconds


def run_size(n: int, partners: Path, changed_file: Path, postgres: bool) -> dict[str, Any]:
    """Every phase for one size; returns seconds, counts and peak RSS after each phase."""
    out: dict[str, Any] = {"n": n, "phases": []}

    def phase(name: str, seconds: float, **info: Any) -> None:
        out["phases"].append({"phase": name, "s": seconds, "rss": peak_rss_mb(), **info})

    loaded, seconds = timed(lambda: load_profile_file(partners, "partner"))
    phase("validate only", seconds)
    del loaded

    with tempfile.TemporaryDirectory() as home, database(postgres) as url:
        settings = Settings(home=Path(home), embedding_backend="hashing", database_url=url)
        info, seconds = import_once(settings, partners)
        phase("cold import", seconds, **info)
        info, seconds = import_once(settings, partners)
        assert info["embedded"] == 0, f"an unchanged re-import embedded {info['embedded']}"
        phase("warm re-import", seconds, **info)
        info, seconds = import_once(settings, changed_file)
        phase(f"{CHANGED_SHARE:.0%} changed", seconds, **info)
    return out


def measure(n: int, postgres: bool) -> dict[str, Any]:
    """Write the files here, then time them in a child process so its peak RSS is this size's."""
    with tempfile.TemporaryDirectory() as tmp:
        _, partners = write(Path(tmp), n_smes=50, n_partners=n, seed=1)
        changed_file = Path(tmp) / "changed.csv"
        changed_copy(partners, changed_file)
        command = [sys.executable, __file__, "--worker", str(n), str(partners), str(changed_file)]
        if postgres:
            command.append("--postgres")
        done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def table(results: list[dict[str, Any]], backend: str) -> Table:
    out = Table(
        title=f"Partner import, hashing backend, {backend} "
        f"({platform.processor() or platform.machine()}, {os.cpu_count()} CPUs)",
        caption="each import in a fresh workspace; store: +added ~updated =unchanged; "
        "peak RSS: of the process, after the phase",
    )
    for column in ("rows", "phase", "seconds", "rows/s", "embedded", "store", "peak RSS"):
        out.add_column(column, justify="left" if column == "phase" else "right")
    for result in results:
        n = result["n"]
        for p in result["phases"]:
            store = f"+{p['added']} ~{p['updated']} ={p['unchanged']}" if "added" in p else ""
            out.add_row(
                f"{n:,}",
                p["phase"],
                f"{p['s']:.2f}",
                f"{n / p['s']:,.0f}" if p["s"] else "",
                str(p.get("embedded", "")),
                store,
                f"{p['rss']:,.0f} MB",
            )
        out.add_section()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--postgres", action="store_true", help="a scratch database on 127.0.0.1:5432"
    )
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        n, partners, changed = args.worker
        print(json.dumps(run_size(int(n), Path(partners), Path(changed), args.postgres)))
        return
    results = [measure(n, args.postgres) for n in args.sizes]
    Console(width=120).print(table(results, "PostgreSQL" if args.postgres else "SQLite"))


if __name__ == "__main__":
    main()

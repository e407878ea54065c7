"""HTTP benchmark: latency of GET /api/v1/smes/{id}/leads under concurrent clients.

Starts `clustermatch serve` as a real process on the bundled data (default backend:
use-multilingual, the production model) in a temporary data folder, creates a token, then
sends requests from N client threads to 127.0.0.1 only: first one request per SME (cold:
the explanations embed the leads' sentences), then a fixed number for random SMEs (warm).
Run by hand: `.venv/bin/python benchmarks/bench_http.py [--requests 2000] [--concurrency 20]`.
Prints a table; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(env: dict[str, str], *args: str) -> str:
    """Run a clustermatch command; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "recommender", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with code {process.returncode}")
        try:
            ready = httpx.get(f"{url}/readyz", timeout=5)
            if ready.status_code == 200:
                return dict(ready.json())
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not become ready in time")


def load(
    url: str, token: str, plan: list[str], concurrency: int, top: int
) -> tuple[list[float], int, float]:
    """Latencies (ms) of one GET per SME id in `plan`, spread over `concurrency` threads;
    the number of non-200 answers; the wall time."""
    chunks = [plan[i::concurrency] for i in range(concurrency)]
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    start_line = threading.Barrier(concurrency + 1)

    def client(ids: list[str]) -> None:
        nonlocal errors
        mine, failed = [], 0
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, headers=headers, timeout=300) as http:
            start_line.wait()
            for sme_id in ids:
                began = time.perf_counter()
                try:
                    response = http.get(f"/api/v1/smes/{sme_id}/leads", params={"top": top})
                    failed += response.status_code != 200
                except httpx.TransportError:
                    failed += 1
                mine.append((time.perf_counter() - began) * 1000)
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="use-multilingual")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "CLUSTERMATCH_HOME": home,
            "CLUSTERMATCH_EMBEDDING_BACKEND": args.backend,
            "CLUSTERMATCH_DATABASE_URL": "",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }
        cli(
            env,
            "import",
            "--smes",
            str(DATA / "smes.csv"),
            "--partners",
            str(DATA / "partners.csv"),
        )
        token = cli(env, "token", "create", "--role", "admin", "--label", "bench_http")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = (Path(home) / "server.log").open("wb")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "recommender",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            started = time.perf_counter()
            ready = wait_ready(url, server, timeout=600)
            startup_s = time.perf_counter() - started
            headers = {"Authorization": f"Bearer {token}"}
            page = httpx.get(f"{url}/api/v1/smes?limit=500", headers=headers, timeout=30).json()
            sme_ids = [s["id"] for s in page["items"]]
            rng = random.Random(args.seed)
            # Cold: the first request for each SME embeds its leads' sentences (explanations).
            cold = load(url, token, rng.sample(sme_ids, len(sme_ids)), args.concurrency, args.top)
            # Warm: those sentences are cached, as in a service that has been up for a while.
            plan = [rng.choice(sme_ids) for _ in range(args.requests)]
            warm = load(url, token, plan, args.concurrency, args.top)
            alone = load(url, token, plan[:200], 1, args.top)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()

    machine = platform.processor() or platform.machine()
    table = Table(
        title=(
            f"ClusterMatch HTTP benchmark · GET /api/v1/smes/{{id}}/leads?top={args.top} · "
            f"{ready['model']} · {ready['smes']} SMEs, {ready['partners']} partners · "
            f"{machine} · {os.cpu_count()} cores · server ready in {startup_s:.1f} s"
        ),
        title_justify="left",
    )
    columns = ("phase", "requests", "concurrency", "p50", "p95", "p99", "max", "throughput")
    for column in (*columns, "errors"):
        table.add_column(column, justify="left" if column == "phase" else "right")
    for phase, clients, (latencies, errors, wall) in (
        ("cold: 1st request per SME", args.concurrency, cold),
        ("warm: random SMEs", args.concurrency, warm),
        ("warm: one client alone", 1, alone),
    ):
        values = np.asarray(latencies)
        table.add_row(
            phase,
            str(len(values)),
            str(clients),
            *(f"{np.percentile(values, q):.1f} ms" for q in (50, 95, 99)),
            f"{values.max():.1f} ms",
            f"{len(values) / wall:.0f} req/s",
            str(errors),
        )
    Console(width=150).print(table)


if __name__ == "__main__":
    main()

"""Killing the server during a bulk import: a real `clustermatch serve` process and SIGKILL.

Each round uploads a large partner file, kills the server part-way (early, in the middle, and
as soon as the import transaction starts writing to the database), restarts it and checks:
the store holds either none or all of the file's rows; an import that was acknowledged is
all there; the index served after the restart matches the database.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

from .conftest import PARTNERS_PER_MARKET

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BULK_ROWS = 20_000
WORDS = (
    "parking sensors charging stations fleet telematics rail freight lidar battery scooters "
    "bus ticketing safety traffic logistics drones hydrogen curb mapping tolling"
).split()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bulk_csv(prefix: str, rows: int) -> bytes:
    """Valid partner rows with varied texts (every one embedded, none cached)."""
    records = [
        {
            "id": f"{prefix}-{i:06d}",
            "name": f"Bulk Partner {prefix} {i}",
            "country": ("US", "CA", "CN", "SG")[i % 4],
            "city": "Springfield",
            "org_type": "corporate",
            "description": f"Bulkco {prefix} {i} works on "
            + " ".join(WORDS[(i * 7 + k * k) % len(WORDS)] for k in range(20))
            + f". Reference {i}.",
            "sectors": "mobility",
            "language": "en",
        }
        for i in range(rows)
    ]
    return pd.DataFrame(records).to_csv(index=False).encode("utf-8")


@dataclass
class Server:
    """`clustermatch serve` on a data folder, restartable; always killed at teardown."""

    home: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None
    token: str = ""

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "CLUSTERMATCH_HOME": str(self.home),
            "CLUSTERMATCH_EMBEDDING_BACKEND": "hashing",
            "CLUSTERMATCH_MAX_UPLOAD_BYTES": str(64 * 1024 * 1024),
            "CLUSTERMATCH_DATABASE_URL": "",
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.home / "clustermatch.sqlite"

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "recommender", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout.strip()

    def start(self) -> dict[str, Any]:
        log = (self.home / "server.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "recommender", "serve", "--port", str(self.port)],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_tail()
            try:
                ready = httpx.get(f"{self.url}/readyz", timeout=2)
                if ready.status_code == 200:
                    return dict(ready.json())
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the server never became ready:\n{self.log_tail()}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def log_tail(self) -> str:
        path = self.home / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def upload(self, side: str, name: str, data: bytes) -> httpx.Response:
        return httpx.post(
            f"{self.url}/api/v1/{side}/import",
            headers=self.headers(),
            files={"file": (name, data, "text/csv")},
            timeout=300,
        )

    def partner_ids(self) -> set[str]:
        """What the database holds, read directly (not through the server)."""
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as db:
            return {row[0] for row in db.execute("SELECT id FROM partners")}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "home")
    running.home.mkdir()
    try:
        yield running
    finally:
        running.kill()


def _wait_for_the_transaction(server: Server, sent: threading.Event, limit: float) -> None:
    """Return as soon as the database file changes after the upload went out (its WAL grows
    while the import transaction writes, before it commits), or after `limit` seconds."""
    wal = server.database.with_name(server.database.name + "-wal")

    def stamp() -> tuple[int, int]:
        try:
            st = wal.stat()
        except FileNotFoundError:
            return (0, 0)
        return (st.st_size, st.st_mtime_ns)

    sent.wait(timeout=30)
    before = stamp()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and stamp() == before:
        time.sleep(0.002)


# When to kill: a fixed delay after the upload starts (reading, parsing, embedding); as soon as
# the import transaction writes; or right after the server acknowledged the import.
KILLS = [("delay", 0.3), ("delay", 2.5), ("transaction", 60.0), ("acknowledged", 120.0)]


def _upload_in_background(
    server: Server, data: bytes
) -> tuple[threading.Thread, threading.Event, dict[str, Any]]:
    """Start the upload in a thread: (thread, set when it starts, {'response' or 'error'})."""
    answer: dict[str, Any] = {}
    sent = threading.Event()

    def post() -> None:
        sent.set()
        try:
            answer["response"] = server.upload("partners", "bulk.csv", data)
        except httpx.TransportError as exc:  # the server died under us
            answer["error"] = exc

    thread = threading.Thread(target=post, daemon=True)
    thread.start()
    return thread, sent, answer


def test_a_killed_import_is_all_or_nothing_and_the_index_follows(
    server: Server, subset_files: tuple[Path, Path]
) -> None:
    smes, partners = subset_files
    server.token = server.cli("token", "create", "--role", "admin")
    server.start()
    assert server.upload("smes", "smes.csv", smes.read_bytes()).status_code == 200
    assert server.upload("partners", "partners.csv", partners.read_bytes()).status_code == 200
    assert len(server.partner_ids()) == 4 * PARTNERS_PER_MARKET

    outcomes = []
    for round_number, (how, amount) in enumerate(KILLS):
        prefix = f"bulk{round_number}"
        data = _bulk_csv(prefix, BULK_ROWS)
        before = server.partner_ids()
        thread, sent, answer = _upload_in_background(server, data)
        if how == "delay":
            sent.wait(timeout=30)
            time.sleep(amount)
        elif how == "transaction":
            _wait_for_the_transaction(server, sent, amount)
        else:  # right after the acknowledgement
            thread.join(timeout=amount)
        server.kill()
        thread.join(timeout=60)
        acknowledged = "response" in answer and answer["response"].status_code == 200

        after = server.partner_ids()
        bulk = {f"{prefix}-{i:06d}" for i in range(BULK_ROWS)}
        assert after in (before, before | bulk), (
            f"round {round_number} ({how} {amount}): a half import, "
            f"{len(after - before)} of {BULK_ROWS} rows"
        )
        if acknowledged:
            assert after == before | bulk, "an acknowledged import was lost"
        if how == "acknowledged":
            assert acknowledged, answer
        outcomes.append(f"{how}: {'committed' if after != before else 'nothing'}")

        ready = server.start()
        assert ready["partners"] == len(after), "the index does not match the database"
        found = httpx.get(
            f"{server.url}/api/v1/search",
            params={"q": f"Bulkco {prefix} works on parking sensors lidar", "top": 200},
            headers=server.headers(),
            timeout=30,
        )
        assert found.status_code == 200, found.text
        ids = {r["id"] for r in found.json()["results"]}
        assert ids and ids <= after, "the search returned partners the database does not hold"
        assert bool(ids & bulk) == (after != before)
        listed = httpx.get(
            f"{server.url}/api/v1/partners?limit=1", headers=server.headers(), timeout=30
        )
        assert listed.json()["total"] == len(after)
    print("kill outcomes:", outcomes)

"""Embedding worker processes end with their parent, even when it is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
# A parent that keeps two hashing workers busy until it is killed.
PARENT = """
import itertools, sys
from functools import partial
from recommender.embedding.backends import HashingEmbedder
from recommender.embedding.factory import create_embedder
from recommender.embedding.parallel import ParallelEmbedder
build = partial(create_embedder, "hashing")
embedder = ParallelEmbedder(HashingEmbedder(), build, processes=2, min_texts=1)
said = False
def working(done, total):
    # Results came back: the workers are past their start-up and embedding.
    global said
    if not said:
        print("working", flush=True)
        said = True
for n in itertools.count():
    embedder.encode([f"text {n} {i}" for i in range(200_000)], batch_size=64, progress=working)
"""


def _alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE  # a zombie is dead, not yet reaped
    except psutil.NoSuchProcess:
        return False


def test_workers_die_with_a_killed_parent() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], env=env, stdout=subprocess.PIPE, text=True
    )
    workers: list[psutil.Process] = []
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "working"
        me = psutil.Process(parent.pid)
        deadline = time.monotonic() + 60
        while len(workers) < 3 and time.monotonic() < deadline:
            # The two workers and the resource tracker: all of the parent's descendants.
            workers = [c for c in me.children(recursive=True) if _alive(c)]
            time.sleep(0.1)
        assert len(workers) == 3, "the workers did not start"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [w.pid for w in workers if _alive(w)]
        assert left == [], f"orphaned processes still alive: {left}"
    finally:
        if parent.poll() is None:
            parent.kill()
        for worker in workers:  # only what this test started, should it have failed
            if _alive(worker):
                worker.kill()

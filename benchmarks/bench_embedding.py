"""Embedding throughput per backend, precision and thread count; nDCG@10 of int8 against float32.

Run by hand: `.venv/bin/python benchmarks/bench_embedding.py [--texts 300] [--repeat 2]`.
Prints two Rich tables; nothing here is asserted. Takes several minutes on 2 cores (MiniLM
embeds about 10 long profile texts a second per core); `--quick` runs a smaller version.

Speed: the bundled profile texts (partners then SMEs, cycled up to `--texts`), embedded by the
backend's own `Embedder.encode` (length-sorted batches, no cache). The configurations are
interleaved in every round, so other load on the machine spreads over all of them; the table
shows the median and the best round, each round, and how many CPU cores other processes kept
busy during each round (from /proc/stat): compare threads only where that is near 0.

Quality: each model imports the bundled data into a temporary home, then dense and hybrid
nDCG@10 on data/judgments.csv, per segment, with the difference int8 minus float32.
`--torch-default-int8` adds a row for torch's default dynamic int8 recipe (every Linear, one
scale per tensor), which is what `quantize_int8` improves on.
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.table import Table

from recommender import (
    BUNDLED_DATA,
    Settings,
    Workspace,
    evaluate_workspace,
    load_judgments,
)
from recommender.config import EmbeddingBackend
from recommender.embedding import Embedder
from recommender.embedding.backends import (
    SentenceTransformerEmbedder,
    UseMultilingualEmbedder,
)
from recommender.evaluation import Judgments
from recommender.profiles import load_profile_file
from recommender.schema import profile_text

SEGMENTS = ("all", "non-English SMEs", "cross-lingual")
RANKERS = ("dense", "hybrid")


def bundled_texts(n: int) -> list[str]:
    """The texts an import embeds, partners then SMEs, cycled to n."""
    records = (
        load_profile_file(BUNDLED_DATA / "partners.csv", "partner").records
        + load_profile_file(BUNDLED_DATA / "smes.csv", "sme").records
    )
    texts = [profile_text(r) for r in records]
    return [texts[i % len(texts)] for i in range(n)]


def busy_cpu_seconds() -> float | None:
    """CPU seconds the whole machine has been busy (Linux /proc/stat), None elsewhere."""
    try:
        with open("/proc/stat") as handle:
            fields = handle.readline().split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def timed_encode(model: Embedder, texts: list[str], batch: int) -> tuple[float, float | None]:
    """(texts per second, CPU cores other processes kept busy meanwhile, if known)."""
    busy, own = busy_cpu_seconds(), time.process_time()
    start = time.perf_counter()
    model.encode(texts, batch_size=batch)
    wall = time.perf_counter() - start
    busy_after, own_after = busy_cpu_seconds(), time.process_time()
    others = None
    if busy is not None and busy_after is not None:
        others = max(0.0, (busy_after - busy) - (own_after - own)) / wall
    return len(texts) / wall, others


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """torch intra-op threads set to n for the block (None: leave them)."""
    if n is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def torch_default_int8(model: SentenceTransformerEmbedder) -> SentenceTransformerEmbedder:
    """A copy of a float32 MiniLM embedder quantised with torch's default dynamic recipe."""
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from torch.ao.quantization import quantize_dynamic

        out = copy.copy(model)
        out._model = quantize_dynamic(
            copy.deepcopy(model._model), {torch.nn.Linear}, dtype=torch.qint8
        )
    out.name = model.name + "+int8-torch-default"
    return out


def speed_table(args: argparse.Namespace, console: Console) -> None:
    texts = bundled_texts(args.texts)
    chars = sum(map(len, texts)) / len(texts)
    # (backend, precision, threads, embedder): USE takes its BLAS threads when built; torch's
    # intra-op threads are process-wide, so they are set around each timed call.
    configs: list[tuple[str, str, int, Embedder]] = [
        ("use-multilingual", "fp32", n, UseMultilingualEmbedder(threads=n)) for n in (1, 2)
    ]
    if not args.skip_minilm:
        fp32 = SentenceTransformerEmbedder()
        int8 = SentenceTransformerEmbedder(int8=True)
        for n in (1, 2):
            configs.append(("sentence-transformers", "fp32", n, fp32))
            configs.append(("sentence-transformers", "int8", n, int8))
    for *_, model in configs:
        model.encode(texts[:16])  # load lazily-built parts, spin up thread pools
    timings: dict[tuple[int, int], list[tuple[float, float | None]]] = {}
    load_before = os.getloadavg()[0]
    for _ in range(args.repeat):
        for number, (backend, _precision, threads, model) in enumerate(configs):
            for batch in args.batch_sizes:
                with torch_threads(threads if backend == "sentence-transformers" else None):
                    timing = timed_encode(model, texts, batch)
                timings.setdefault((number, batch), []).append(timing)
    load_after = os.getloadavg()[0]

    table = Table(
        title=f"Embedding throughput: {len(texts)} bundled profile texts ({chars:.0f} chars on "
        f"average), {args.repeat} rounds; {os.cpu_count()} CPUs ({platform.processor() or '?'}), "
        f"load average {load_before:.2f} before, {load_after:.2f} after",
        title_justify="left",
    )
    for column in ("backend", "precision", "threads", "batch"):
        table.add_column(column)
    table.add_column("texts/s median", justify="right")
    table.add_column("texts/s best", justify="right")
    table.add_column("texts/s per round", justify="right")
    table.add_column("others' cores per round", justify="right")
    for (number, batch), runs in timings.items():
        backend, precision, threads, _model = configs[number]
        rates = [rate for rate, _ in runs]
        table.add_row(
            backend,
            precision,
            str(threads),
            str(batch),
            f"{statistics.median(rates):.1f}",
            f"{max(rates):.1f}",
            " ".join(f"{rate:.1f}" for rate in rates),
            " ".join("?" if others is None else f"{others:.2f}" for _, others in runs),
        )
    console.print(table)


def ndcg(
    model: Embedder, backend: EmbeddingBackend, judgments: Judgments
) -> tuple[dict[tuple[str, str], float], float]:
    """nDCG@10 per (segment, ranker) after importing the bundled data; and the import seconds."""
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), database_url="", embedding_backend=backend)
        workspace = Workspace(settings, embedder=model)
        try:
            start = time.perf_counter()
            workspace.import_files(
                smes=BUNDLED_DATA / "smes.csv", partners=BUNDLED_DATA / "partners.csv"
            )
            seconds = time.perf_counter() - start
            frame = evaluate_workspace(workspace, judgments, list(RANKERS))
        finally:
            workspace.close()
    values = {(r["segment"], r["ranker"]): float(r["ndcg@10"]) for r in frame.to_dict("records")}
    return values, seconds


def quality_table(args: argparse.Namespace, console: Console) -> None:
    judgments = load_judgments(BUNDLED_DATA / "judgments.csv")
    runs: list[tuple[str, Callable[[], Embedder], EmbeddingBackend]] = [
        ("use-multilingual fp32 (default)", UseMultilingualEmbedder, "use-multilingual"),
    ]
    if not args.skip_minilm:
        runs += [
            ("MiniLM fp32", SentenceTransformerEmbedder, "sentence-transformers"),
            (
                "MiniLM int8",
                lambda: SentenceTransformerEmbedder(int8=True),
                "sentence-transformers",
            ),
        ]
        if args.torch_default_int8:
            runs.append(
                (
                    "MiniLM int8, torch defaults",
                    lambda: torch_default_int8(SentenceTransformerEmbedder()),
                    "sentence-transformers",
                )
            )
    results = {}
    for label, make, backend in runs:
        with torch_threads(1 if backend == "sentence-transformers" else None):
            results[label] = ndcg(make(), backend, judgments)

    table = Table(
        title="nDCG@10 on data/judgments.csv; in brackets int8 minus MiniLM fp32 "
        "(the bar: lose at most 0.01)",
        title_justify="left",
    )
    for column in ("model", "ranker", *SEGMENTS, "import s", "worst loss"):
        table.add_column(column, justify="left" if column in ("model", "ranker") else "right")
    reference = results.get("MiniLM fp32")
    for label, (values, seconds) in results.items():
        for ranker in RANKERS:
            cells = []
            deltas = []
            for segment in SEGMENTS:
                value = values[(segment, ranker)]
                cell = f"{value:.4f}"
                if reference and label.startswith("MiniLM int8"):
                    delta = value - reference[0][(segment, ranker)]
                    deltas.append(delta)
                    cell += f" ({delta:+.4f})"
                cells.append(cell)
            worst = ""
            if deltas:
                low, high = min(deltas), max(deltas)
                worst = f"{low:+.4f} " + ("ok" if low >= -0.01 else "LOSES > 0.01")
                if high > 0.01:
                    worst += f" (gains {high:+.4f})"
            table.add_row(label, ranker, *cells, f"{seconds:.0f}", worst)
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=300, help="texts per speed round")
    parser.add_argument("--repeat", type=int, default=2, help="speed rounds")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 64])
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-minilm", action="store_true", help="USE only")
    parser.add_argument(
        "--torch-default-int8",
        action="store_true",
        help="also evaluate torch's default int8 recipe (for comparison)",
    )
    parser.add_argument("--quick", action="store_true", help="100 texts, 1 round, batch 32")
    args = parser.parse_args()
    if args.quick:
        args.texts, args.repeat, args.batch_sizes = 100, 1, [32]
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)  # piped: don't squeeze the tables into 80 columns
    if not args.skip_speed:
        speed_table(args, console)
    if not args.skip_quality:
        quality_table(args, console)


if __name__ == "__main__":
    main()

"""Scale benchmark: 10k, 100k and 1M partner profiles, against peers and the hardware floor.

Run by hand: `make bench-scale`, or
`.venv/bin/python benchmarks/bench_scale.py --sizes 10000 100000 1000000`. Prints tables;
nothing here is asserted.

Profiles come from `clustermatch synth`. Embedding a million profiles with the real model
would take hours on 2 cores, so the vectors are the real model's geometry at any size: the
first `--base` partner texts are embedded with the real model (that run gives the embeddings
per second), and every profile text maps, by a hash of the text, to one of those real vectors
plus Gaussian jitter (cosine about 0.9 to its source). Free-text queries are embedded by the
real model itself, so search latency includes a real query embedding. Everything after the
vectors is the code users run: `Workspace` import, store, cache, index, rankers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hardware
import peers as peer_module

from recommender import Settings, Workspace
from recommender.embedding import Embedder, create_embedder
from recommender.embedding.parallel import ParallelEmbedder, default_processes
from recommender.index import VectorIndex
from recommender.profiles import validate_rows
from recommender.schema import profile_text
from recommender.synth import generate, write

console = Console(width=150)
SEARCHES = [
    "parking sensors for city streets",
    "electric vehicle charging hubs for fleets",
    "capteurs de remplissage pour conteneurs de déchets",
    "Ticketing-Plattform in der Cloud für Verkehrsbetriebe",
    "autonomous shuttle pilots with a city government",
    "connected helmets for scooter riders",
    "distributor of smart mobility hardware in Singapore",
    "智能交通 合作伙伴",
]


class JitteredModel(Embedder):
    """Real-model vectors at any scale: a text's hash picks a real vector, plus jitter."""

    def __init__(self, real: Embedder, base: np.ndarray, jitter: float = 0.48):
        self.real, self.base, self.jitter = real, base, jitter
        self.dimension = real.dimension
        self.languages = real.languages
        self.name = f"{real.name}+jitter{jitter}@{len(base)}"

    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        keys = [int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest()) for t in texts]
        rng = np.random.default_rng(keys)
        noise = rng.standard_normal((len(texts), self.dimension)).astype(np.float32)
        picks = np.array([k % len(self.base) for k in keys])
        return self.base[picks] + self.jitter * noise / np.sqrt(self.dimension)

    def encode_one(self, text: str) -> np.ndarray:
        """Queries typed by a user go through the real model."""
        return self.real.encode_one(text)


def ms(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000, q))


def timed(fn: Callable[[Any], Any], calls: Sequence[Any]) -> list[float]:
    out = []
    for call in calls:
        start = time.perf_counter()
        fn(call)
        out.append(time.perf_counter() - start)
    return out


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sparse_bytes(matrix: Any) -> int:
    return int(matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes)


def memory_per_profile(workspace: Workspace, folder: Path) -> dict[str, float]:
    """Bytes per partner held in RAM by the index, the lexical model and the id maps."""
    state = workspace.state()
    partners = state.partners
    n = max(len(partners.records), 1)
    index_bytes = sum(f.stat().st_size for f in folder.rglob("partner/vectors.faiss"))
    lexical = (
        sparse_bytes(partners.lexical.by_doc)
        + sparse_bytes(partners.lexical.by_term)
        + sparse_bytes(partners.sectors)
    )
    ids = partners.index.ids
    id_maps = (
        sys.getsizeof(ids)
        + sum(sys.getsizeof(i) for i in ids)
        + sys.getsizeof(partners.row)
        + sum(c.codes.nbytes for c in (partners.country, partners.language, partners.org_type))
        + partners.city.codes.nbytes
    )
    return {
        "index": index_bytes / n,
        "lexical": lexical / n,
        "id_maps": id_maps / n,
        "total": (index_bytes + lexical + id_maps) / n,
    }


def run_size(
    n: int, args: argparse.Namespace, model: JitteredModel, hw: hardware.Hardware
) -> dict[str, Any]:
    result: dict[str, Any] = {"partners": n}
    rng = np.random.default_rng(n)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        smes_csv, partners_csv = write(folder / "data", args.smes, n, seed=args.seed)
        settings = Settings(home=folder / "home", embedding_backend="hashing")

        workspace = Workspace(settings, embedder=model)
        start = time.perf_counter()
        report = workspace.import_files(smes_csv, partners_csv)
        result["import_cold_s"] = time.perf_counter() - start
        result["embedded_cold"] = report.embedded
        start = time.perf_counter()
        state = workspace.state()
        result["first_load_s"] = time.perf_counter() - start
        partners = state.partners
        vectors = partners.vectors
        start = time.perf_counter()
        countries = partners.country.at(np.arange(len(partners.records))).tolist()
        rebuilt = VectorIndex(partners.index.ids, vectors, "bench", "bench", partition=countries)
        result["index_build_s"] = time.perf_counter() - start
        result["index_type"] = rebuilt.index_type
        del rebuilt
        workspace.close()

        workspace = Workspace(settings, embedder=model)
        start = time.perf_counter()
        report = workspace.import_files(smes_csv, partners_csv)
        result["import_warm_s"] = time.perf_counter() - start
        result["embedded_warm"] = report.embedded
        start = time.perf_counter()
        state = workspace.state()
        result["restart_load_s"] = time.perf_counter() - start
        partners = state.partners
        vectors = partners.vectors
        result["memory_bytes_per_profile"] = memory_per_profile(workspace, folder / "home")
        home = folder / "home"
        result["store_disk_bytes_per_profile"] = (home / "clustermatch.sqlite").stat().st_size / n
        result["cache_disk_bytes_per_profile"] = (home / "embeddings.sqlite").stat().st_size / n

        smes = state.smes.records
        sample = [smes[i] for i in rng.choice(len(smes), min(args.queries, len(smes)), False)]
        sme_ids = [s.id for s in sample]
        for sme_id in sme_ids[:5]:
            workspace.recommend(sme_id, explain=False)  # first-touch costs out of the timing
        leads = timed(lambda i: workspace.recommend(i, top=10, explain=False), sme_ids)
        filtered = timed(
            lambda i: workspace.recommend(i, top=10, org_types=["public_authority"], explain=False),
            sme_ids,
        )
        city_share = pd.Series(partners.city.at(np.arange(len(partners.records)))).value_counts(
            normalize=True
        )
        city = str((city_share - 0.01).abs().idxmin())
        one_percent = timed(
            lambda i: workspace.recommend(i, top=10, cities=[city], explain=False), sme_ids
        )
        explained = timed(lambda i: workspace.recommend(i, top=10), sme_ids[:50])
        workspace.search(SEARCHES[0])
        searches = timed(
            lambda q: workspace.search(q, top=10, explain=False),
            [SEARCHES[i % len(SEARCHES)] for i in range(args.queries)],
        )
        result["leads_ms"] = (ms(leads, 50), ms(leads, 99))
        result["leads_org_filter_ms"] = (ms(filtered, 50), ms(filtered, 99))
        result["leads_city_filter_ms"] = (ms(one_percent, 50), ms(one_percent, 99))
        result["city_filter_share"] = float(city_share[city])
        result["leads_explained_ms"] = (ms(explained, 50), ms(explained, 99))
        result["search_ms"] = (ms(searches, 50), ms(searches, 99))

        # Dense retrieval alone, and its recall against an exact scan, with the market filter.
        queries = [(state.smes.vectors[state.smes.row[s.id]], s.markets) for s in sample]
        masks = {m: partners.market_mask(m) for _, m in queries}
        found, dense_times = [], []
        for vector, markets in queries:
            start = time.perf_counter()
            _, rows = partners.index.search(vector, 10, masks[markets], partitions=markets)
            dense_times.append(time.perf_counter() - start)
            found.append(rows[0].tolist())
        # The exact answers come after the timed loop: a multi-threaded BLAS scan between two
        # searches leaves its threads spinning and inflates the next search's time.
        exact = [peer_module.exact_top_k(vectors, masks[m], vector, 10) for vector, m in queries]
        result["dense_ms"] = (ms(dense_times, 50), ms(dense_times, 99))
        result["recall_at_10"] = float(
            np.mean([peer_module.recall_at_k(f, e, 10) for f, e in zip(found, exact, strict=True)])
        )
        one_pct_mask = partners.city.mask([city])
        filtered_recall = []
        for vector, _ in queries[:50]:
            _, rows = partners.index.search(vector, 10, one_pct_mask)
            truth = peer_module.exact_top_k(vectors, one_pct_mask, vector, 10)
            filtered_recall.append(peer_module.recall_at_k(rows[0].tolist(), truth, 10))
            assert (rows[0] >= 0).all()
        result["recall_at_10_city_filter"] = float(np.mean(filtered_recall))

        start = time.perf_counter()
        every = workspace.recommend_all(top=10)
        result["batch_s"] = time.perf_counter() - start
        result["batch_smes"] = len(every)

        result["peers"] = run_peers(n, args, partners, vectors, queries, exact, result)
        result["rss_mb"] = rss_mb()
        workspace.close()
    floors = {
        "scan_ms": hardware.floor_scan_ms(n, model.dimension, max(hw.bandwidth_gbs.values())),
        "batch_s": hardware.floor_batch_s(args.smes, n, model.dimension, max(hw.gflops.values())),
    }
    result["floor"] = floors
    return result


def run_peers(
    n: int,
    args: argparse.Namespace,
    partners: Any,
    vectors: np.ndarray,
    queries: list[tuple[np.ndarray, tuple[str, ...]]],
    exact: list[list[int]],
    result: dict[str, Any],
) -> list[dict[str, Any]]:
    frame = pd.DataFrame(
        {
            "id": partners.index.ids,
            "country": partners.country.at(np.arange(n)),
            "org_type": partners.org_type.at(np.arange(n)),
            "city": partners.city.at(np.arange(n)),
        }
    )
    chosen: list[Any] = [peer_module.PandasSklearnLoop(), peer_module.SemanticSearch()]
    if peer_module.txtai_installed() and n <= args.txtai_max:
        chosen += [peer_module.Txtai(), peer_module.Txtai(exact=True)]
    out = []
    for peer in chosen:
        start = time.perf_counter()
        peer.build(vectors, frame, None)
        build_s = time.perf_counter() - start
        calls = queries[: args.peer_queries]
        peer.query(calls[0][0], list(calls[0][1]), None, 10)  # first-call costs out of timing
        answers: list[list[int]] = []
        times = []
        for vector, markets in calls:
            start = time.perf_counter()
            answers.append(peer.query(vector, list(markets), None, 10))
            times.append(time.perf_counter() - start)
        recall = np.mean(
            [peer_module.recall_at_k(a, e, 10) for a, e in zip(answers, exact, strict=False)]
        )
        out.append(
            {
                "name": f"txtai, {peer.description}"
                if isinstance(peer, peer_module.Txtai)
                else peer.name,
                "build_s": build_s,
                "ms": (ms(times, 50), ms(times, 99)),
                "recall_at_10": float(recall),
                "vs_leads": ms(times, 50) / result["leads_ms"][0],
                "vs_dense": ms(times, 50) / result["dense_ms"][0],
            }
        )
        peer.close()
    return out


def print_size(r: dict[str, Any]) -> None:
    n = r["partners"]
    table = Table(title=f"{n:,} partners, {r['batch_smes']:,} SMEs ({r['index_type']})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("note")
    mem = r["memory_bytes_per_profile"]
    rows = [
        ("import, cold", f"{r['import_cold_s']:.1f} s", f"{r['embedded_cold']:,} embedded"),
        ("first load (index + lexical)", f"{r['first_load_s']:.1f} s", ""),
        ("index build alone", f"{r['index_build_s']:.1f} s", r["index_type"]),
        ("re-import, unchanged", f"{r['import_warm_s']:.1f} s", f"{r['embedded_warm']} embedded"),
        ("restart load", f"{r['restart_load_s']:.1f} s", "index read from disk"),
        ("RAM per profile", f"{mem['total'] / 1024:.2f} KB", "index + lexical + id maps"),
        ("  index", f"{mem['index'] / 1024:.2f} KB", ""),
        ("  lexical", f"{mem['lexical'] / 1024:.2f} KB", "BM25 by doc and by term, sectors"),
        ("  id maps", f"{mem['id_maps'] / 1024:.2f} KB", "ids, row map, filter codes"),
        ("store on disk", f"{r['store_disk_bytes_per_profile'] / 1024:.2f} KB", "SQLite"),
        ("embedding cache on disk", f"{r['cache_disk_bytes_per_profile'] / 1024:.2f} KB", ""),
        ("leads p50 / p99", "{:.1f} / {:.1f} ms".format(*r["leads_ms"]), "top 10, market filter"),
        (
            "  + org type filter",
            "{:.1f} / {:.1f} ms".format(*r["leads_org_filter_ms"]),
            "public_authority",
        ),
        (
            "  + city filter",
            "{:.1f} / {:.1f} ms".format(*r["leads_city_filter_ms"]),
            f"{r['city_filter_share']:.1%} of partners",
        ),
        ("  with explanations", "{:.1f} / {:.1f} ms".format(*r["leads_explained_ms"]), ""),
        (
            "search p50 / p99",
            "{:.1f} / {:.1f} ms".format(*r["search_ms"]),
            "real model embeds the query",
        ),
        ("dense retrieval p50 / p99", "{:.1f} / {:.1f} ms".format(*r["dense_ms"]), "index alone"),
        ("recall@10 vs exact", f"{r['recall_at_10']:.3f}", "market filter"),
        ("recall@10, city filter", f"{r['recall_at_10_city_filter']:.3f}", "lists always full"),
        (
            "rank every SME",
            f"{r['batch_s']:.1f} s",
            f"floor {r['floor']['batch_s']:.1f} s: {r['batch_s'] / r['floor']['batch_s']:.1f}x",
        ),
        (
            "full-scan floor",
            f"{r['floor']['scan_ms']:.1f} ms",
            f"one float32 query; dense retrieval {r['dense_ms'][0] / r['floor']['scan_ms']:.2f}x",
        ),
        ("peak RSS so far", f"{r['rss_mb']:.0f} MB", "whole process"),
    ]
    for row in rows:
        table.add_row(*row)
    console.print(table)
    peers = Table(title=f"Peers at {n:,} partners (same vectors, market filter, top 10)")
    for column in ("peer", "build s", "p50 / p99 ms", "recall@10", "x our leads", "x our dense"):
        peers.add_column(column, justify="right" if column != "peer" else "left")
    for p in r["peers"]:
        peers.add_row(
            p["name"],
            f"{p['build_s']:.1f}",
            "{:.1f} / {:.1f}".format(*p["ms"]),
            f"{p['recall_at_10']:.3f}",
            f"{p['vs_leads']:.1f}",
            f"{p['vs_dense']:.1f}",
        )
    console.print(peers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--smes", type=int, default=1_100)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--peer-queries", type=int, default=50)
    parser.add_argument("--base", type=int, default=2_000, help="texts the real model embeds")
    parser.add_argument("--backend", default="use-multilingual")
    parser.add_argument("--txtai-max", type=int, default=100_000, help="skip txtai above this")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    hw = hardware.measure()
    console.print(
        f"{hw.cpu}, {hw.cores} cores, {hw.blas}; load {hw.load:.2f}; read "
        + ", ".join(f"{t} thread(s) {g:.1f} GB/s" for t, g in hw.bandwidth_gbs.items())
        + "; sgemm "
        + ", ".join(f"{t} thread(s) {g:.0f} GFLOP/s" for t, g in hw.gflops.items())
    )
    real = create_embedder(args.backend)
    _, base_frame = generate(0, args.base, seed=args.seed + 1)
    base_profiles = validate_rows(base_frame.to_dict("records"), "partner", "synth").records
    texts = [profile_text(p) for p in base_profiles]
    start = time.perf_counter()
    base = real.encode(texts)
    rate = len(texts) / (time.perf_counter() - start)
    processes = default_processes()
    parallel = create_embedder(args.backend, processes=processes)
    if isinstance(parallel, ParallelEmbedder):
        parallel.min_texts = 1
    start = time.perf_counter()
    parallel.encode(texts)  # what an import uses; worker start and model loads included
    parallel_rate = len(texts) / (time.perf_counter() - start)
    console.print(
        f"{real.name}: {rate:.0f} profile embeddings/s in one process, {parallel_rate:.0f} "
        f"with {processes} worker processes ({len(texts):,} texts)"
    )
    model = JitteredModel(real, base)
    results: dict[str, Any] = {
        "hardware": hw.__dict__,
        "model": real.name,
        "embeddings_per_s": rate,
        "embeddings_per_s_parallel": parallel_rate,
        "processes": processes,
        "sizes": [],
    }
    for n in args.sizes:
        console.print(f"[bold]{n:,} partners[/bold] ...")
        result = run_size(n, args, model, hw)
        print_size(result)
        results["sizes"].append(result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str), "utf-8")


if __name__ == "__main__":
    main()

"""Grade every in-market (SME, partner) pair of the second evaluation set by rule.

The grades come from `truth.csv` alone (segments and roles fixed before any text was
written), never from reading the descriptions; the profile files supply only what a ranker
also sees (country, org type, target markets, seeking), checked against the truth.

    python data/eval/make_judgments.py            # writes data/eval/judgments.csv
    python data/eval/make_judgments.py --sample   # also writes data/eval/blind_sample.csv

See data/eval/README.md for the rule.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ALL_MARKETS = ("US", "CA", "CN", "SG")
SAMPLE_SIZE = 90
SAMPLE_SEED = 2027


def _split(value: str) -> list[str]:
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(HERE / name, dtype=str, keep_default_na=False)


def _check(frame: pd.DataFrame, truth: pd.DataFrame, columns: list[str], side: str) -> None:
    """Stop when a profile file and the truth disagree on a field the rule uses."""
    merged = frame.merge(truth, on="id", how="left", suffixes=("", "_truth"), indicator=True)
    missing = merged.loc[merged["_merge"] != "both", "id"].tolist()
    if missing or len(frame) != int((truth["side"] == side).sum()):
        sys.exit(f"{side} profiles and truth.csv hold different ids: {missing[:5]}")
    for column in columns:
        differ = merged.loc[merged[column] != merged[f"{column}_truth"], "id"].tolist()
        if differ:
            sys.exit(f"{side} column {column!r} disagrees with truth.csv for {differ[:5]}")


def grade(sme: pd.Series, partner: pd.Series) -> int:
    """The rule of the README: the highest grade that applies."""
    primary, secondary = sme["primary_segment"], sme["secondary_segment"]
    role = partner["role"]
    if role == "lookalike":
        return 0
    if role == "generalist":
        return 2 if primary in _split(partner["priorities"]) else 1
    if partner["primary_segment"] == primary:
        return 3 if partner["org_type"] in _split(sme["seeking"]) else 2
    if partner["secondary_segment"] and partner["secondary_segment"] == primary:
        return 2
    if secondary and partner["primary_segment"] == secondary:
        return 1
    return 0


def judgments(truth: pd.DataFrame, smes: pd.DataFrame, partners: pd.DataFrame) -> pd.DataFrame:
    """One row per SME and partner located in one of the SME's target markets."""
    roles = truth.set_index("id")
    sme_rows = smes[["id", "target_markets", "seeking"]].join(
        roles[["primary_segment", "secondary_segment"]], on="id"
    )
    partner_rows = partners[["id", "country", "org_type"]].join(
        roles[["role", "primary_segment", "secondary_segment", "priorities"]], on="id"
    )
    rows = []
    for _, sme in sme_rows.iterrows():
        markets = _split(sme["target_markets"]) or list(ALL_MARKETS)
        for _, partner in partner_rows[partner_rows["country"].isin(markets)].iterrows():
            rows.append((sme["id"], partner["id"], grade(sme, partner)))
    return pd.DataFrame(rows, columns=["sme_id", "partner_id", "relevance"])


def blind_sample(graded: pd.DataFrame) -> pd.DataFrame:
    """SAMPLE_SIZE pairs, an equal share per grade (fewer where a grade has fewer), shuffled."""
    rng = random.Random(SAMPLE_SEED)
    grades = sorted(graded["relevance"].unique())
    share, extra = divmod(SAMPLE_SIZE, len(grades))
    picked: list[tuple[str, str]] = []
    for index, value in enumerate(grades):
        pool = graded[graded["relevance"] == value]
        pairs = sorted(zip(pool["sme_id"], pool["partner_id"], strict=True))
        picked += rng.sample(pairs, min(len(pairs), share + (index < extra)))
    rng.shuffle(picked)
    return pd.DataFrame(picked, columns=["sme_id", "partner_id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", action="store_true", help="also write blind_sample.csv")
    args = parser.parse_args()
    truth, smes, partners = _read("truth.csv"), _read("smes.csv"), _read("partners.csv")
    _check(smes, truth, ["country", "target_markets", "seeking"], "sme")
    _check(partners, truth, ["country", "city", "org_type"], "partner")
    graded = judgments(truth, smes, partners)
    graded.to_csv(HERE / "judgments.csv", index=False, lineterminator="\n")
    counts = graded["relevance"].value_counts().sort_index()
    print(f"{len(graded)} pairs:", ", ".join(f"{g}: {n}" for g, n in counts.items()))
    if args.sample:
        blind_sample(graded).to_csv(HERE / "blind_sample.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()

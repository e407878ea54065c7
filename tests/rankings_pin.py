"""Every ranking on the bundled data, as plain data: what tests/test_rankings_pinned.py pins.

Run as a script to (re)write the fixture from the code as it is now:
    PYTHONPATH=. python tests/rankings_pin.py
Only do that when a ranking change is intended, and say so in the commit.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from recommender import Settings, Workspace
from recommender.embedding.backends import HashingEmbedder

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "rankings_hashing.json"
RANKERS = ("hybrid", "dense", "lexical")
FIT_PARTNERS = 8  # every 25th partner: a few of each country and type
SEARCHES = (
    "smart parking sensors for city streets",
    "recharge de véhicules électriques",
    "自动驾驶 公交",
    "waste collection routes",
)


def _leads(leads: list[Any]) -> list[list[Any]]:
    # Scores rounded to 5 decimals: float32 sums may differ in the last bit across BLAS paths.
    return [[lead.profile.id, round(lead.score, 5)] for lead in leads]


def rankings(workspace: Workspace) -> dict[str, Any]:
    """Ids and scores of recommend (every SME, every ranker), fit and search."""
    smes = [r.id for r in workspace.profiles("sme")]
    partners = [r.id for r in workspace.profiles("partner")][::25][:FIT_PARTNERS]
    out: dict[str, Any] = {"recommend": {}, "recommend_market_sg": {}, "fit": {}, "search": {}}
    for sme in smes:
        for ranker in RANKERS:
            leads = workspace.recommend(sme, top=20, ranker=ranker, explain=False)
            out["recommend"][f"{sme}/{ranker}"] = _leads(leads)
        leads = workspace.recommend(sme, top=10, markets=["SG"], explain=False)
        out["recommend_market_sg"][sme] = _leads(leads)
    every = workspace.recommend_all(top=20)
    out["recommend_all"] = {sme: _leads(leads) for sme, leads in every.items()}
    for partner in partners:
        out["fit"][partner] = _leads(workspace.fit(partner, top=10, explain=False))
    for text in SEARCHES:
        out["search"][text] = _leads(workspace.search(text, top=10, explain=False))
    return out


def bundled_workspace(home: Path) -> Workspace:
    settings = Settings(home=home, database_url="", embedding_backend="hashing")
    workspace = Workspace(settings, embedder=HashingEmbedder())
    workspace.import_files(ROOT / "data" / "smes.csv", ROOT / "data" / "partners.csv")
    return workspace


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        workspace = bundled_workspace(Path(tmp))
        try:
            data = rankings(workspace)
        finally:
            workspace.close()
    FIXTURE.write_text(json.dumps(data, indent=0, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {FIXTURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

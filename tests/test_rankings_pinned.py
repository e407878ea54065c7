"""Every ranking on the bundled data is the one recorded before the pipeline refactor."""

from __future__ import annotations

import json
from pathlib import Path

from rankings_pin import FIXTURE, bundled_workspace, rankings


def test_every_ranking_on_the_bundled_data_is_unchanged(tmp_path: Path) -> None:
    expected = json.loads(FIXTURE.read_text())
    workspace = bundled_workspace(tmp_path / "home")
    try:
        got = json.loads(json.dumps(rankings(workspace), ensure_ascii=False))
    finally:
        workspace.close()
    assert got.keys() == expected.keys()
    for kind in expected:
        assert got[kind].keys() == expected[kind].keys(), kind
        for key, leads in expected[kind].items():
            assert got[kind][key] == leads, f"{kind} {key}"


def test_a_market_outside_the_targets_is_not_called_a_target(tmp_path: Path) -> None:
    # CLEM targets CA and CN; a filter on SG lets SG partners in, but SG is not its target.
    workspace = bundled_workspace(tmp_path / "home")
    try:
        sme = workspace.sme("sme-clem")
        assert "SG" not in sme.markets
        leads = workspace.recommend("sme-clem", top=3, markets=["SG"])
        own = workspace.recommend("sme-clem", top=3)
    finally:
        workspace.close()
    assert leads
    for lead in leads:
        reasons = lead.explanation.reasons if lead.explanation else ()
        assert "in target market SG" not in reasons
        assert "in market SG (asked for; not a target market)" in reasons
    for lead in own:
        assert (
            lead.explanation
            and f"in target market {lead.profile.country}" in lead.explanation.reasons
        )

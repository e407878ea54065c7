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

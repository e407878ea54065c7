"""The Ray engine on a local Ray instance gives the same rankings and agenda as the local one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from recommender import BUNDLED_DATA, Workspace, get_settings
from recommender.cli import app
from recommender.missions import LocalEngine, RayEngine, load_mission, plan_mission

ray = pytest.importorskip("ray", reason="the ray engine needs the optional 'ray' package")
pytestmark = pytest.mark.slow

MISSION = BUNDLED_DATA / "missions" / "china-2019.yaml"


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The bundled data imported into a hashing-backend home that Ray workers can open too."""
    home = tmp_path / "home"
    monkeypatch.setenv("CLUSTERMATCH_HOME", str(home))
    monkeypatch.setenv("CLUSTERMATCH_EMBEDDING_BACKEND", "hashing")
    get_settings.cache_clear()
    workspace = Workspace(get_settings())
    workspace.import_files(BUNDLED_DATA / "smes.csv", BUNDLED_DATA / "partners.csv")
    workspace.close()
    yield home
    get_settings.cache_clear()


def test_ray_and_local_engines_rank_identically(
    ray_session: None, data_home: Path, tmp_path: Path
) -> None:
    spec = load_mission(MISSION)
    workspace = Workspace(get_settings())
    try:
        # Small blocks, so the work is spread over many Ray tasks.
        local = plan_mission(spec, tmp_path / "local", workspace, LocalEngine(), block_pairs=300)
        remote = plan_mission(spec, tmp_path / "ray", workspace, RayEngine(), block_pairs=300)
    finally:
        workspace.close()
    assert remote.engine == "ray"
    assert remote.cache["ranking_blocks_computed"] > 4
    for name in ("partners", "fit", "forward_q", "backward_q", "forward_score", "partner_top"):
        np.testing.assert_array_equal(
            getattr(remote.reciprocal, name), getattr(local.reciprocal, name), err_msg=name
        )
    # Same input, so the same optimum; CP-SAT's parallel search may pick another of equal fit.
    assert remote.agenda.objective == local.agenda.objective


def test_the_cli_runs_on_ray(ray_session: None, data_home: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for engine in ("local", "ray"):
        args = ["mission", "plan", str(MISSION), "--out", str(tmp_path / engine)]
        result = runner.invoke(app, [*args, "--engine", engine])
        assert result.exit_code == 0, result.output
    manifests = {
        engine: json.loads((tmp_path / engine / "manifest.json").read_text("utf-8"))
        for engine in ("local", "ray")
    }
    assert manifests["ray"]["engine"] == "ray"
    assert manifests["ray"]["agenda"]["objective"] == manifests["local"]["agenda"]["objective"]
    assert ranked_leads(tmp_path / "ray") == ranked_leads(tmp_path / "local")


def ranked_leads(folder: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every SME sheet of leads.xlsx: rank, partner, fit and both sides' ranks."""
    book = load_workbook(folder / "leads.xlsx", read_only=True)
    return {
        name: [row[:8] for row in book[name].iter_rows(min_row=3, values_only=True)]
        for name in book.sheetnames
        if name not in ("summary", "partners")
    }

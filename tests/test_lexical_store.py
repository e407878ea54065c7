"""The saved lexical model: a restart on unchanged data loads it and ranks as a fresh build does;
changed, damaged or half-written files mean a refit, never an error or a wrong answer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pytest
from corpus import PARTNERS, write_partners

from recommender import Lead, Workspace
from recommender import lexical_store as store_module
from recommender.errors import ConfigurationError
from recommender.lexical import BM25
from recommender.lexical_store import MANIFEST, MATRIX_FILES, MODELS_FILE, LexicalModel
from recommender.schema import Side
from recommender.workspace import LEXICAL_DIR

PARTNER_BY_ID = {p["id"]: p for p in PARTNERS}
SIDES: tuple[Side, ...] = ("sme", "partner")


@pytest.fixture
def fits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per BM25 fit in any workspace of the test."""
    calls: list[int] = []
    original = BM25.fit_transform

    def counting(self: BM25, documents: Iterable[str]) -> Any:
        calls.append(1)
        return original(self, documents)

    monkeypatch.setattr(BM25, "fit_transform", counting)
    return calls


def folder(ws: Workspace) -> Path:
    return ws.settings.index_dir / LEXICAL_DIR


def versions(ws: Workspace) -> dict[Side, str]:
    return {side: ws.store.data_version(side) for side in SIDES}


def rows(ws: Workspace) -> dict[Side, int]:
    return {side: ws.store.count(side) for side in SIDES}


def raw(leads: list[Lead]) -> list[tuple[Any, ...]]:
    """Everything a lead says, unrounded."""
    return [
        (lead.rank, lead.profile.id, lead.score, lead.signals, lead.explanation) for lead in leads
    ]


def answers(ws: Workspace) -> dict[Any, Any]:
    """Every kind of query the lexical model takes part in, explained."""
    state = ws.state()
    out: dict[Any, Any] = {}
    for sme in state.smes.records:
        for ranker in ("hybrid", "lexical"):
            out["recommend", sme.id, ranker] = raw(ws.recommend(sme.id, top=20, ranker=ranker))
    for partner in state.partners.records:
        out["fit", partner.id] = raw(ws.fit(partner.id, top=20))
    for text in ("smart parking sensors", "waste collection", "EV charging stations"):
        out["search", text] = raw(ws.search(text, top=20))
    out["all"] = {k: raw(v) for k, v in ws.recommend_all(top=10, ranker="lexical").items()}
    return out


@pytest.fixture
def first(
    new_workspace: Callable[..., Workspace], corpus_files: tuple[Path, Path], fits: list[int]
) -> tuple[Workspace, dict[Any, Any]]:
    """A workspace that built (and saved) its state from scratch, with its answers."""
    ws = new_workspace()
    ws.import_files(*corpus_files)
    expected = answers(ws)
    assert fits == [1]
    assert (folder(ws) / MANIFEST).is_file()
    return ws, expected


# --- a restart on unchanged data ----------------------------------------------------------------


def test_restart_ranks_exactly_like_the_fresh_build(
    first: tuple[Workspace, dict[Any, Any]], new_workspace: Callable[..., Workspace]
) -> None:
    built, expected = first
    restarted = new_workspace()

    assert answers(restarted) == expected
    a, b = built.state(), restarted.state()
    for side in ("smes", "partners"):
        for name in ("terms", "sectors"):
            old, new = getattr(getattr(a, side), name), getattr(getattr(b, side), name)
            assert old.shape == new.shape and old.dtype == new.dtype
            assert (old != new).nnz == 0
    assert list(a.vocabulary) == list(b.vocabulary)
    assert list(a.sector_vocabulary) == list(b.sector_vocabulary)


def test_restart_with_unchanged_data_does_not_refit(
    first: tuple[Workspace, dict[Any, Any]],
    new_workspace: Callable[..., Workspace],
    fits: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: Any) -> LexicalModel:
        raise AssertionError("refitted the lexical model")

    monkeypatch.setattr(LexicalModel, "fit", refuse)
    restarted = new_workspace()

    # Search analyses its text with the loaded vectorizers, so this exercises them too.
    assert restarted.search("parking sensors", top=3)[0].profile.id in PARTNER_BY_ID
    assert fits == [1]


def test_an_empty_workspace_restarts(
    new_workspace: Callable[..., Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    built = new_workspace()
    assert built.search("parking") == []
    assert (folder(built) / MANIFEST).is_file()

    def refuse(*args: Any) -> LexicalModel:
        raise AssertionError("refitted the lexical model")

    monkeypatch.setattr(LexicalModel, "fit", refuse)
    assert new_workspace().search("parking") == []


# --- changed data -------------------------------------------------------------------------------


def test_a_changed_profile_is_refitted(
    first: tuple[Workspace, dict[Any, Any]],
    new_workspace: Callable[..., Workspace],
    fits: list[int],
    tmp_path: Path,
) -> None:
    built, _ = first
    assert "zeppelin" not in set(built.state().vocabulary)
    changed = {**PARTNER_BY_ID["p-us-park"], "description": "We moor zeppelin airships."}
    # Another process edits a partner; its state is never built.
    other = new_workspace()
    other.import_files(partners=write_partners(tmp_path / "changed.csv", [changed]))

    restarted = new_workspace()
    leads = restarted.search("zeppelin", ranker="lexical")

    assert [lead.profile.id for lead in leads][:1] == ["p-us-park"]
    assert leads[0].explanation is not None
    assert "zeppelin" in leads[0].explanation.shared_terms
    assert fits == [1, 1]
    manifest = json.loads((folder(restarted) / MANIFEST).read_text())
    assert manifest["data_versions"] == versions(restarted)


def test_an_import_in_the_same_process_refits(
    first: tuple[Workspace, dict[Any, Any]], fits: list[int], tmp_path: Path
) -> None:
    built, _ = first
    changed = {**PARTNER_BY_ID["p-cn-park"], "description": "Zeppelin hangars in Shenzhen."}
    built.import_files(partners=write_partners(tmp_path / "changed.csv", [changed]))

    assert built.search("zeppelin", ranker="lexical")[0].profile.id == "p-cn-park"
    assert fits == [1, 1]


# --- damaged, foreign or half-written files ---------------------------------------------------


def _edit_manifest(f: Path, **changes: Any) -> None:
    manifest = json.loads((f / MANIFEST).read_text())
    (f / MANIFEST).write_text(json.dumps({**manifest, **changes}))


def _foreign_models(f: Path) -> None:
    # A well-formed payload of the wrong shape, with a manifest that vouches for it.
    (f / MODELS_FILE).unlink()
    joblib.dump({"bm25": None}, f / MODELS_FILE)
    digests = json.loads((f / MANIFEST).read_text())["sha256"]
    digests[MODELS_FILE] = hashlib.sha256((f / MODELS_FILE).read_bytes()).hexdigest()
    _edit_manifest(f, sha256=digests)


DAMAGE: dict[str, Callable[[Path], object]] = {
    "models-garbage": lambda f: (f / MODELS_FILE).write_bytes(b"\x80garbage" * 64),
    "matrix-truncated": lambda f: (f / MATRIX_FILES["partner_terms"]).write_bytes(
        (f / MATRIX_FILES["partner_terms"]).read_bytes()[:-100]
    ),
    "matrix-missing": lambda f: (f / MATRIX_FILES["sme_sectors"]).unlink(),
    "matrices-swapped": lambda f: (f / MATRIX_FILES["partner_terms"]).write_bytes(
        (f / MATRIX_FILES["sme_terms"]).read_bytes()
    ),
    "manifest-garbage": lambda f: (f / MANIFEST).write_text("{not json"),
    "manifest-not-a-table": lambda f: (f / MANIFEST).write_text("[1, 2]"),
    "manifest-missing": lambda f: (f / MANIFEST).unlink(),
    "sha-mismatch": lambda f: _edit_manifest(f, sha256={MODELS_FILE: "0" * 64}),
    "sha-not-a-table": lambda f: _edit_manifest(f, sha256="0" * 64),
    "other-data": lambda f: _edit_manifest(f, data_versions={"sme": "x", "partner": "y"}),
    "other-format": lambda f: _edit_manifest(f, format=-1),
    "other-rows": lambda f: _edit_manifest(f, rows={"sme": 1, "partner": 1}),
    "foreign-payload": _foreign_models,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_files_are_refitted(
    first: tuple[Workspace, dict[Any, Any]],
    new_workspace: Callable[..., Workspace],
    fits: list[int],
    damage: str,
) -> None:
    built, expected = first
    DAMAGE[damage](folder(built))

    restarted = new_workspace()

    assert answers(restarted) == expected
    assert fits == [1, 1]
    # ... and saved whole again: the next start loads it.
    store_module.load(folder(restarted), versions(restarted), rows(restarted))


def test_a_payload_that_does_not_match_its_manifest_is_never_unpickled(
    first: tuple[Workspace, dict[Any, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    built, _ = first
    (folder(built) / MODELS_FILE).write_bytes(b"\x80\x04 anything at all")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("unpickled an unverified file")

    monkeypatch.setattr(store_module.joblib, "load", refuse)
    with pytest.raises(ConfigurationError, match="does not match its manifest"):
        store_module.load(folder(built), versions(built), rows(built))


def test_a_crash_half_way_through_a_save_is_refitted(
    first: tuple[Workspace, dict[Any, Any]],
    new_workspace: Callable[..., Workspace],
    fits: list[int],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    built, expected = first
    original = PARTNER_BY_ID["p-us-park"]
    changed = {**original, "description": "We moor zeppelin airships."}
    writes: list[Path] = []
    real_write = store_module.atomic_write

    def crash_after_two(path: Path, data: bytes) -> None:
        if len(writes) == 2:
            raise KeyboardInterrupt("power cut")
        writes.append(path)
        real_write(path, data)

    # The new data's model is half written when the process dies: the old manifest stays.
    monkeypatch.setattr(store_module, "atomic_write", crash_after_two)
    built.import_files(partners=write_partners(tmp_path / "changed.csv", [changed]))
    with pytest.raises(KeyboardInterrupt):
        built.state()
    monkeypatch.setattr(store_module, "atomic_write", real_write)
    assert [p.name for p in writes] == [MODELS_FILE, MATRIX_FILES["sme_terms"]]

    # The data goes back to what the surviving manifest names; its files do not.
    restorer = new_workspace()
    restorer.import_files(partners=write_partners(tmp_path / "original.csv", [original]))
    restarted = new_workspace()

    assert answers(restarted) == expected
    assert fits == [1, 1, 1]


def test_state_matrices_match_the_fitted_model(first: tuple[Workspace, dict[Any, Any]]) -> None:
    built, _ = first
    state = built.state()
    model = store_module.load(folder(built), versions(built), rows(built))
    assert model.bm25 is not None
    assert state.bm25 is not None
    np.testing.assert_array_equal(model.bm25.idf_, state.bm25.idf_)
    assert model.bm25.avgdl_ == state.bm25.avgdl_

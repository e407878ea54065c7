"""The Workspace on a small synthetic corpus whose right answers are known."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from corpus import (
    PARTNERS,
    SMES,
    CountingEmbedder,
    make_settings,
    partner_row,
    sme_row,
    write_partners,
    write_smes,
)

from recommender import MARKETS, Lead, NotFoundError, Workspace
from recommender.explain import split_sentences
from recommender.lexical import analyze
from recommender.profiles import load_profile_file
from recommender.ranking import RANKERS
from recommender.schema import profile_text
from recommender.storage import ImportCounts

PARTNER_BY_ID = {p["id"]: p for p in PARTNERS}


def ids(leads: list[Lead]) -> list[str]:
    return [lead.profile.id for lead in leads]


# --- import and re-import ---------------------------------------------------------------------


def test_first_import_adds_everything(
    workspace: Workspace, corpus_files: tuple[Path, Path]
) -> None:
    report = workspace.import_files(*corpus_files)
    assert report.counts == {
        "sme": ImportCounts(added=len(SMES)),
        "partner": ImportCounts(added=len(PARTNERS)),
    }
    assert report.warnings == []  # the hashing embedder covers any language
    assert report.embedded == len(SMES) + len(PARTNERS)


def test_reimport_counts_unchanged_updated_and_added(tmp_path: Path, loaded: Workspace) -> None:
    smes = write_smes(tmp_path / "smes2.csv", SMES)
    partners = write_partners(
        tmp_path / "partners2.csv",
        [
            *PARTNERS[:4],
            {**PARTNERS[4], "description": PARTNERS[4]["description"] + " Also compactors."},
            *PARTNERS[5:],
            partner_row(id="p-us-new", name="New Partner", city="Seattle"),
        ],
    )

    report = loaded.import_files(smes, partners)

    assert report.counts["sme"] == ImportCounts(unchanged=len(SMES))
    assert report.counts["partner"] == ImportCounts(added=1, updated=1, unchanged=len(PARTNERS) - 1)
    assert loaded.partner(PARTNERS[4]["id"]).description.endswith("Also compactors.")
    assert loaded.partner("p-us-new").city == "Seattle"


def test_an_edited_profile_is_re_embedded_alone(tmp_path: Path, loaded: Workspace) -> None:
    loaded.recommend("sme-park")  # queries embed sentences too; count from here
    before = loaded.embedder.embedded_count
    edited = [sme_row(description="ParkEye now counts bicycles at intersections.")]
    path = write_smes(tmp_path / "edited.csv", [*edited, *SMES[1:]])

    report = loaded.import_files(smes=path)

    assert report.counts["sme"] == ImportCounts(updated=1, unchanged=len(SMES) - 1)
    assert report.embedded == 1
    assert loaded.embedder.embedded_count == before + 1


def test_a_change_outside_the_embedded_text_updates_without_embedding(
    tmp_path: Path, loaded: Workspace
) -> None:
    path = write_smes(tmp_path / "renamed.csv", [sme_row(name="ParkEye Srl"), *SMES[1:]])
    report = loaded.import_files(smes=path)
    assert report.counts["sme"].updated == 1
    assert report.embedded == 0
    assert loaded.sme("sme-park").name == "ParkEye Srl"


def test_queries_see_an_import_at_once(tmp_path: Path, loaded: Workspace) -> None:
    assert ids(loaded.recommend("sme-park", markets=["CN"]))[0] == "p-cn-park"
    # The Chinese parking company turns to waste; the charging institute takes up parking.
    partners = write_partners(
        tmp_path / "p.csv",
        [
            {**PARTNER_BY_ID["p-cn-park"], "description": "We sell waste bins.", "sectors": ""},
            {
                **PARTNER_BY_ID["p-cn-charge"],
                "description": PARTNER_BY_ID["p-us-park"]["description"],
                "sectors": "parking",
            },
        ],
    )
    loaded.import_files(partners=partners)
    assert ids(loaded.recommend("sme-park", markets=["CN"]))[0] == "p-cn-charge"


def test_replace_removes_partners_for_good(
    tmp_path: Path, loaded: Workspace, new_workspace: Callable[..., Workspace]
) -> None:
    assert "p-us-park" in ids(loaded.recommend("sme-park"))
    kept = [p for p in PARTNERS if p["id"] != "p-us-park"]

    report = loaded.import_files(partners=write_partners(tmp_path / "p.csv", kept), replace=True)

    assert report.counts["partner"] == ImportCounts(unchanged=len(kept), removed=1)
    assert report.embedded == 0
    for ws in (loaded, new_workspace()):  # this workspace, and a fresh one from disk
        for sme in SMES:
            for ranker in RANKERS:
                leads = ws.recommend(sme["id"], top=50, markets=MARKETS, ranker=ranker)
                assert "p-us-park" not in ids(leads)
                assert len(leads) == len(kept)
        assert "p-us-park" not in ids(ws.search("Boston parking office sensors", top=50))
        with pytest.raises(NotFoundError):
            ws.partner("p-us-park")


def test_without_replace_a_missing_row_stays(tmp_path: Path, loaded: Workspace) -> None:
    kept = [p for p in PARTNERS if p["id"] != "p-us-park"]
    loaded.import_files(partners=write_partners(tmp_path / "p.csv", kept))
    assert ids(loaded.recommend("sme-park"))[0] == "p-us-park"


def test_import_warns_about_languages_the_model_does_not_cover(
    tmp_path: Path, new_workspace: Callable[..., Workspace]
) -> None:
    class EnglishOnly(CountingEmbedder):
        languages = frozenset({"en"})

    ws = new_workspace(embedder=EnglishOnly())
    smes = write_smes(
        tmp_path / "smes.csv",
        [
            SMES[0],
            sme_row(id="sme-sv", language="sv"),
            sme_row(id="sme-de", language="de"),
            sme_row(id="sme-sv2", language="sv"),
        ],
    )

    report = ws.import_files(smes=smes)

    assert len(report.warnings) == 2  # one per language, sorted
    de, sv = report.warnings
    assert str(smes) in sv
    assert "'sv'" in sv
    assert "3 (sme-sv)" in sv
    assert "5 (sme-sv2)" in sv
    assert "'de'" in de
    assert "4 (sme-de)" in de
    assert "sme-park" not in de + sv


# --- recommend: markets and filters -----------------------------------------------------------


@pytest.mark.parametrize("sme", SMES, ids=[s["id"] for s in SMES])
def test_recommend_stays_inside_the_target_markets(loaded: Workspace, sme: dict[str, str]) -> None:
    markets = set(sme["target_markets"].split(";")) if sme["target_markets"] else set(MARKETS)
    leads = loaded.recommend(sme["id"], top=50)
    expected = {p["id"] for p in PARTNERS if p["country"] in markets}
    assert set(ids(leads)) == expected


def test_markets_option_overrides_the_target_markets(loaded: Workspace) -> None:
    leads = loaded.recommend("sme-park", markets=["sg"])  # lower case is fine
    assert ids(leads) == ["p-sg-park", "p-sg-waste"]
    assert {lead.profile.country for lead in leads} == {"SG"}


def test_org_type_filter(loaded: Workspace) -> None:
    leads = loaded.recommend("sme-park", org_types=["public_authority"], markets=MARKETS)
    assert set(ids(leads)) == {"p-us-park", "p-sg-park", "p-ca-waste"}
    assert ids(leads)[:2] in (["p-us-park", "p-sg-park"], ["p-sg-park", "p-us-park"])


def test_city_filter_ignores_case(loaded: Workspace) -> None:
    assert ids(loaded.recommend("sme-waste", cities=["SINGAPORE"])) == [
        "p-sg-waste",
        "p-sg-park",
    ]
    assert ids(loaded.recommend("sme-park", cities=["boston", "Chicago"])) == [
        "p-us-park",
        "p-us-waste",
    ]


def test_filters_combine(loaded: Workspace) -> None:
    leads = loaded.recommend(
        "sme-park", markets=MARKETS, org_types=["distributor"], cities=["Chicago", "Toronto"]
    )
    assert ids(leads) == ["p-us-waste"]
    assert loaded.recommend("sme-park", cities=["Toronto"]) == []  # CA is not a target


def test_top_limits_the_number_of_leads(loaded: Workspace) -> None:
    assert len(loaded.recommend("sme-park", top=2)) == 2
    assert len(loaded.recommend("sme-park", markets=MARKETS, top=1000)) == len(PARTNERS)
    capped = loaded.settings.model_copy(update={"max_top": 3})
    ws = Workspace(capped, embedder=CountingEmbedder())
    assert len(ws.recommend("sme-park", markets=MARKETS, top=1000)) == 3
    ws.close()
    with pytest.raises(ValueError):
        loaded.recommend("sme-park", top=-1)


def test_ranks_count_from_one_and_scores_do_not_increase(loaded: Workspace) -> None:
    for ranker in RANKERS:
        leads = loaded.recommend("sme-any", top=20, ranker=ranker)
        assert [lead.rank for lead in leads] == list(range(1, len(leads) + 1))
        scores = [lead.score for lead in leads]
        assert scores == sorted(scores, reverse=True)


# --- recommend: rankers -----------------------------------------------------------------------

OBVIOUS = [
    ("sme-park", ["US"], "p-us-park"),
    ("sme-park", ["CN"], "p-cn-park"),
    ("sme-waste", ["CA"], "p-ca-waste"),
    ("sme-waste", ["SG"], "p-sg-waste"),
    ("sme-charge", ["CA"], "p-ca-charge"),
    ("sme-charge", ["US"], "p-us-charge"),
]


@pytest.mark.parametrize("ranker", RANKERS)
@pytest.mark.parametrize(("sme", "markets", "expected"), OBVIOUS)
def test_each_ranker_puts_the_obvious_match_first(
    loaded: Workspace, ranker: str, sme: str, markets: list[str], expected: str
) -> None:
    leads = loaded.recommend(sme, markets=markets, ranker=ranker)
    assert len(leads) == sum(p["country"] in markets for p in PARTNERS)
    assert leads[0].profile.id == expected
    assert leads[0].score > leads[1].score


@pytest.mark.parametrize("ranker", RANKERS)
def test_each_ranker_ranks_both_topic_partners_above_the_rest(
    loaded: Workspace, ranker: str
) -> None:
    leads = loaded.recommend("sme-park", ranker=ranker)
    assert set(ids(leads)[:2]) == {"p-us-park", "p-cn-park"}


def test_the_default_ranker_comes_from_the_settings(
    new_workspace: Callable[..., Workspace], corpus_files: tuple[Path, Path]
) -> None:
    lexical = new_workspace(default_ranker="lexical")
    lexical.import_files(*corpus_files)
    got = [lead.score for lead in lexical.recommend("sme-park")]
    expected = [lead.score for lead in lexical.recommend("sme-park", ranker="lexical")]
    hybrid = [lead.score for lead in lexical.recommend("sme-park", ranker="hybrid")]
    assert got == expected
    assert got != hybrid


def test_unknown_ranker_is_refused(loaded: Workspace) -> None:
    with pytest.raises(ValueError, match="unknown ranker"):
        loaded.recommend("sme-park", ranker="magic")


@pytest.fixture
def twins(tmp_path: Path, workspace: Workspace) -> Workspace:
    """Two partners identical but for their org type, and two SMEs seeking one each."""
    twin = {
        "description": "We operate parking garages and want parking sensors for real-time "
        "parking guidance.",
        "sectors": "parking",
        "country": "US",
        "city": "Denver",
    }
    partners = [
        partner_row(id="p-twin-a", name="Twin A", org_type="corporate", **twin),
        partner_row(id="p-twin-b", name="Twin B", org_type="public_authority", **twin),
        *PARTNERS[3:],
    ]
    smes = [
        sme_row(id="sme-seeks-authority", seeking="public_authority", target_markets="US"),
        sme_row(id="sme-seeks-corporate", seeking="corporate", target_markets="US"),
    ]
    workspace.import_files(
        write_smes(tmp_path / "s.csv", smes), write_partners(tmp_path / "p.csv", partners)
    )
    return workspace


def test_hybrid_ranks_the_sought_org_type_higher(twins: Workspace) -> None:
    authority = twins.recommend("sme-seeks-authority", ranker="hybrid")
    corporate = twins.recommend("sme-seeks-corporate", ranker="hybrid")

    assert ids(authority)[:2] == ["p-twin-b", "p-twin-a"]
    assert ids(corporate)[:2] == ["p-twin-a", "p-twin-b"]
    assert authority[0].score > authority[1].score
    assert authority[0].signals["preferred_type"] == 1.0
    assert authority[1].signals["preferred_type"] == 0.0
    assert "partner type sought: public_authority" in authority[0].explanation.reasons
    assert not any("sought" in r for r in authority[1].explanation.reasons)


def test_dense_ranker_ignores_the_sought_org_type(twins: Workspace) -> None:
    leads = twins.recommend("sme-seeks-authority", ranker="dense")
    assert set(ids(leads)[:2]) == {"p-twin-a", "p-twin-b"}
    assert leads[0].score == pytest.approx(leads[1].score)


@pytest.fixture
def near_duplicates(tmp_path: Path, workspace: Workspace) -> Workspace:
    text = "Parking sensors detect free parking spaces and show real-time parking availability "
    copies = [
        partner_row(id=f"p-copy-{i}", name=f"Copy {i}", city=city, description=f"{text} in {city}.")
        for i, city in enumerate(["Boston", "Denver", "Austin"])
    ]
    other = partner_row(
        id="p-other",
        name="Other",
        city="Miami",
        description="Parking operator with garages; we buy sensors.",
        sectors="parking",
    )
    workspace.import_files(
        write_smes(tmp_path / "s.csv", [sme_row(target_markets="US")]),
        write_partners(tmp_path / "p.csv", [*copies, other, *PARTNERS[3:]]),
    )
    return workspace


def test_diversity_breaks_up_near_duplicates(near_duplicates: Workspace) -> None:
    plain = near_duplicates.recommend("sme-park", top=4)
    diverse = near_duplicates.recommend("sme-park", top=4, diversity=0.6)

    assert all(i.startswith("p-copy") for i in ids(plain)[:3])
    assert len(diverse) == len(plain)
    assert ids(diverse)[0] == ids(plain)[0]
    assert ids(diverse) != ids(plain)
    assert not ids(diverse)[1].startswith("p-copy")  # the second lead is something else
    assert [lead.rank for lead in diverse] == [1, 2, 3, 4]


def test_zero_diversity_keeps_the_score_order(near_duplicates: Workspace) -> None:
    a = near_duplicates.recommend("sme-park", top=4, diversity=0.0)
    b = near_duplicates.recommend("sme-park", top=4)
    assert ids(a) == ids(b)


# --- explanations -----------------------------------------------------------------------------


@pytest.mark.parametrize("sme", SMES, ids=[s["id"] for s in SMES])
def test_every_lead_is_explained(loaded: Workspace, sme: dict[str, str]) -> None:
    record = loaded.sme(sme["id"])
    sme_terms = set(analyze(profile_text(record)))
    for lead in loaded.recommend(sme["id"], top=20):
        partner = lead.profile
        e = lead.explanation
        assert e is not None
        assert e.matched_sentence in split_sentences(partner.description)
        assert -1.0 <= e.sentence_similarity <= 1.0 + 1e-6
        assert set(e.shared_terms) <= sme_terms & set(analyze(profile_text(partner)))
        assert f"in target market {partner.country}" in e.reasons
        sought = f"partner type sought: {partner.org_type}" in e.reasons
        assert sought == (partner.org_type in record.seeking)


def test_explanation_of_the_obvious_match(loaded: Workspace) -> None:
    lead = loaded.recommend("sme-park", markets=["US"])[0]
    e = lead.explanation
    assert e is not None
    assert "parking" in e.shared_terms
    # The parking sentence of the Boston office, not its first sentence about itself.
    assert e.matched_sentence.startswith("We want parking sensors")
    assert e.reasons[:2] == ("in target market US", "partner type sought: public_authority")
    assert any(r.startswith("shared sectors:") and "parking" in r for r in e.reasons)


def test_explain_false_skips_explanations(loaded: Workspace) -> None:
    leads = loaded.recommend("sme-park", explain=False)
    assert leads
    assert all(lead.explanation is None for lead in leads)
    assert ids(leads) == ids(loaded.recommend("sme-park"))


def test_lead_to_dict_is_json_ready(loaded: Workspace) -> None:
    data = json.loads(json.dumps([lead.to_dict() for lead in loaded.recommend("sme-park")]))
    first = data[0]
    assert (first["rank"], first["id"], first["country"], first["city"]) == (
        1,
        "p-us-park",
        "US",
        "Boston",
    )
    assert set(first["signals"]) == {"dense", "lexical", "sectors", "preferred_type", "segments"}
    assert 0 < first["relevance"] < 1 and first["band"] in {"strong", "good", "weak", "not a lead"}
    assert "in target market US" in first["explanation"]["reasons"]


def test_cross_lingual_leads_say_so(
    tmp_path: Path, workspace: Workspace, corpus_files: tuple[Path, Path]
) -> None:
    fr = partner_row(
        id="p-ca-fr",
        city="Québec",
        country="CA",
        language="fr",
        description="La ville de Québec cherche des capteurs de stationnement pour le parking.",
    )
    partners = write_partners(tmp_path / "p.csv", [*PARTNERS, fr])
    workspace.import_files(corpus_files[0], partners)
    (lead,) = [x for x in workspace.recommend("sme-any", top=50) if x.profile.id == "p-ca-fr"]
    assert "cross-lingual match (en -> fr)" in lead.explanation.reasons


# --- fit: partner -> SMEs ---------------------------------------------------------------------


@pytest.mark.parametrize("partner", PARTNERS, ids=[p["id"] for p in PARTNERS])
def test_fit_returns_only_smes_targeting_the_partners_country(
    loaded: Workspace, partner: dict[str, str]
) -> None:
    leads = loaded.fit(partner["id"], top=50)
    expected = {
        s["id"]
        for s in SMES
        if not s["target_markets"] or partner["country"] in s["target_markets"].split(";")
    }
    assert set(ids(leads)) == expected
    for lead in leads:
        assert lead.explanation is not None
        assert f"targets market {partner['country']}" in lead.explanation.reasons


def test_fit_puts_the_obvious_sme_first(loaded: Workspace) -> None:
    assert ids(loaded.fit("p-ca-waste"))[0] == "sme-waste"
    assert ids(loaded.fit("p-ca-charge"))[0] == "sme-charge"
    assert ids(loaded.fit("p-us-park"))[0] == "sme-park"


def test_fit_notes_smes_seeking_the_partners_type(loaded: Workspace) -> None:
    leads = {lead.profile.id: lead for lead in loaded.fit("p-sg-waste")}
    assert "seeks distributor partners" in leads["sme-waste"].explanation.reasons
    assert not any("seeks" in r for r in leads["sme-any"].explanation.reasons)


def test_fit_unknown_partner(loaded: Workspace) -> None:
    with pytest.raises(NotFoundError, match="p-nowhere"):
        loaded.fit("p-nowhere")


# --- search -----------------------------------------------------------------------------------


def test_search_finds_the_topic(loaded: Workspace) -> None:
    leads = loaded.search("fill-level sensors for waste bins and waste collection")
    assert set(ids(leads)[:3]) == {"p-us-waste", "p-sg-waste", "p-ca-waste"}
    assert len(leads) == len(PARTNERS)  # no filter: every market


def test_search_with_filters(loaded: Workspace) -> None:
    cn = loaded.search("parking sensors", markets=["cn"])
    assert ids(cn) == ["p-cn-park", "p-cn-charge"]
    authorities = loaded.search("parking sensors", org_types=["public_authority"])
    assert {lead.profile.org_type for lead in authorities} == {"public_authority"}
    assert ids(authorities)[-1] == "p-ca-waste"
    assert ids(loaded.search("charging", cities=["austin"])) == ["p-us-charge"]
    assert loaded.search("charging", markets=["US"], cities=["Toronto"]) == []


@pytest.mark.parametrize("ranker", RANKERS)
def test_search_rankers_find_the_charging_partners(loaded: Workspace, ranker: str) -> None:
    leads = loaded.search("charging stations for electric vehicles", top=3, ranker=ranker)
    assert set(ids(leads)) == {"p-ca-charge", "p-us-charge", "p-cn-charge"}


def test_search_explains_with_place(loaded: Workspace) -> None:
    lead = loaded.search("parking sensors", markets=["US"])[0]
    assert lead.profile.id == "p-us-park"
    assert lead.explanation is not None
    assert "in Boston, US" in lead.explanation.reasons
    assert set(lead.explanation.shared_terms) == {"parking", "sensor"}


def test_search_refuses_empty_text(loaded: Workspace) -> None:
    with pytest.raises(ValueError):
        loaded.search("   ")


# --- other queries ----------------------------------------------------------------------------


def test_unknown_sme(loaded: Workspace) -> None:
    with pytest.raises(NotFoundError, match="sme-nowhere"):
        loaded.recommend("sme-nowhere")


def test_empty_workspace(workspace: Workspace) -> None:
    with pytest.raises(NotFoundError):
        workspace.recommend("sme-park")
    assert workspace.search("parking") == []
    assert workspace.recommend_all() == {}


def test_recommend_all_matches_recommend(loaded: Workspace) -> None:
    every = loaded.recommend_all(top=5)
    assert list(every) == sorted(s["id"] for s in SMES)
    for sme_id, leads in every.items():
        assert ids(leads) == ids(loaded.recommend(sme_id, top=5, explain=False))
        assert all(lead.explanation is None for lead in leads)


@pytest.mark.parametrize("ranker", ["hybrid", "dense", "lexical"])
@pytest.mark.parametrize("cells", [1, 10**9])  # one SME per block; every SME in one block
def test_batch_ranking_in_blocks_gives_the_single_query_leads_and_scores(
    loaded: Workspace, ranker: str, cells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("recommender.workspace.BATCH_CELLS", cells)
    every = loaded.recommend_all(top=20, ranker=ranker)
    for sme_id, leads in every.items():
        single = loaded.recommend(sme_id, top=20, ranker=ranker, explain=False)
        assert ids(leads) == ids(single)
        assert [lead.score for lead in leads] == pytest.approx([lead.score for lead in single])


def test_recommend_all_reports_progress(loaded: Workspace) -> None:
    calls: list[tuple[int, int]] = []
    loaded.recommend_all(top=1, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(i, len(SMES)) for i in range(1, len(SMES) + 1)]


def test_pair_signals_agree_with_the_leads(loaded: Workspace) -> None:
    leads = loaded.recommend("sme-park", top=5, ranker="dense")
    signals = loaded.pair_signals(["sme-park", "sme-waste"], ids(leads))
    assert signals.dense.shape == (2, len(leads))
    for j, lead in enumerate(leads):
        assert signals.dense[0, j] == pytest.approx(lead.signals["dense"], abs=1e-5)
        assert signals.lexical[0, j] == pytest.approx(lead.signals["lexical"], rel=1e-4)
        assert signals.sectors[0, j] == pytest.approx(lead.signals["sectors"], abs=1e-5)
        assert signals.preferred[0, j] == bool(lead.signals["preferred_type"])


def test_vectors_and_profiles(loaded: Workspace) -> None:
    partner_ids, vectors = loaded.vectors("partner")
    assert partner_ids == sorted(p["id"] for p in PARTNERS)
    assert vectors.shape == (len(PARTNERS), loaded.embedder.dimension)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert [p.id for p in loaded.profiles("sme")] == sorted(s["id"] for s in SMES)


@pytest.mark.parametrize("ranker", ["dense", "lexical"])
def test_single_signal_rankers_give_the_brute_force_top_of_their_signal(
    loaded: Workspace, ranker: str
) -> None:
    # They read only their own candidate list; this shows the other list was not needed.
    state = loaded.state()
    partners = state.partners
    for sme in state.smes.records:
        allowed = np.isin([p.country for p in partners.records], sme.markets)
        row = state.smes.row[sme.id]
        if ranker == "dense":
            scores = partners.vectors @ state.smes.vectors[row]
        else:
            terms = state.smes.terms[row].indices
            scores = partners.lexical.scores(terms, np.arange(len(partners.records)))
        scores = np.where(allowed, scores, -np.inf)
        best = np.argsort(-scores, kind="stable")[: min(5, int(allowed.sum()))]
        expected = [partners.records[i].id for i in best]
        leads = loaded.recommend(sme.id, top=5, ranker=ranker, explain=False)
        got = [lead.profile.id for lead in leads]
        assert sorted(scores[[partners.row[i] for i in got]]) == pytest.approx(
            sorted(scores[[partners.row[i] for i in expected]]), abs=1e-5
        )


def test_partner_index_partitioned_by_country_gives_the_exact_leads(
    loaded: Workspace, corpus_files: tuple[Path, Path], tmp_path: Path
) -> None:
    # Every side above one row gets the approximate index, its lists split by country; with
    # so few lists a query probes all of its markets' lists, so leads must equal exact ones.
    settings = make_settings(tmp_path / "approximate", exact_search_max_rows=1)
    approximate = Workspace(settings, embedder=CountingEmbedder())
    approximate.import_files(*corpus_files)
    index = approximate.state().partners.index
    assert not index.exact and index.list_partitions is not None
    countries = {p["country"] for p in PARTNERS}
    assert set(index.list_partitions) == countries
    for sme in SMES:
        for kwargs in ({}, {"org_types": ["research"]}, {"markets": ["CN", "SG"]}):
            expected = loaded.recommend(sme["id"], top=8, explain=False, **kwargs)
            got = approximate.recommend(sme["id"], top=8, explain=False, **kwargs)
            assert ids(got) == ids(expected)
    assert ids(approximate.search("parking", markets=["US"])) == ids(
        loaded.search("parking", markets=["US"])
    )
    approximate.close()


def test_an_imports_embedded_count_is_its_own(
    workspace: Workspace, corpus_files: tuple[Path, Path]
) -> None:
    """The background explanation warmer shares the embedder: what it embeds while an
    import runs is not the import's."""
    others = iter(f"a sentence the warmer embeds, number {i}" for i in range(1000))

    def warmer_meanwhile(done: int, total: int) -> None:
        workspace.embedder.encode([next(others), next(others)])

    smes, partners = corpus_files
    loaded = [load_profile_file(smes, "sme"), load_profile_file(partners, "partner")]
    texts = {profile_text(r) for batch in loaded for r in batch.records}
    before = workspace.embedder.embedded_count
    report = workspace.import_loaded(loaded, progress=warmer_meanwhile)
    assert workspace.embedder.embedded_count - before > len(texts)  # the warmer did embed
    assert report.embedded == len(texts)

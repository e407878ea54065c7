"""The profile store: upserts with counts, replace, data versions, one transaction per import."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, replace
from pathlib import Path

import pytest
from corpus import PARTNERS, SMES, write_partners, write_smes
from databases import BACKENDS, scratch_database
from sqlalchemy.exc import IntegrityError

from recommender import NotFoundError, Partner
from recommender.profiles import load_profile_file
from recommender.schema import SME
from recommender.storage import ImportCounts, Store, content_hash


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same tests run on a SQLite file and on a PostgreSQL database."""
    with scratch_database(request.param, tmp_path) as url:
        s = Store(url)
        yield s
        s.dispose()


@pytest.fixture
def smes(tmp_path: Path) -> list[SME]:
    return load_profile_file(write_smes(tmp_path / "smes.csv"), "sme").records


@pytest.fixture
def partners(tmp_path: Path) -> list[Partner]:
    return load_profile_file(write_partners(tmp_path / "partners.csv"), "partner").records


def test_records_round_trip_through_the_store(
    store: Store, smes: list[SME], partners: list[Partner]
) -> None:
    tagged = replace(partners[0], extra={"website": "https://example.org"})
    counts = store.import_records({"sme": smes, "partner": [tagged, *partners[1:]]})

    assert counts == {
        "sme": ImportCounts(added=len(SMES)),
        "partner": ImportCounts(added=len(PARTNERS)),
    }
    assert [asdict(r) for r in store.all("sme")] == [
        asdict(r) for r in sorted(smes, key=lambda r: r.id)
    ]
    back = store.get("partner", tagged.id)
    assert asdict(back) == asdict(tagged)
    assert isinstance(back.sectors, tuple)
    assert store.count("sme") == len(SMES)
    assert store.count("partner") == len(PARTNERS)


def test_all_is_ordered_by_id(store: Store, partners: list[Partner]) -> None:
    store.import_records({"partner": list(reversed(partners))})
    ids = [r.id for r in store.all("partner")]
    assert ids == sorted(r["id"] for r in PARTNERS)


def test_get_unknown_id_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no-such-sme"):
        store.get("sme", "no-such-sme")


def test_reimport_counts_unchanged_updated_added(store: Store, smes: list[SME]) -> None:
    store.import_records({"sme": smes})
    edited = replace(smes[1], description=smes[1].description + " Now also in Spanish.")
    new = replace(smes[0], id="sme-new")

    counts = store.import_records({"sme": [smes[0], edited, *smes[2:], new]})

    assert counts["sme"] == ImportCounts(added=1, updated=1, unchanged=len(SMES) - 1)
    assert counts["sme"].changed
    assert store.get("sme", edited.id).description == edited.description
    assert store.count("sme") == len(SMES) + 1


def test_identical_reimport_changes_nothing(store: Store, smes: list[SME]) -> None:
    store.import_records({"sme": smes})
    version = store.data_version("sme")

    counts = store.import_records({"sme": smes})

    assert counts["sme"] == ImportCounts(unchanged=len(SMES))
    assert not counts["sme"].changed
    assert store.data_version("sme") == version


def test_replace_removes_rows_missing_from_the_batch(store: Store, partners: list[Partner]) -> None:
    store.import_records({"partner": partners})

    counts = store.import_records({"partner": partners[2:]}, replace=True)

    assert counts["partner"] == ImportCounts(unchanged=len(PARTNERS) - 2, removed=2)
    assert {r.id for r in store.all("partner")} == {r.id for r in partners[2:]}
    with pytest.raises(NotFoundError):
        store.get("partner", partners[0].id)


def test_without_replace_missing_rows_stay(store: Store, partners: list[Partner]) -> None:
    store.import_records({"partner": partners})
    counts = store.import_records({"partner": partners[:1]})
    assert counts["partner"].removed == 0
    assert store.count("partner") == len(PARTNERS)


def test_replace_only_touches_the_sides_given(
    store: Store, smes: list[SME], partners: list[Partner]
) -> None:
    store.import_records({"sme": smes, "partner": partners})
    store.import_records({"sme": smes[:1]}, replace=True)
    assert store.count("sme") == 1
    assert store.count("partner") == len(PARTNERS)


def test_data_version_follows_content(store: Store, smes: list[SME]) -> None:
    empty = store.data_version("sme")
    store.import_records({"sme": smes})
    first = store.data_version("sme")
    store.import_records({"sme": [replace(smes[0], name="Renamed")]})
    second = store.data_version("sme")
    store.import_records({"sme": [smes[0]]})

    assert len({empty, first, second}) == 3
    assert store.data_version("sme") == first  # back to the same content, same version


def test_one_transaction_per_import(store: Store, smes: list[SME], partners: list[Partner]) -> None:
    store.import_records({"sme": smes[:1], "partner": partners[:1]})
    # The partner batch fails (same new id twice): the SME side, earlier in the same
    # transaction, must not be written either.
    with pytest.raises(IntegrityError):
        store.import_records({"sme": smes[1:], "partner": [partners[1], partners[1]]})
    assert store.count("sme") == 1
    assert store.count("partner") == 1


def test_content_hash_covers_every_field() -> None:
    base = SME(
        id="a",
        name="A",
        country="FR",
        cluster="c",
        description="d",
        target_markets=("US",),
        sectors=("x",),
        seeking=(),
        language="en",
    )
    variants = [
        replace(base, name="B"),
        replace(base, target_markets=("US", "CA")),
        replace(base, sectors=()),
        replace(base, language="fr"),
        replace(base, extra={"website": "w"}),
    ]
    assert content_hash(replace(base)) == content_hash(base)
    assert len({content_hash(v) for v in [base, *variants]}) == len(variants) + 1


def test_store_is_persistent_across_connections(tmp_path: Path, smes: list[SME]) -> None:
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    first = Store(url)
    first.import_records({"sme": smes})
    first.dispose()
    second = Store(url)
    assert [r.id for r in second.all("sme")] == sorted(r.id for r in smes)
    second.dispose()

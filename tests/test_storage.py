"""The profile store: upserts with counts, replace, data versions, one transaction per import."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, replace
from pathlib import Path

import pytest
from corpus import PARTNERS, SMES, write_partners, write_smes
from databases import BACKENDS, scratch_database
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from recommender import NotFoundError, Partner
from recommender.profiles import load_profile_file
from recommender.schema import SME, Side
from recommender.storage import ImportCounts, Store, content_hash
from recommender.storage import profiles as store_module
from recommender.storage.models import SMERow
from recommender.storage.profiles import content_hashes


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


def test_all_gives_the_records_get_gives(
    store: Store, smes: list[SME], partners: list[Partner]
) -> None:
    # all() reads JSON columns as text and decodes each distinct value once; get() goes
    # through the ORM. Both must give equal records, each with a dict of its own.
    extras = [{"website": "https://example.org", "tags": ["a", "ü"]}, {"n": {"deep": 1.5}}, {}]
    shared = ("parking", "sensors")
    store.import_records(
        {
            "sme": [replace(s, extra=extras[i % 3]) for i, s in enumerate(smes)],
            "partner": [
                replace(p, extra=extras[i % 3], sectors=shared) for i, p in enumerate(partners)
            ],
        }
    )
    sides: tuple[Side, ...] = ("sme", "partner")
    for side in sides:
        every = store.all(side)
        assert [asdict(r) for r in every] == [asdict(store.get(side, r.id)) for r in every]
        assert all(type(r.sectors) is tuple and type(r.extra) is dict for r in every)
        assert len({id(r.extra) for r in every}) == len(every)  # no record shares its extra


@pytest.mark.parametrize("side", ["sme", "partner"])
def test_snapshot_is_all_with_its_data_version(
    store: Store, smes: list[SME], partners: list[Partner], side: Side
) -> None:
    assert store.snapshot(side) == ([], store.data_version(side))
    store.import_records({"sme": smes, "partner": partners})
    records, version = store.snapshot(side)
    assert records == store.all(side)
    assert version == store.data_version(side)


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


def test_content_hash_is_the_digest_stores_already_hold(
    smes: list[SME], partners: list[Partner]
) -> None:
    # The digest every existing database was filled with: changing it would report every
    # row of the next import as updated.
    def stored_digest(record: SME | Partner) -> str:
        payload = json.dumps(asdict(record), sort_keys=True, ensure_ascii=False, default=list)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    odd = [
        replace(smes[0], description='Quotes " \\ \n\t\x01 ü 停车 \u2028', sectors=("a", "é")),
        replace(partners[0], extra={"z": "1", "a": "é", "n": 3, "l": [1, "x"], "d": {"b": None}}),
        replace(partners[1], sectors=(), extra={"nested": SME("s", "n", "FR", "c", "d", ())}),
    ]
    records = [*smes, *partners, *odd]
    assert content_hashes(records) == [stored_digest(r) for r in records]
    assert [content_hash(r) for r in records] == [stored_digest(r) for r in records]


def test_batches_of_bulk_statements_add_update_and_skip(
    store: Store, partners: list[Partner], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "_BATCH", 2)
    store.import_records({"partner": partners[:3]})
    edited = [replace(p, name=p.name + " (renamed)") for p in partners[:3]]

    counts = store.import_records({"partner": [*edited, *partners[3:]]})

    assert counts["partner"] == ImportCounts(added=len(PARTNERS) - 3, updated=3)
    assert [asdict(r) for r in store.all("partner")] == [
        asdict(r) for r in sorted([*edited, *partners[3:]], key=lambda r: r.id)
    ]


def test_unchanged_rows_are_not_written(store: Store, smes: list[SME]) -> None:
    store.import_records({"sme": smes})

    def stamps() -> dict[str, object]:
        with store.engine.connect() as connection:
            return dict(connection.execute(select(SMERow.id, SMERow.updated_at)).all())

    before = stamps()
    store.import_records({"sme": [replace(smes[0], name="Renamed"), *smes[1:]]})
    after = stamps()

    assert after[smes[0].id] != before[smes[0].id]
    assert {k: v for k, v in after.items() if k != smes[0].id} == {
        k: v for k, v in before.items() if k != smes[0].id
    }


def test_store_is_persistent_across_connections(tmp_path: Path, smes: list[SME]) -> None:
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    first = Store(url)
    first.import_records({"sme": smes})
    first.dispose()
    second = Store(url)
    assert [r.id for r in second.all("sme")] == sorted(r.id for r in smes)
    second.dispose()

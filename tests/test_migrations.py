"""The Alembic migrations create exactly the schema the ORM models describe."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from databases import BACKENDS, scratch_database
from sqlalchemy import Engine, insert, inspect, select

from recommender.storage import Store
from recommender.storage.database import MIGRATIONS, connect, migrate
from recommender.storage.models import Base, SMERow, TokenRow


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrated_schema_matches_the_models(backend: str, tmp_path: Path) -> None:
    with scratch_database(backend, tmp_path) as url:
        engine = connect(url)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            differences = compare_metadata(context, Base.metadata)
        engine.dispose()
    assert differences == []


def test_opening_a_store_twice_migrates_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    Store(url).dispose()
    store = Store(url)  # the second open finds the schema at head and changes nothing
    tables = set(inspect(store.engine).get_table_names())
    assert {
        "smes",
        "partners",
        "leads",
        "lead_events",
        "feedback",
        "tokens",
        "web_sessions",
    } <= tables
    with store.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0003"


@pytest.mark.parametrize("backend", BACKENDS)
def test_0002_revokes_the_tokens_of_deleted_smes(backend: str, tmp_path: Path) -> None:
    """A database from before SME deletion revoked tokens: tokens of SMEs that are gone are
    revoked by the upgrade, those of existing SMEs and other roles are kept."""
    with scratch_database(backend, tmp_path) as url:
        engine = connect(url, upgrade=False)
        try:
            _upgrade(engine, "0001")
            now = datetime.now(UTC)
            sme = {
                "id": "sme-kept",
                "name": "Kept",
                "country": "FR",
                "cluster": "c",
                "description": "d",
                "target_markets": [],
                "sectors": [],
                "seeking": [],
                "language": "en",
                "extra": {},
                "content_hash": "h",
                "updated_at": now,
            }
            tokens = [
                ("a", "sme", "sme-kept"),
                ("b", "sme", "sme-gone"),
                ("c", "admin", ""),
            ]
            with engine.begin() as connection:
                connection.execute(insert(SMERow.__table__).values(sme))
                connection.execute(
                    insert(TokenRow.__table__),
                    [
                        {"digest": d, "role": r, "sme_id": s, "cluster": "", "label": ""}
                        | {"created_at": now, "revoked_at": None}
                        for d, r, s in tokens
                    ],
                )
            migrate(engine)
            with engine.connect() as connection:
                rows = connection.execute(select(TokenRow.digest, TokenRow.revoked_at)).all()
                revision = MigrationContext.configure(connection).get_current_revision()
            assert {digest: at is not None for digest, at in rows} == {
                "a": False,
                "b": True,
                "c": False,
            }
            assert revision == "0003"
        finally:
            engine.dispose()


def _upgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

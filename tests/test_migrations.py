"""The Alembic migrations create exactly the schema the ORM models describe."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from recommender.storage import Store
from recommender.storage.database import connect
from recommender.storage.models import Base


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_opening_a_store_twice_migrates_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    Store(url).dispose()
    store = Store(url)  # the second open finds the schema at head and changes nothing
    tables = set(inspect(store.engine).get_table_names())
    assert {"smes", "partners", "leads", "lead_events", "feedback", "tokens"} <= tables
    with store.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0002"

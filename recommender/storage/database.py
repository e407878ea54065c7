"""Engines and migrations: every store opens its database through `connect`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Cascading deletes of leads need foreign keys; WAL lets readers and one writer coexist.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def connect(url: str, upgrade: bool = True) -> Engine:
    """An engine for the URL, its schema migrated to the latest revision."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if upgrade:
        migrate(engine)
    return engine


@contextmanager
def writing(engine: Engine, *tables: str) -> Iterator[Session]:
    """A session in one transaction that holds the write lock before it reads anything, so a
    read-then-write (a lead's status, an id's existence, an SME's cluster) cannot be overtaken
    by another writer between the two.

    SQLite: BEGIN IMMEDIATE, one writer at a time (a deferred transaction that read first
    would fail with "database is locked" when it tried to write after another had). PostgreSQL:
    each named table locked against other writers until commit, readers unaffected (rows that
    may not exist yet cannot be locked with SELECT ... FOR UPDATE).
    """
    with Session(engine) as session, session.begin():
        connection = session.connection()
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            for table in tables:
                connection.exec_driver_sql(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        yield session

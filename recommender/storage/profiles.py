"""The profile store (SQLAlchemy): the source of truth for SMEs and partners.

SQLite in the data folder by default. Every import runs in one transaction, so a file with a
bad row, or a crash half-way, changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from ..schema import SME, Partner, Side
from .database import connect
from .models import PartnerRow, SMERow, utcnow

_ROWS: dict[Side, Any] = {"sme": SMERow, "partner": PartnerRow}
_LABEL: dict[Side, str] = {"sme": "SME", "partner": "partner"}


@dataclass(frozen=True)
class ImportCounts:
    """What one import changed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def content_hash(record: SME | Partner) -> str:
    """A digest of every field, to tell changed rows from unchanged ones."""
    payload = json.dumps(asdict(record), sort_keys=True, ensure_ascii=False, default=list)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _to_columns(record: SME | Partner) -> dict[str, Any]:
    values = asdict(record)
    for key, value in values.items():
        if isinstance(value, tuple):
            values[key] = list(value)
    values["content_hash"] = content_hash(record)
    return values


def _to_record(row: SMERow | PartnerRow) -> SME | Partner:
    if isinstance(row, SMERow):
        return SME(
            id=row.id,
            name=row.name,
            country=row.country,
            cluster=row.cluster,
            description=row.description,
            target_markets=tuple(row.target_markets),
            sectors=tuple(row.sectors),
            seeking=tuple(row.seeking),
            language=row.language,
            extra=dict(row.extra or {}),
        )
    return Partner(
        id=row.id,
        name=row.name,
        country=row.country,
        city=row.city,
        org_type=row.org_type,
        description=row.description,
        sectors=tuple(row.sectors),
        language=row.language,
        extra=dict(row.extra or {}),
    )


class Store:
    """SMEs and partners in a relational database."""

    def __init__(self, url: str):
        self.url = url
        self.engine: Engine = connect(url)

    def import_records(
        self, batches: dict[Side, Sequence[SME | Partner]], replace: bool = False
    ) -> dict[Side, ImportCounts]:
        """Upsert each side's records (and with replace, delete the rest) in one transaction."""
        counts: dict[Side, ImportCounts] = {}
        with Session(self.engine) as session, session.begin():
            for side, records in batches.items():
                counts[side] = self._upsert(session, side, records, replace)
        return counts

    def _upsert(
        self, session: Session, side: Side, records: Sequence[SME | Partner], replace: bool
    ) -> ImportCounts:
        model = _ROWS[side]
        added = updated = unchanged = removed = 0
        existing: dict[str, str] = dict(session.execute(select(model.id, model.content_hash)).all())
        for record in records:
            values = _to_columns(record)
            old_hash = existing.get(record.id)
            if old_hash is None:
                session.add(model(**values))
                added += 1
            elif old_hash != values["content_hash"]:
                row = session.get(model, record.id)
                assert row is not None
                for key, value in values.items():
                    setattr(row, key, value)
                row.updated_at = utcnow()
                updated += 1
            else:
                unchanged += 1
        if replace:
            incoming = {r.id for r in records}
            stale = [key for key in existing if key not in incoming]
            for start in range(0, len(stale), 500):
                session.execute(delete(model).where(model.id.in_(stale[start : start + 500])))
            removed = len(stale)
        return ImportCounts(added, updated, unchanged, removed)

    def data_version(self, side: Side) -> str:
        """A digest of every row of a side: derived indexes are rebuilt when it changes."""
        model = _ROWS[side]
        digest = hashlib.sha256()
        with Session(self.engine) as session:
            rows = session.execute(select(model.id, model.content_hash).order_by(model.id))
            for record_id, row_hash in rows:
                digest.update(f"{record_id}\0{row_hash}\n".encode())
        return digest.hexdigest()[:16]

    def all(self, side: Side) -> list[Any]:
        """Every record of a side, ordered by id."""
        model = _ROWS[side]
        with Session(self.engine) as session:
            rows: Iterable[SMERow | PartnerRow] = session.scalars(select(model).order_by(model.id))
            return [_to_record(row) for row in rows]

    def get(self, side: Side, record_id: str) -> Any:
        """One record; NotFoundError if absent."""
        with Session(self.engine) as session:
            row = session.get(_ROWS[side], record_id)
            if row is None:
                raise NotFoundError(f"no {_LABEL[side]} with id '{record_id}'")
            return _to_record(row)

    def count(self, side: Side) -> int:
        """Number of records of a side."""
        with Session(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(_ROWS[side])) or 0)

    def delete(self, side: Side, record_id: str) -> None:
        """Remove one profile (its leads and feedback go with it); NotFoundError if absent."""
        model = _ROWS[side]
        with Session(self.engine) as session, session.begin():
            row = session.get(model, record_id)
            if row is None:
                raise NotFoundError(f"no {_LABEL[side]} with id '{record_id}'")
            session.delete(row)

    def page(
        self,
        side: Side,
        offset: int = 0,
        limit: int = 50,
        country: str = "",
        cluster: str = "",
        org_type: str = "",
        city: str = "",
        ids: Sequence[str] | None = None,
    ) -> tuple[list[Any], int]:
        """One page of records matching the filters, and how many match in all."""
        model = _ROWS[side]
        query = select(model)
        if country:
            query = query.where(model.country == country.upper())
        if cluster and side == "sme":
            query = query.where(model.cluster == cluster)
        if org_type and side == "partner":
            query = query.where(model.org_type == org_type)
        if city and side == "partner":
            query = query.where(func.lower(model.city) == city.lower())
        if ids is not None:
            query = query.where(model.id.in_(list(ids)))
        with Session(self.engine) as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(query.order_by(model.id).offset(offset).limit(limit))
            return [_to_record(row) for row in rows], int(total)

    def dispose(self) -> None:
        self.engine.dispose()

"""The profile store (SQLAlchemy): the source of truth for SMEs and partners.

SQLite in the data folder by default. Every import runs in one transaction, so a file with a
bad row, or a crash half-way, changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from dataclasses import replace as dataclass_replace
from datetime import datetime
from json.encoder import encode_basestring as _escape  # what json.dumps uses for a str
from operator import attrgetter
from typing import Any

from sqlalchemy import JSON, Engine, Select, Text, cast, delete, func, insert, select, update
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError
from ..schema import SME, Partner, Side
from .database import connect, writing
from .models import PartnerRow, SMERow, TokenRow, utcnow

_ROWS: dict[Side, Any] = {"sme": SMERow, "partner": PartnerRow}
_LABEL: dict[Side, str] = {"sme": "SME", "partner": "partner"}
#: The columns a record is made of (the table also holds content_hash and updated_at).
_FIELDS: dict[Side, tuple[str, ...]] = {
    "sme": tuple(f.name for f in fields(SME)),
    "partner": tuple(f.name for f in fields(Partner)),
}
#: Columns stored as JSON: `extra` a dict, the others lists that records hold as tuples.
_JSON_FIELDS = frozenset(
    column.name
    for model in _ROWS.values()
    for column in model.__table__.columns
    if isinstance(column.type, JSON)
)
#: Rows a bulk statement: big enough to amortise a round trip, small enough for memory.
_BATCH = 5000
#: Values of one IN (...) list: each is a bound parameter, and PostgreSQL takes at most 65,535
#: in one statement.
_IN_CHUNK = 1000


def _revoke_tokens(session: Session, sme_ids: Sequence[str]) -> None:
    """Revoke the SME tokens of these SMEs (they are being deleted)."""
    session.execute(
        update(TokenRow)
        .where(TokenRow.role == "sme", TokenRow.sme_id.in_(list(sme_ids)))
        .where(TokenRow.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


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


# One encoder, built once: json.dumps with options builds a new one on every call.
_CONTENT_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=list)


def content_hash(record: SME | Partner) -> str:
    """A digest of every field, to tell changed rows from unchanged ones."""
    return content_hashes([record])[0]


def content_hashes(records: Sequence[SME | Partner]) -> list[str]:
    """The content_hash of each record, their JSON written a field at a time, a slice of
    records at a time (every field of a million records at once would take gigabytes)."""
    digests: list[str] = []
    for start in range(0, len(records), _BATCH):
        payloads = _payloads(records[start : start + _BATCH])
        digests.extend(hashlib.sha256(p.encode("utf-8")).hexdigest() for p in payloads)
    return digests


def _payloads(records: Sequence[SME | Partner]) -> list[str]:
    """Each record as json.dumps(asdict(record), sort_keys=True, ensure_ascii=False,
    default=list) writes it: the text every stored digest was made from."""
    kinds = {type(r) for r in records}
    if len(kinds) != 1:
        return [payload for r in records for payload in _payloads([r])]
    try:
        names = sorted(f.name for f in fields(kinds.pop()))
        columns = [_json_column(records, name) for name in names]
    except TypeError:  # a value only asdict() knows how to write (a nested dataclass)
        return [
            json.dumps(asdict(r), sort_keys=True, ensure_ascii=False, default=list) for r in records
        ]
    return ["{" + ", ".join(row) + "}" for row in zip(*columns, strict=True)]


def _json_column(records: Sequence[SME | Partner], name: str) -> list[str]:
    """One field of every record as '"name": <its JSON>'."""
    values = list(map(attrgetter(name), records))
    key = f'"{name}": '  # field names need no escaping
    if all(type(v) is str for v in values):
        return [key + text for text in map(_escape, values)]
    memo: dict[Any, str] = {}
    return [key + _json(v, memo) for v in values]


def _json(value: Any, memo: dict[Any, str]) -> str:
    """One field's JSON: strings escaped directly, repeated tuples (sector lists) once."""
    if type(value) is str:
        return _escape(value)
    if type(value) is tuple:
        if value not in memo:
            memo[value] = _CONTENT_JSON.encode(value)
        return memo[value]
    return "{}" if type(value) is dict and not value else _CONTENT_JSON.encode(value)


def _to_columns(record: SME | Partner, digest: str, now: datetime) -> dict[str, Any]:
    """A record as the values of its table row."""
    values = {k: list(v) if isinstance(v, tuple) else v for k, v in vars(record).items()}
    values["content_hash"] = digest
    values["updated_at"] = now
    return values


def _changes(
    records: Sequence[SME | Partner], digests: list[str], existing: dict[str, str]
) -> tuple[list[int], list[int]]:
    """Positions of the records that are new, and of those whose content changed."""
    new: list[int] = []
    changed: list[int] = []
    for i, (record, digest) in enumerate(zip(records, digests, strict=True)):
        old_hash = existing.get(record.id)
        if old_hash is None:
            new.append(i)
        elif old_hash != digest:
            changed.append(i)
    return new, changed


def _to_record(side: Side, row: Any) -> SME | Partner:
    """A record from a mapped row or a Core result row (both give columns as attributes)."""
    if side == "sme":
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


def _records(side: Side, rows: Iterable[Sequence[Any]]) -> list[Any]:
    """Records from rows of `_FIELDS[side]`, JSON columns as text: what `_to_record` gives."""
    make = SME if side == "sme" else Partner
    names = _FIELDS[side]
    lists = [i for i, name in enumerate(names) if name in _JSON_FIELDS and name != "extra"]
    extra = names.index("extra")
    decoded: dict[str, tuple[Any, ...]] = {}

    def as_tuple(text: str) -> tuple[Any, ...]:
        found = decoded.get(text)
        if found is None:
            found = decoded[text] = tuple(json.loads(text))
        return found

    out = []
    for row in rows:
        values = list(row[: len(names)])
        for i in lists:
            values[i] = as_tuple(values[i])
        # A dict per record, never a shared one: callers may change theirs.
        text = values[extra]
        values[extra] = {} if text is None or text == "{}" else dict(json.loads(text) or {})
        out.append(make(*values))
    return out


def _version_line(record_id: str, row_hash: str) -> bytes:
    """One row's share of a data version."""
    return f"{record_id}\0{row_hash}\n".encode()


def _hashed(result: Any, digest: Any) -> Iterator[Sequence[Any]]:
    """The rows of a result whose first column is the id and last the content hash, each
    added to the data-version digest as it passes. Fetched many rows at a time: row by row,
    the driver calls took 8 s at 1M rows."""
    for rows in result.partitions(_BATCH):
        digest.update(b"".join(_version_line(row[0], row[-1]) for row in rows))
        yield from rows


class Store:
    """SMEs and partners in a relational database."""

    def __init__(self, url: str):
        self.url = url
        self.engine: Engine = connect(url)

    def import_records(
        self,
        batches: dict[Side, Sequence[SME | Partner]],
        replace: bool = False,
        create: bool = False,
        cluster: str | None = None,
    ) -> dict[Side, ImportCounts]:
        """Upsert each side's records (and with replace, delete the rest) in one transaction.

        The transaction holds the write lock of its tables before it reads what is stored,
        so its checks hold when it writes. `create`: every record must be new (ConflictError
        otherwise). `cluster`: an SME stored under another cluster may not be written (an
        advisor's import; ConflictError, nothing written).
        """
        counts: dict[Side, ImportCounts] = {}
        tables = [_ROWS[side].__tablename__ for side in batches]
        with writing(self.engine, *tables) as session:
            for side, records in batches.items():
                if cluster is not None and side == "sme":
                    self._check_owner(session, records, cluster)
                counts[side] = self._upsert(session, side, records, replace, create)
        return counts

    def _check_owner(self, session: Session, records: Sequence[Any], cluster: str) -> None:
        taken = [
            record_id
            for record_id, owner in self._clusters(session, [r.id for r in records]).items()
            if owner != cluster
        ]
        if taken:
            # Neutral wording, as the upload check: never confirm which cluster owns an id.
            shown = ", ".join(sorted(taken)[:10])
            raise ConflictError(
                f"SME id(s) not available: {shown}{' ...' if len(taken) > 10 else ''}; "
                "nothing was imported"
            )

    def _clusters(self, session: Session, ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = list(ids[start : start + _IN_CHUNK])
            found.update(
                session.execute(select(SMERow.id, SMERow.cluster).where(SMERow.id.in_(chunk))).all()
            )
        return found

    def clusters(self, ids: Sequence[str]) -> dict[str, str]:
        """The cluster of each of these SME ids that is stored (any number of ids)."""
        with Session(self.engine) as session:
            return self._clusters(session, ids)

    def _upsert(
        self,
        session: Session,
        side: Side,
        records: Sequence[SME | Partner],
        replace: bool,
        create: bool,
    ) -> ImportCounts:
        model = _ROWS[side]
        stored = select(model.id, model.content_hash)
        existing: dict[str, str] = dict(session.execute(stored).all())
        if create:
            present = [r.id for r in records if r.id in existing]
            if present:
                raise ConflictError(f"{_LABEL[side]} '{present[0]}' already exists")
        digests = content_hashes(records)
        new, changed = _changes(records, digests, existing)
        # Unchanged rows, most of a re-import, are neither built nor sent. New rows go in as
        # a Core insert into the table (the ORM's bulk insert costs 1.7x as much a row);
        # changed rows as the ORM's bulk update, which matches each row by primary key.
        now = utcnow()
        for statement, positions in ((insert(model.__table__), new), (update(model), changed)):
            for start in range(0, len(positions), _BATCH):
                batch = positions[start : start + _BATCH]
                rows = [_to_columns(records[i], digests[i], now) for i in batch]
                session.execute(statement, rows)  # one executemany
        removed = 0
        if replace:
            incoming = {r.id for r in records}
            stale = [key for key in existing if key not in incoming]
            for start in range(0, len(stale), _IN_CHUNK):
                chunk = stale[start : start + _IN_CHUNK]
                if side == "sme":
                    _revoke_tokens(session, chunk)
                session.execute(delete(model).where(model.id.in_(chunk)))
            removed = len(stale)
        unchanged = len(records) - len(new) - len(changed)
        return ImportCounts(len(new), len(changed), unchanged, removed)

    def update(
        self,
        side: Side,
        record_id: str,
        changes: dict[str, Any],
        build: Callable[[dict[str, Any]], Any],
        guard: Callable[[Any], None] | None = None,
    ) -> Any:
        """Change some fields of one record, read and written in one locked transaction: a
        concurrent change of other fields is kept. `build` makes the record from all its
        field values (validating them); `guard` may refuse the change after seeing the
        current record. NotFoundError if absent."""
        model = _ROWS[side]
        with writing(self.engine, model.__tablename__) as session:
            row = session.get(model, record_id, with_for_update=True)
            if row is None:
                raise NotFoundError(f"no {_LABEL[side]} with id '{record_id}'")
            current = _to_record(side, row)
            if guard is not None:
                guard(current)
            fields_now = {k: v for k, v in asdict(current).items() if k != "extra"}
            record = dataclass_replace(build({**fields_now, **changes}), extra=current.extra)
            if record != current:
                for name, value in _to_columns(record, content_hash(record), utcnow()).items():
                    setattr(row, name, value)
        return record

    def data_version(self, side: Side) -> str:
        """A digest of every row of a side: derived indexes are rebuilt when it changes."""
        model = _ROWS[side]
        digest = hashlib.sha256()
        with self.engine.connect() as connection:
            result = connection.execute(select(model.id, model.content_hash).order_by(model.id))
            for _ in _hashed(result, digest):
                pass
        return digest.hexdigest()[:16]

    def all(self, side: Side) -> list[Any]:
        """Every record of a side, ordered by id."""
        with self.engine.connect() as connection:
            return _records(side, connection.execute(self._select_records(side)))

    def snapshot(self, side: Side) -> tuple[list[Any], str]:
        """`all(side)` and the `data_version` of exactly those rows, read by one statement.

        Two statements could straddle another process's import: indexes saved under the
        newer version would then hold the older rows, and be trusted by the next start.
        """
        table = _ROWS[side].__table__
        query = self._select_records(side).add_columns(table.c.content_hash)
        digest = hashlib.sha256()
        with self.engine.connect() as connection:
            records = _records(side, _hashed(connection.execute(query), digest))
        return records, digest.hexdigest()[:16]

    def _select_records(self, side: Side) -> Select[Any]:
        # A Core select: mapped objects (identity map, change tracking) cost as much again as
        # the records themselves. JSON columns come as their text, which `_records` decodes
        # once per distinct value: most profiles share a few sector lists and an empty `extra`.
        table = _ROWS[side].__table__
        columns = [
            cast(table.c[name], Text) if name in _JSON_FIELDS else table.c[name]
            for name in _FIELDS[side]
        ]
        return select(*columns).order_by(table.c.id)

    def get(self, side: Side, record_id: str) -> Any:
        """One record; NotFoundError if absent."""
        with Session(self.engine) as session:
            row = session.get(_ROWS[side], record_id)
            if row is None:
                raise NotFoundError(f"no {_LABEL[side]} with id '{record_id}'")
            return _to_record(side, row)

    def count(self, side: Side) -> int:
        """Number of records of a side."""
        with Session(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(_ROWS[side])) or 0)

    def delete(self, side: Side, record_id: str) -> None:
        """Remove one profile (its leads and feedback go with it); NotFoundError if absent.
        An SME's tokens are revoked with it: a new SME given the same id is not theirs."""
        model = _ROWS[side]
        with writing(self.engine, model.__tablename__) as session:
            row = session.get(model, record_id)
            if row is None:
                raise NotFoundError(f"no {_LABEL[side]} with id '{record_id}'")
            if side == "sme":
                _revoke_tokens(session, [record_id])
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
            return [_to_record(side, row) for row in rows], int(total)

    def dispose(self) -> None:
        self.engine.dispose()

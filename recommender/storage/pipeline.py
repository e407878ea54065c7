"""The lead pipeline: status of each (SME, partner) lead, notes, history and SME feedback."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError
from .database import writing
from .models import FeedbackRow, LeadEventRow, LeadRow, PartnerRow, SMERow, utcnow

STATUSES = ("suggested", "shortlisted", "contacted", "meeting", "agreement", "declined")
# Forward one step at a time, or decline at any point; a declined lead can be reopened.
TRANSITIONS: dict[str, frozenset[str]] = {
    "suggested": frozenset({"shortlisted", "declined"}),
    "shortlisted": frozenset({"contacted", "declined", "suggested"}),
    "contacted": frozenset({"meeting", "declined", "shortlisted"}),
    "meeting": frozenset({"agreement", "declined", "contacted"}),
    "agreement": frozenset({"meeting"}),
    "declined": frozenset({"suggested", "shortlisted"}),
}


class TransitionError(ConflictError):
    """A status change the pipeline does not allow."""


@dataclass(frozen=True)
class LeadEvent:
    actor: str
    kind: str
    old_value: str
    new_value: str
    at: datetime


@dataclass(frozen=True)
class LeadState:
    """A tracked lead with its notes and history."""

    sme_id: str
    partner_id: str
    status: str
    updated_at: datetime | None
    notes: list[LeadEvent] = field(default_factory=list)
    history: list[LeadEvent] = field(default_factory=list)


@dataclass(frozen=True)
class Feedback:
    sme_id: str
    partner_id: str
    interesting: bool
    reason: str
    actor: str
    at: datetime


def _event(row: LeadEventRow) -> LeadEvent:
    return LeadEvent(row.actor, row.kind, row.old_value, row.new_value, row.at)


def _insert(session: Session, model: Any) -> Any:
    """An INSERT that can say ON CONFLICT, in the session's dialect."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _require_pair(session: Session, sme_id: str, partner_id: str) -> None:
    if session.get(SMERow, sme_id) is None:
        raise NotFoundError(f"no SME with id '{sme_id}'")
    if session.get(PartnerRow, partner_id) is None:
        raise NotFoundError(f"no partner with id '{partner_id}'")


class Pipeline:
    """Lead statuses, notes and SME feedback in the database.

    Every change is one transaction that holds the lead's lock from before it reads the
    lead: concurrent first changes of an untracked lead create one row (INSERT ... ON
    CONFLICT DO NOTHING), and concurrent moves run one after the other, each from the status
    the one before left, so the history stays one chain.
    """

    def __init__(self, engine: Engine):
        self.engine = engine

    @contextmanager
    def _changing(self, sme_id: str, partner_id: str) -> Iterator[tuple[Session, LeadRow]]:
        """The lead's row, tracked from now on and locked until the transaction ends."""
        try:
            with writing(self.engine) as session:
                _require_pair(session, sme_id, partner_id)
                now = utcnow()
                session.execute(
                    _insert(session, LeadRow)
                    .values(
                        sme_id=sme_id,
                        partner_id=partner_id,
                        status="suggested",
                        created_at=now,
                        updated_at=now,
                    )
                    .on_conflict_do_nothing(index_elements=["sme_id", "partner_id"])
                )
                row = session.scalars(
                    select(LeadRow)
                    .where(LeadRow.sme_id == sme_id, LeadRow.partner_id == partner_id)
                    .with_for_update()  # PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
                ).one()
                yield session, row
        except IntegrityError:
            # PostgreSQL only: the SME or partner was deleted between the check and the insert.
            raise NotFoundError(
                f"no lead between '{sme_id}' and '{partner_id}' (a profile was deleted)"
            ) from None

    def _state(self, session: Session, row: LeadRow) -> LeadState:
        events = [
            _event(e)
            for e in session.scalars(
                select(LeadEventRow).where(LeadEventRow.lead_id == row.id).order_by(LeadEventRow.id)
            )
        ]
        return LeadState(
            row.sme_id,
            row.partner_id,
            row.status,
            row.updated_at,
            notes=[e for e in events if e.kind == "note"],
            history=events,
        )

    def get(self, sme_id: str, partner_id: str) -> LeadState:
        """A lead's state; untracked pairs are 'suggested' with no history."""
        with Session(self.engine) as session:
            row = session.scalar(
                select(LeadRow).where(LeadRow.sme_id == sme_id, LeadRow.partner_id == partner_id)
            )
            if row is None:
                return LeadState(sme_id, partner_id, "suggested", None)
            return self._state(session, row)

    def set_status(
        self,
        sme_id: str,
        partner_id: str,
        status: str,
        actor: str,
        expected: str | None = None,
    ) -> LeadState:
        """Move a lead; TransitionError if the move is not allowed, ConflictError if the lead
        is no longer at `expected` (another move came first). Without `expected`, the move
        starts from the status read under the lock."""
        for value in (status, expected):
            if value is not None and value not in STATUSES:
                raise TransitionError(f"unknown status '{value}' (one of {', '.join(STATUSES)})")
        with self._changing(sme_id, partner_id) as (session, row):
            if expected is not None and row.status != expected:
                raise ConflictError(
                    f"the lead is now '{row.status}', not '{expected}': another change came "
                    "first; reload it and try again"
                )
            if status != row.status:
                if status not in TRANSITIONS[row.status]:
                    allowed = ", ".join(sorted(TRANSITIONS[row.status]))
                    raise TransitionError(
                        f"a lead cannot go from '{row.status}' to '{status}' (allowed: {allowed})"
                    )
                session.add(
                    LeadEventRow(
                        lead_id=row.id,
                        actor=actor,
                        kind="status",
                        old_value=row.status,
                        new_value=status,
                    )
                )
                row.status = status
                row.updated_at = utcnow()
                session.flush()
            return self._state(session, row)

    def add_note(self, sme_id: str, partner_id: str, text: str, actor: str) -> LeadState:
        """Attach a note to a lead (tracking it if it was only suggested)."""
        with self._changing(sme_id, partner_id) as (session, row):
            session.add(LeadEventRow(lead_id=row.id, actor=actor, kind="note", new_value=text))
            row.updated_at = utcnow()
            session.flush()
            return self._state(session, row)

    def statuses(self, sme_ids: Sequence[str]) -> dict[tuple[str, str], str]:
        """Status of every tracked lead of these SMEs."""
        if not sme_ids:
            return {}
        with Session(self.engine) as session:
            rows = session.execute(
                select(LeadRow.sme_id, LeadRow.partner_id, LeadRow.status).where(
                    LeadRow.sme_id.in_(list(sme_ids))
                )
            )
            return {(s, p): status for s, p, status in rows}

    def tracked(
        self, sme_ids: Sequence[str] | None = None, statuses: Sequence[str] = ()
    ) -> list[tuple[str, str, str, datetime]]:
        """(sme_id, partner_id, status, updated_at) of tracked leads, newest first."""
        query = select(LeadRow.sme_id, LeadRow.partner_id, LeadRow.status, LeadRow.updated_at)
        if sme_ids is not None:
            query = query.where(LeadRow.sme_id.in_(list(sme_ids)))
        if statuses:
            query = query.where(LeadRow.status.in_(list(statuses)))
        with Session(self.engine) as session:
            rows = session.execute(query.order_by(LeadRow.updated_at.desc(), LeadRow.id))
            return [(s, p, st, at) for s, p, st, at in rows]

    def give_feedback(
        self, sme_id: str, partner_id: str, interesting: bool, reason: str, actor: str
    ) -> Feedback:
        """Record (or replace) an SME's verdict on a partner."""
        at = utcnow()
        values = {"interesting": interesting, "reason": reason, "actor": actor, "at": at}
        with writing(self.engine) as session:
            _require_pair(session, sme_id, partner_id)
            # One statement, so two first verdicts at once cannot both insert.
            session.execute(
                _insert(session, FeedbackRow)
                .values(sme_id=sme_id, partner_id=partner_id, **values)
                .on_conflict_do_update(index_elements=["sme_id", "partner_id"], set_=values)
            )
        return Feedback(sme_id, partner_id, interesting, reason, actor, at)

    def feedback(self, sme_id: str) -> dict[str, Feedback]:
        """An SME's feedback, by partner id."""
        with Session(self.engine) as session:
            rows = session.scalars(select(FeedbackRow).where(FeedbackRow.sme_id == sme_id))
            return {
                r.partner_id: Feedback(
                    r.sme_id, r.partner_id, r.interesting, r.reason, r.actor, r.at
                )
                for r in rows
            }

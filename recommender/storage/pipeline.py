"""The lead pipeline: status of each (SME, partner) lead, notes, history and SME feedback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ..errors import ClusterMatchError, NotFoundError
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


class TransitionError(ClusterMatchError):
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


class Pipeline:
    """Lead statuses, notes and SME feedback in the database."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def _lead(self, session: Session, sme_id: str, partner_id: str, create: bool) -> LeadRow | None:
        row = session.scalar(
            select(LeadRow).where(LeadRow.sme_id == sme_id, LeadRow.partner_id == partner_id)
        )
        if row is None and create:
            if session.get(SMERow, sme_id) is None:
                raise NotFoundError(f"no SME with id '{sme_id}'")
            if session.get(PartnerRow, partner_id) is None:
                raise NotFoundError(f"no partner with id '{partner_id}'")
            row = LeadRow(sme_id=sme_id, partner_id=partner_id, status="suggested")
            session.add(row)
            session.flush()
        return row

    def get(self, sme_id: str, partner_id: str) -> LeadState:
        """A lead's state; untracked pairs are 'suggested' with no history."""
        with Session(self.engine) as session:
            row = self._lead(session, sme_id, partner_id, create=False)
            if row is None:
                return LeadState(sme_id, partner_id, "suggested", None)
            events = [
                _event(e)
                for e in session.scalars(
                    select(LeadEventRow)
                    .where(LeadEventRow.lead_id == row.id)
                    .order_by(LeadEventRow.id)
                )
            ]
            return LeadState(
                sme_id,
                partner_id,
                row.status,
                row.updated_at,
                notes=[e for e in events if e.kind == "note"],
                history=events,
            )

    def set_status(self, sme_id: str, partner_id: str, status: str, actor: str) -> LeadState:
        """Move a lead; TransitionError if the move is not allowed."""
        if status not in STATUSES:
            raise TransitionError(f"unknown status '{status}' (one of {', '.join(STATUSES)})")
        with Session(self.engine) as session, session.begin():
            row = self._lead(session, sme_id, partner_id, create=True)
            assert row is not None
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
        return self.get(sme_id, partner_id)

    def add_note(self, sme_id: str, partner_id: str, text: str, actor: str) -> LeadState:
        """Attach a note to a lead (tracking it if it was only suggested)."""
        with Session(self.engine) as session, session.begin():
            row = self._lead(session, sme_id, partner_id, create=True)
            assert row is not None
            session.add(LeadEventRow(lead_id=row.id, actor=actor, kind="note", new_value=text))
            row.updated_at = utcnow()
        return self.get(sme_id, partner_id)

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
        with Session(self.engine) as session, session.begin():
            if session.get(SMERow, sme_id) is None:
                raise NotFoundError(f"no SME with id '{sme_id}'")
            if session.get(PartnerRow, partner_id) is None:
                raise NotFoundError(f"no partner with id '{partner_id}'")
            row = session.scalar(
                select(FeedbackRow).where(
                    FeedbackRow.sme_id == sme_id, FeedbackRow.partner_id == partner_id
                )
            )
            if row is None:
                row = FeedbackRow(sme_id=sme_id, partner_id=partner_id)
                session.add(row)
            at = utcnow()
            row.interesting, row.reason, row.actor, row.at = interesting, reason, actor, at
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

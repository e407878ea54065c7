"""Request and response bodies of the HTTP API (not the library's domain objects)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from recommender.schema import ID_PATTERN, MAX_DESCRIPTION_CHARS, MAX_FIELD_CHARS

Market = Literal["US", "CA", "CN", "SG"]
OrgType = Literal[
    "corporate",
    "public_authority",
    "research",
    "association",
    "investor",
    "distributor",
    "accelerator",
    "other",
]
Status = Literal["suggested", "shortlisted", "contacted", "meeting", "agreement", "declined"]
Short = Field(max_length=MAX_FIELD_CHARS)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class Strict(BaseModel):
    """Request bodies: unknown fields and NUL characters are refused."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        # PostgreSQL text cannot hold NUL; no honest profile or note contains one.
        if _has_nul(data):
            raise ValueError("text must not contain NUL characters")
        return data


class SMEFields(Strict):
    name: str = Field(min_length=1, max_length=MAX_FIELD_CHARS)
    country: str = Field(min_length=2, max_length=2, examples=["FR"])
    cluster: str = Field(default="", max_length=MAX_FIELD_CHARS, examples=["Mov'eo"])
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION_CHARS)
    target_markets: list[Market] = Field(default_factory=list, max_length=4)
    sectors: list[str] = Field(default_factory=list, max_length=30)
    seeking: list[OrgType] = Field(default_factory=list, max_length=8)
    language: str = Field(default="", max_length=2, examples=["fr"])


class SMECreate(SMEFields):
    id: str = Field(min_length=1, max_length=100, pattern=ID_PATTERN, examples=["sme-ksh"])


class SMEUpdate(Strict):
    """Fields to change; omitted fields keep their value."""

    name: str | None = Field(default=None, min_length=1, max_length=MAX_FIELD_CHARS)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    cluster: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    description: str | None = Field(default=None, min_length=1, max_length=MAX_DESCRIPTION_CHARS)
    target_markets: list[Market] | None = Field(default=None, max_length=4)
    sectors: list[str] | None = Field(default=None, max_length=30)
    seeking: list[OrgType] | None = Field(default=None, max_length=8)
    language: str | None = Field(default=None, max_length=2)


class SMEPublic(SMECreate):
    model_config = ConfigDict(extra="ignore")


class PartnerFields(Strict):
    name: str = Field(min_length=1, max_length=MAX_FIELD_CHARS)
    country: Market
    city: str = Field(min_length=1, max_length=MAX_FIELD_CHARS, examples=["Shanghai"])
    org_type: OrgType
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION_CHARS)
    sectors: list[str] = Field(default_factory=list, max_length=30)
    language: str = Field(default="", max_length=2)


class PartnerCreate(PartnerFields):
    id: str = Field(min_length=1, max_length=100, pattern=ID_PATTERN, examples=["p-cn-002"])


class PartnerUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=MAX_FIELD_CHARS)
    country: Market | None = None
    city: str | None = Field(default=None, min_length=1, max_length=MAX_FIELD_CHARS)
    org_type: OrgType | None = None
    description: str | None = Field(default=None, min_length=1, max_length=MAX_DESCRIPTION_CHARS)
    sectors: list[str] | None = Field(default=None, max_length=30)
    language: str | None = Field(default=None, max_length=2)


class PartnerPublic(PartnerCreate):
    model_config = ConfigDict(extra="ignore")


class SMEPage(BaseModel):
    items: list[SMEPublic]
    total: int
    offset: int
    limit: int


class PartnerPage(BaseModel):
    items: list[PartnerPublic]
    total: int
    offset: int
    limit: int


class ExplanationPublic(BaseModel):
    matched_sentence: str
    sentence_similarity: float
    shared_terms: list[str]
    reasons: list[str]


class LeadPublic(BaseModel):
    rank: int
    id: str = Field(description="The suggested partner's (or SME's, for /partners/{id}/smes) id.")
    name: str
    country: str
    city: str = ""
    org_type: str = ""
    cluster: str = ""
    language: str = ""
    score: float
    signals: dict[str, float]
    explanation: ExplanationPublic | None = None
    status: Status = "suggested"
    interesting: bool | None = Field(default=None, description="The SME's own feedback, if any.")


class LeadList(BaseModel):
    query_id: str = ""
    results: list[LeadPublic]


class StatusChange(Strict):
    status: Status
    from_status: Status | None = Field(
        default=None,
        description="The status the caller saw: 409 if the lead has moved since (another "
        "change came first). Without it the move starts from the current status.",
    )


class NoteCreate(Strict):
    text: str = Field(min_length=1, max_length=5000)


class FeedbackCreate(Strict):
    interesting: StrictBool  # true or false: 0, 1 or "yes" are refused
    reason: str = Field(default="", max_length=2000)


class FeedbackPublic(BaseModel):
    sme_id: str
    partner_id: str
    interesting: bool
    reason: str
    at: datetime


class EventPublic(BaseModel):
    actor: str | None = Field(description="Who made the change; null in an SME's own view.")
    kind: str
    old_value: str
    new_value: str
    at: datetime


class LeadStatePublic(BaseModel):
    sme_id: str
    partner_id: str
    status: Status
    updated_at: datetime | None
    notes: list[EventPublic]
    history: list[EventPublic]


class TrackedLead(BaseModel):
    sme_id: str
    sme_name: str
    cluster: str
    partner_id: str
    partner_name: str
    market: str
    city: str
    org_type: str
    status: Status
    updated_at: datetime


class TrackedLeadPage(BaseModel):
    items: list[TrackedLead]
    total: int


class ProblemPublic(BaseModel):
    file: str
    row: int | None
    column: str | None
    reason: str


class ImportResult(BaseModel):
    added: int
    updated: int
    unchanged: int
    removed: int
    embedded: int
    warnings: list[str]
    notes: list[str] = []  # how the file was read, e.g. "read as semicolon-separated values"


class ErrorBody(BaseModel):
    detail: str
    problems: list[ProblemPublic] = Field(default_factory=list)
    problem_count: int | None = Field(
        default=None, description="All problems found; `problems` lists the first of them."
    )


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A body that cannot be parsed."},
    401: {"model": ErrorBody, "description": "Missing, unknown or revoked token."},
    403: {"model": ErrorBody, "description": "The caller's role may not do this."},
    404: {"model": ErrorBody, "description": "Missing, or not visible to the caller."},
    409: {"model": ErrorBody, "description": "Conflicts with the current state."},
    422: {"model": ErrorBody, "description": "Invalid input; `problems` lists each one."},
}


class Me(BaseModel):
    role: Literal["admin", "advisor", "sme"]
    cluster: str = ""
    sme_id: str = ""
    label: str = ""


class Health(BaseModel):
    status: str
    smes: int | None = None
    partners: int | None = None
    model: str | None = None


class MissionFile(BaseModel):
    name: str
    url: str


class MissionJobPublic(BaseModel):
    id: str
    name: str
    status: Literal["queued", "running", "done", "failed"]
    owner_role: str
    owner_cluster: str
    created_at: str
    finished_at: str | None = None
    error: str | None = None
    summary: dict[str, float | int | str] = Field(default_factory=dict)
    files: list[MissionFile] = Field(default_factory=list)

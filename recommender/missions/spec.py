"""The mission file: a YAML document validated by pydantic, errors naming the offending key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic import ValidationError as PydanticError

from ..config import RankerName
from ..errors import Problem, ValidationError
from ..relevance import BANDS, band_floor
from ..schema import MARKETS, ORG_TYPES


class _Strict(BaseModel):
    # A misspelt optional key would otherwise be ignored silently and the default used.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Slots(_Strict):
    """Meeting slots of the mission: `per_day` slots on each of `days` days."""

    days: int = Field(ge=1, le=31)
    per_day: int = Field(ge=1, le=48)

    @property
    def total(self) -> int:
        """Slots in the whole mission."""
        return self.days * self.per_day


class Fairness(_Strict):
    """The fair-share rule of the agenda; see `recommender.missions.agenda`."""

    min_meetings: int | None = Field(
        default=None, ge=0, description="Meetings every SME gets first; default: an even share."
    )
    slack: int = Field(default=2, ge=0, description="How far above that share anyone may go.")


class MissionSpec(_Strict):
    """A trade mission: who travels, whom they may meet, and when."""

    name: str = Field(min_length=1, max_length=200)
    markets: list[str] = Field(min_length=1)
    cities: list[str] = Field(min_length=1)
    dates: tuple[dt.date, dt.date]
    smes: Literal["all"] | list[str] = "all"
    partner_types: list[str] = Field(default_factory=list)
    slots: Slots
    partner_capacity: int = Field(ge=1)
    exclude: list[tuple[str, str]] = Field(default_factory=list)
    # Optional keys beyond the minimum; each has a default that suits a small mission.
    itinerary: list[str] | None = Field(
        default=None, description="City of each mission day; partners meet only on their days."
    )
    top: int = Field(default=20, ge=1, le=500, description="Leads listed per SME.")
    candidates: int | None = Field(
        default=100, ge=1, description="Best partners per SME offered to the agenda solver."
    )
    ranker: RankerName = "hybrid"
    min_relevance: float = Field(
        default=band_floor("good"),
        ge=0.0,
        le=1.0,
        description=(
            "Lowest calibrated relevance (the hybrid score, 0..1) of a pair that may meet, or a "
            "band name (strong, good, weak); pairs below it are no candidates, so an SME with "
            "fewer such leads than the fair share gets fewer meetings. Default: the good band. "
            "Applies to the hybrid ranker only (the others give no calibrated score)."
        ),
    )
    fairness: Fairness = Field(default_factory=Fairness)
    time_limit: float = Field(default=30.0, gt=0, le=3600, description="Solver seconds.")

    @field_validator("min_relevance", mode="before")
    @classmethod
    def _min_relevance(cls, value: Any) -> Any:
        if isinstance(value, str) and not _is_number(value):
            names = [name for name, _ in BANDS]
            if value.strip().lower() not in names:
                raise ValueError(f"give a number 0..1 or a band: {', '.join(names)}")
            return band_floor(value.strip().lower())
        return value

    @field_validator("markets")
    @classmethod
    def _markets(cls, value: list[str]) -> list[str]:
        upper = [m.strip().upper() for m in value]
        unknown = [m for m in upper if m not in MARKETS]
        if unknown:
            raise ValueError(f"unknown market(s) {', '.join(unknown)}; use {', '.join(MARKETS)}")
        return list(dict.fromkeys(upper))

    @field_validator("cities")
    @classmethod
    def _cities(cls, value: list[str]) -> list[str]:
        cities = [c.strip() for c in value]
        if not all(cities):
            raise ValueError("a city is empty")
        return list(dict.fromkeys(cities))

    @field_validator("smes")
    @classmethod
    def _smes(cls, value: Literal["all"] | list[str]) -> Literal["all"] | list[str]:
        if isinstance(value, list) and not value:
            raise ValueError('give at least one SME id, or "all"')
        return value

    @field_validator("partner_types")
    @classmethod
    def _partner_types(cls, value: list[str]) -> list[str]:
        lower = [t.strip().lower() for t in value]
        unknown = [t for t in lower if t not in ORG_TYPES]
        if unknown:
            raise ValueError(f"unknown type(s) {', '.join(unknown)}; use {', '.join(ORG_TYPES)}")
        return lower

    @model_validator(mode="after")
    def _consistent(self) -> MissionSpec:
        start, end = self.dates
        if "min_relevance" in self.model_fields_set and self.ranker != "hybrid":
            raise _KeyError("min_relevance", "needs ranker hybrid, the calibrated score")
        if end < start:
            raise _KeyError("dates", "the end date is before the start date")
        if self.slots.days > (end - start).days + 1:
            raise _KeyError(
                "slots.days", f"{self.slots.days} meeting days do not fit in {start}..{end}"
            )
        if self.itinerary is not None:
            if len(self.itinerary) != self.slots.days:
                raise _KeyError(
                    "itinerary", f"name one city per meeting day ({self.slots.days} days)"
                )
            known = {c.casefold() for c in self.cities}
            visited = {c.strip().casefold() for c in self.itinerary}
            if visited - known:
                raise _KeyError("itinerary", "a city of the itinerary is not in `cities`")
            if known - visited:
                # Its partners could never be met: surely a mistake in the file.
                raise _KeyError("itinerary", "every city of `cities` needs at least one day")
        return self

    def relevance_floor(self) -> float:
        """The floor a meeting's pair must reach: `min_relevance` for hybrid, else none."""
        return self.min_relevance if self.ranker == "hybrid" else 0.0

    def day_cities(self) -> list[str | None]:
        """The city of each meeting day, or None on every day when partners can meet any day."""
        if self.itinerary is None:
            return [None] * self.slots.days
        by_key = {c.casefold(): c for c in self.cities}
        return [by_key[c.strip().casefold()] for c in self.itinerary]


class _KeyError(ValueError):
    """A cross-field problem that belongs to one key (pydantic would blame the whole file)."""

    def __init__(self, key: str, reason: str):
        super().__init__(reason)
        self.key = key
        self.reason = reason


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def parse_mission(data: Any, source: str = "mission") -> MissionSpec:
    """Validate an already parsed mission document; ValidationError names each bad key."""
    if not isinstance(data, dict):
        raise ValidationError([Problem(source, None, None, "expected a mapping of keys")])
    try:
        return MissionSpec.model_validate(data)
    except PydanticError as exc:
        raise ValidationError([_problem(source, e) for e in exc.errors()]) from None


def load_mission(path: str | Path) -> MissionSpec:
    """Read and validate a mission YAML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError([Problem(str(path), None, None, f"cannot read: {exc}")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        reason = f"not valid YAML: {getattr(exc, 'problem', None) or exc}"
        raise ValidationError([Problem(str(path), row, None, reason)]) from None
    return parse_mission(data, str(path))


def _problem(source: str, error: Any) -> Problem:
    ctx_error = (error.get("ctx") or {}).get("error")
    if isinstance(ctx_error, _KeyError):
        return Problem(source, None, ctx_error.key, ctx_error.reason)
    # Drop pydantic's union-branch labels ("list[str]", "literal['all']") from the key path.
    parts = [str(p) for p in error["loc"] if not (isinstance(p, str) and ("[" in p or "'" in p))]
    key = ".".join(parts) or None
    reason = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        reason = "unknown key"
    elif error["type"] == "missing":
        reason = "required key is missing"
    return Problem(source, None, key, reason)


__all__ = ["Fairness", "MissionSpec", "Slots", "load_mission", "parse_mission"]

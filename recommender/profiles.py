"""Reading and validating profile files (CSV or Excel) into SME and Partner records.

The data layer owns pandas: a raw file goes in, plain validated records come out, and every
problem of the file is reported at once with its file, row and column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import Problem, ValidationError
from .language import detect_language
from .schema import (
    COLUMNS,
    ISO_COUNTRIES,
    MARKETS,
    MAX_DESCRIPTION_CHARS,
    MAX_FIELD_CHARS,
    ORG_TYPES,
    SME,
    Partner,
    Side,
)

_LANGUAGE = re.compile(r"^[a-z]{2}$")
_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass(frozen=True)
class LoadedProfiles:
    """The records of one valid file, with the 1-based row each came from."""

    side: Side
    source: str
    records: list[Any]  # list[SME] or list[Partner]
    rows: dict[str, int]


def read_table(data: bytes, source: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Parse raw CSV or XLSX bytes into a frame of strings; problems instead of exceptions."""
    if Path(source).suffix.lower() in _EXCEL_SUFFIXES:
        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False)
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            return None, [Problem(source, None, None, f"cannot read Excel file: {exc}")]
        return _stringify(frame), []

    problems: list[Problem] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8-sig", errors="replace")
        problems.extend(_undecodable_rows(data, source))
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return None, [*problems, Problem(source, None, None, f"not a valid CSV file: {exc}")]
    frame = _stringify(frame)
    frame.attrs["lines"] = _record_lines(text)
    return frame, problems


def _record_lines(text: str) -> list[int]:
    """The file line on which each data record starts, skipping blank lines like pandas."""
    starts, previous_end = [], 0
    # newline="" lets the csv module see bare '\r' line ends, as pandas does.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if record:
                starts.append(start)
    except csv.Error:
        return []  # pandas read it, so number rows by position rather than fail
    return starts[1:]  # the first record is the header


def _stringify(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.fillna("").astype(str).apply(lambda col: col.str.strip())


def _undecodable_rows(data: bytes, source: str) -> list[Problem]:
    """One problem per line holding bytes that are not UTF-8 (rows counted as file lines)."""
    problems = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(
                Problem(
                    source,
                    number,
                    None,
                    f"bytes that are not UTF-8 at position {exc.start} (save the file as UTF-8)",
                )
            )
    return problems


def _split(value: str, normalise: Callable[[str], str] = str.strip) -> tuple[str, ...]:
    """Split a ';'-separated cell, normalise each part, drop blanks and repeats, keep order."""
    seen: dict[str, None] = {}
    for part in value.split(";"):
        part = normalise(part.strip())
        if part:
            seen.setdefault(part, None)
    return tuple(seen)


def normalise_org_type(value: str) -> str:
    """'Public Authority' and 'public-authority' both mean public_authority."""
    return value.strip().lower().replace(" ", "_").replace("-", "_")


def validate_frame(frame: pd.DataFrame, side: Side, source: str) -> LoadedProfiles:
    """Check every row of a frame; raise ValidationError listing all problems, else records."""
    problems: list[Problem] = []
    missing = [c for c in COLUMNS[side] if c not in frame.columns]
    for column in missing:
        problems.append(Problem(source, 1, column, "missing column"))
    if missing:
        raise ValidationError(problems)
    if frame.empty:
        raise ValidationError([Problem(source, None, None, "the file has no data rows")])

    records: list[Any] = []
    rows: dict[str, int] = {}
    extra_columns = [c for c in frame.columns if c not in COLUMNS[side]]
    lines = frame.attrs.get("lines")
    for index, raw in enumerate(frame.to_dict("records")):
        # The line a record starts on (header = 1), so blank lines and multi-line cells do
        # not shift the numbers; a workbook's rows are numbered as Excel shows them.
        row = lines[index] if lines and index < len(lines) else index + 2

        def bad(column: str, reason: str, row: int = row) -> None:
            problems.append(Problem(source, row, column, reason))

        record_id = raw["id"]
        if not record_id:
            bad("id", "empty id")
        elif len(record_id) > 100:
            bad("id", "id longer than 100 characters")
        elif record_id in rows:
            bad("id", f"duplicate id '{record_id}' (first seen in row {rows[record_id]})")
        for column in ("name", "description"):
            if not raw[column]:
                bad(column, f"empty {column}")
        if len(raw["description"]) > MAX_DESCRIPTION_CHARS:
            bad("description", f"longer than {MAX_DESCRIPTION_CHARS} characters")
        for column in COLUMNS[side]:
            if column != "description" and len(raw[column]) > MAX_FIELD_CHARS:
                bad(column, f"longer than {MAX_FIELD_CHARS} characters")

        for key, value in raw.items():
            if "\x00" in value:
                bad(str(key), "contains a NUL character")
        country = raw["country"].upper()
        language = raw["language"].lower()
        if language and not _LANGUAGE.match(language):
            bad("language", f"'{raw['language']}' is not an ISO 639-1 code (two letters)")
        sectors = _split(raw["sectors"])
        extra = {c: raw[c] for c in extra_columns if raw[c]}

        if side == "sme":
            if country not in ISO_COUNTRIES:
                bad("country", f"unknown country code '{raw['country']}' (ISO 3166 alpha-2)")
            markets = _split(raw["target_markets"], str.upper)
            for market in markets:
                if market not in MARKETS:
                    bad("target_markets", f"market '{market}' is not one of {', '.join(MARKETS)}")
            seeking = _split(raw["seeking"], normalise_org_type)
            for org in seeking:
                if org not in ORG_TYPES:
                    bad("seeking", f"unknown org type '{org}' (one of {', '.join(ORG_TYPES)})")
            record: SME | Partner = SME(
                id=record_id,
                name=raw["name"],
                country=country,
                cluster=raw["cluster"],
                description=raw["description"],
                target_markets=markets,
                sectors=sectors,
                seeking=seeking,
                language=language,
                extra=extra,
            )
        else:
            if country not in MARKETS:
                bad(
                    "country",
                    f"partner country '{raw['country']}' is not one of {', '.join(MARKETS)}",
                )
            org_type = normalise_org_type(raw["org_type"])
            if org_type not in ORG_TYPES:
                bad(
                    "org_type",
                    f"unknown org type '{raw['org_type']}' (one of {', '.join(ORG_TYPES)})",
                )
            if not raw["city"]:
                bad("city", "empty city")
            record = Partner(
                id=record_id,
                name=raw["name"],
                country=country,
                city=raw["city"],
                org_type=org_type,
                description=raw["description"],
                sectors=sectors,
                language=language,
                extra=extra,
            )
        if record_id and record_id not in rows:
            rows[record_id] = row
        records.append(record)

    if problems:
        raise ValidationError(problems)
    records = [_with_language(r) for r in records]
    return LoadedProfiles(side=side, source=source, records=records, rows=rows)


def _with_language(record: SME | Partner) -> SME | Partner:
    if record.language:
        return record
    from dataclasses import replace

    return replace(record, language=detect_language(record.description))


def load_profiles(data: bytes, side: Side, source: str) -> LoadedProfiles:
    """Parse and validate one uploaded or local file; raise ValidationError on any problem."""
    frame, problems = read_table(data, source)
    if frame is None:
        raise ValidationError(problems)
    try:
        loaded = validate_frame(frame, side, source)
    except ValidationError as exc:
        raise ValidationError(problems + exc.problems) from None
    if problems:
        raise ValidationError(problems)
    return loaded


def validate_rows(rows: Sequence[dict[str, Any]], side: Side, source: str) -> LoadedProfiles:
    """Validate records given as dicts (lists allowed for the ';'-separated fields)."""
    cleaned = [
        {
            key: ";".join(map(str, value)) if isinstance(value, list | tuple) else str(value or "")
            for key, value in row.items()
        }
        for row in rows
    ]
    frame = pd.DataFrame(cleaned, columns=list(dict.fromkeys(k for r in cleaned for k in r)))
    return validate_frame(_stringify(frame), side, source)


def load_profile_file(path: str | Path, side: Side) -> LoadedProfiles:
    """Read and validate a CSV or XLSX file from disk."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError([Problem(str(path), None, None, f"cannot read: {exc}")]) from None
    return load_profiles(data, side, str(path))

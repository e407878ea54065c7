"""Reading and validating profile files (CSV or Excel) into SME and Partner records.

The data layer owns pandas: a raw file goes in, plain validated records come out, and every
problem of the file is reported at once with its file, row and column. Checks run a column at
a time (coded columns once per distinct value); Python loops only over the rows that fail, so a
file of a million rows validates in seconds.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import Problem, ValidationError
from .language import detect_language
from .schema import (
    COLUMNS,
    ID_PATTERN,
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
_QUOTE, _LF, _CR = ord('"'), ord("\n"), ord("\r")
#: The delimiters a file may use, as people call them: Excel writes ';' where the decimal
#: separator is a comma (most of Europe), and "text (tab delimited)" exports use tabs.
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class LoadedProfiles:
    """The records of one valid file, with the 1-based row each came from."""

    side: Side
    source: str
    records: list[Any]  # list[SME] or list[Partner]
    rows: dict[str, int]
    delimiter: str | None = None  # of a CSV file (see DELIMITERS); None for a workbook


def read_table(data: bytes, source: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Parse raw CSV or XLSX bytes into a frame of strings; problems instead of exceptions."""
    if Path(source).suffix.lower() in _EXCEL_SUFFIXES:
        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False)
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            return None, [Problem(source, None, None, f"cannot read Excel file: {exc}")]
        return _stringify(frame), []

    sep = detect_delimiter(data)
    parsed = _read_utf8_csv(data, sep)
    if parsed is None:
        # Not UTF-8, or not a table: read as the decoded text, so each bad line is reported.
        text = data.decode("utf-8-sig", errors="replace")
        problems = _undecodable_rows(data, source)
        try:
            parsed = _stringify(_read_csv(io.StringIO(text), sep))
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            return None, [*problems, Problem(source, None, None, f"not a valid CSV file: {exc}")]
        parsed.attrs["lines"] = _csv_record_lines(text, sep)
    else:
        problems = []
    parsed.attrs["delimiter"] = sep
    return parsed, problems


def detect_delimiter(data: bytes) -> str:
    """The delimiter of a CSV file: the candidate the header line holds most of (comma on a tie).

    The header names are plain words, so counting there is reliable where a sniffer reading
    free-text descriptions (full of commas) is not.
    """
    end = data.find(b"\n", 0, 1 << 16)
    header = data[: end if end >= 0 else 1 << 16]
    counts = {sep: header.count(sep.encode()) for sep in DELIMITERS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


def file_note(loaded: LoadedProfiles) -> str:
    """How a CSV file was read, for an import report."""
    return f"{loaded.source}: read as {DELIMITERS.get(loaded.delimiter or ',')}-separated values"


def _read_csv(handle: io.IOBase, sep: str = ",") -> pd.DataFrame:
    return pd.read_csv(
        handle, sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=True, encoding="utf-8"
    )


def _read_utf8_csv(data: bytes, sep: str = ",") -> pd.DataFrame | None:
    """The table of a valid UTF-8 CSV file, parsed from the bytes; None for any other file.

    pandas reads the bytes itself (and drops a BOM, as the decoding did before), so no
    decoded copy of the whole file is made: that would cost time and, once the file holds
    one CJK character, four bytes a character.
    """
    # A second BOM: the decoding dropped one and pandas the next.
    if data.startswith(codecs.BOM_UTF8 * 2) or not _is_utf8(data):
        return None
    try:
        frame = _stringify(_read_csv(io.BytesIO(data), sep))
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    # An array, not a list: pandas deep-copies attrs into every frame and series derived.
    frame.attrs["lines"] = _record_lines(data, sep)
    return frame


def _is_utf8(data: bytes) -> bool:
    """Whether the bytes are UTF-8, checked a slice at a time so no decoded copy is kept."""
    # pandas decoding each cell is not enough: a quote can split a character in two.
    decoder, view, step = codecs.getincrementaldecoder("utf-8")(), memoryview(data), 1 << 20
    try:
        for start in range(0, len(data), step):
            decoder.decode(view[start : start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _record_lines(data: bytes, sep: str = ",") -> np.ndarray:
    """The file line on which each data record of UTF-8 bytes starts (see _csv_record_lines)."""
    lines = _plain_record_lines(data, sep)
    if lines is None:
        lines = _csv_record_lines(data.decode("utf-8-sig"), sep)
    return lines


def _csv_record_lines(text: str, sep: str = ",") -> np.ndarray:
    """The file line on which each data record starts, skipping blank lines like pandas."""
    starts, previous_end = [], 0
    # newline="" lets the csv module see bare '\r' line ends, as pandas does.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if record:
                starts.append(start)
    except csv.Error:
        return np.zeros(0, dtype=np.int64)  # pandas read it: number rows by position, don't fail
    return np.array(starts[1:], dtype=np.int64)  # the first record is the header


def _plain_record_lines(data: bytes, sep: str = ",") -> np.ndarray | None:
    """What _csv_record_lines gives, found with numpy; None for a file it cannot vouch for.

    Vouches for files where every quote opens a field or ends one (or is doubled inside one),
    as spreadsheets and pandas write them, every CR is part of a CRLF, there is no NUL, and no
    record nears the csv module's field size limit. There quotes simply alternate between
    opening and closing, so a record ends at each line end preceded by an even number of them.
    """
    if b"\x00" in data:
        return None
    buffer = np.frombuffer(data, dtype=np.uint8)[3 if data.startswith(codecs.BOM_UTF8) else 0 :]
    size = len(buffer)
    if b"\r" in data:
        cr = _positions(buffer, _CR)
        if cr[-1] == size - 1 or (buffer[cr + 1] != _LF).any():
            return None
    quotes = _positions(buffer, _QUOTE)
    if len(quotes) % 2 or not _quotes_delimit_fields(buffer, quotes, ord(sep)):
        return None
    newlines = _positions(buffer, _LF)
    # Indices into newlines of those that end a record (outside quotes).
    ends = np.flatnonzero(np.searchsorted(quotes, newlines) % 2 == 0)
    first_line = np.concatenate(([1], ends + 2))  # 1-based line each record starts on
    first_byte = np.concatenate(([0], newlines[ends] + 1))
    last_byte = np.append(newlines[ends], size)  # exclusive; the final entry: trailing text
    last_byte[:-1] -= (last_byte[:-1] > 0) & (buffer[np.maximum(last_byte[:-1] - 1, 0)] == _CR)
    lengths = np.maximum(last_byte - first_byte, 0)
    if lengths.max(initial=0) >= csv.field_size_limit():
        return None
    # A blank record is skipped, as is the empty "record" after a final line end.
    return first_line[lengths > 0][1:].astype(np.int64)  # the first record is the header


def _positions(buffer: np.ndarray, byte: int, step: int = 1 << 22) -> np.ndarray:
    """Where the byte occurs, found a slice at a time: one comparison of a whole large file
    would allocate (and fault in) a temporary as large as the file."""
    found = [np.flatnonzero(buffer[s : s + step] == byte) + s for s in range(0, len(buffer), step)]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _quotes_delimit_fields(buffer: np.ndarray, quotes: np.ndarray, sep: int) -> bool:
    """Whether each opening quote starts a field and each closing one ends it (or doubles)."""
    opening, closing = quotes[0::2], quotes[1::2]
    before = buffer[np.maximum(opening - 1, 0)]
    starts_field = (opening == 0) | np.isin(before, np.array([sep, _LF, _QUOTE], np.uint8))
    after = buffer[np.minimum(closing + 1, len(buffer) - 1)]
    ends_field = (closing == len(buffer) - 1) | np.isin(
        after, np.array([sep, _LF, _CR, _QUOTE], np.uint8)
    )
    return bool(starts_field.all() and ends_field.all())


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
    missing = [c for c in COLUMNS[side] if c not in frame.columns]
    if missing:
        reason = "missing column"
        if len(frame.columns) == 1:
            # One header cell: the file is split on a character we do not read as a delimiter.
            reason += " (the header reads as one column: separate columns by , ; or tab)"
        raise ValidationError([Problem(source, 1, column, reason) for column in missing])
    if frame.empty:
        raise ValidationError([Problem(source, None, None, "the file has no data rows")])
    table = _Table(frame, side)
    found = _Found(source, _row_numbers(frame))
    # The checks run in the order a row-by-row pass would meet them, so that the problems of
    # a row, sorted back by row, read as they always did.
    _check_id(table, found)
    _check_sizes(table, found)
    _check_codes(table, found)
    if found.items:
        raise ValidationError(found.problems())
    records = _records(table)
    rows = dict(zip(table.text("id"), found.rows.tolist(), strict=True))
    return LoadedProfiles(side=side, source=source, records=records, rows=rows)


def _row_numbers(frame: pd.DataFrame) -> np.ndarray:
    """The line each row starts on (header = 1), so blank lines and multi-line cells do not
    shift the numbers; by position where lines are unknown (a workbook, as Excel shows it)."""
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    lines = frame.attrs.get("lines")
    if lines is not None and len(lines):
        known = min(len(lines), len(rows))
        rows[:known] = np.asarray(lines[:known])
    return rows


class _Distinct:
    """A column as codes into its distinct values, so per-value work runs once per value."""

    def __init__(self, column: pd.Series):
        codes, uniques = pd.factorize(column)
        self.codes: np.ndarray = codes
        self.values: list[str] = list(uniques)

    def raw(self, row: int) -> str:
        return self.values[self.codes[row]]

    def mask(self, test: Callable[[str], bool]) -> np.ndarray:
        """Rows whose value passes the test."""
        return np.array([test(v) for v in self.values], dtype=bool)[self.codes]

    def spread(self, convert: Callable[[str], Any]) -> list[Any]:
        """The converted value of every row."""
        converted = [convert(v) for v in self.values]
        return [converted[code] for code in self.codes.tolist()]


class _Table:
    """The columns of one frame, each read once; categorical ones as distinct values."""

    def __init__(self, frame: pd.DataFrame, side: Side):
        self.side = side
        # A repeated column name keeps its last column, as to_dict("records") always did.
        self.columns: dict[str, pd.Series] = {
            str(name): frame.iloc[:, i] for i, name in enumerate(frame.columns)
        }
        for column in self.columns.values():
            column.attrs = {}  # or pandas deep-copies the line numbers into every result
        self.extra = [c for c in self.columns if c not in COLUMNS[side]]
        names = ("country", "language", "sectors", "target_markets", "seeking", "org_type")
        self.distinct = {c: _Distinct(self.columns[c]) for c in names if c in COLUMNS[side]}
        self.size = len(frame)
        self._text: dict[str, list[str]] = {}
        self._length: dict[str, np.ndarray] = {}

    def text(self, column: str) -> list[str]:
        if column not in self._text:
            self._text[column] = self.columns[column].tolist()
        return self._text[column]

    def length(self, column: str) -> np.ndarray:
        if column not in self._length:
            distinct = self.distinct.get(column)
            self._length[column] = (
                self.columns[column].str.len().to_numpy()
                if distinct is None
                else np.array([len(v) for v in distinct.values], dtype=np.int64)[distinct.codes]
            )
        return self._length[column]

    def contains(self, column: str, text: str) -> np.ndarray:
        """Rows whose cell holds the text (a coded column only looks at its distinct values)."""
        if column in self.distinct:
            return self.distinct[column].mask(lambda v: text in v)
        return self.columns[column].str.contains(text, regex=False).to_numpy(dtype=bool)


@dataclass
class _Found:
    """Problems gathered check by check, each with the position of its row."""

    source: str
    rows: np.ndarray
    items: list[tuple[int, Problem]] = field(default_factory=list)

    def add(self, mask: np.ndarray, column: str, reason: str | Callable[[int], str]) -> None:
        """One problem for each row in the mask; a callable reason gets the row's position."""
        for i in np.flatnonzero(mask).tolist():
            why = reason if isinstance(reason, str) else reason(i)
            self.items.append((i, Problem(self.source, int(self.rows[i]), column, why)))

    def add_each(
        self,
        values: _Distinct,
        bad: Callable[[str], list[str]],
        column: str,
        reason: Callable[[str], str],
    ) -> None:
        """One problem for each bad part of a row's value (a ';'-separated list)."""
        parts = [bad(v) for v in values.values]
        mask = np.array([bool(p) for p in parts], dtype=bool)[values.codes]
        for i in np.flatnonzero(mask).tolist():
            for part in parts[values.codes[i]]:
                problem = Problem(self.source, int(self.rows[i]), column, reason(part))
                self.items.append((i, problem))

    def problems(self) -> list[Problem]:
        """In row order; within a row, in the order the checks ran (the sort is stable)."""
        return [problem for _, problem in sorted(self.items, key=itemgetter(0))]


def _check_id(table: _Table, found: _Found) -> None:
    ids, length = table.columns["id"], table.length("id")
    found.add(length == 0, "id", "empty id")
    found.add(length > 100, "id", "id longer than 100 characters")
    sized = (length > 0) & (length <= 100)
    malformed = sized & ~ids.str.fullmatch(ID_PATTERN.strip("^$")).to_numpy(dtype=bool)
    if malformed.any():
        text = table.text("id")
        found.add(
            malformed,
            "id",
            lambda i: (
                f"id {text[i][:60]!r} may hold only letters, digits, '.', '_' and '-', "
                "and must start with a letter or digit"
            ),
        )
    repeated = ids.duplicated().to_numpy() & (length > 0) & (length <= 100)
    if repeated.any():
        text = table.text("id")
        first = dict(zip(text[::-1], found.rows.tolist()[::-1], strict=True))
        found.add(
            repeated,
            "id",
            lambda i: f"duplicate id '{text[i]}' (first seen in row {first[text[i]]})",
        )


def _check_sizes(table: _Table, found: _Found) -> None:
    """Empty required text, over-long cells and NUL characters."""
    for column in ("name", "description"):
        found.add(table.length(column) == 0, column, f"empty {column}")
    too_long = f"longer than {MAX_DESCRIPTION_CHARS} characters"
    found.add(table.length("description") > MAX_DESCRIPTION_CHARS, "description", too_long)
    for column in COLUMNS[table.side]:
        if column != "description":
            too_long = f"longer than {MAX_FIELD_CHARS} characters"
            found.add(table.length(column) > MAX_FIELD_CHARS, column, too_long)
    for column in table.columns:
        found.add(table.contains(column, "\x00"), column, "contains a NUL character")


def _check_codes(table: _Table, found: _Found) -> None:
    """Language, country and the side's coded columns, against their allowed values."""
    language, country = table.distinct["language"], table.distinct["country"]
    found.add(
        language.mask(lambda v: bool(v) and not _LANGUAGE.match(v.lower())),
        "language",
        lambda i: f"'{language.raw(i)}' is not an ISO 639-1 code (two letters)",
    )
    if table.side == "sme":
        found.add(
            country.mask(lambda v: v.upper() not in ISO_COUNTRIES),
            "country",
            lambda i: f"unknown country code '{country.raw(i)}' (ISO 3166 alpha-2)",
        )
        found.add_each(
            table.distinct["target_markets"],
            lambda v: [m for m in _split(v, str.upper) if m not in MARKETS],
            "target_markets",
            lambda market: f"market '{market}' is not one of {', '.join(MARKETS)}",
        )
        found.add_each(
            table.distinct["seeking"],
            lambda v: [o for o in _split(v, normalise_org_type) if o not in ORG_TYPES],
            "seeking",
            lambda org: f"unknown org type '{org}' (one of {', '.join(ORG_TYPES)})",
        )
        return
    found.add(
        country.mask(lambda v: v.upper() not in MARKETS),
        "country",
        lambda i: f"partner country '{country.raw(i)}' is not one of {', '.join(MARKETS)}",
    )
    org_type = table.distinct["org_type"]
    found.add(
        org_type.mask(lambda v: normalise_org_type(v) not in ORG_TYPES),
        "org_type",
        lambda i: f"unknown org type '{org_type.raw(i)}' (one of {', '.join(ORG_TYPES)})",
    )
    found.add(table.length("city") == 0, "city", "empty city")


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: building a million records would otherwise set
    off collections that go over every record built so far, tripling the time it takes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _records(table: _Table) -> list[Any]:
    """The SME or Partner records of a valid table."""
    with _collection_paused():
        return _build_records(table)


def _build_records(table: _Table) -> list[Any]:
    d = table.distinct
    ids, names, descriptions = table.text("id"), table.text("name"), table.text("description")
    countries, sectors = d["country"].spread(str.upper), d["sectors"].spread(_split)
    languages = _languages(d["language"].spread(str.lower), descriptions)
    extras = _extras(table)
    if table.side == "sme":
        markets = d["target_markets"].spread(lambda v: _split(v, str.upper))
        seeking = d["seeking"].spread(lambda v: _split(v, normalise_org_type))
        return [
            SME(
                id=i,
                name=n,
                country=c,
                cluster=cl,
                description=text,
                target_markets=m,
                sectors=s,
                seeking=sk,
                language=lang,
                extra=x,
            )
            for i, n, c, cl, text, m, s, sk, lang, x in zip(
                ids,
                names,
                countries,
                table.text("cluster"),
                descriptions,
                markets,
                sectors,
                seeking,
                languages,
                extras,
                strict=True,
            )
        ]
    org_types = d["org_type"].spread(normalise_org_type)
    return [
        Partner(
            id=i,
            name=n,
            country=c,
            city=city,
            org_type=o,
            description=text,
            sectors=s,
            language=lang,
            extra=x,
        )
        for i, n, c, city, o, text, s, lang, x in zip(
            ids,
            names,
            countries,
            table.text("city"),
            org_types,
            descriptions,
            sectors,
            languages,
            extras,
            strict=True,
        )
    ]


def _languages(given: list[str], descriptions: list[str]) -> list[str]:
    """The given language codes, detected from the description where a row gives none."""
    for i, language in enumerate(given):
        if not language:
            given[i] = detect_language(descriptions[i])
    return given


def _extras(table: _Table) -> list[dict[str, Any]]:
    """Each row's non-empty cells of columns outside the schema (a dict of its own a row)."""
    if not table.extra:
        return [{} for _ in range(len(table.columns["id"]))]
    cells = [table.text(c) for c in table.extra]
    return [
        {c: v for c, v in zip(table.extra, values, strict=True) if v}
        for values in zip(*cells, strict=True)
    ]


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
    return replace(loaded, delimiter=frame.attrs.get("delimiter"))


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

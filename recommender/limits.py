"""Size limits of an uploaded table, checked before it is parsed.

An upload's byte size is capped at the edge, but bytes are not the whole cost: a 1.4 MB
workbook expanded to 325 MB and took six minutes, and a CSV with 100,000 columns validated
for 82 s. So a workbook's zip members' declared sizes, its sheet dimensions and a CSV's
columns and rows are counted first, cheaply, and a file over a limit is refused whole.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .config import Settings
from .errors import Problem, ValidationError

_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass(frozen=True)
class TableLimits:
    rows: int
    columns: int
    xlsx_uncompressed_bytes: int

    @classmethod
    def of(cls, settings: Settings) -> TableLimits:
        return cls(
            settings.max_import_rows,
            settings.max_import_columns,
            settings.max_xlsx_uncompressed_bytes,
        )


def check_table(data: bytes, source: str, limits: TableLimits) -> None:
    """ValidationError (file-level) when the table is over a limit; nothing is parsed."""
    if Path(source).suffix.lower() in _EXCEL_SUFFIXES:
        problem = _workbook_problem(data, limits)
    else:
        problem = _csv_problem(data, limits)
    if problem:
        raise ValidationError([Problem(source, None, None, problem)])


def _workbook_problem(data: bytes, limits: TableLimits) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return ""  # not a workbook: the reader says so with its own message
    if expanded > limits.xlsx_uncompressed_bytes:
        return (
            f"the workbook expands to {expanded:,} bytes, over the limit of "
            f"{limits.xlsx_uncompressed_bytes:,}"
        )
    rows, columns = _sheet_size(data)
    return _shape_problem(rows, columns, limits)


def _sheet_size(data: bytes) -> tuple[int, int]:
    """Rows and columns of the first sheet, from its dimension (bounded by the size check)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True)
        sheet = book.worksheets[0]
        size = (sheet.max_row or 0, sheet.max_column or 0)
        book.close()
    except Exception:  # openpyxl raises many types; the reader reports a damaged file
        return 0, 0
    return size


def _csv_problem(data: bytes, limits: TableLimits) -> str:
    header = data[: data.find(b"\n") + 1 or len(data)]
    # Newlines bound the record count from above (quoted fields may hold newlines), so only
    # a file that may be over the limit is counted record by record. newline="" lets the
    # csv module see a bare carriage return; a file it cannot split is left to the reader,
    # which reports it by file, row and column.
    try:
        columns = max(
            (len(r) for r in csv.reader(io.StringIO(_text(header), newline=""))), default=0
        )
        rows = data.count(b"\n") + 1
        if rows > limits.rows + 1:
            rows = sum(1 for _ in csv.reader(io.StringIO(_text(data), newline="")))
    except csv.Error:
        return ""
    return _shape_problem(rows, columns, limits)


def _shape_problem(rows: int, columns: int, limits: TableLimits) -> str:
    if columns > limits.columns:
        return f"the file has {columns:,} columns, over the limit of {limits.columns:,}"
    if rows - 1 > limits.rows:  # the header row is not a record
        return f"the file has {rows - 1:,} rows, over the limit of {limits.rows:,}"
    return ""


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig", errors="replace")

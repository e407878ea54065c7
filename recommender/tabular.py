"""Cells for spreadsheets we write: text that a spreadsheet program would run is made inert.

Partner names, cities and descriptions come from uploaded files. A cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel and LibreOffice as a
formula (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``), so every export passes its text
through `safe_cell`, which prefixes such text with a single quote (OWASP, CSV injection),
and XLSX cells are written as strings, never as formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

import pandas as pd
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

#: First characters that make a spreadsheet program evaluate a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, or for text a spreadsheet would evaluate, the same text behind a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def safe_record(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: safe_cell(v) for k, v in record.items()}


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the table with every text cell neutralised (numbers stay numbers)."""
    out = frame.copy()
    for column in out.columns:
        # Text columns are `object` or (pandas 3) `str`; numeric ones are left alone.
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    return out


def append_row(sheet: Worksheet, values: Sequence[Any]) -> list[Cell]:
    """Append one row to a worksheet, text as plain strings (never a formula cell)."""
    sheet.append(safe_row(values))
    cells: list[Cell] = list(sheet[sheet.max_row])
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
    return cells


def write_csv(
    handle: IO[str], columns: Sequence[str], records: Iterable[Mapping[str, Any]]
) -> None:
    """Records as CSV with a header row, every cell neutralised."""
    writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(safe_record(r) for r in records)


def csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV text, every cell neutralised."""
    return str(safe_frame(frame).to_csv(index=False))


def xlsx_bytes(frame: pd.DataFrame, sheet_name: str) -> bytes:
    """A table as an XLSX workbook of one sheet: header row, then one row per record."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_name
    append_row(sheet, [str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        append_row(sheet, [None if _missing(v) else v for v in row])
    _lay_out(sheet, frame)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _lay_out(sheet: Worksheet, frame: pd.DataFrame) -> None:
    """Columns as wide as their content (within reason) and the header row frozen."""
    from openpyxl.utils import get_column_letter

    for position, column in enumerate(frame.columns, start=1):
        values = [str(column), *(str(v) for v in frame[column].head(500))]
        width = min(max(len(v) for v in values) + 2, 60)
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)  # NaN

"""Reading and validating profile files: every problem at once, with file, row and column."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from corpus import PARTNERS, SMES, partner_row, sme_row, write_csv, write_partners, write_smes

from recommender import MARKETS, ValidationError, Workspace
from recommender.errors import Problem
from recommender.profiles import (
    _csv_record_lines,
    _plain_record_lines,
    _positions,
    detect_delimiter,
    file_note,
    load_profile_file,
    load_profiles,
    validate_rows,
)
from recommender.schema import ORG_TYPES, PARTNER_COLUMNS, SME_COLUMNS

BUNDLED = Path(__file__).resolve().parents[1] / "data"


def problems_of(path: Path, side: str) -> list[Problem]:
    with pytest.raises(ValidationError) as info:
        load_profile_file(path, side)
    return info.value.problems


def by_row(problems: list[Problem]) -> dict[tuple[int | None, str | None], str]:
    return {(p.row, p.column): p.reason for p in problems}


def test_valid_files_load_every_record_with_its_row(tmp_path: Path) -> None:
    smes = load_profile_file(write_smes(tmp_path / "smes.csv"), "sme")
    partners = load_profile_file(write_partners(tmp_path / "partners.csv"), "partner")

    assert [r.id for r in smes.records] == [r["id"] for r in SMES]
    assert [r.id for r in partners.records] == [r["id"] for r in PARTNERS]
    # Row numbers as a spreadsheet shows them: the header is row 1.
    assert smes.rows == {r["id"]: i for i, r in enumerate(SMES, start=2)}
    park = smes.records[0]
    assert park.target_markets == ("US", "CN")
    assert park.sectors == ("parking", "smart city")
    assert park.seeking == ("public_authority",)


def test_sme_file_reports_every_problem_with_row_and_column(tmp_path: Path) -> None:
    rows = [
        sme_row(id="sme-a"),  # row 2: valid
        sme_row(id=""),  # row 3
        sme_row(id="sme-a"),  # row 4: duplicate of row 2
        sme_row(id="sme-d", description=""),  # row 5
        sme_row(id="sme-e", country="XX"),  # row 6
        sme_row(id="sme-f", seeking="public_authority;astronaut"),  # row 7
        sme_row(id="sme-g", target_markets="US;DE"),  # row 8
        sme_row(id="sme-h", language="french"),  # row 9
        sme_row(id="sme-i"),  # row 10: valid
    ]
    path = write_smes(tmp_path / "smes.csv", rows)

    problems = problems_of(path, "sme")

    assert all(p.file == str(path) for p in problems)
    found = by_row(problems)
    assert set(found) == {
        (3, "id"),
        (4, "id"),
        (5, "description"),
        (6, "country"),
        (7, "seeking"),
        (8, "target_markets"),
        (9, "language"),
    }
    assert "empty id" in found[(3, "id")]
    assert "duplicate id 'sme-a'" in found[(4, "id")]
    assert "row 2" in found[(4, "id")]
    assert "empty description" in found[(5, "description")]
    assert "'XX'" in found[(6, "country")]
    assert "astronaut" in found[(7, "seeking")]
    assert "'DE'" in found[(8, "target_markets")]
    assert "'french'" in found[(9, "language")]


def test_partner_file_reports_every_problem_with_row_and_column(tmp_path: Path) -> None:
    rows = [
        partner_row(id="p-1"),  # row 2: valid
        partner_row(id="p-2", org_type="spaceship"),  # row 3
        partner_row(id="p-3", country="FR"),  # row 4: a real country, not a target market
        partner_row(id="p-4", country="ZZ"),  # row 5: not a country at all
        partner_row(id="p-5", language="eng"),  # row 6
        partner_row(id="p-6", city=""),  # row 7
        partner_row(id="p-1"),  # row 8: duplicate of row 2
    ]
    path = write_partners(tmp_path / "partners.csv", rows)

    found = by_row(problems_of(path, "partner"))

    assert set(found) == {
        (3, "org_type"),
        (4, "country"),
        (5, "country"),
        (6, "language"),
        (7, "city"),
        (8, "id"),
    }
    assert "spaceship" in found[(3, "org_type")]
    assert "'FR'" in found[(4, "country")]
    assert "'ZZ'" in found[(5, "country")]
    assert "'eng'" in found[(6, "language")]
    assert "first seen in row 2" in found[(8, "id")]


def test_error_message_lists_every_problem_and_says_nothing_was_imported(tmp_path: Path) -> None:
    path = write_smes(tmp_path / "smes.csv", [sme_row(id=""), sme_row(id="x", country="XX")])
    with pytest.raises(ValidationError) as info:
        load_profile_file(path, "sme")
    message = str(info.value)
    assert "2 problem(s)" in message
    assert "nothing was imported" in message
    assert f"{path}, row 2, column 'id': empty id" in message
    assert f"{path}, row 3, column 'country'" in message


def test_missing_columns_are_each_reported_on_the_header_row(tmp_path: Path) -> None:
    columns = [c for c in SME_COLUMNS if c not in ("cluster", "seeking")]
    path = write_csv(tmp_path / "smes.csv", SMES, columns)

    problems = problems_of(path, "sme")

    assert {(p.row, p.column, p.reason) for p in problems} == {
        (1, "cluster", "missing column"),
        (1, "seeking", "missing column"),
    }


def test_partner_file_given_as_sme_file_names_the_missing_columns(tmp_path: Path) -> None:
    path = write_partners(tmp_path / "partners.csv")
    missing = {p.column for p in problems_of(path, "sme")}
    assert missing == set(SME_COLUMNS) - set(PARTNER_COLUMNS)


def test_undecodable_bytes_name_the_line_they_are_on(tmp_path: Path) -> None:
    path = write_smes(tmp_path / "smes.csv", SMES[:3])
    lines = path.read_bytes().split(b"\n")
    # Line 3 of the file (the second SME) gets a Latin-1 "é": not UTF-8.
    lines[2] = lines[2].replace(b"BinWatch", b"BinWatch Soci\xe9t\xe9", 1)
    path.write_bytes(b"\n".join(lines))

    problems = problems_of(path, "sme")

    assert {p.row for p in problems} == {3}
    assert any("UTF-8" in p.reason for p in problems)
    assert all(p.file == str(path) for p in problems)


def test_a_quote_inside_a_character_is_still_not_utf8() -> None:
    # The quote splits the three bytes of 停; pandas alone would read the cell as valid.
    row = b"p-1,Name,US,Boston,corporate," + b'"ab\xe5"\x81\x9c",x,en\n'
    data = ",".join(PARTNER_COLUMNS).encode() + b"\n" + row

    with pytest.raises(ValidationError) as caught:
        load_profiles(data, "partner", "p.csv")

    assert any(p.row == 2 and "UTF-8" in p.reason for p in caught.value.problems)


def test_old_mac_line_ends_give_file_line_numbers(tmp_path: Path) -> None:
    path = write_smes(tmp_path / "smes.csv", SMES[:3])
    lines = path.read_bytes().decode().splitlines()
    lines[2] = lines[2].replace(",DE,", ",ZZ,", 1)  # line 3: the second SME
    path.write_bytes("\r".join(lines).encode())

    problems = problems_of(path, "sme")

    assert [(p.row, p.column) for p in problems] == [(3, "country")]


def test_problems_come_row_by_row_in_the_order_of_the_checks(tmp_path: Path) -> None:
    rows = [
        sme_row(id="a", name="", country="XX", target_markets="US;JP;DE", seeking="?;corporate"),
        sme_row(id="a", language="english", description=""),
        sme_row(id="", cluster="c" * 501, seeking="astronaut;pilot"),
    ]
    path = write_smes(tmp_path / "smes.csv", rows)

    assert [(p.row, p.column, p.reason) for p in problems_of(path, "sme")] == [
        (2, "name", "empty name"),
        (2, "country", "unknown country code 'XX' (ISO 3166 alpha-2)"),
        (2, "target_markets", "market 'JP' is not one of US, CA, CN, SG"),
        (2, "target_markets", "market 'DE' is not one of US, CA, CN, SG"),
        (2, "seeking", f"unknown org type '?' (one of {', '.join(ORG_TYPES)})"),
        (3, "id", "duplicate id 'a' (first seen in row 2)"),
        (3, "description", "empty description"),
        (3, "language", "'english' is not an ISO 639-1 code (two letters)"),
        (4, "id", "empty id"),
        (4, "cluster", "longer than 500 characters"),
        (4, "seeking", f"unknown org type 'astronaut' (one of {', '.join(ORG_TYPES)})"),
        (4, "seeking", f"unknown org type 'pilot' (one of {', '.join(ORG_TYPES)})"),
    ]


def test_multi_line_cells_and_blank_lines_keep_file_line_numbers(tmp_path: Path) -> None:
    path = write_partners(
        tmp_path / "partners.csv",
        [
            partner_row(id="p-1", description="First line.\nSecond line, with a comma."),
            partner_row(id="p-2", description='A "quoted" word.'),
            partner_row(id="p-3", org_type="spaceship"),
        ],
    )
    text = path.read_text("utf-8").replace("\np-2,", "\n\n\np-2,")  # two blank lines
    path.write_text(text, "utf-8")

    (problem,) = problems_of(path, "partner")

    # Header 1, p-1 on lines 2-3, blank 4-5, p-2 on 6, p-3 on 7.
    assert (problem.row, problem.column) == (7, "org_type")
    fixed = text.replace("spaceship", "research")
    assert load_profiles(fixed.encode(), "partner", "p.csv").rows == {"p-1": 2, "p-2": 6, "p-3": 7}


def test_numpy_line_numbers_agree_with_the_csv_module() -> None:
    rng = random.Random(7)
    cells = ["a", ",", '"', "\n", "\r\n", " ", "é"]  # a lone CR or a NUL: csv decides
    pieces = [*cells, '""', "\r", "\x00"]
    vouched = 0
    for _ in range(1000):
        # Files as spreadsheets write them, which must be vouched for, and random text.
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=rng.choice(["\n", "\r\n"]))
        for _ in range(rng.randint(1, 5)):
            buffer.write(rng.choice(["", "", "\n"]))
            writer.writerow(["".join(rng.choices(cells, k=rng.randint(0, 4)))] * 2)
        written = buffer.getvalue()
        noise = "".join(rng.choices(pieces, k=rng.randint(0, 30)))
        for text in (written, noise, "\ufeff" + written):
            lines = _plain_record_lines(text.encode())
            if text is written:
                assert lines is not None, repr(text)
            if lines is not None:
                vouched += 1
                expected = _csv_record_lines(text.removeprefix("\ufeff"))  # as decoded
                assert lines.tolist() == expected.tolist(), repr(text)
    assert vouched > 2000


def test_byte_positions_are_found_across_slices() -> None:
    buffer = np.frombuffer(b'a"b""c,"' * 5, dtype=np.uint8)
    expected = np.flatnonzero(buffer == ord('"'))
    for step in (1, 2, 3, 7, 1000):
        np.testing.assert_array_equal(_positions(buffer, ord('"'), step), expected)
    assert len(_positions(buffer[:0], ord('"'))) == 0


def test_rows_given_as_dicts_are_validated_like_a_file() -> None:
    loaded = validate_rows(
        [{**partner_row(id="a"), "sectors": ["x", " y", "x"], "extra": "kept"}], "partner", "api"
    )
    (record,) = loaded.records
    assert (record.sectors, record.extra, loaded.rows) == (("x", "y"), {"extra": "kept"}, {"a": 2})


def test_a_stray_carriage_return_is_a_file_problem_not_a_crash() -> None:
    with pytest.raises(ValidationError) as caught:
        load_profiles(b"\r0", "sme", "upload.csv")
    assert {p.column for p in caught.value.problems} >= {"id", "description"}


def test_damaged_xlsx_is_one_file_level_problem(tmp_path: Path) -> None:
    path = tmp_path / "smes.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")

    problems = problems_of(path, "sme")

    assert len(problems) == 1
    assert problems[0].file == str(path)
    assert problems[0].row is None
    assert "Excel" in problems[0].reason


def test_empty_and_header_only_files_are_rejected(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert problems_of(empty, "sme")[0].row is None

    header_only = write_csv(tmp_path / "header.csv", [], list(SME_COLUMNS))
    (problem,) = problems_of(header_only, "sme")
    assert "no data rows" in problem.reason


def test_missing_file_is_a_validation_error(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path / "nope.csv", "sme")
    assert "cannot read" in problem.reason


def test_xlsx_input_gives_the_same_records_as_csv(tmp_path: Path) -> None:
    xlsx = tmp_path / "partners.xlsx"
    pd.DataFrame(PARTNERS, columns=list(PARTNER_COLUMNS)).to_excel(xlsx, index=False)
    csv_records = load_profile_file(write_partners(tmp_path / "partners.csv"), "partner")

    loaded = load_profile_file(xlsx, "partner")

    assert [asdict(r) for r in loaded.records] == [asdict(r) for r in csv_records.records]
    assert loaded.rows == csv_records.rows


def test_xlsx_problems_use_spreadsheet_rows(tmp_path: Path) -> None:
    xlsx = tmp_path / "smes.xlsx"
    rows = [sme_row(id="a"), sme_row(id="b", target_markets="US;JP")]
    pd.DataFrame(rows, columns=list(SME_COLUMNS)).to_excel(xlsx, index=False)

    (problem,) = problems_of(xlsx, "sme")

    assert (problem.file, problem.row, problem.column) == (str(xlsx), 3, "target_markets")


def test_extra_columns_are_kept_in_extra(tmp_path: Path) -> None:
    rows = [
        {**sme_row(id="a"), "website": "https://a.example", "notes": "met in Lyon"},
        {**sme_row(id="b"), "website": "", "notes": "cold lead"},
    ]
    path = write_csv(tmp_path / "smes.csv", rows, [*SME_COLUMNS, "website", "notes"])

    a, b = load_profile_file(path, "sme").records

    assert a.extra == {"website": "https://a.example", "notes": "met in Lyon"}
    assert b.extra == {"notes": "cold lead"}  # empty cells are not kept


def test_extra_columns_survive_the_store(
    tmp_path: Path, workspace: Workspace, corpus_files: tuple[Path, Path]
) -> None:
    rows = [{**r, "contact": f"{r['id']}@example.org"} for r in PARTNERS]
    partners = write_csv(tmp_path / "extra.csv", rows, [*PARTNER_COLUMNS, "contact"])
    workspace.import_files(corpus_files[0], partners)
    assert workspace.partner("p-us-park").extra == {"contact": "p-us-park@example.org"}


def test_empty_language_is_detected(tmp_path: Path) -> None:
    rows = [
        sme_row(
            id="fr",
            language="",
            description="Nous fabriquons des capteurs de stationnement qui détectent les places "
            "libres dans la rue et informent les automobilistes en temps réel.",
        ),
        sme_row(id="zh", language="", description="我们生产停车传感器，实时检测路边的空闲车位。"),
        sme_row(id="given", language="DE"),
    ]
    records = load_profile_file(write_smes(tmp_path / "smes.csv", rows), "sme").records
    assert [r.language for r in records] == ["fr", "zh", "de"]


def test_values_are_normalised(tmp_path: Path) -> None:
    rows = [
        sme_row(
            id="a",
            country="it",
            target_markets=" us ; cn ;",
            seeking="Public Authority; research",
            sectors="parking; ;parking;ai",
        ),
        sme_row(id="b", target_markets=""),
    ]
    a, b = load_profile_file(write_smes(tmp_path / "smes.csv", rows), "sme").records
    assert a.country == "IT"
    assert a.target_markets == ("US", "CN")
    assert a.seeking == ("public_authority", "research")
    assert a.sectors == ("parking", "ai")
    assert b.target_markets == ()
    assert b.markets == MARKETS  # an empty list means all four markets


def test_partner_org_type_is_normalised(tmp_path: Path) -> None:
    rows = [partner_row(id="a", org_type="Public Authority", country="us")]
    (record,) = load_profile_file(write_partners(tmp_path / "p.csv", rows), "partner").records
    assert (record.org_type, record.country) == ("public_authority", "US")


def test_utf8_bom_and_surrounding_spaces_are_accepted(tmp_path: Path) -> None:
    path = write_smes(tmp_path / "smes.csv", SMES[:1])
    text = path.read_text("utf-8").replace("sme-park", "  sme-park  ")
    data = "\ufeff".encode() + text.encode()
    (record,) = load_profiles(data, "sme", "upload.csv").records
    assert record.id == "sme-park"


# --- a failed import changes nothing ------------------------------------------------------


def snapshot(ws: Workspace) -> tuple[list[dict[str, object]], list[dict[str, object]], str, str]:
    return (
        [asdict(r) for r in ws.store.all("sme")],
        [asdict(r) for r in ws.store.all("partner")],
        ws.store.data_version("sme"),
        ws.store.data_version("partner"),
    )


def test_failed_import_leaves_the_store_unchanged(
    tmp_path: Path, loaded: Workspace, corpus_files: tuple[Path, Path]
) -> None:
    before = snapshot(loaded)
    bad = write_smes(
        tmp_path / "bad.csv", [*SMES[:2], sme_row(id="sme-new", country="XX"), sme_row(id="")]
    )

    with pytest.raises(ValidationError):
        loaded.import_files(smes=bad, replace=True)

    assert snapshot(loaded) == before
    assert loaded.store.count("sme") == len(SMES)


def test_valid_sme_file_with_invalid_partner_file_imports_neither(
    tmp_path: Path, loaded: Workspace
) -> None:
    before = snapshot(loaded)
    # The SME file is valid and would change one row and add one...
    smes = write_smes(
        tmp_path / "smes2.csv",
        [sme_row(description="Completely new text about parking."), *SMES[1:], sme_row(id="n")],
    )
    # ...but the partner file has a bad org type in row 3.
    partners = write_partners(tmp_path / "p2.csv", [PARTNERS[0], partner_row(id="x", org_type="?")])

    with pytest.raises(ValidationError) as info:
        loaded.import_files(smes, partners)

    assert [(p.file, p.row, p.column) for p in info.value.problems] == [
        (str(partners), 3, "org_type")
    ]
    assert snapshot(loaded) == before
    assert (loaded.store.count("sme"), loaded.store.count("partner")) == (
        len(SMES),
        len(PARTNERS),
    )


@pytest.mark.parametrize(("sep", "name"), [(";", "semicolon"), ("\t", "tab"), (",", "comma")])
def test_semicolon_and_tab_files_read_like_comma_files(sep: str, name: str) -> None:
    # What Excel writes in most of Europe (';') and "text (tab delimited)"; a multi-line,
    # quoted cell with the other delimiters inside keeps the row numbers of the file.
    frame = pd.read_csv(BUNDLED / "smes.csv", dtype=str, keep_default_na=False).head(4)
    frame.loc[1, "description"] = (
        'Line one; with, "quotes"\nline two\t' + frame.loc[1, "description"]
    )
    data = frame.to_csv(index=False, sep=sep).encode("utf-8")
    loaded = load_profiles(data, "sme", "smes.csv")
    assert loaded.delimiter == sep
    assert file_note(loaded) == f"smes.csv: read as {name}-separated values"
    assert [r.id for r in loaded.records] == list(frame["id"])
    assert list(loaded.rows.values()) == [2, 3, 5, 6]  # row 3 spans two lines
    assert loaded.records[1].description.startswith('Line one; with, "quotes"\nline two')


def test_a_broken_semicolon_file_still_names_its_rows() -> None:
    frame = pd.read_csv(BUNDLED / "smes.csv", dtype=str, keep_default_na=False).head(3)
    frame.loc[2, "country"] = "XX"
    with pytest.raises(ValidationError) as caught:
        load_profiles(frame.to_csv(index=False, sep=";").encode(), "sme", "smes.csv")
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "country")]


def test_an_unknown_delimiter_says_the_header_is_one_column() -> None:
    frame = pd.read_csv(BUNDLED / "smes.csv", dtype=str, keep_default_na=False).head(2)
    with pytest.raises(ValidationError) as caught:
        load_profiles(frame.to_csv(index=False, sep="|").encode(), "sme", "smes.csv")
    reasons = {p.reason for p in caught.value.problems}
    assert reasons == {
        "missing column (the header reads as one column: separate columns by , ; or tab)"
    }


def test_the_delimiter_is_found_in_the_header_line() -> None:
    assert detect_delimiter(b"id;name;country\n1;a,b,c,d;FR\n") == ";"
    assert detect_delimiter(b"\xef\xbb\xbfid\tname\n") == "\t"
    assert detect_delimiter(b"id,name\n1;2;3;4\n") == ","
    assert detect_delimiter(b"") == ","

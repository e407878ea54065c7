"""Hostile input and callers, on SQLite and PostgreSQL: live formulas in exports, bodies
refused before they are read, table limits, page sessions, CSRF and cross-origin forms."""

from __future__ import annotations

import asyncio
import concurrent.futures
import csv
import io
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.main import create_app
from recommender.storage.models import WebSessionRow
from recommender.storage.sessions import SessionStore
from recommender.tabular import FORMULA_STARTS

from .conftest import SME_X, World, open_world, partner_body, unique

V1 = "/api/v1"
HOSTILE_NAME = '=HYPERLINK("http://x","y")'
HOSTILE_CITY = "+cmd|' /C calc'!A0"
MAX_ROWS, MAX_COLUMNS, MAX_XLSX, SHOWN = 1_000, 40, 512 * 1024, 5
GIB = 1 << 30


@pytest.fixture(scope="module")
def world(
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    subset_files: tuple[Path, Path],
) -> Iterator[World]:
    """The app with small table limits, so that tests can pass them cheaply."""
    yield from open_world(
        database_url,
        tmp_path_factory.mktemp("home"),
        subset_files,
        max_import_rows=MAX_ROWS,
        max_import_columns=MAX_COLUMNS,
        max_xlsx_uncompressed_bytes=MAX_XLSX,
        max_reported_problems=SHOWN,
        max_body_bytes=64 * 1024,
    )


# --- exports --------------------------------------------------------------------------------------


def _no_live_formula_in_csv(text: str) -> bool:
    cells = [value for row in csv.reader(io.StringIO(text)) for value in row]
    return not [c for c in cells if c.startswith(FORMULA_STARTS) and not _number(c)]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _xlsx_cells(data: bytes) -> list[Any]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [cell for row in sheet.iter_rows() for cell in row]


def test_every_lead_export_holds_no_live_formula(world: World) -> None:
    partner = unique("p-evil")
    body = partner_body(partner, name=HOSTILE_NAME, city=HOSTILE_CITY)
    assert world.post(f"{V1}/partners", json=body).status_code == 201
    moved = world.post(f"{V1}/leads/{SME_X}/{partner}/status", json={"status": "shortlisted"})
    assert moved.status_code == 200, moved.text
    session = _sign_in(world, "admin")
    exports = {
        "leads": (f"{V1}/leads/export?format=", "partner_name"),
        "sme leads": (f"{V1}/smes/{SME_X}/leads/export?market=US&top=50&format=", "partner"),
        "sme page": (f"/smes/{SME_X}/export.{{}}?market=US", "partner"),
    }
    for name, (path, column) in exports.items():
        url = path + "csv" if "{}" not in path else path.format("csv")
        got = world.client.get(url, headers=_auth(world, session, path))
        assert got.status_code == 200, (name, got.text)
        rows = list(csv.DictReader(io.StringIO(got.text)))
        assert "'" + HOSTILE_NAME in [r[column] for r in rows], name
        assert "'" + HOSTILE_CITY in [r["city"] for r in rows], name
        assert _no_live_formula_in_csv(got.text), name

        url = path + "xlsx" if "{}" not in path else path.format("xlsx")
        got = world.client.get(url, headers=_auth(world, session, path))
        assert got.status_code == 200, name
        cells = _xlsx_cells(got.content)
        assert "'" + HOSTILE_NAME in [c.value for c in cells], name
        assert not [c for c in cells if c.data_type == "f"], name
        texts = [c.value for c in cells if isinstance(c.value, str)]
        assert not [t for t in texts if t.startswith(FORMULA_STARTS)], name


def _auth(world: World, session: str, path: str) -> dict[str, str]:
    return world.headers("admin") if path.startswith(V1) else {"Cookie": f"cm_session={session}"}


# --- refused before the body is read --------------------------------------------------------------


def _asgi(
    app: FastAPI, method: str, path: str, headers: dict[str, str], chunks: list[bytes]
) -> tuple[int, int]:
    """Call the app directly: (status, how many body chunks it asked for)."""
    asked = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        if asked > len(chunks):
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": chunks[asked - 1], "more_body": asked < len(chunks)}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
        "state": {},
    }
    # In a thread of its own: another test's event loop (Playwright's) may run in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()  # type: ignore[arg-type]
    return status, asked


def test_an_anonymous_body_is_refused_unread(world: World) -> None:
    app = world.client.app
    assert isinstance(app, FastAPI)
    big_json = {"content-type": "application/json", "content-length": str(50 << 20)}
    upload = {"content-type": "multipart/form-data; boundary=x", "content-length": str(2 * GIB)}
    for headers in (big_json, upload):
        for auth in ({}, {"authorization": "Bearer cm_never-issued"}, world.headers("revoked")):
            status, asked = _asgi(app, "POST", f"{V1}/partners/import", headers | auth, [b"x"])
            assert (status, asked) == (401, 0)
    # With a live token, the declared size alone is enough for a 413.
    admin = {k.lower(): v for k, v in world.headers("admin").items()}
    assert _asgi(app, "POST", f"{V1}/partners/import", upload | admin, [b"x"]) == (413, 0)
    assert _asgi(app, "POST", f"{V1}/smes", big_json | admin, [b"{}"]) == (413, 0)
    # A page post without a session goes to the sign-in page, unread.
    assert _asgi(app, "POST", "/import", upload, [b"x"]) == (303, 0)


def test_a_chunked_body_is_cut_at_the_limit(world: World) -> None:
    app = world.client.app
    assert isinstance(app, FastAPI)
    admin = {k.lower(): v for k, v in world.headers("admin").items()}
    chunks = [b"x" * 8192] * 1000  # 8 MB, no Content-Length
    headers = admin | {"content-type": "application/json", "transfer-encoding": "chunked"}
    status, asked = _asgi(app, "POST", f"{V1}/smes", headers, chunks)
    assert status == 413
    assert asked <= world.settings.max_body_bytes // 8192 + 1
    # Within the limit a chunked body reaches the route whole.
    body = b'{"id": "x"}'
    status, _ = _asgi(app, "POST", f"{V1}/smes", headers, [body[:5], body[5:]])
    assert status == 422  # parsed, then found incomplete


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_running_server_refuses_a_2_gib_anonymous_upload_from_its_headers(world: World) -> None:
    port = _free_port()
    app = create_app(world.settings, world.workspace)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            started = time.monotonic()
            sock.sendall(
                b"POST /api/v1/partners/import HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: multipart/form-data; boundary=b\r\n"
                + f"Content-Length: {2 * GIB}\r\n\r\n".encode()
                + b"--b\r\n" * 1000
            )
            answer = sock.recv(4096)
            assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
            assert time.monotonic() - started < 5
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# --- table limits ---------------------------------------------------------------------------------


def _csv_upload(name: str, header: list[str], rows: list[list[str]]) -> dict[str, Any]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return {"files": {"file": (name, buffer.getvalue().encode(), "text/csv")}}


PARTNER_HEADER = ["id", "name", "country", "city", "org_type", "description", "sectors", "language"]


def test_too_many_columns_or_rows_are_refused_whole(world: World) -> None:
    wide = PARTNER_HEADER + [f"extra{i}" for i in range(MAX_COLUMNS)]
    answer = world.post(f"{V1}/partners/import", **_csv_upload("wide.csv", wide, []))
    assert answer.status_code == 422
    assert f"over the limit of {MAX_COLUMNS}" in answer.json()["problems"][0]["reason"]
    long = [[f"p{i}", "n", "FR", "c", "other", "d", "", "en"] for i in range(MAX_ROWS + 1)]
    answer = world.post(f"{V1}/partners/import", **_csv_upload("long.csv", PARTNER_HEADER, long))
    assert answer.status_code == 422
    assert f"{MAX_ROWS + 1:,} rows, over the limit" in answer.json()["problems"][0]["reason"]
    # At the limit the rows are read (and found invalid: FR is not a partner market).
    answer = world.post(f"{V1}/partners/import", **_csv_upload("ok.csv", PARTNER_HEADER, long[1:]))
    assert answer.status_code == 422 and "over the limit" not in answer.text


def test_a_workbook_bomb_is_refused_before_parsing(world: World) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(PARTNER_HEADER)
    for i in range(6_000):
        sheet.append([f"p{i}", "n" * 50, "US", "Boston", "other", "d" * 50, "", "en"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    assert len(data) < world.settings.max_upload_bytes  # small, but expands past the limit
    upload = {"files": {"file": ("bomb.xlsx", data, "application/octet-stream")}}
    started = time.monotonic()
    answer = world.post(f"{V1}/partners/import", **upload)
    assert answer.status_code == 422
    assert "expands to" in answer.json()["problems"][0]["reason"]
    assert time.monotonic() - started < 2


def test_a_422_lists_the_first_problems_and_counts_them_all(world: World) -> None:
    rows = [
        [unique("p"), "n", "FR", "c", "other", "d", "", "en"] for _ in range(300)
    ]  # FR: no market
    answer = world.post(f"{V1}/partners/import", **_csv_upload("bad.csv", PARTNER_HEADER, rows))
    assert answer.status_code == 422
    body = answer.json()
    assert len(body["problems"]) == SHOWN
    assert body["problem_count"] >= 300
    assert f"the first {SHOWN} listed" in body["detail"]
    assert len(answer.content) < 5_000


# --- page sessions, CSRF, origin ------------------------------------------------------------------


def _sign_in(world: World, role: str) -> str:
    """Sign in through the form; the session id from the cookie (the client keeps none)."""
    answer = world.client.post("/login", data={"token": world.tokens[role]}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    session = answer.cookies["cm_session"]
    world.client.cookies.clear()
    return session


def _page(world: World, session: str, path: str) -> Any:
    return world.client.get(
        path, headers={"Cookie": f"cm_session={session}"}, follow_redirects=False
    )


def _csrf(world: World, session: str) -> str:
    page = _page(world, session, f"/smes/{SME_X}")
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert found, "the page forms carry no CSRF token"
    return found.group(1)


def _note(world: World, session: str, partner: str, **extra: Any) -> Any:
    headers = {"Cookie": f"cm_session={session}", **extra.pop("headers", {})}
    return world.client.post(
        f"/smes/{SME_X}/leads/{partner}/notes",
        data={"text": "met them", **extra},
        headers=headers,
        follow_redirects=False,
    )


def test_the_page_cookie_is_a_stored_hashed_session_not_the_token(world: World) -> None:
    session = _sign_in(world, "advisor_own")
    assert world.tokens["advisor_own"] not in session
    assert _page(world, session, "/advisor").status_code == 200
    with Session(world.workspace.store.engine) as db:
        digests = set(db.scalars(select(WebSessionRow.digest)))
    assert session not in digests and len(digests) >= 1
    assert _page(world, world.tokens["advisor_own"], "/advisor").status_code == 303


def test_a_session_copied_before_logout_is_dead_after_it(world: World) -> None:
    session = _sign_in(world, "admin")
    copy = session
    csrf = _csrf(world, session)
    out = world.client.post(
        "/logout",
        data={"csrf": csrf},
        headers={"Cookie": f"cm_session={session}"},
        follow_redirects=False,
    )
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert _page(world, copy, "/advisor").status_code == 303
    assert _page(world, copy, "/advisor").headers["location"] == "/login"


def test_a_session_ends_with_its_token_and_when_it_expires(world: World) -> None:
    token = world.workspace.tokens.create("advisor", cluster="Mov'eo", label="short-lived")
    principal = world.workspace.tokens.verify(token)
    assert principal is not None
    sessions = SessionStore(world.workspace.store.engine, hours=1)
    live = sessions.start(principal)
    assert sessions.principal(live) == principal
    world.workspace.tokens.revoke(principal.token_id)
    assert sessions.principal(live) is None
    admin = world.workspace.tokens.verify(world.tokens["admin"])
    assert admin is not None
    expired = SessionStore(world.workspace.store.engine, hours=-1).start(admin)
    assert sessions.principal(expired) is None
    assert sessions.principal("cms_never-issued") is None


def test_every_page_post_needs_the_sessions_csrf_token(world: World) -> None:
    session = _sign_in(world, "advisor_own")
    csrf = _csrf(world, session)
    partner = "p-us-001"
    for bad in (
        {},
        {"csrf": ""},
        {"csrf": "0" * 64},
        {"csrf": _csrf(world, _sign_in(world, "admin"))},
    ):
        refused = _note(world, session, partner, **bad)
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("text/html")
    before = len(world.workspace.pipeline.get(SME_X, partner).notes)
    assert _note(world, session, partner, csrf=csrf).status_code == 303
    assert len(world.workspace.pipeline.get(SME_X, partner).notes) == before + 1


def test_a_form_from_another_origin_is_refused(world: World) -> None:
    session = _sign_in(world, "advisor_own")
    csrf = _csrf(world, session)
    partner = "p-us-002"
    for header in (
        {"Origin": "http://evil.invalid"},
        {"Origin": "null"},
        {"Origin": "http://testserver:8001"},  # another port on the same host
        {"Referer": "http://evil.invalid/form.html"},
    ):
        refused = _note(world, session, partner, csrf=csrf, headers=header)
        assert refused.status_code == 403, header
        assert "another site" in refused.text and refused.headers["content-type"].startswith(
            "text/html"
        )
    sign_in = world.client.post(
        "/login",
        data={"token": world.tokens["admin"]},
        headers={"Origin": "http://evil.invalid"},
        follow_redirects=False,
    )
    assert sign_in.status_code == 403 and "set-cookie" not in sign_in.headers
    same = {"Origin": "http://testserver"}
    assert _note(world, session, partner, csrf=csrf, headers=same).status_code == 303

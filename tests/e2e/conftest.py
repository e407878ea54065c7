"""Fixtures of the browser tests: the real app served by uvicorn on a free local port, over a
scratch home holding the bundled data, and a headless Debian Chromium driven by Playwright.

The server and the browser are session-scoped (starting them is the costly part); every test
gets a fresh browser context, so cookies never leak from one test to the next.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

from api.main import create_app
from recommender import Settings, Workspace

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SCREENSHOTS = REPO / "docs" / "screenshots"
CLUSTER = "Mov'eo"
SME_ID = "sme-ksh"  # Mov'eo; targets CN, SG and US
OTHER_SME = "sme-parksmart"  # Piemonte Innova: not visible to sme-ksh's token
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


@dataclass
class Site:
    """The running app: its address, its workspace and a token per kind of user."""

    url: str
    workspace: Workspace
    tokens: dict[str, str]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(
            "the browser tests need Debian's Chromium (apt-get install chromium chromium-driver; "
            ".ci/run does it); never a browser downloaded by Playwright"
        )
    return path


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The real app on 127.0.0.1, serving the bundled SMEs and partners."""
    with pytest.MonkeyPatch.context() as patch:
        # The developer's CLUSTERMATCH_* variables must not reach these settings.
        for name in list(os.environ):
            if name.startswith("CLUSTERMATCH_"):
                patch.delenv(name)
        settings = Settings(
            home=tmp_path_factory.mktemp("e2e-home"),
            database_url="",
            embedding_backend="hashing",
        )
    workspace = Workspace(settings)
    workspace.import_files(DATA / "smes.csv", DATA / "partners.csv")
    tokens = {
        "advisor": workspace.tokens.create("advisor", cluster=CLUSTER, label="e2e advisor"),
        "sme": workspace.tokens.create("sme", sme_id=SME_ID, label="e2e sme"),
        "admin": workspace.tokens.create("admin", label="e2e admin"),
    }
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, workspace), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="e2e-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the app did not start")
        time.sleep(0.05)
    try:
        yield Site(f"http://127.0.0.1:{port}", workspace, tokens)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        workspace.close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(
        executable_path=_chromium(), args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def new_page(browser: Browser, site: Site) -> Iterator[Callable[..., Page]]:
    """Pages in fresh browser contexts (no cookies), closed after the test."""
    contexts: list[BrowserContext] = []

    def make(viewport: ViewportSize | None = None) -> Page:
        context = browser.new_context(
            base_url=site.url, viewport=viewport or DESKTOP, accept_downloads=True
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


def sign_in(page: Page, token: str) -> None:
    """Sign in through the form, as a person would."""
    page.goto("/login")
    page.get_by_label("Access token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture
def browser_context_factory(browser: Browser, site: Site) -> Iterator[Callable[..., Page]]:
    """Pages in fresh contexts with a browser locale (its Accept-Language)."""
    contexts: list[BrowserContext] = []

    def make(locale: str = "en-US") -> Page:
        context = browser.new_context(base_url=site.url, viewport=DESKTOP, locale=locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()

"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser per session (per xdist worker), one context per test; the live server answers on 127.0.0.1.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
from collections.abc import Callable, Generator
from typing import Any

import pytest

# Playwright's sync API keeps an asyncio loop running in the test thread, so Django would take every ORM call of
# the test for async code. The test only uses the ORM between browser steps, never concurrently with them.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    expect,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from tutela.conftest import TEST_PASSWORD

TIMEOUT_MS = 10_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last (after pytest-django's own ordering): the browser's event loop stays in the thread
    until the session ends, and no other test should run beside it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def _chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "Chromium non trovato nel PATH: i test nel browser usano il pacchetto Debian `chromium` "
            "(`apt-get install -y chromium`; `make test` lo installa). Non usare `playwright install`.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Generator[Browser]:
    from django.db import connections

    executable = _chromium_path()
    # Django keeps connections in an asgiref Local: once Playwright's loop runs in this thread the Local switches
    # to a context variable and would hand the test new connection objects, besides the one the test database
    # was set up on and the live server shares (in-memory SQLite). Pin the connections the thread already has.
    pinned = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in pinned.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server() -> Generator[LiveServer]:
    """pytest-django's live server, bound to 127.0.0.1 rather than "localhost"."""
    server = LiveServer("127.0.0.1")
    yield server
    server.stop()


# The data migrations that load the reference data (ADR 0004); each load is idempotent.
REFERENCE_DATA_MIGRATIONS = [
    ("tutela.accounts.migrations.0003_load_municipalities", "load"),
    ("tutela.reference.migrations.0002_load_sinba_codes", "load"),
    ("tutela.services.migrations.0002_load_catalogue", "load"),
    ("tutela.services.migrations.0005_catalogue_delivery", "forwards"),  # how each entry is delivered
    ("tutela.services.migrations.0007_catalogue_reference_codes", "forwards"),  # nomenclatore, FNPS
]


@pytest.fixture(scope="session")
def _flush_keeps_protocol_trigger() -> Generator[None]:
    """Let the flush that ends each transactional test empty the protocol register and the audit log on SQLite.

    Migrations protocol/0002 and audit/0004 install triggers that refuse any DELETE of a protocol entry, of an
    audit event and of the audit chain head, and on SQLite the flush after a TransactionTestCase is a series of
    DELETEs (PostgreSQL truncates, which row triggers ignore). The flush drops the triggers and creates them
    again inside its own transaction, so no test runs without them.
    Session-scoped: the flush runs after every function-scoped fixture has been torn down.
    """
    from django.db import connections

    protocol = importlib.import_module("tutela.protocol.migrations.0002_immutable_entries")
    audit = importlib.import_module("tutela.audit.migrations.0004_append_only")
    drop = [protocol.SQLITE_DOWN[1], *audit.SQLITE_DOWN]
    create = [protocol.SQLITE_UP[1], *audit.SQLITE_UP]
    patched = []
    for connection in connections.all():
        if connection.vendor != "sqlite":
            continue
        original = connection.ops.sql_flush

        def sql_flush(style: Any, tables: Any, *, _original: Any = original, **kwargs: Any) -> list[str]:
            statements = _original(style, tables, **kwargs)
            return [*drop, *statements, *create] if statements else statements

        connection.ops.sql_flush = sql_flush
        patched.append((connection.ops, original))
    yield
    for ops, original in patched:
        ops.sql_flush = original


@pytest.fixture(autouse=True)
def _reference_data(transactional_db: None) -> None:
    """Comuni, SINBA codes and the service catalogue, which the flush after a transactional test empties.
    Autouse, so that it comes before `demo`, which needs the Comuni.

    Cheaper than serialized_rollback (which deserialises the 7,904 Comuni one object at a time before each test).
    """
    from django.apps import apps

    for module, function in REFERENCE_DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


def _console_problem(message: ConsoleMessage) -> bool:
    # A failed load is also a response, reported (or deliberately not) by _asset_problem.
    return message.type == "error" and not message.text.startswith("Failed to load resource")


def _asset_problem(response: Response) -> bool:
    return response.status >= 400 and response.request.resource_type != "document"


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, _flush_keeps_protocol_trigger: None) -> Generator[Page]:
    """A fresh browser context; `page.problems` collects JavaScript errors, CSP reports and failed assets."""
    context: BrowserContext = browser.new_context(
        base_url=live_server.url,
        locale="it-IT",
        timezone_id="Europe/Rome",
        viewport={"width": 1280, "height": 1000},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"JavaScript: {exc}"))
    page.on("console", lambda msg: problems.append(f"console: {msg.text}") if _console_problem(msg) else None)
    # Pages the journeys open themselves are checked by the tests (some must answer 404); the rest must load.
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if _asset_problem(r) else None)
    page.problems = problems  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def login(page: Page) -> Callable[[str], Page]:
    """Log in as a persona, logging out whoever is in first (the header's "Esci" button); lands on "Da fare"."""

    def _login(username: str) -> Page:
        logout = page.get_by_role("button", name="Esci")
        if page.url.startswith("http") and logout.count():
            logout.click()
            expect(page).to_have_url(re.compile(r"/accesso/$"))
        else:
            page.goto("/accesso/")
        page.get_by_label("Nome utente").fill(username)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Accedi").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Da fare")
        expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/$"))
        return page

    return _login

"""Project-wide pytest fixtures. Apps add their own in their tests/ folders; shared ones go here.

Browser tests (``@pytest.mark.browser``) drive Debian's Chromium (``/usr/bin/chromium``,
``apt-get install chromium``) through Playwright against pytest-django's ``live_server``.
They need ``transactional_db``: the live server thread does not see a test transaction.

    @pytest.mark.browser
    def test_something(page, live_server, transactional_db): ...

Playwright's sync API runs an asyncio event loop in the test thread, which trips
Django's async-unsafe guard on any ORM call from the test; the guard protects
nothing here (the loop is Playwright's, not Django's), so it is turned off for
the test process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("ZHENGWU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


def _without_browser(message: str) -> None:
    """Skip a browser test when the browser is missing; fail it when ZHENGWU_REQUIRE_BROWSER=1 (CI)."""
    if os.environ.get("ZHENGWU_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message}; ZHENGWU_REQUIRE_BROWSER=1 requires it")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _without_browser(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        _without_browser("browser tests need playwright (pip install -e '.[test]')")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context per test (no cookies carried over), in Chinese, desktop size."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """Compile the committed .po files (the .mo files are not committed), as ``./run`` does,
    so that ``python -m pytest`` alone also renders English."""
    from zhengwu.core.i18n_compile import compile_all

    if compile_all():
        from asgiref.local import Local
        from django.utils.translation import trans_real

        # What django.test.signals does when LOCALE_PATHS changes: forget loaded catalogs.
        trans_real._translations = {}
        trans_real._default = None
        trans_real._active = Local()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in English leaves English active in the thread; every test starts in Chinese."""
    from django.conf import settings as dj_settings
    from django.utils import translation

    translation.activate(dj_settings.LANGUAGE_CODE)
    yield
    translation.activate(dj_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _forget_the_district_name():
    """The district's name is read from the region tree once per process; each test rolls its rows back, so
    it must not see the name an earlier test's regions left in that cache."""
    from zhengwu.core.context_processors import _district_from_regions

    _district_from_regions.cache_clear()
    yield
    _district_from_regions.cache_clear()


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    """Every test starts and ends with an empty ``zhengwu.core.sms.outbox`` (the locmem SMS backend's list)."""
    from zhengwu.core import sms

    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _engine() -> str:
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgis")) else "sqlite"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """``@pytest.mark.once_per_ci``: a heavy test whose result does not depend on the engine's dialect beyond what
    it also checks elsewhere (the scope matrix, the API fuzzing). Locally it runs on whatever engine the suite
    uses. ``.ci/run`` runs the suite twice and sets ``ZHENGWU_CI_ONCE_ON=postgresql``: these tests then run in the
    PostgreSQL pass (the production engine, the stricter one: it refuses NUL characters and overflowing integers
    that SQLite takes) and are skipped, with that reason, in the SQLite pass."""
    once_on = os.environ.get("ZHENGWU_CI_ONCE_ON", "")
    if not once_on or once_on == _engine():
        return
    skip = pytest.mark.skip(reason=f"runs once per CI, in the {once_on} pass (ZHENGWU_CI_ONCE_ON)")
    for item in items:
        if item.get_closest_marker("once_per_ci"):
            item.add_marker(skip)

"""Fixtures of the browser tests: one real JupyterLab and one Chromium for the session.

Without /usr/bin/chromium the tests are skipped on a developer machine, but fail under CI
(``CI`` set), where ``make test`` installs it: a missing browser must not pass silently.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_server import CHROMIUM, CHROMIUM_ARGS, LabServer, start_lab
from playwright.sync_api import Browser, Page, sync_playwright
from ui_helpers import ARTIFACTS, DEMO


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium, or a skip (a failure under CI)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def lab(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """A real ``jupyter lab`` with nbbridge, on a temporary root holding the demo notebook."""
    server = start_lab(tmp_path_factory.mktemp("jupyterlab"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    """Headless Debian chromium driven by Playwright (never a downloaded browser)."""
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser page; on failure its screenshot goes to test-artifacts/ui/."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(exc.stack or exc.message))
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"))
    context.close()
    nbbridge_errors = [e for e in errors if "nbbridge" in e]
    assert not nbbridge_errors, f"uncaught nbbridge errors in the page: {nbbridge_errors}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Keep each phase's report on the test item (the page fixture reads it)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def demo(lab: LabServer, request: pytest.FixtureRequest) -> str:
    """A private copy of the demo notebook for this test (tests edit without saving)."""
    assert DEMO.exists(), f"the demo notebook is missing: {DEMO}"
    name = re.sub(r"[^\w]+", "_", request.node.name).strip("_")
    return lab.add_notebook(DEMO, f"{name}.ipynb")


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots go (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

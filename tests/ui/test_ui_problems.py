"""Problems appear while the user types (nothing saved) and lead back to their cell."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lab_server import LabServer
from playwright.sync_api import Page, expect
from ui_helpers import (
    DEMO,
    cell_with,
    open_notebook,
    open_panel,
    screenshot,
    select_cell,
    type_at_end_of,
)

# A hang guard, not a timing check: each test takes seconds.
pytestmark = [pytest.mark.ui, pytest.mark.timeout(300)]

TRAIN_CELL = "RandomForestClassifier(n_estimators"
UNDEFINED = "scaled = importances * not_defined_yet"
PROBLEM = '[data-nbbridge-problem="undefined-name"]'
ACTIVE = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell.jp-mod-active"


def _type_undefined_name(page: Page, lab: LabServer, demo: str):
    open_notebook(page, lab, demo)
    panel = open_panel(page)
    expect(panel.locator("[data-nbbridge-step]")).to_have_count(4)
    expect(panel.locator(PROBLEM)).to_have_count(0)
    type_at_end_of(page, cell_with(page, TRAIN_CELL), UNDEFINED)
    return panel


def test_undefined_name_shows_up_while_typing_without_saving(
    page: Page, lab: LabServer, demo: str, artifacts: Path
) -> None:
    panel = _type_undefined_name(page, lab, demo)

    problem = panel.locator(PROBLEM)
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("not_defined_yet")
    expect(problem).to_have_class(re.compile(r"\bnbbridge-mod-error\b"))
    screenshot(page, artifacts, "problem-undefined-name")

    # Nothing was saved: the analysis read the unsaved model, the file is the original demo.
    assert (lab.root / demo).read_bytes() == DEMO.read_bytes()

    # Fixing the code clears the problem, still without saving.
    for _ in UNDEFINED:
        page.keyboard.press("Backspace")
    expect(panel.locator(PROBLEM)).to_have_count(0)


def test_go_to_cell_activates_the_cell_with_the_problem(
    page: Page, lab: LabServer, demo: str
) -> None:
    panel = _type_undefined_name(page, lab, demo)
    problem = panel.locator(PROBLEM)
    expect(problem).to_have_count(1)

    # Somewhere else first: the first code cell.
    page.keyboard.press("Escape")
    select_cell(cell_with(page, "import pandas as pd"))
    expect(page.locator(ACTIVE)).to_contain_text("import pandas as pd")

    problem.get_by_role("button", name="Go to cell").click()
    active = page.locator(ACTIVE)
    expect(active).to_contain_text("not_defined_yet")
    expect(active).to_contain_text(TRAIN_CELL)
    expect(active).to_be_in_viewport()

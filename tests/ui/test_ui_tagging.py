"""Tagging cells from the badge, the picker and the palette; the panel follows live."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lab_server import LabServer
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from ui_helpers import (
    DEMO,
    badge_of,
    cell_with,
    open_notebook,
    open_panel,
    panel_steps,
    screenshot,
    select_cell,
)

# A hang guard, not a timing check: each test takes seconds.
pytestmark = [pytest.mark.ui, pytest.mark.timeout(300)]

METRICS_CELL = "accuracy = float(accuracy_score"
TRAIN_CELL = "RandomForestClassifier(n_estimators"
PICKER = ".nbbridge-StepPicker"


def test_badge_picker_starts_a_step_and_undo_removes_it(
    page: Page, lab: LabServer, demo: str, artifacts: Path
) -> None:
    open_notebook(page, lab, demo)
    panel = open_panel(page)
    expect(panel.locator("[data-nbbridge-step]")).to_have_count(4)

    cell = cell_with(page, METRICS_CELL)
    badge = badge_of(cell)
    # The metrics cell has no step tag: it continues "evaluate", and its badge says so.
    expect(badge).to_have_text("evaluate")
    expect(badge).to_have_attribute("data-kind", "continues")
    train_badge = badge_of(cell_with(page, TRAIN_CELL))
    expect(train_badge).to_have_text("train")
    expect(train_badge).to_have_attribute("data-kind", "starts")
    assert badge.evaluate("b => getComputedStyle(b).borderColor") != train_badge.evaluate(
        "b => getComputedStyle(b).borderColor"
    ), "each step has its own colour"

    badge.click()
    picker = page.locator(PICKER)
    expect(picker).to_be_visible()
    expect(picker).to_contain_text('Continues step "evaluate"')
    start = picker.get_by_role("button", name="Start step here")

    # A name that is no Python identifier is refused before anything is written.
    page.keyboard.type("Bad Name")
    expect(picker.locator(".nbbridge-StepPicker-error")).to_contain_text("lowercase")
    expect(start).to_be_disabled()
    page.keyboard.press("Control+A")
    page.keyboard.type("report")
    expect(start).to_be_enabled()
    screenshot(page, artifacts, "picker")
    page.keyboard.press("Enter")

    expect(picker).to_have_count(0)
    expect(panel.locator('[data-nbbridge-step="report"]')).to_be_visible()
    assert panel_steps(page) == ["load", "split", "train", "evaluate", "report"]
    expect(badge).to_have_text("report")
    expect(badge).to_have_attribute("data-kind", "starts")
    expect(panel.locator('svg [data-nbbridge-node="report"]')).to_have_count(1)
    screenshot(page, artifacts, "tagged-report")
    # Written to the model only: the file on disk is the untouched demo.
    assert (lab.root / demo).read_bytes() == DEMO.read_bytes()

    # The edit is one step of the notebook's undo (z in command mode).
    page.keyboard.press("z")
    expect(panel.locator('[data-nbbridge-step="report"]')).to_have_count(0)
    expect(badge).to_have_text("evaluate")
    assert panel_steps(page) == ["load", "split", "train", "evaluate"]


def test_picker_clears_a_step_and_joins_cells_to_a_neighbour(
    page: Page, lab: LabServer, demo: str
) -> None:
    open_notebook(page, lab, demo)
    panel = open_panel(page)
    expect(panel.locator("[data-nbbridge-step]")).to_have_count(4)

    train = cell_with(page, TRAIN_CELL)
    badge_of(train).click()
    picker = page.locator(PICKER)
    expect(picker).to_contain_text('Starts step "train"')
    # Steps that are not next to the cell cannot be joined (steps are contiguous).
    expect(picker.locator('[data-nbbridge-pick="load"]')).to_be_disabled()
    picker.get_by_role("button", name="Clear step tag").click()

    # Without its tag the cell continues "split": "train" is gone and split has two cells.
    expect(panel.locator('[data-nbbridge-step="train"]')).to_have_count(0)
    expect(panel.locator('[data-nbbridge-step="split"]')).to_contain_text("2 cells")
    expect(badge_of(train)).to_have_text("split")

    # Joining the step that starts just below moves that step's start up to this cell.
    badge_of(train).click()
    picker.locator('[data-nbbridge-pick="evaluate"]').click()
    expect(badge_of(train)).to_have_text("evaluate")
    expect(panel.locator('[data-nbbridge-step="split"]')).to_contain_text("1 cell")
    expect(panel.locator('[data-nbbridge-step="evaluate"]')).to_contain_text("3 cells")
    tags = page.evaluate("""() => {
            const nb = window.jupyterapp.shell.currentWidget.content.model;
            const out = [];
            for (let i = 0; i < nb.cells.length; i++) {
                out.push(nb.cells.get(i).getMetadata('tags') ?? []);
            }
            return out;
        }""")
    starts = [t for cell_tags in tags for t in cell_tags if t.startswith("step:")]
    assert starts == ["step:load", "step:split", "step:evaluate"]


def run_palette_item(page: Page, label: str) -> None:
    """Run the palette's active item once it is the one we filtered for.

    The palette re-renders its list whenever any command's state changes (the notebook notifies
    on kernel and cell events), so a click can land on a detached item; Enter runs the active
    one, as a keyboard user does.
    """
    active = page.locator("#command-palette .lm-CommandPalette-item.lm-mod-active")
    expect(active).to_contain_text(label)
    page.locator("#command-palette .lm-CommandPalette-input").press("Enter")


OPEN_PALETTE = "window.jupyterapp.commands.execute('apputils:activate-command-palette')"


def palette_run(page: Page, query: str, label: str) -> None:
    """Open the palette, type ``query`` and run the item ``label``.

    The modal palette closes when it loses focus; on a loaded machine the notebook finishing
    its own activation after the cell click can take it, so the palette is opened again then.
    """
    palette = page.locator("#command-palette .lm-CommandPalette-input")
    for attempt in range(3):
        page.evaluate(OPEN_PALETTE)
        try:
            palette.fill(query, timeout=10_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    run_palette_item(page, label)


def test_palette_command_tags_the_active_cell(page: Page, lab: LabServer, demo: str) -> None:
    open_notebook(page, lab, demo)
    panel = open_panel(page)
    expect(panel.locator("[data-nbbridge-step]")).to_have_count(4)

    select_cell(cell_with(page, METRICS_CELL))
    palette_run(page, "nbbridge: Tag cell as step", "Tag cell as step")

    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_be_visible()
    dialog.locator("input").fill("metrics_step")
    dialog.get_by_role("button", name="Tag").click()
    expect(panel.locator('[data-nbbridge-step="metrics_step"]')).to_be_visible()

    # And the palette's clear command undoes it for the active cell.
    palette_run(page, "nbbridge: Clear step tag", "Clear step tag")
    expect(panel.locator('[data-nbbridge-step="metrics_step"]')).to_have_count(0)
    expect(badge_of(cell_with(page, METRICS_CELL))).to_have_text("evaluate")


def _code(cell_id: str, source: str, tags: list[str]) -> dict:
    return {
        "id": cell_id,
        "cell_type": "code",
        "metadata": {"tags": tags},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


def test_renaming_a_step_rewrites_the_after_tags_that_name_it(
    page: Page, lab: LabServer, artifacts: Path
) -> None:
    path = lab.write_notebook(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [
                _code("fetch", "rows = list(range(10))", ["step:fetch"]),
                _code("report", "print('done')", ["step:report", "after:fetch"]),
            ],
        },
        "rename_after.ipynb",
    )
    open_notebook(page, lab, path)
    panel = open_panel(page)
    # No data flows from fetch to report: the after: edge is drawn dashed.
    edge = panel.locator('svg [data-nbbridge-edge="fetch->report"]')
    expect(edge).to_have_class(re.compile(r"\bnbbridge-mod-dashed\b"))

    badge_of(cell_with(page, "rows = list(range(10))")).click()
    picker = page.locator(PICKER)
    expect(picker).to_contain_text('Starts step "fetch"')
    page.keyboard.press("Control+A")
    page.keyboard.type("load_rows")
    picker.get_by_role("button", name="Rename").click()

    expect(panel.locator('[data-nbbridge-step="load_rows"]')).to_be_visible()
    expect(panel.locator('[data-nbbridge-step="fetch"]')).to_have_count(0)
    renamed = panel.locator('svg [data-nbbridge-edge="load_rows->report"]')
    expect(renamed).to_have_class(re.compile(r"\bnbbridge-mod-dashed\b"))
    expect(panel.locator("[data-nbbridge-problem]")).to_have_count(0)
    expect(panel.locator('[data-nbbridge-step="report"]')).to_contain_text("after: load_rows")
    screenshot(page, artifacts, "renamed-after")

"""Experiments in JupyterLab: a %%track cell's widget, the Experiments panel, the compare view.

The demo notebook with ``%load_ext nbbridge`` added and its metrics cell tracked is run twice
in a real kernel, the second time with a shallower forest: the widget shows the change; the
panel lists both runs, compares them (the changed param marked, a chart drawn by JupyterLab's
Vega renderer); a run logged from outside the kernel appears without a reload. Screenshots in
the light and dark themes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lab_server import LabServer
from playwright.sync_api import Page, expect
from ui_helpers import DEMO, cell_with, open_notebook, screenshot, type_at_end_of

pytestmark = [pytest.mark.ui, pytest.mark.timeout(600)]

PANEL = "#nbbridge-experiments"
TAB = '.jp-SideBar.jp-mod-right .lm-TabBar-tab[data-id="nbbridge-experiments"]'
WIDGET = ".nbbridge-Track"


def tracked_demo(lab: LabServer, name: str) -> str:
    notebook = json.loads(DEMO.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    load = {"cell_type": "code", "id": "loadext", "metadata": {}, "outputs": []}
    load.update(source="%load_ext nbbridge", execution_count=None)
    cells.insert(1, load)
    for cell in cells:
        if "metrics" in cell["metadata"].get("tags", []):
            source = "".join(cell["source"])
            cell["source"] = "%%track\n" + source
    return lab.write_notebook(notebook, name)


def run_all(page: Page) -> None:
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel?.status"
        " === 'idle'",
        timeout=90_000,
    )
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")


def change_theme(page: Page, theme: str) -> None:
    page.evaluate(
        f"window.jupyterapp.commands.execute('apputils:change-theme', {{theme: '{theme}'}})"
    )
    light = "true" if "Light" in theme else "false"
    page.wait_for_function(f"() => document.body.dataset.jpThemeLight === '{light}'")


def test_track_widget_panel_compare_and_live_runs(
    page: Page, lab: LabServer, artifacts: Path
) -> None:
    name = tracked_demo(lab, "experiments_demo.ipynb")
    open_notebook(page, lab, name)
    run_all(page)
    widget = page.locator(WIDGET)
    expect(widget).to_have_attribute("data-nbbridge-track-status", "FINISHED", timeout=120_000)
    expect(widget.locator('[data-nbbridge-metric="accuracy"]')).to_be_visible()

    # Second run, a shallower forest: the widget shows the change against the first.
    params = cell_with(page, "n_estimators = 100")
    type_at_end_of(page, params, "max_depth = 1")
    run_all(page)
    delta = widget.locator('[data-nbbridge-metric="accuracy"] [data-nbbridge-delta-previous]')
    expect(delta).to_be_visible(timeout=120_000)
    assert float(delta.get_attribute("data-nbbridge-delta-previous")) != 0
    expect(widget).to_contain_text("max_depth=1")
    widget.scroll_into_view_if_needed()
    screenshot(page, artifacts, "experiments-widget")

    # The panel: both runs, newest first, each row carrying its run id.
    page.locator(TAB).click()
    panel = page.locator(PANEL)
    rows = panel.locator("[data-nbbridge-run]")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-nbbridge-status", "FINISHED")
    screenshot(page, artifacts, "experiments-panel")

    # The widget's link opens the run in the panel; Go to cell goes back to the cell.
    widget.locator("[data-nbbridge-open-run]").click()
    detail = panel.locator("[data-nbbridge-run-detail]")
    expect(detail).to_be_visible()
    expect(detail).to_contain_text("max_depth")
    screenshot(page, artifacts, "experiments-detail")
    detail.locator("[data-nbbridge-go-to-cell]").click()
    expect(page.locator(".jp-Notebook .jp-Cell.jp-mod-active")).to_contain_text("%%track")
    panel.get_by_text("← Runs").click()

    # Compare both: the changed param marked, a chart drawn by JupyterLab's Vega renderer.
    for checkbox in rows.locator("input[type=checkbox]").all():
        checkbox.check()
    panel.locator("[data-nbbridge-compare]").click()
    view = page.locator("[data-nbbridge-compare-view]")
    expect(view).to_be_visible()
    changed = view.locator('[data-nbbridge-compare-key="max_depth"]')
    expect(changed).to_have_attribute("data-nbbridge-differs", "true")
    same = view.locator('[data-nbbridge-compare-key="n_estimators"]')
    expect(same).to_have_attribute("data-nbbridge-differs", "false")
    chart = view.locator('[data-nbbridge-chart="across-runs"]')
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=60_000)
    expect(view.locator('[data-nbbridge-diff-step="cell"]')).to_contain_text("same code")
    screenshot(page, artifacts, "experiments-compare")
    try:
        change_theme(page, "JupyterLab Dark")
        expect(chart.locator("canvas, svg").first).to_be_visible(timeout=60_000)
        screenshot(page, artifacts, "experiments-compare-dark")
        widget.scroll_into_view_if_needed()
        screenshot(page, artifacts, "experiments-widget-dark")
    finally:
        change_theme(page, "JupyterLab Light")

    # A run made outside the kernel (the Tracker and the drainer, as `nbbridge run` does)
    # appears in the panel without a reload.
    from nbbridge.core.tracking import Tracker, drain

    state = lab.root / ".nbbridge"
    tracker = Tracker(state, drain_in_background=False)
    record = tracker.start(
        experiment=name,
        run_name="from the command line",
        source=lab.root / name,
        params={"max_depth": 5},
    )
    tracker.end(record, "FINISHED", metrics={"accuracy": 0.99})
    assert not drain(state).failed
    if not panel.is_visible():
        page.locator(TAB).click()
    expect(rows).to_have_count(3, timeout=30_000)
    expect(rows.first).to_contain_text("CLI")
    screenshot(page, artifacts, "experiments-live")


def test_empty_state_and_no_requests_while_hidden(
    page: Page, lab: LabServer, demo: str, artifacts: Path
) -> None:
    open_notebook(page, lab, demo)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/nbbridge/runs" in r.url else None)
    page.locator(TAB).click()
    panel = page.locator(PANEL)
    empty = panel.locator("[data-nbbridge-experiments-empty]")
    expect(empty).to_be_visible()
    expect(empty).to_contain_text("%%track")
    expect(empty).to_contain_text(f"nbbridge run {demo}")
    screenshot(page, artifacts, "experiments-empty")
    # Shown, it asks for the first page again every few seconds ...
    page.wait_for_timeout(7_000)
    assert len(asked) >= 2, asked
    # ... hidden, it asks for nothing.
    page.locator(TAB).click()
    expect(panel).to_be_hidden()
    before = len(asked)
    page.wait_for_timeout(7_000)
    assert len(asked) == before, asked[before:]

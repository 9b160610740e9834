"""The Pipeline panel on the demo notebook: steps, DAG, parameters, selection, states."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lab_server import LabServer
from playwright.sync_api import Page, expect
from ui_helpers import cell_with, open_notebook, open_panel, panel_steps, screenshot

# A hang guard, not a timing check: each test takes seconds.
pytestmark = [pytest.mark.ui, pytest.mark.timeout(300)]

DEMO_STEPS = ["load", "split", "train", "evaluate"]
PIPELINE_URL = re.compile(r".*/nbbridge/pipeline(\?.*)?$")


def test_panel_shows_the_demo_steps_in_order_with_their_dag(
    page: Page, lab: LabServer, demo: str, artifacts: Path
) -> None:
    open_notebook(page, lab, demo)
    panel = open_panel(page)

    expect(panel.locator("[data-nbbridge-step]")).to_have_count(len(DEMO_STEPS))
    assert panel_steps(page) == DEMO_STEPS

    # The DAG: one SVG box per step, data edges along the flow of the analysis.
    nodes = panel.locator("svg [data-nbbridge-node]")
    expect(nodes).to_have_count(len(DEMO_STEPS))
    assert sorted(nodes.evaluate_all("ns => ns.map(n => n.dataset.nbbridgeNode)")) == sorted(
        DEMO_STEPS
    )
    edges = set(
        panel.locator("svg [data-nbbridge-edge]").evaluate_all(
            "es => es.map(e => e.dataset.nbbridgeEdge)"
        )
    )
    assert {"load->split", "split->train", "train->evaluate"} <= edges
    # Each step row says what flows in and out: train reads a parameter, evaluate reads model.
    expect(panel.locator('[data-nbbridge-step="train"]')).to_contain_text("n_estimators")
    expect(panel.locator('[data-nbbridge-step="evaluate"]')).to_contain_text("model")
    expect(panel.locator('[data-nbbridge-step="load"]')).to_contain_text("1 cell")

    # Parameters with their types and defaults.
    row = panel.locator('[data-nbbridge-parameter="test_size"]')
    expect(row).to_contain_text("float")
    expect(row).to_contain_text("0.25")
    expect(panel.locator('[data-nbbridge-parameter="n_estimators"]')).to_contain_text("int")

    # The DAG is not clipped: every node lies inside the SVG's drawn area.
    inside = panel.locator("svg.nbbridge-Dag-svg").evaluate("""svg => {
            const box = svg.getBoundingClientRect();
            return [...svg.querySelectorAll('[data-nbbridge-node]')].every(node => {
                const r = node.getBoundingClientRect();
                return r.left >= box.left - 1 && r.right <= box.right + 1
                    && r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.width > 20;
            });
        }""")
    assert inside
    screenshot(page, artifacts, "panel-demo")


def test_clicking_a_step_or_a_dag_node_selects_its_cells(
    page: Page, lab: LabServer, demo: str
) -> None:
    open_notebook(page, lab, demo)
    panel = open_panel(page)
    expect(panel.locator("[data-nbbridge-step]")).to_have_count(len(DEMO_STEPS))

    panel.locator('[data-nbbridge-step="train"]').click()
    active = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell.jp-mod-active")
    expect(active).to_contain_text("RandomForestClassifier(n_estimators")
    expect(panel.locator('[data-nbbridge-step="train"]')).to_have_class(re.compile("mod-selected"))

    # A DAG node does the same; a multi-cell step selects from its first to its last cell.
    row_text = panel.locator('[data-nbbridge-step="evaluate"] .nbbridge-StepRow-cells')
    count = int(row_text.inner_text().split()[0])
    panel.locator('svg [data-nbbridge-node="evaluate"]').click()
    expect(active).to_contain_text("predictions = model.predict")
    selected = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell.jp-mod-selected")
    expect(selected).to_have_count(count)
    expect(panel.locator('svg [data-nbbridge-node="evaluate"]')).to_have_class(
        re.compile("mod-selected")
    )


def test_panel_without_a_notebook_shows_how_to_start(page: Page, lab: LabServer) -> None:
    page.goto(lab.lab_url())
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=60_000)
    panel = open_panel(page)
    expect(panel).to_contain_text("Open a notebook to see it as a pipeline.")
    expect(panel.locator("[data-nbbridge-step]")).to_have_count(0)


def test_a_failed_request_shows_an_error_line_and_recovers(
    page: Page, lab: LabServer, demo: str
) -> None:
    open_notebook(page, lab, demo)
    panel = open_panel(page)
    expect(panel.locator("[data-nbbridge-step]")).to_have_count(len(DEMO_STEPS))

    # The network drops: the next analysis fails, the panel says so and keeps the last pipeline.
    page.route(PIPELINE_URL, lambda route: route.abort("connectionrefused"))
    panel.locator(".nbbridge-Panel-refresh").click()
    error = panel.locator("[data-nbbridge-error]")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Analysis failed")
    expect(panel.locator("[data-nbbridge-step]")).to_have_count(len(DEMO_STEPS))

    page.unroute(PIPELINE_URL)
    panel.locator(".nbbridge-Panel-refresh").click()
    expect(error).to_have_count(0)


def _choose_theme(page: Page, theme: str) -> None:
    """Settings → Theme → ``theme`` through the menu bar."""
    page.get_by_role("menuitem", name="Settings", exact=True).click()
    page.locator(".lm-Menu-item[data-type='submenu']", has_text=re.compile("^Theme$")).click()
    page.get_by_role("menuitem", name=theme, exact=True).click()


def test_dark_theme_keeps_the_panel_readable(
    page: Page, lab: LabServer, demo: str, artifacts: Path
) -> None:
    open_notebook(page, lab, demo)
    panel = open_panel(page)
    expect(panel.locator("[data-nbbridge-step]")).to_have_count(len(DEMO_STEPS))
    luminance = """el => {
        const c = document.createElement('canvas').getContext('2d');
        c.fillStyle = getComputedStyle(el).fill !== 'none' && el instanceof SVGElement
            ? getComputedStyle(el).fill : getComputedStyle(el).color;
        c.fillRect(0, 0, 1, 1);
        const [r, g, b] = c.getImageData(0, 0, 1, 1).data;
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    }"""
    node_text = panel.locator('svg [data-nbbridge-node="train"] text')
    name = panel.locator('[data-nbbridge-step="train"] .nbbridge-StepRow-name')
    assert node_text.evaluate(luminance) < 0.5
    assert name.evaluate(luminance) < 0.5

    _choose_theme(page, "JupyterLab Dark")
    try:
        page.wait_for_function("document.body.dataset.jpThemeLight === 'false'")
        # Text follows the theme: light on dark (waits for the theme's CSS to apply).
        page.wait_for_function(f"el => ({luminance})(el) > 0.5", arg=node_text.element_handle())
        assert name.evaluate(luminance) > 0.5
        cell_with(page, "RandomForestClassifier(n_estimators").scroll_into_view_if_needed()
        screenshot(page, artifacts, "panel-demo-dark")
    finally:
        # The theme is a user setting of the shared server: put it back for the other tests.
        _choose_theme(page, "JupyterLab Light")
        page.wait_for_function("document.body.dataset.jpThemeLight === 'true'")


def test_panel_follows_the_current_notebook(page: Page, lab: LabServer, demo: str) -> None:
    other = lab.write_notebook(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [
                {
                    "id": "only",
                    "cell_type": "code",
                    "metadata": {"tags": ["step:solo"]},
                    "source": "x = 1",
                    "outputs": [],
                    "execution_count": None,
                }
            ],
        },
        "follow_other.ipynb",
    )
    open_notebook(page, lab, demo)
    panel = open_panel(page)
    expect(panel.locator("[data-nbbridge-step]")).to_have_count(len(DEMO_STEPS))
    # Opened the way the file browser opens it (the command), not by reloading the page.
    page.evaluate(
        "path => { window.jupyterapp.commands.execute('docmanager:open', { path }); }", other
    )
    expect(panel.locator("[data-nbbridge-step]")).to_have_count(1)
    expect(panel.locator('[data-nbbridge-step="solo"]')).to_be_visible()
    expect(panel.locator(".nbbridge-Panel-notebook")).to_have_text(other)
    # Back to the demo tab: its pipeline again.
    page.locator(f'.lm-DockPanel-tabBar .lm-TabBar-tab:has-text("{demo}")').click()
    expect(panel.locator("[data-nbbridge-step]")).to_have_count(len(DEMO_STEPS))
    expect(panel.locator(".nbbridge-Panel-notebook")).to_have_text(demo)

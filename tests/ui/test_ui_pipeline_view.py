"""The Pipeline panel on real pipeline shapes, at JupyterLab's default sidebar width.

A nine-step fan-out (five models after one feature step) and a 40-step pipeline: every step
name shown whole, the DAG fitted inside the panel (after opening and after "fit"), zoom buttons
that change its scale, the main-area graph selecting cells; the library listing each name once;
Suggest steps on an untagged notebook with headings, applied in one undoable change.
Screenshots (light and dark) go to test-artifacts/ui/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lab_server import LabServer
from pipeline_notebooks import FANOUT_STEPS, MODELS, branching, fanout, headed, long_chain
from playwright.sync_api import Locator, Page, expect
from ui_helpers import NOTEBOOK, PANEL, open_notebook, open_panel, panel_steps, screenshot

pytestmark = [pytest.mark.ui, pytest.mark.timeout(300)]

GRAPH = "#nbbridge-pipeline-graph"

# Every element showing a step name shows all of it: not cut sideways (scrollWidth) or below.
NAMES_CUT = """els => els.filter(el =>
    el.scrollWidth > el.clientWidth + 0.5 || el.scrollHeight > el.clientHeight + 0.5
).map(el => el.textContent)"""

# Nodes whose box leaves the DAG viewport or the panel (both as drawn on the screen).
NODES_OUTSIDE = """(canvas, panelSel) => {
    const view = canvas.querySelector("svg.nbbridge-mod-canvas").getBoundingClientRect();
    const panel = document.querySelector(panelSel).getBoundingClientRect();
    return [...canvas.querySelectorAll('[data-nbbridge-dag-node]')].filter(node => {
        const r = node.getBoundingClientRect();
        const inside = b => r.left >= b.left - 0.5 && r.right <= b.right + 0.5
            && r.top >= b.top - 0.5 && r.bottom <= b.bottom + 0.5;
        return !(inside(view) && r.left >= panel.left - 0.5 && r.right <= panel.right + 0.5
            && r.width > 4);
    }).map(node => node.dataset.nbbridgeDagNode);
}"""


# The perceived lightness (0 black, 1 white) of an element's text colour.
LUMINANCE = """el => {
    const c = document.createElement('canvas').getContext('2d');
    c.fillStyle = getComputedStyle(el).color;
    c.fillRect(0, 0, 1, 1);
    const [r, g, b] = c.getImageData(0, 0, 1, 1).data;
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}"""


def _open(page: Page, lab: LabServer, nb: dict, name: str, steps: int) -> Locator:
    path = lab.write_notebook(nb, name)
    open_notebook(page, lab, path)
    panel = open_panel(page)
    expect(panel.locator("[data-nbbridge-step]")).to_have_count(steps)
    expect(panel.locator(".nbbridge-DagCanvas [data-nbbridge-dag-node]")).to_have_count(steps)
    return panel


def _scale(canvas: Locator) -> float:
    return float(canvas.get_attribute("data-nbbridge-dag-scale") or "nan")


def _names_cut(panel: Locator) -> list[str]:
    return panel.locator(".nbbridge-StepRow-name").evaluate_all(NAMES_CUT)


def _outside(canvas: Locator, within: str = PANEL) -> list[str]:
    return canvas.evaluate(NODES_OUTSIDE, within)


def _choose_theme(page: Page, theme: str) -> None:
    page.get_by_role("menuitem", name="Settings", exact=True).click()
    page.locator(".lm-Menu-item[data-type='submenu']", has_text=re.compile("^Theme$")).click()
    page.get_by_role("menuitem", name=theme, exact=True).click()


def test_fanout_names_whole_and_dag_fitted_in_the_default_sidebar(
    page: Page, lab: LabServer, artifacts: Path
) -> None:
    panel = _open(page, lab, fanout(), "fanout.ipynb", len(FANOUT_STEPS))
    width = panel.evaluate("el => el.getBoundingClientRect().width")
    assert 200 <= width <= 320, f"not JupyterLab's default sidebar width: {width}"
    assert panel_steps(page) == FANOUT_STEPS

    assert _names_cut(panel) == []
    for name in FANOUT_STEPS:
        expect(panel.locator(f'[data-nbbridge-step="{name}"] .nbbridge-StepRow-name')).to_have_text(
            name
        )
    row = panel.locator('[data-nbbridge-step="train_random_forest"]')
    expect(row.locator(".nbbridge-StepRow-cells")).to_have_text("2 cells")
    expect(row.locator(".nbbridge-Names.nbbridge-mod-inputs")).to_contain_text("features")
    expect(row.locator(".nbbridge-Names.nbbridge-mod-outputs")).to_contain_text("score_1")
    after = panel.locator(
        '[data-nbbridge-step="train_logistic_regression"] .nbbridge-StepRow-after'
    )
    expect(after).to_have_text("after: datapreprocessing")

    # The library: each name once, with its count where cells redefine it.
    chip = panel.locator('[data-nbbridge-library="test_set_check"]')
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text("×3")
    assert "cells 4, 5, 6" in (chip.get_attribute("title") or "")

    canvas = panel.locator(".nbbridge-DagCanvas")
    assert _outside(canvas) == []
    fitted = _scale(canvas)
    assert 0.3 < fitted <= 1

    canvas.locator("[data-nbbridge-dag-zoom-in]").click()
    expect(canvas).not_to_have_attribute("data-nbbridge-dag-scale", f"{fitted:.4f}")
    assert _scale(canvas) == pytest.approx(fitted * 1.25, rel=1e-3)
    canvas.locator("[data-nbbridge-dag-zoom-out]").click()
    canvas.locator("[data-nbbridge-dag-zoom-out]").click()
    assert _scale(canvas) == pytest.approx(fitted / 1.25, rel=1e-3)
    canvas.locator("[data-nbbridge-dag-fit]").click()
    expect(canvas).to_have_attribute("data-nbbridge-dag-scale", f"{fitted:.4f}")
    assert _outside(canvas) == []

    # In the sidebar the wheel scrolls the panel; Ctrl+wheel zooms about the pointer; "fit"
    # brings every node back.
    svg = canvas.locator("svg.nbbridge-mod-canvas")
    svg.hover()
    page.mouse.wheel(0, -400)
    expect(canvas).to_have_attribute("data-nbbridge-dag-scale", f"{fitted:.4f}")
    page.keyboard.down("Control")
    page.mouse.wheel(0, -400)
    page.keyboard.up("Control")
    expect(canvas).not_to_have_attribute("data-nbbridge-dag-scale", f"{fitted:.4f}")
    assert _scale(canvas) > fitted
    canvas.locator("[data-nbbridge-dag-fit]").click()
    assert _outside(canvas) == []

    # Clicking a node selects its cells and keeps working after a drag.
    box = svg.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] - 10)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + box["height"] - 30, steps=4)
    page.mouse.up()
    canvas.locator("[data-nbbridge-dag-fit]").click()
    canvas.locator('[data-nbbridge-dag-node="compare_models"]').click()
    active = page.locator(f"{NOTEBOOK} .jp-Cell.jp-mod-active")
    expect(active).to_contain_text("best = max(")
    screenshot(page, artifacts, "pipeline-fanout-light")


def test_fanout_in_the_dark_theme(page: Page, lab: LabServer, artifacts: Path) -> None:
    panel = _open(page, lab, fanout(), "fanout_dark.ipynb", len(FANOUT_STEPS))
    _choose_theme(page, "JupyterLab Dark")
    try:
        page.wait_for_function("document.body.dataset.jpThemeLight === 'false'")
        # The theme's CSS has reached the panel: step names are drawn light on dark.
        name = panel.locator('[data-nbbridge-step="compare_models"] .nbbridge-StepRow-name')
        page.wait_for_function(f"el => ({LUMINANCE})(el) > 0.5", arg=name.element_handle())
        assert _names_cut(panel) == []
        assert _outside(panel.locator(".nbbridge-DagCanvas")) == []
        screenshot(page, artifacts, "pipeline-fanout-dark")

        panel.locator("[data-nbbridge-dag-open]").click()
        expect(page.locator(f"{GRAPH} [data-nbbridge-dag-node]")).to_have_count(9)
        screenshot(page, artifacts, "pipeline-graph-dark")

        # The Suggest steps dialog, on an untagged notebook opened as the file browser does.
        other = lab.write_notebook(headed(), "headed_dark.ipynb")
        page.evaluate(
            "path => { window.jupyterapp.commands.execute('docmanager:open', { path }); }", other
        )
        panel.locator("[data-nbbridge-suggest-start]").click()
        expect(page.locator(".jp-Dialog [data-nbbridge-suggest-step]")).to_have_count(4)
        screenshot(page, artifacts, "pipeline-suggest-dark")
        page.locator(".jp-Dialog .jp-mod-reject").click()
    finally:
        _choose_theme(page, "JupyterLab Light")
        page.wait_for_function("document.body.dataset.jpThemeLight === 'true'")


@pytest.mark.parametrize(
    ("shape", "last"), [("chain", "step_39"), ("branching", "publish")], ids=["chain", "branching"]
)
def test_forty_steps_fit_and_the_selected_step_stays_in_view(
    page: Page, lab: LabServer, artifacts: Path, shape: str, last: str
) -> None:
    nb = long_chain(40) if shape == "chain" else branching()
    panel = _open(page, lab, nb, f"{shape}40.ipynb", 40)
    canvas = panel.locator(".nbbridge-DagCanvas")
    assert _names_cut(panel) == []
    assert _outside(canvas) == []
    screenshot(page, artifacts, f"pipeline-{shape}40")
    # Zoomed in, selecting a far step from its row pans the graph to it.
    for _ in range(4):
        canvas.locator("[data-nbbridge-dag-zoom-in]").click()
    panel.locator(f'[data-nbbridge-step="{last}"]').click()
    node = canvas.locator(f'[data-nbbridge-dag-node="{last}"]')
    expect(node).to_have_class(re.compile("mod-selected"))
    inside = node.evaluate("""n => {
        const v = n.closest('svg').getBoundingClientRect(), r = n.getBoundingClientRect();
        return r.left >= v.left && r.right <= v.right && r.top >= v.top && r.bottom <= v.bottom;
    }""")
    assert inside


def test_main_area_graph_selects_the_cells_of_a_node(
    page: Page, lab: LabServer, artifacts: Path
) -> None:
    panel = _open(page, lab, fanout(), "fanout_graph.ipynb", len(FANOUT_STEPS))
    panel.locator("[data-nbbridge-dag-open]").click()
    graph = page.locator(GRAPH)
    expect(graph).to_be_visible()
    nodes = graph.locator("[data-nbbridge-dag-node]")
    expect(nodes).to_have_count(len(FANOUT_STEPS))
    canvas = graph.locator(".nbbridge-DagCanvas")
    assert _outside(canvas, GRAPH) == []
    # Larger than in the sidebar, with the names on the edges.
    assert _scale(canvas) > _scale(panel.locator(".nbbridge-DagCanvas"))
    expect(graph.locator(".nbbridge-DagEdge-label").first).to_be_visible()

    graph.locator(f'[data-nbbridge-dag-node="{MODELS[1]}"]').click()
    selected = page.locator(f"{NOTEBOOK} .jp-Cell.jp-mod-selected")
    expect(selected).to_have_count(2)
    expect(page.locator(f"{NOTEBOOK} .jp-Cell.jp-mod-active")).to_contain_text("score_1 = sum(")
    expect(graph.locator(f'[data-nbbridge-dag-node="{MODELS[1]}"]')).to_have_class(
        re.compile("mod-selected")
    )
    # The panel shows the same selection (row and node).
    expect(panel.locator(f'[data-nbbridge-step="{MODELS[1]}"]')).to_have_class(
        re.compile("mod-selected")
    )
    expect(
        panel.locator(f'.nbbridge-DagCanvas [data-nbbridge-dag-node="{MODELS[1]}"]')
    ).to_have_class(re.compile("mod-selected"))
    screenshot(page, artifacts, "pipeline-graph-main")

    # There the plain wheel zooms.
    before = _scale(canvas)
    canvas.locator("svg.nbbridge-mod-canvas").hover(position={"x": 10, "y": 10})
    page.mouse.wheel(0, 300)
    expect(canvas).not_to_have_attribute("data-nbbridge-dag-scale", f"{before:.4f}")
    assert _scale(canvas) < before

    # The command opens (or shows again) the same widget.
    page.evaluate("window.jupyterapp.commands.execute('nbbridge:open-pipeline-graph')")
    expect(page.locator(GRAPH)).to_have_count(1)


def test_suggest_steps_on_an_untagged_notebook_applies_in_one_undo(
    page: Page, lab: LabServer, artifacts: Path
) -> None:
    panel = _open(page, lab, headed(), "headed.ipynb", 1)
    assert panel_steps(page) == ["main"]
    start = panel.locator("[data-nbbridge-suggest-start]")
    expect(start).to_be_visible()
    screenshot(page, artifacts, "pipeline-untagged")

    start.click()
    dialog = page.locator(".jp-Dialog [data-nbbridge-suggest]")
    expect(dialog).to_be_visible()
    proposed = ["load_measurements", "clean_up", "summarise", "report"]
    rows = dialog.locator("[data-nbbridge-suggest-step]")
    expect(rows).to_have_count(len(proposed))
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.nbbridgeSuggestStep)") == proposed
    expect(dialog.locator('[data-nbbridge-suggest-step="clean_up"]')).to_contain_text("rain")
    expect(dialog.locator('[data-nbbridge-suggest-step="clean_up"]')).to_contain_text("wet")
    expect(dialog.locator("[data-nbbridge-dag-node]")).to_have_count(len(proposed))
    screenshot(page, artifacts, "pipeline-suggest-dialog")
    # Nothing is written before Apply.
    assert panel_steps(page) == ["main"]
    page.locator(".jp-Dialog .jp-mod-accept").click()

    expect(panel.locator("[data-nbbridge-step]")).to_have_count(len(proposed))
    assert panel_steps(page) == proposed
    expect(panel.locator("[data-nbbridge-suggest-start]")).to_have_count(0)
    screenshot(page, artifacts, "pipeline-suggest-applied")

    # One undo (z in command mode on the notebook) takes every tag back.
    page.locator(f"{NOTEBOOK} .jp-Cell").filter(has_text="import statistics").locator(
        ".jp-InputPrompt"
    ).click(position={"x": 4, "y": 4})
    page.keyboard.press("Escape")
    page.keyboard.press("z")
    expect(panel.locator("[data-nbbridge-step]")).to_have_count(1)
    assert panel_steps(page) == ["main"]
    expect(panel.locator("[data-nbbridge-suggest-start]")).to_be_visible()


@pytest.mark.parametrize("shape", ["chain", "branching"])
def test_forty_steps_in_the_main_area_graph(
    page: Page, lab: LabServer, artifacts: Path, shape: str
) -> None:
    nb = long_chain(40) if shape == "chain" else branching()
    panel = _open(page, lab, nb, f"{shape}40_graph.ipynb", 40)
    panel.locator("[data-nbbridge-dag-open]").click()
    graph = page.locator(GRAPH)
    expect(graph.locator("[data-nbbridge-dag-node]")).to_have_count(40)
    canvas = graph.locator(".nbbridge-DagCanvas")
    assert _outside(canvas, GRAPH) == []
    screenshot(page, artifacts, f"pipeline-{shape}40-graph")

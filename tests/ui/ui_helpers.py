"""Driving JupyterLab like a user: open a notebook, the Pipeline panel, a cell's badge."""

from __future__ import annotations

from pathlib import Path

from lab_server import LabServer
from playwright.sync_api import Locator, Page, expect

__all__ = [
    "ARTIFACTS",
    "DEMO",
    "EXPORT_DIALOG",
    "PANEL",
    "REPO",
    "badge_of",
    "cell_with",
    "export_button",
    "open_export_dialog",
    "open_notebook",
    "open_panel",
    "panel_steps",
    "screenshot",
    "select_cell",
    "type_at_end_of",
]

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "notebooks" / "iris_pipeline.ipynb"
ARTIFACTS = REPO / "test-artifacts" / "ui"
PANEL = "#nbbridge-pipeline"
PANEL_TAB = '.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="nbbridge-pipeline"]'
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
EXPORT_DIALOG = "[data-nbbridge-export-dialog]"

# Generous waits: a hang guard for slow machines, not a timing check.
expect.set_options(timeout=30_000)


def open_notebook(page: Page, lab: LabServer, path: str) -> Locator:
    """Load JupyterLab on a notebook (fresh layout) and wait until its cells are shown."""
    page.goto(lab.lab_url(path))
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=60_000)
    notebook = page.locator(NOTEBOOK)
    expect(notebook.locator(".jp-Cell").first).to_be_visible()
    return notebook


def open_panel(page: Page) -> Locator:
    """Show the Pipeline panel (clicking its sidebar tab unless it is already open)."""
    panel = page.locator(PANEL)
    if not panel.is_visible():
        page.locator(PANEL_TAB).click()
    expect(panel).to_be_visible()
    return panel


def panel_steps(page: Page) -> list[str]:
    """The step names the panel lists, in its order."""
    return page.locator(f"{PANEL} [data-nbbridge-step]").evaluate_all(
        "rows => rows.map(row => row.dataset.nbbridgeStep)"
    )


def cell_with(page: Page, text: str) -> Locator:
    """The one cell of the open notebook whose text contains ``text``."""
    cell = page.locator(f"{NOTEBOOK} .jp-Cell").filter(has_text=text)
    expect(cell).to_have_count(1)
    return cell


def badge_of(cell: Locator) -> Locator:
    """The nbbridge step badge of a code cell."""
    return cell.locator(".nbbridge-StepBadge")


def select_cell(cell: Locator) -> None:
    """Make a cell active in command mode by clicking the top of its prompt (the badge sits
    lower in the prompt column)."""
    cell.locator(".jp-InputPrompt").click(position={"x": 4, "y": 4})


def type_at_end_of(page: Page, cell: Locator, text: str) -> None:
    """Click into a cell's editor, go to its end and type ``text`` on a new line."""
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type(text)


def screenshot(page: Page, directory: Path, name: str) -> Path:
    """Save a screenshot of the whole window (what a user sees) as ``name``.png."""
    path = directory / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def open_export_dialog(page: Page) -> Locator:
    """Click the Pipeline panel's "Export…" button; returns the Export dialog once shown."""
    open_panel(page).locator("[data-nbbridge-export-open]").click()
    dialog = page.locator(EXPORT_DIALOG)
    expect(dialog).to_be_visible()
    return dialog


def export_button(dialog: Locator) -> Locator:
    """The Export dialog's own "Export" button (in the dialog's footer)."""
    return dialog.locator(".jp-Dialog-footer .jp-mod-accept")

"""The Export dialog, driven like a user: export the demo, a refused notebook, hand edits.

Each export goes through the real ``POST /nbbridge/export`` of the running JupyterLab, writes a
real package into the server's root and runs its generated tests with pytest.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lab_server import LabServer
from playwright.sync_api import Locator, Page, expect
from ui_helpers import (
    EXPORT_DIALOG,
    NOTEBOOK,
    cell_with,
    export_button,
    open_export_dialog,
    open_notebook,
    open_panel,
    screenshot,
    select_cell,
    type_at_end_of,
)

# A hang guard, not a timing check: an export with its tests takes a few seconds here.
pytestmark = [pytest.mark.ui, pytest.mark.timeout(600)]

RESULT = "[data-nbbridge-export-result]"
TESTS = "[data-nbbridge-export-tests]"
ACTIVE = f"{NOTEBOOK} .jp-Cell.jp-mod-active"
TRAIN_CELL = "RandomForestClassifier(n_estimators"
UNDEFINED = "scaled = importances * not_defined_yet"
# Generous: the export runs black, ruff and the package's own pytest (seconds, not minutes).
EXPORT_WAIT_MS = 180_000


def _package_of(notebook: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", Path(notebook).stem.lower()).strip("_")


def _export(dialog: Locator) -> Locator:
    """Click Export and wait for the result block; returns it."""
    export_button(dialog).click()
    result = dialog.locator(RESULT)
    expect(result).to_be_visible(timeout=EXPORT_WAIT_MS)
    return result


def test_export_demo_from_the_panel_shows_files_and_green_tests(
    page: Page, lab: LabServer, demo: str, artifacts: Path
) -> None:
    package = _package_of(demo)
    open_notebook(page, lab, demo)
    expect(open_panel(page).locator("[data-nbbridge-step]")).to_have_count(4)

    dialog = open_export_dialog(page)
    # Prefilled from the notebook's file name; the folder follows the name until edited.
    expect(dialog.locator('input[name="package"]')).to_have_value(package)
    expect(dialog.locator('input[name="output_dir"]')).to_have_value(package)
    expect(dialog.locator('input[name="run_tests"]')).to_be_checked()
    expect(dialog.locator('input[name="execute"]')).not_to_be_checked()
    expect(dialog.locator('input[name="force"]')).not_to_be_checked()
    screenshot(page, artifacts, "export-form")

    export_button(dialog).click()
    # While it runs: a progress line, the fields and the Export button disabled.
    expect(dialog.locator("[data-nbbridge-export-phase]")).to_be_visible()
    expect(export_button(dialog)).to_be_disabled()
    expect(dialog.locator('input[name="package"]')).to_be_disabled()
    screenshot(page, artifacts, "export-progress")

    result = dialog.locator(RESULT)
    expect(result).to_be_visible(timeout=EXPORT_WAIT_MS)
    expect(result).to_have_attribute("data-nbbridge-export-result", "ok")
    tests = result.locator(TESTS)
    expect(tests).to_have_attribute("data-nbbridge-export-tests", "passed")
    expect(tests).to_contain_text(re.compile(r"[1-9]\d* passed"))
    expect(result).to_contain_text("black-formatted, ruff-clean")
    for name in ("pyproject.toml", f"src/{package}/steps.py", "tests/test_pipeline.py"):
        expect(result.locator(f'[data-nbbridge-export-file="{name}"]')).to_be_visible()
        assert (lab.root / package / name).is_file(), name
    expect(export_button(dialog)).to_be_enabled()
    expect(export_button(dialog)).to_have_text("Export again")
    screenshot(page, artifacts, "export-result")

    # A file opens in JupyterLab (the dialog closes first: it would cover the editor).
    result.locator(f'[data-nbbridge-export-file="src/{package}/steps.py"]').click()
    expect(page.locator(EXPORT_DIALOG)).to_have_count(0)
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current")
    expect(tab).to_contain_text("steps.py")
    expect(page.locator(".jp-FileEditor:visible .cm-content")).to_contain_text("def train(")


def test_palette_command_opens_the_dialog_for_the_current_notebook(
    page: Page, lab: LabServer, demo: str
) -> None:
    open_notebook(page, lab, demo)
    # Until its kernel is up the notebook takes the focus back, which closes the palette.
    expect(page.locator("#jp-main-statusbar")).to_contain_text("Idle")
    page.keyboard.press("Control+Shift+c")
    palette = page.locator(".jp-ModalCommandPalette:not(.lm-mod-hidden)")
    expect(palette).to_be_visible()
    palette.locator("input").fill("Export notebook as package")
    item = palette.locator(".lm-CommandPalette-item", has_text="Export notebook as package")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("nbbridge")
    # The palette re-renders its items as commands change state: choose by keyboard.
    expect(item).to_have_class(re.compile(r"\blm-mod-active\b"))
    page.keyboard.press("Enter")
    dialog = page.locator(EXPORT_DIALOG)
    expect(dialog).to_have_attribute("data-nbbridge-export-dialog", demo)
    # Escape closes it without exporting.
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert not (lab.root / _package_of(demo)).exists()


def test_undefined_name_is_refused_with_the_problem_linked_to_its_cell(
    page: Page, lab: LabServer, demo: str, artifacts: Path
) -> None:
    package = _package_of(demo)
    open_notebook(page, lab, demo)
    open_panel(page)
    type_at_end_of(page, cell_with(page, TRAIN_CELL), UNDEFINED)
    page.keyboard.press("Escape")
    select_cell(cell_with(page, "import pandas as pd"))

    dialog = open_export_dialog(page)
    # Unsaved edits: the dialog says it saves first, and does.
    expect(dialog.locator("[data-nbbridge-export-dirty]")).to_be_visible()
    result = _export(dialog)
    assert UNDEFINED in (lab.root / demo).read_text(encoding="utf-8")
    expect(dialog.locator("[data-nbbridge-export-dirty]")).to_have_count(0)

    expect(result).to_have_attribute("data-nbbridge-export-result", "refused")
    problem = result.locator('[data-nbbridge-export-problem="undefined-name"]')
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("not_defined_yet")
    expect(problem).to_contain_text(re.compile(r"cell \d+"))
    assert not (lab.root / package).exists(), "a refused export must write nothing"
    screenshot(page, artifacts, "export-refused")

    problem.get_by_role("button", name="Go to cell").click()
    expect(page.locator(EXPORT_DIALOG)).to_have_count(0)
    active = page.locator(ACTIVE)
    expect(active).to_contain_text("not_defined_yet")
    expect(active).to_contain_text(TRAIN_CELL)
    expect(active).to_be_in_viewport()


def test_hand_edited_file_is_listed_and_overwrite_replaces_it(
    page: Page, lab: LabServer, demo: str, artifacts: Path
) -> None:
    package = _package_of(demo)
    open_notebook(page, lab, demo)
    dialog = open_export_dialog(page)
    dialog.locator('input[name="run_tests"]').uncheck()
    result = _export(dialog)
    expect(result).to_have_attribute("data-nbbridge-export-result", "ok")
    expect(result.locator(TESTS)).to_have_attribute("data-nbbridge-export-tests", "not-run")

    # An engineer edits a generated file by hand.
    steps = lab.root / package / "src" / package / "steps.py"
    original = steps.read_text(encoding="utf-8")
    steps.write_text(original + "# tuned by hand\n", encoding="utf-8")

    export_button(dialog).click()
    expect(result).to_have_attribute(
        "data-nbbridge-export-result", "refused", timeout=EXPORT_WAIT_MS
    )
    edited = result.locator("[data-nbbridge-export-edited]")
    expect(edited).to_have_count(1)
    expect(edited).to_have_attribute("data-nbbridge-export-edited", f"src/{package}/steps.py")
    expect(result).to_contain_text("Overwrite hand-edited files")
    expect(dialog.locator(".nbbridge-ExportOption.nbbridge-mod-highlight")).to_contain_text(
        "Overwrite hand-edited files"
    )
    assert steps.read_text(encoding="utf-8").endswith("# tuned by hand\n"), "kept"
    screenshot(page, artifacts, "export-hand-edited")

    dialog.locator('input[name="force"]').check()
    export_button(dialog).click()
    expect(result).to_have_attribute("data-nbbridge-export-result", "ok", timeout=EXPORT_WAIT_MS)
    assert steps.read_text(encoding="utf-8") == original
    # Overwriting was for that export only.
    expect(dialog.locator('input[name="force"]')).not_to_be_checked()


def test_package_name_is_checked_as_typed_and_by_the_server(
    page: Page, lab: LabServer, demo: str, artifacts: Path
) -> None:
    open_notebook(page, lab, demo)
    dialog = open_export_dialog(page)
    name = dialog.locator('input[name="package"]')
    folder = dialog.locator('input[name="output_dir"]')

    name.fill("Iris-Model")
    expect(dialog.locator("#nbbridge-export-package-error")).to_contain_text("lowercase")
    expect(export_button(dialog)).to_be_disabled()
    screenshot(page, artifacts, "export-invalid-name")

    # The folder follows the name while it was not edited by hand.
    name.fill("iris_model")
    expect(dialog.locator("#nbbridge-export-package-error")).to_have_count(0)
    expect(folder).to_have_value("iris_model")
    expect(export_button(dialog)).to_be_enabled()

    # A name only the server can judge (it shadows the standard library): its message lands
    # under the field, and goes away once the name changes.
    name.fill("json")
    folder.fill("packages/json_pkg")
    # Enter in a field exports, as in any dialog.
    folder.press("Enter")
    result = dialog.locator(RESULT)
    expect(result).to_be_visible(timeout=EXPORT_WAIT_MS)
    expect(result).to_have_attribute("data-nbbridge-export-result", "refused")
    expect(dialog.locator("#nbbridge-export-package-error")).to_contain_text("standard library")
    screenshot(page, artifacts, "export-name-refused")
    assert not (lab.root / "packages").exists()
    name.fill("json_tools")
    expect(dialog.locator("#nbbridge-export-package-error")).to_have_count(0)
    expect(folder).to_have_value("packages/json_pkg")


def test_failing_generated_tests_show_red_with_the_output(
    page: Page, lab: LabServer, demo: str, artifacts: Path
) -> None:
    open_notebook(page, lab, demo)
    # A `test` cell that cannot pass: the generated test of it must fail, and say so.
    type_at_end_of(page, cell_with(page, "accuracy dropped to"), 'assert accuracy > 2, "over 2"')
    page.keyboard.press("Escape")

    dialog = open_export_dialog(page)
    export_button(dialog).click()
    # The package is written first, then its tests run: the dialog says which.
    phase = dialog.locator("[data-nbbridge-export-phase]")
    expect(phase).to_have_attribute("data-nbbridge-export-phase", "testing", timeout=EXPORT_WAIT_MS)
    expect(phase).to_contain_text("Running tests…")
    screenshot(page, artifacts, "export-running-tests")

    result = dialog.locator(RESULT)
    expect(result).to_have_attribute(
        "data-nbbridge-export-result", "failed", timeout=EXPORT_WAIT_MS
    )
    tests = result.locator(TESTS)
    expect(tests).to_have_attribute("data-nbbridge-export-tests", "failed")
    expect(tests).to_contain_text(re.compile(r"[1-9]\d* failed"))
    expect(tests.locator("pre")).to_contain_text("over 2")
    # Written all the same: the engineer can look at what fails.
    assert (lab.root / _package_of(demo) / "tests" / "test_pipeline.py").is_file()
    screenshot(page, artifacts, "export-tests-failed")


def test_closing_the_dialog_while_exporting_ends_in_a_notification(
    page: Page, lab: LabServer, demo: str
) -> None:
    open_notebook(page, lab, demo)
    dialog = open_export_dialog(page)
    export_button(dialog).click()
    expect(dialog.locator("[data-nbbridge-export-phase]")).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(page.locator(EXPORT_DIALOG)).to_have_count(0)

    # The export goes on; its end is announced, with a way back to the details.
    toast = page.locator(".jp-Notification-Toast-success", has_text="exported")
    expect(toast).to_be_visible(timeout=EXPORT_WAIT_MS)
    expect(toast).to_contain_text("tests passed")
    toast.get_by_role("button", name="Show").click()
    result = page.locator(f"{EXPORT_DIALOG} {RESULT}")
    expect(result).to_have_attribute("data-nbbridge-export-result", "ok")
    expect(result.locator(TESTS)).to_have_attribute("data-nbbridge-export-tests", "passed")


def test_execute_and_dvc_target_record_golden_tests_and_stages(
    page: Page, lab: LabServer, demo: str, artifacts: Path
) -> None:
    package = _package_of(demo)
    open_notebook(page, lab, demo)
    dialog = open_export_dialog(page)
    dialog.locator('input[name="execute"]').check()
    dialog.locator('select[name="target"]').select_option("dvc")
    export_button(dialog).click()
    expect(dialog.locator("[data-nbbridge-export-phase]")).to_contain_text("running the notebook")

    result = dialog.locator(RESULT)
    expect(result).to_have_attribute("data-nbbridge-export-result", "ok", timeout=EXPORT_WAIT_MS)
    expect(result.locator(TESTS)).to_have_attribute("data-nbbridge-export-tests", "passed")
    expect(result).to_contain_text("Golden tests recorded by running the notebook")
    expect(result).to_contain_text("target: dvc")
    for name in ("dvc.yaml", "params.yaml", "tests/golden.json", f"src/{package}/steps.py"):
        expect(result.locator(f'[data-nbbridge-export-file="{name}"]')).to_be_visible()
        assert (lab.root / package / name).is_file(), name
    # The manifests are named, not offered as links.
    expect(result.locator('[data-nbbridge-export-file^="."]')).to_have_count(0)
    expect(result).to_contain_text(".nbbridge-dvc.json")
    screenshot(page, artifacts, "export-dvc-golden")


def test_execute_past_the_timeout_setting_is_refused_naming_the_running_cell(
    page: Page, lab: LabServer, artifacts: Path
) -> None:
    # The user's executeTimeout setting (20 s) travels with the request; the notebook hangs.
    cells = [
        ("import time\nn = 2", ["parameters"], "params"),
        ("data = list(range(n))", ["step:load"], "load"),
        ("while True:\n    time.sleep(0.2)\ntotal = sum(data)", ["step:wait"], "hang"),
    ]
    notebook = lab.write_notebook(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "id": cell_id,
                    "metadata": {"tags": tags},
                    "source": source,
                    "outputs": [],
                    "execution_count": None,
                }
                for source, tags, cell_id in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        "hangs_forever.ipynb",
    )
    setting = lab.root.parent / "settings" / "nbbridge" / "plugin.jupyterlab-settings"
    setting.parent.mkdir(parents=True, exist_ok=True)
    setting.write_text('{"executeTimeout": 20}', encoding="utf-8")
    try:
        open_notebook(page, lab, notebook)
        dialog = open_export_dialog(page)
        expect(dialog).to_contain_text("stopped after 20 s")
        dialog.locator('input[name="execute"]').check()
        result = _export(dialog)
    finally:
        setting.unlink()
    expect(result).to_have_attribute("data-nbbridge-export-result", "refused")
    expect(result).to_contain_text("did not finish within 20 s")
    expect(result).to_contain_text("cell hang was running")
    expect(result.locator('[data-nbbridge-goto="hang"]')).to_have_text("Go to cell 3")
    assert not (lab.root / "hangs_forever").exists(), "a stopped export must write nothing"
    screenshot(page, artifacts, "export-timeout")

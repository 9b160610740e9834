"""A step that raises is reported at its cell and the line in that cell, however the export
moved the code (hoisted imports, a ``%%step`` first line, a display-only tail dropped)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hazard_notebooks import nb

from nbbridge.core.runs.cache import StepCache
from nbbridge.core.runs.params import resolve_parameters
from nbbridge.core.runs.plan import plan_notebook
from nbbridge.core.runs.runner import run_pipeline


def _run(notebook: dict, folder: Path):
    plan = plan_notebook(notebook, "notebook.ipynb", folder)
    params = resolve_parameters(plan.parameters, [])
    return run_pipeline(plan, params, StepCache(folder / "cache"), out=io.StringIO())


@pytest.mark.parametrize(
    ("cells", "cell_id", "line"),
    [
        (
            (("x = 1", "step:a"), ("import math\n# why\ny = math.sqrt(x)\nraise ValueError(y)",)),
            "c1",
            4,
        ),
        ((("%%step a\nimport os\nx = 1\n\ny = x / 0",),), "c0", 5),
        ((("x = [1]", "step:a"), ("y = x[0]", "step:b"), ("z = y + 1\nx[5]\nz",)), "c2", 2),
    ],
)
def test_the_failure_names_the_cell_and_its_line(
    cells: tuple, cell_id: str, line: int, tmp_path: Path
) -> None:
    result = _run(nb(*cells), tmp_path)
    assert result.status == "FAILED"
    assert result.error is not None
    assert (result.error.cell_id, result.error.line) == (cell_id, line), result.error
    source = nb(*cells)["cells"][int(cell_id[1:])]["source"].split("\n")
    assert result.error.code == source[line - 1].strip()
    statuses = [s.status for s in result.steps]
    assert statuses[-1] in ("failed", "not-run") and "failed" in statuses


def test_steps_before_a_failure_are_cached_and_its_output_is_kept(tmp_path: Path) -> None:
    notebook = nb(
        ("xs = [1]\nprint('one')", "step:one"), ("print('two')\nraise KeyError('k')", "step:two")
    )
    first = _run(notebook, tmp_path)
    assert [s.status for s in first.steps] == ["ran", "failed"]
    assert first.steps[1].stdout == "two\n"  # what the failing step printed before it raised
    again = _run(notebook, tmp_path)
    assert [s.status for s in again.steps] == ["cached", "failed"]


def test_the_latest_entry_of_each_step_of_a_notebook_can_be_found_again(tmp_path: Path) -> None:
    """What ``%nbbridge load`` will read after a kernel restart."""
    notebook = nb(
        ("n = 1", "parameters"), ("xs = [n]", "step:one"), ("total = sum(xs)", "step:two")
    )
    plan = plan_notebook(notebook, str(tmp_path / "nb.ipynb"), tmp_path)
    cache = StepCache(tmp_path / "cache")
    for value in ("1", "2"):
        run_pipeline(plan, resolve_parameters(plan.parameters, [("n", value)]), cache)
    latest = cache.latest(tmp_path / "nb.ipynb")
    assert sorted(latest) == ["one", "two"]
    entry = latest["two"]
    assert cache.load(entry.key, cache.meta(entry.key) or {}) == {"total": 2}


def test_sys_exit_in_a_step_fails_the_run_as_it_fails_the_cell(tmp_path: Path) -> None:
    notebook = nb(("import sys", "step:a"), ("print('bye')\nsys.exit(3)", "step:b"))
    result = _run(notebook, tmp_path)
    assert result.status == "FAILED"
    assert result.error is not None and result.error.error.startswith("SystemExit")
    assert (result.error.cell_id, result.error.line) == ("c1", 2)


def test_a_failing_import_fails_the_run_naming_the_import(tmp_path: Path) -> None:
    notebook = nb(("import nbbridge_no_such_module", "step:a"), ("x = 1", "step:b"))
    result = _run(notebook, tmp_path)
    assert result.status == "FAILED" and result.error is not None
    assert "No module named 'nbbridge_no_such_module'" in result.error.error
    assert result.error.code == "import nbbridge_no_such_module"

"""The exported package runs exactly like the notebook, or the export refuses it.

Differential tests: each notebook is run cell by cell in one namespace (as "Run All" does) and
as its exported package; the package must print what each step printed and return, from each
step, the values the notebook held when that step ended (and give each ``test`` cell the values
the notebook's test cell saw), or the export must refuse with a problem naming the cell.
Generated notebooks (hypothesis, and a seeded sweep) and hand-picked hazards both go through
it; a few packages are exported in full (black, ruff) and their generated tests run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from equivalence_runner import NotebookFailed, Refused, differences, run_notebook
from export_helpers import ruff_and_black_clean
from hazard_notebooks import FULL, REFUSED, SAME, Cells
from hypothesis import HealthCheck, assume, event, given, settings
from notebook_programs import RandomChoices, generate, make_notebook, notebooks
from own_tests import run_own_tests

from nbbridge.core import analyze_detailed
from nbbridge.core.export.exporter import PipelineRejected, export_package
from nbbridge.core.export.verify import run_package_tests


def _check(nb: dict, runs: int = 2) -> list[str] | Refused:
    """Compare the notebook with its package, run ``runs`` times with one Params object."""
    return differences(nb, runs=runs)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(notebooks())
def test_generated_notebooks_export_to_packages_that_run_like_them(nb: dict) -> None:
    try:
        result = _check(nb)
    except NotebookFailed:
        assume(False)  # the generator keeps this rare: not a valid notebook to compare
        return
    if isinstance(result, Refused):
        event(f"refused: {', '.join(sorted(result.codes))}")
        assert result.codes, result.message  # a refusal always names its problems
        return
    event("exported")
    assert result == [], "\n".join(result)


def test_a_seeded_sweep_of_generated_notebooks_mostly_exports_and_never_differs() -> None:
    exported, refused = 0, 0
    for seed in range(300):
        nb = generate(RandomChoices(seed))
        result = _check(nb)
        if isinstance(result, Refused):
            refused += 1
            continue
        assert result == [], f"seed {seed}:\n" + "\n".join(result)
        exported += 1
    # The comparison must bite: most generated notebooks are exported, not refused.
    assert exported >= 200, (exported, refused)


def test_the_packages_own_generated_tests_pass_right_after_export(tmp_path: Path) -> None:
    """A sample of the sweep, each package written with its generated tests and golden values
    (recorded from the notebook's run, as export --execute records them in a kernel)."""
    checked = 0
    for seed in range(0, 300, 12):
        nb = generate(RandomChoices(seed))
        if isinstance(_check(nb, runs=1), Refused):
            continue
        code, output = run_own_tests(nb, tmp_path / f"seed{seed}")
        assert code == 0, f"seed {seed}:\n{output}"
        checked += 1
    assert checked >= 15, checked


@pytest.mark.parametrize("name", sorted(SAME))
def test_hazard_runs_like_the_notebook(name: str) -> None:
    result = _check(SAME[name])
    assert not isinstance(result, Refused), result.message
    assert result == [], "\n".join(result)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hazard_is_refused_with_its_cell(name: str) -> None:
    notebook, code, cell_id = REFUSED[name]
    result = _check(notebook)
    assert isinstance(result, Refused), f"exported, differences: {result}"
    problems = analyze_detailed(notebook).pipeline.problems
    assert (code, cell_id) in {(p.code, p.cell_id) for p in problems if p.severity == "error"}
    assert f"cell {cell_id}" in result.message


def test_the_hazards_are_real_for_the_notebook_itself() -> None:
    """Each refused notebook runs fine as a notebook (with IPython's top-level await and names,
    which run_notebook provides): the refusal is about the package, not a broken notebook."""
    for notebook, _code, _cell in REFUSED.values():
        run_notebook(notebook)


# --- full exports: black, ruff, the generated tests, `python -m` ---------------------------


def _stdout_of_notebook(cells: Cells) -> str:
    ran = run_notebook(make_notebook(cells))
    return "".join(ran.printed.values())


@pytest.mark.parametrize("name", sorted(FULL))
def test_full_export_passes_its_tests_and_prints_what_the_notebook_printed(
    name: str, tmp_path: Path
) -> None:
    cells = FULL[name]
    out = tmp_path / "pkg"
    result = export_package(make_notebook(cells), f"{name}.ipynb", out, package="eqfull")
    ruff_and_black_clean(out)
    report = run_package_tests(out)
    assert report.ok, report.output
    tests = sum(1 for _, tags in cells if "test" in tags)
    assert report.passed == tests + 1  # the pipeline runs, and every test cell
    env = dict(os.environ, PYTHONPATH=str(out / "src"))
    run = subprocess.run(
        [sys.executable, "-m", result.package], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == _stdout_of_notebook(cells)


def test_full_export_with_golden_values_of_a_mutated_list_parameter(tmp_path: Path) -> None:
    """The generated golden tests run the pipeline twice with one Params: a step that changes
    a list parameter in place must not leak into the second run."""
    import nbformat

    notebook = make_notebook(
        [
            ("xs = [1]", ["parameters"]),
            ("xs.append(2)\ntotal = sum(xs)\nprint(xs)", ["step:a"]),
            ("print(xs, total)", []),
        ]
    )
    folder = tmp_path / "nb"
    folder.mkdir()
    nbformat.write(nbformat.from_dict(notebook), str(folder / "golden.ipynb"))
    out = tmp_path / "pkg"
    export_package(notebook, "golden.ipynb", out, package="eqgolden", execute_in=folder)
    report = run_package_tests(out)
    assert report.ok, report.output
    # The pipeline runs, step a's golden `total`, and its printed text.
    assert (report.passed, report.skipped) == (3, 0), report.output


def test_a_refused_notebook_writes_nothing(tmp_path: Path) -> None:
    notebook, code, _cell = REFUSED["function-global-rebound-before-the-call"]
    with pytest.raises(PipelineRejected) as rejected:
        export_package(notebook, "bad.ipynb", tmp_path / "pkg")
    assert code in {p.code for p in rejected.value.problems}
    assert list(tmp_path.iterdir()) == []

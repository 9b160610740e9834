"""The demo notebook exported with --execute: an engineer installs it, runs it, tests it."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from export_helpers import (
    DEMO,
    export,
    fresh_venv,
    golden,
    mutate,
    notebook_stdout,
    pip_install,
    ruff_and_black_clean,
    tree_bytes,
)

from nbbridge.core import analyze_detailed, read_notebook
from nbbridge.core.export.verify import run_package_tests

pytestmark = pytest.mark.kernel


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "iris"
    result = export(DEMO, out, execute=True)
    assert result.package == "iris_pipeline"
    return out


@pytest.fixture()
def copy(package: Path, tmp_path: Path) -> Path:
    target = tmp_path / "iris"
    shutil.copytree(package, target)
    return target


def test_layout_and_declared_dependencies(package: Path) -> None:
    files = set(tree_bytes(package))
    src = "src/iris_pipeline/"
    expected = {"__init__.py", "params.py", "steps.py", "lib.py", "pipeline.py", "__main__.py"}
    assert {src + name for name in expected} <= files
    assert {"pyproject.toml", "README.md", "tests/test_pipeline.py", "tests/golden.json"} <= files
    meta = tomllib.loads((package / "pyproject.toml").read_text())
    names = sorted(req.split(">=")[0] for req in meta["project"]["dependencies"])
    assert names == ["pandas", "scikit-learn"]
    steps = (package / src / "steps.py").read_text()
    for step in ("def load(", "def split(df, test_size: float, random_state: int)"):
        assert step in steps


def test_installs_in_a_fresh_venv_and_prints_what_the_notebook_printed(
    package: Path, tmp_path: Path
) -> None:
    python = fresh_venv(tmp_path / "venv")
    pip_install(python, package)
    where = subprocess.run(
        [str(python), "-c", "import iris_pipeline; print(iris_pipeline.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(tmp_path / "venv"))
    ran = subprocess.run(
        [str(python), "-m", "iris_pipeline"], cwd=tmp_path, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    analysis = analyze_detailed(read_notebook(DEMO))
    step_cells = {cell.cell_id for step in analysis.steps for cell in step.cells}
    assert ran.stdout == notebook_stdout(DEMO, step_cells)
    assert "accuracy=" in ran.stdout
    changed = subprocess.run(
        [str(python), "-m", "iris_pipeline", "--test_size", "0.5"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert changed.returncode == 0 and "train: 75 rows, test: 75 rows" in changed.stdout


def test_lint_clean_with_its_own_settings(package: Path) -> None:
    ruff_and_black_clean(package)


def test_generated_tests_pass_and_guard_each_step(package: Path) -> None:
    recorded = golden(package)
    assert set(recorded["steps"]) == {"load", "split", "train", "evaluate"}
    assert recorded["steps"]["evaluate"]["accuracy"]["type"] == "float"
    assert "value" in recorded["steps"]["evaluate"]["accuracy"]  # seeded: fully asserted
    report = run_package_tests(package)
    assert report.ok, report.output
    assert report.passed >= 12  # run + per-output goldens + stdout + the notebook's test cell


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("max_depth=max_depth,", "max_depth=max_depth + 1,"),  # a constant
        ('c not in ("target", "species")', 'c in ("target", "species")'),  # an operator
        ('stratify=df["target"],', "stratify=None,"),  # an argument
    ],
)
def test_generated_tests_fail_when_a_step_changes(copy: Path, old: str, new: str) -> None:
    mutate(copy / "src" / "iris_pipeline" / "steps.py", old, new)
    report = run_package_tests(copy)
    assert not report.ok
    assert report.failed + report.errors >= 1, report.output  # an error (crash) also catches it


def test_a_changed_print_is_caught(copy: Path) -> None:
    mutate(copy / "src" / "iris_pipeline" / "steps.py", "flowers, ", "flowers; ")
    report = run_package_tests(copy)
    assert report.failed == 1, report.output
    assert "test_step_prints_what_the_notebook_printed" in report.output


def test_the_notebook_test_cell_becomes_a_test(copy: Path) -> None:
    tests = (copy / "tests" / "test_pipeline.py").read_text()
    assert 'assert accuracy > 0.8, f"accuracy dropped to {accuracy:.3f}"' in tests
    mutate(copy / "tests" / "test_pipeline.py", "accuracy > 0.8", "accuracy > 0.99")
    report = run_package_tests(copy)
    assert report.failed == 1 and "accuracy dropped to" in report.output


def test_export_is_deterministic_and_leaves_the_notebook_alone(tmp_path: Path) -> None:
    before = DEMO.read_bytes()
    export(DEMO, tmp_path / "one")
    export(DEMO, tmp_path / "two")
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")
    export(DEMO, tmp_path / "one")  # again into the same folder: still identical
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")
    assert DEMO.read_bytes() == before

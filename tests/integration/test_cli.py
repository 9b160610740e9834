"""The ``nbbridge`` console script, run for real in a subprocess (the installed entry point)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nbbridge import __version__
from nbbridge.core import analyze, read_notebook
from nbbridge.core.model import Pipeline

pytestmark = pytest.mark.timeout(120)

NBBRIDGE = shutil.which("nbbridge", path=str(Path(sys.executable).parent))


def nbbridge(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    assert NBBRIDGE, "the nbbridge console script is not installed next to this python"
    return subprocess.run(
        [NBBRIDGE, *map(str, args)], capture_output=True, text=True, cwd=cwd, check=False
    )


def assert_bad_input(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 2 with one line on stderr naming the problem, nothing on stdout, no traceback."""
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in result.stderr


@pytest.fixture
def tiny(tmp_path, notebooks) -> Path:
    return notebooks.write(tmp_path / "tiny.ipynb", *notebooks.PIPELINE)


@pytest.fixture
def undefined(tmp_path, notebooks) -> Path:
    return notebooks.write(tmp_path / "undefined.ipynb", *notebooks.UNDEFINED)


def test_version():
    result = nbbridge("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_help_lists_the_commands():
    result = nbbridge("--help")
    assert result.returncode == 0
    assert "dag" in result.stdout and "check" in result.stdout


def test_dag_prints_the_table(tiny):
    result = nbbridge("dag", tiny.name, cwd=tiny.parent)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Pipeline of tiny.ipynb: 3 step(s), 1 parameter(s), 0 error(s)")
    steps = out[out.index("Steps") : out.index("Parameters")]
    rows = [line.split() for line in steps.splitlines()[3:] if line.strip()]
    assert [row[:2] for row in rows] == [["1", "load"], ["2", "train"], ["3", "report"]]
    assert "n -> data" in steps and "data -> total" in steps and "total -> -" in steps
    words = [line.split() for line in out.splitlines()]
    assert ["n", "int", "4", "params"] in words
    assert ["load", "train", "data"] in words
    assert ["train", "report", "total"] in words
    assert ["imports", "math"] in words  # the import cell is library code
    assert out.rstrip().endswith("No problems.")


def test_dag_json_is_exactly_the_pipeline_contract(tiny):
    result = nbbridge("dag", tiny, "--json")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    expected = analyze(read_notebook(tiny), str(tiny)).model_dump(mode="json")
    assert printed == expected
    assert set(printed) == set(Pipeline.model_fields)
    assert [s["name"] for s in printed["steps"]] == ["load", "train", "report"]


def test_dag_shows_problems_but_succeeds(undefined):
    result = nbbridge("dag", undefined)
    assert result.returncode == 0
    assert "undefined-name" in result.stdout


def test_nbformat3_notebooks_are_upgraded_as_jupyterlab_upgrades_them(tmp_path, notebooks):
    """dag, check and export read an nbformat 3 file converted in memory (nbformat's own
    converter), and never rewrite it."""
    import nbformat

    path = tmp_path / "old.ipynb"
    nbformat.write(notebooks.build(*notebooks.PIPELINE), str(path), version=3)
    on_disk = path.read_bytes()
    assert json.loads(on_disk)["nbformat"] == 3
    dag = nbbridge("dag", path, "--json")
    assert dag.returncode == 0, dag.stderr
    assert [s["name"] for s in json.loads(dag.stdout)["steps"]] == ["load", "train", "report"]
    check = nbbridge("check", path)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == "No problems."
    out = tmp_path / "pkg"
    export = nbbridge("export", path, "-o", out, "--name", "oldnb")
    assert export.returncode == 0, export.stderr
    assert "def report_step(total):" in (out / "src/oldnb/steps.py").read_text()
    assert path.read_bytes() == on_disk


def test_check_clean_notebook_exits_0(tiny):
    result = nbbridge("check", tiny)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "No problems."


def test_check_with_errors_exits_1_and_names_cell_and_line(undefined):
    result = nbbridge("check", undefined)
    assert result.returncode == 1
    [row] = [line for line in result.stdout.splitlines() if "undefined-name" in line]
    assert row.startswith("error")
    assert "cell train, line 2" in row
    assert "missing_factor" in row
    assert result.stderr == ""


def test_check_json_with_errors_exits_1(undefined):
    result = nbbridge("check", undefined, "--json")
    assert result.returncode == 1
    pipeline = Pipeline.model_validate_json(result.stdout)
    assert pipeline.has_errors
    assert {(p.code, p.cell_id, p.line) for p in pipeline.problems} >= {
        ("undefined-name", "train", 2)
    }


def test_check_with_only_warnings_exits_0(tmp_path, notebooks):
    path = notebooks.write(
        tmp_path / "warn.ipynb",
        ("%matplotlib inline\nx = 1", ["step:load"], "load"),
        ("y = x + 1", ["step:use"], "use"),
    )
    result = nbbridge("check", path)
    assert result.returncode == 0, result.stdout
    assert "warning" in result.stdout
    assert "error " not in result.stdout


def test_missing_file_exits_2(tmp_path):
    assert_bad_input(nbbridge("check", tmp_path / "nope.ipynb"), "nope.ipynb", "no such file")
    assert_bad_input(nbbridge("dag", tmp_path / "nope.ipynb", "--json"), "no such file")


def test_directory_exits_2(tmp_path):
    assert_bad_input(nbbridge("dag", tmp_path), "directory")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", ["broken.ipynb", "JSON"]),
        (b"", ["broken.ipynb", "JSON"]),
        # nbformat 3 is converted, but this one has no metadata: nbformat cannot convert it.
        (b'{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}', ["nbformat 3"]),
        (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": 7}', ["cells"]),
        (b'{"x": "\xe9"}', ["UTF-8"]),
    ],
)
def test_invalid_notebook_exits_2(tmp_path, content, words):
    path = tmp_path / "broken.ipynb"
    path.write_bytes(content)
    assert_bad_input(nbbridge("check", path), *words)
    assert_bad_input(nbbridge("dag", path), *words)


def test_missing_argument_is_a_usage_error():
    result = nbbridge("dag")
    assert result.returncode == 2
    assert "NOTEBOOK" in result.stderr
    assert "Traceback" not in result.stderr

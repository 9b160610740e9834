"""A notebook the analysis rejects is not exported: every problem with its cell, nothing written."""

from __future__ import annotations

from pathlib import Path

import nbformat.v4 as v4
import pytest

from nbbridge.core import load_notebook_json
from nbbridge.core.export import ExportError
from nbbridge.core.export.exporter import PipelineRejected, export_package


def notebook(*cells: tuple[str, list[str]]) -> dict:
    nb = v4.new_notebook()
    for index, (source, tags) in enumerate(cells):
        cell = v4.new_code_cell(source, id=f"c{index}")
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return load_notebook_json(nb)


REJECTED = {
    "undefined-name": notebook(("x = 1", ["step:a"]), ("y = x + z", ["step:b"])),
    "cycle": notebook(("x = 1", ["step:a", "after:b"]), ("y = 2", ["step:b", "after:a"])),
    "magic-unsupported": notebook(("%run other.py", ["step:a"]), ("y = 2", ["step:b"])),
    "syntax-error": notebook(("x = 1", ["step:a"]), ("y = (", ["step:b"])),
}


@pytest.mark.parametrize("code", sorted(REJECTED))
def test_rejected_notebooks_are_not_exported(code: str, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    with pytest.raises(PipelineRejected) as rejected:
        export_package(REJECTED[code], "bad.ipynb", out)
    problems = rejected.value.problems
    assert code in {p.code for p in problems}
    culprit = next(p for p in problems if p.code == code)
    assert culprit.cell_id in {"c0", "c1"}
    assert f"cell {culprit.cell_id}" in str(rejected.value)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder left behind


def test_bad_package_name_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    nb = notebook(("x = 1", ["step:a"]))
    with pytest.raises(ExportError, match="not a lowercase Python identifier"):
        export_package(nb, "ok.ipynb", tmp_path / "pkg", package="Not-A-Name")
    assert list(tmp_path.iterdir()) == []


def test_step_names_that_clash_with_the_package_api_get_a_suffix(tmp_path: Path) -> None:
    nb = notebook(("params = {'a': 1}", ["step:params"]), ("total = params['a']", ["step:run"]))
    result = export_package(nb, "clash.ipynb", tmp_path / "pkg")
    steps = (tmp_path / "pkg" / "src" / result.package / "steps.py").read_text()
    assert "def params_step():" in steps and "def run_step(params):" in steps
    init = (tmp_path / "pkg" / "src" / result.package / "__init__.py").read_text()
    assert "from .pipeline import run, run_steps" in init

"""Real notebooks written by others (../shared/corpus): Kale, papermill, nbdev, scikit-learn."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import pytest

from nbbridge.core import Analyzer, analyze_detailed, read_notebook

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")

SKLEARN = sorted(p.name for p in CORPUS.glob("sklearn_*.ipynb")) if CORPUS.is_dir() else []


def _load(name: str) -> dict:
    return read_notebook(CORPUS / name)


def _edges(pipeline) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(e.source, e.target, tuple(e.names)) for e in pipeline.edges}


def test_kale_candies():
    pipeline = Analyzer().analyze(_load("kale_candies_sharing.ipynb"))
    assert [s.name for s in pipeline.steps] == ["sack", "kid1", "kid2", "kid3"]
    assert pipeline.order == ["sack", "kid1", "kid2", "kid3"]
    assert [(p.name, p.type, p.default) for p in pipeline.parameters] == [("CANDIES", "int", 20)]
    assert _edges(pipeline) == {
        ("sack", "kid1", ()),
        ("kid1", "kid2", ("kid1",)),
        ("kid1", "kid3", ("kid1",)),
        ("kid2", "kid3", ("kid2",)),
    }
    steps = {s.name: s for s in pipeline.steps}
    assert steps["kid3"].inputs == ["CANDIES", "kid1", "kid2"]
    assert steps["kid3"].after == ["kid2", "kid1"]
    assert steps["kid1"].outputs == ["kid1"]
    assert [item.names for item in pipeline.library] == [["random"], ["get_handful"]]
    assert pipeline.problems == []


def test_papermill_parameters():
    pipeline = Analyzer().analyze(_load("pm_simple_input.ipynb"))
    assert [(p.name, p.type, p.default) for p in pipeline.parameters] == [("msg", "None", None)]
    assert [(s.name, s.inputs) for s in pipeline.steps] == [("main", ["msg"])]
    assert pipeline.problems == []


def test_nbdev_exports_are_library_code():
    detail = analyze_detailed(_load("nbdev_04_export.ipynb"))
    names = {name for item in detail.pipeline.library for name in item.names}
    assert {
        "ExportModuleProc",
        "black_format",
        "scrub_magics",
        "_magics_pattern",
        "optional_procs",
        "nb_export",
    } <= names
    assert detail.default_exp == "export"
    library_ids = {item.cell_id for item in detail.pipeline.library}
    for step in detail.pipeline.steps:
        assert not library_ids & set(step.cell_ids)
    # Its star imports (nbdev's house style) are read from fastcore's and nbdev's sources;
    # the `#| hide` cell of test helpers the untagged cells use is setup code.
    assert "cell-3" in library_ids
    if importlib.util.find_spec("fastcore") and importlib.util.find_spec("nbdev"):
        assert detail.pipeline.problems == []
    else:  # names unknown: warnings naming the modules, nothing refused
        assert {p.severity for p in detail.pipeline.problems} == {"warning"}
        assert {p.code for p in detail.pipeline.problems} <= {"star-import", "undefined-name"}


def test_nbdev_notebook_exports_its_export_definitions_into_the_library_module(tmp_path):
    from nbbridge.core.export.exporter import export_package

    result = export_package(_load("nbdev_04_export.ipynb"), "nbdev_04_export.ipynb", tmp_path)
    assert result.package == "export"  # its #| default_exp
    lib = (tmp_path / "src" / "export" / "lib.py").read_text()
    for name in ("class ExportModuleProc", "def black_format", "def scrub_magics", "def nb_export"):
        assert name in lib
    assert "from fastcore.basics import *" in lib
    steps = (tmp_path / "src" / "export" / "steps.py").read_text()
    assert "from .lib import ExportModuleProc, black_format, optional_procs, scrub_magics" in steps
    assert "class ExportModuleProc" not in steps


@pytest.mark.parametrize("name", SKLEARN)
def test_sklearn_notebooks_analyse_without_error(name):
    pipeline = Analyzer().analyze(_load(name))
    assert [p for p in pipeline.problems if p.severity == "error"] == []
    assert pipeline.order == [s.name for s in pipeline.steps]


@pytest.mark.parametrize("name", SKLEARN)
def test_sklearn_notebooks_with_every_cell_its_own_step(name):
    nb = copy.deepcopy(_load(name))
    tagged = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            cell["metadata"]["tags"] = [f"step:cell_{index}"]
            tagged.append(f"cell_{index}")
    pipeline = Analyzer().analyze(nb)
    assert [p for p in pipeline.problems if p.severity == "error"] == []
    assert [s.name for s in pipeline.steps] == tagged
    assert sorted(pipeline.order) == sorted(tagged)
    position = {name: i for i, name in enumerate(pipeline.order)}
    for edge in pipeline.edges:
        assert position[edge.source] < position[edge.target]
    assert any(edge.names for edge in pipeline.edges)


def test_sklearn_scaling_importance_data_flow():
    nb = copy.deepcopy(_load("sklearn_scaling_importance.ipynb"))
    for index, cell in enumerate(nb["cells"]):
        cell["metadata"]["tags"] = [f"step:cell_{index}"]
    pipeline = Analyzer().analyze(nb)
    steps = {s.name: s for s in pipeline.steps}
    # The first code cell splits the data; the model cell reads the split from it.
    assert {"X_train", "y_train", "X_test", "y_test"} <= set(steps["cell_5"].inputs)
    assert ("cell_1", "cell_5") in {(e.source, e.target) for e in pipeline.edges}


def test_pdsh_time_series_analyses():
    detail = analyze_detailed(_load("big_pdsh_03_11_time_series.ipynb"))
    pipeline = detail.pipeline
    assert [s.name for s in pipeline.steps] == ["main"]
    assert [(p.code, p.severity) for p in pipeline.problems] == [("magic-dropped", "warning")]
    assert "%matplotlib inline" in pipeline.problems[0].message
    assert all("get_ipython" not in cell.code for cell in detail.step("main").cells)

"""Suggested steps: headings → step boundaries and names, merges the analysis asks for, writing.

The suggestion is checked on the shared corpus of real notebooks and on generated ones: a
proposal never brings an analysis error the notebook did not have.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbfactory import code, md, notebook

from nbbridge.core import Analyzer, load_notebook_json, read_notebook
from nbbridge.core.headings import notebook_headings, step_name, unique_name
from nbbridge.core.suggest import suggest_steps, tagged_copy
from nbbridge.core.suggest_io import read_raw, render_suggestion, write_atomically

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
CORPUS_NAMES = sorted(p.name for p in CORPUS.glob("*.ipynb")) if CORPUS.is_dir() else []


def _errors(pipeline) -> set[tuple[str, str | None]]:
    return {(p.code, p.cell_id) for p in pipeline.problems if p.severity == "error"}


def _check(nb) -> object:
    """The suggestion for ``nb``, after checking it against a re-analysis of the tagged copy."""
    base = Analyzer().analyze(nb)
    suggestion = suggest_steps(nb)
    tagged = load_notebook_json(tagged_copy(nb, nb, suggestion))
    again = Analyzer().analyze(tagged)
    assert _errors(again) <= _errors(base), [p.message for p in again.problems]
    assert [s.name for s in again.steps] == [s.name for s in suggestion.steps]
    assert [s.cell_ids for s in again.steps] == [list(s.cell_ids) for s in suggestion.steps]
    names = [s.name for s in suggestion.steps]
    assert len(names) == len(set(names))
    return suggestion


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Load the data", "load_data"),
        ("2. Train a model", "train_model"),
        ("Step 3: Évaluer les résultats", "evaluer_les_resultats"),
        ("Effect of rescaling on model's performance", "effect_of_rescaling_on_models"),
        ("`pd.date_range()` and friends", "pd_date_range_and_friends"),
        ("[Hodrick-Prescott](https://example.org) filter", "hodrick_prescott_filter"),
        ("class", "class_step"),
        ("Match", "match_step"),
        ("2024", "step"),
        ("1. 42 ways", "ways"),
        ("数据", "step"),
        ("", "step"),
        ("x" * 80, "x" * 36),
    ],
)
def test_step_names_from_heading_text(text: str, name: str) -> None:
    assert step_name(text) == name


def test_unique_names_get_a_suffix() -> None:
    taken = {"load"}
    assert [unique_name("load", taken), unique_name("load", taken)] == ["load_2", "load_3"]


def test_headings_markdown_setext_html_and_gallery_comments() -> None:
    nb = notebook(
        md("# Title\n\nSome text\n```\n# not a heading\n```"),
        md("Data\n----"),
        md("<h3>Model</h3>"),
        code("# Train a model\n# ===============\n#\nx = 1"),
        code("# a comment\nx = 2"),
    )
    found = [(h.cell_index, h.level, h.text) for h in notebook_headings(nb["cells"])]
    assert found == [(0, 1, "Title"), (1, 2, "Data"), (2, 3, "Model"), (3, 1, "Train a model")]


def test_splits_at_the_level_that_gives_several_steps() -> None:
    nb = notebook(
        md("# Iris report"),
        code("import math"),
        md("## Load the data"),
        code("rows = [1.0, 2.0, 3.0]"),
        md("### Peek"),
        code("print(rows[:2])"),
        md("## Features"),
        code("feats = [math.sqrt(r) for r in rows]"),
        md("## Train"),
        code("model = sum(feats)"),
        md("## Report"),
        code("print(model)"),
    )
    suggestion = _check(nb)
    assert suggestion.level == 2
    assert [(s.name, s.cell_ids) for s in suggestion.steps] == [
        ("load_data", ("c3", "c5")),
        ("features", ("c7",)),
        ("train", ("c9",)),
        ("report", ("c11",)),
    ]
    assert [s.heading for s in suggestion.steps] == ["Load the data", "Features", "Train", "Report"]
    assert suggestion.tags == (
        ("c3", "step:load_data"),
        ("c7", "step:features"),
        ("c9", "step:train"),
        ("c11", "step:report"),
    )
    steps = {s.name: s for s in suggestion.steps}
    assert steps["features"].inputs == ("rows",) and steps["features"].outputs == ("feats",)
    # The import at the top stays shared setup (library), not a step of its own.
    assert [item.names for item in suggestion.pipeline.library] == [["math"]]
    assert suggestion.problems == ()


def test_a_split_that_cuts_a_closure_is_merged_and_said() -> None:
    nb = notebook(
        md("## Load"),
        code("rows = [1, 2, 3]"),
        md("## Scale"),
        code("k = 1\ndef scaled(v):\n    return v * k"),
        md("## Use"),
        code("k = 5\nout = [scaled(r) for r in rows]"),
        md("## Show"),
        code("print(out)"),
    )
    suggestion = _check(nb)
    assert [(s.name, s.cell_ids) for s in suggestion.steps] == [
        ("load", ("c1",)),
        ("scale", ("c3", "c5")),
        ("show", ("c7",)),
    ]
    (note,) = [p for p in suggestion.problems if p.code == "suggest-merged"]
    assert note.severity == "warning" and note.cell_id == "c5"
    assert "'use' joins 'scale'" in note.message and "scaled()" in note.message


def test_existing_step_tags_and_roles_are_kept() -> None:
    nb = notebook(
        code("n = 3", "parameters"),
        md("## Load"),
        code("rows = list(range(n))", "step:ingest"),
        code("more = rows + [1]"),
        md("## Plot"),
        code("print(more)", "skip"),
        code("total = sum(more)"),
        md("## Load"),
        code("print(total)"),
    )
    suggestion = _check(nb)
    assert [(s.name, s.new) for s in suggestion.steps] == [
        ("ingest", False),
        ("plot", True),
        ("load", True),
    ]
    # The skipped cell is not a step start: the step begins at the next plain code cell.
    assert suggestion.tags == (("c6", "step:plot"), ("c8", "step:load"))


def test_duplicate_headings_get_unique_names() -> None:
    nb = notebook(
        md("## Run"), code("a = 1"), md("## Run"), code("b = a + 1"), md("## Run"), code("print(b)")
    )
    assert [s.name for s in _check(nb).steps] == ["run", "run_2", "run_3"]


def test_no_headings_means_no_new_tags_and_a_note() -> None:
    nb = notebook(code("x = 1"), code("print(x)"))
    suggestion = _check(nb)
    assert suggestion.tags == () and suggestion.level is None
    assert [p.code for p in suggestion.problems] == ["suggest-no-split"]
    assert [s.name for s in suggestion.steps] == ["main"]


def test_many_sections_choose_a_coarser_level() -> None:
    cells = [md("# Tutorial")]
    for part in range(4):
        cells.append(md(f"## Part {part}"))
        for sub in range(6):
            cells += [md(f"### Detail {part}.{sub}"), code(f"v{part}_{sub} = {sub}")]
    suggestion = _check(notebook(*cells))
    assert suggestion.level == 2
    assert len(suggestion.steps) == 4


def test_tagged_copy_keeps_the_stored_form_and_writes_atomically(tmp_path: Path) -> None:
    raw = {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "P", "language": "python"}},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["## Load\n"]},
            {"cell_type": "code", "metadata": {"tags": ["keep"]}, "source": ["x = 1\n"],
             "outputs": [], "execution_count": None},
            {"cell_type": "markdown", "metadata": {}, "source": "## Show"},
            {"cell_type": "code", "metadata": {}, "source": "print(x)", "outputs": [],
             "execution_count": 3},
        ],
    }  # fmt: skip
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(raw))
    nb = read_notebook(path)
    suggestion = suggest_steps(nb)
    write_atomically(path, tagged_copy(read_raw(path), nb, suggestion))
    written = json.loads(path.read_text())
    assert written["nbformat_minor"] == 4 and "id" not in written["cells"][1]
    assert written["cells"][1]["metadata"]["tags"] == ["step:load", "keep"]
    assert written["cells"][1]["source"] == ["x = 1\n"]
    assert written["cells"][3]["metadata"]["tags"] == ["step:show"]
    assert written["cells"][3]["execution_count"] == 3
    assert [p.name for p in tmp_path.iterdir()] == ["nb.ipynb"]  # no temporary file left
    assert [s.name for s in Analyzer().analyze(read_notebook(path)).steps] == ["load", "show"]
    text = render_suggestion(suggestion, "nb.ipynb")
    assert "load" in text and 'from "Show"' in text


@pytest.mark.skipif(not CORPUS_NAMES, reason="shared corpus not present")
@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_corpus_suggestions_bring_no_analysis_error(name: str) -> None:
    nb = read_notebook(CORPUS / name)
    suggestion = _check(nb)
    assert suggestion.steps


@pytest.mark.skipif(not CORPUS_NAMES, reason="shared corpus not present")
def test_corpus_long_tutorial_is_split_at_its_sections() -> None:
    suggestion = _check(read_notebook(CORPUS / "big_pdsh_03_11_time_series.ipynb"))
    assert suggestion.level == 2
    assert 5 <= len(suggestion.steps) <= 12
    assert "dates_and_times_in_python" in [s.name for s in suggestion.steps]


@pytest.mark.skipif(not CORPUS_NAMES, reason="shared corpus not present")
def test_corpus_gallery_comments_split_an_all_code_notebook() -> None:
    suggestion = _check(read_notebook(CORPUS / "sklearn_scaling_importance.ipynb"))
    assert [s.name for s in suggestion.steps][:1] == ["load_and_prepare_data"]
    assert len(suggestion.steps) >= 3


@pytest.mark.skipif(not CORPUS_NAMES, reason="shared corpus not present")
def test_corpus_kale_notebook_keeps_its_steps() -> None:
    suggestion = _check(read_notebook(CORPUS / "kale_candies_sharing.ipynb"))
    assert suggestion.tags == ()
    assert [s.name for s in suggestion.steps] == ["sack", "kid1", "kid2", "kid3"]


SNIPPETS = [
    "x = 1",
    "y = x + 1",
    "xs = [1, 2]",
    "xs.append(y)",
    "k = 2\ndef f(a):\n    return a * k",
    "k = 7\nr = f(3)",
    "def g():\n    global counter\n    counter = 1",
    "g()\nprint(counter)",
    "import math",
    "from os import path",
    "try:\n    v = 1\nexcept Exception:\n    pass",
    "print(v)",
    "del x",
    "with open('f') as fh:\n    text = fh.read()",
    "total += 1",
    "class C:\n    def m(self):\n        return xs",
    "c = C()\nc.attr = y",
    "print(undefined_name)",
    "%matplotlib inline",
    "y = (",
    "",
]
TAGS = ["", "", "", "", "step:a", "step:b", "skip", "parameters", "export", "after:a", "test"]
HEADINGS = ["# T", "## Load", "## Train", "### Peek", "## Load", "## 1. class", "Text", "## ü"]


@st.composite
def generated(draw):
    cells = []
    for _ in range(draw(st.integers(0, 14))):
        if draw(st.integers(0, 2)) == 0:
            cells.append(md(draw(st.sampled_from(HEADINGS))))
        else:
            source = "\n".join(draw(st.lists(st.sampled_from(SNIPPETS), max_size=3)))
            tag = draw(st.sampled_from(TAGS))
            cells.append(code(source, *([tag] if tag else [])))
    return notebook(*cells)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated())
def test_generated_suggestions_bring_no_analysis_error(nb) -> None:
    _check(nb)


def test_definitions_that_only_work_as_library_code_get_an_export_tag() -> None:
    # Untagged, the function is library code; as step code its `global` would be an error.
    nb = notebook(
        md("## Load"),
        code("rows = [1, 2]"),
        md("## Helpers"),
        code("def bump():\n    global counter\n    counter = 1"),
        md("## Report"),
        code("print(sum(rows))"),
    )
    suggestion = _check(nb)
    assert suggestion.tags == (("c1", "step:load"), ("c3", "export"), ("c5", "step:report"))
    assert [s.name for s in suggestion.steps] == ["load", "report"]
    (note,) = [p for p in suggestion.problems if p.code == "suggest-library"]
    assert note.cell_id == "c3" and "global" in note.message


def test_step_magics_and_kale_blocks_count_as_the_notebooks_own_steps() -> None:
    nb = notebook(
        md("## Load"),
        code("%%step ingest\nrows = [1, 2]"),
        md("## Double"),
        code("twice = [r * 2 for r in rows]"),
        md("## Report"),
        code("print(twice)", "block:show"),
    )
    suggestion = _check(nb)
    assert [(s.name, s.new) for s in suggestion.steps] == [
        ("ingest", False),
        ("double", True),
        ("show", False),
    ]
    assert suggestion.tags == (("c3", "step:double"),)

"""The plain-text views of a Pipeline (nbbridge.core.render), on hand-built pipelines."""

from __future__ import annotations

from nbbridge.core.model import Edge, LibraryItem, Parameter, Pipeline, Problem, Step
from nbbridge.core.render import render_pipeline, render_problems, render_table


def make_pipeline(**overrides) -> Pipeline:
    fields = {
        "notebook": "demo.ipynb",
        "parameters": [
            Parameter(name="n_trees", type="int", default=100, cell_id="p1"),
            Parameter(name="label", type="str", default="species", cell_id="p1"),
        ],
        "steps": [
            # Declared out of order on purpose: the table follows ``order``.
            Step(
                name="train", cell_ids=["c3"], inputs=["X", "n_trees"], outputs=["model"], after=[]
            ),
            Step(name="load", cell_ids=["c1", "c2"], inputs=[], outputs=["X"], after=[]),
            Step(name="report", cell_ids=["c4"], inputs=["model"], outputs=[], after=["load"]),
        ],
        "edges": [
            Edge(source="load", target="train", names=["X"]),
            Edge(source="train", target="report", names=["model"]),
            Edge(source="load", target="report", names=[]),
        ],
        "order": ["load", "train", "report"],
        "library": [LibraryItem(cell_id="lib", names=["clean", "Scaler"])],
        "problems": [
            Problem(
                severity="warning",
                code="magic-dropped",
                message="%matplotlib dropped",
                cell_id="c4",
                line=1,
            ),
            Problem(
                severity="error",
                code="undefined-name",
                message="'y' is never defined",
                cell_id="c3",
                line=7,
            ),
            Problem(severity="error", code="cycle", message="a cycle", cell_id=None, line=None),
        ],
    }
    return Pipeline(**{**fields, **overrides})


def section(text: str, title: str) -> list[str]:
    """The lines of one titled section (up to the next blank line)."""
    lines = text.splitlines()
    start = lines.index(title) + 1
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


def test_table_aligns_columns_and_strips_trailing_space():
    text = render_table(["a", "long header"], [["xxxx", "1"], ["y", ""]])
    assert text.splitlines() == ["a     long header", "----  -----------", "xxxx  1", "y"]


def test_summary_line():
    first = render_pipeline(make_pipeline()).splitlines()[0]
    assert first == "Pipeline of demo.ipynb: 3 step(s), 2 parameter(s), 2 error(s), 1 warning(s)"


def test_steps_in_topological_order_with_inputs_outputs_after_and_cells():
    rows = section(render_pipeline(make_pipeline()), "Steps")
    assert rows[0].split() == ["#", "step", "inputs", "->", "outputs", "after", "cells"]
    body = [row.split(None, 2) for row in rows[2:]]
    assert [(num, name) for num, name, _ in body] == [
        ("1", "load"),
        ("2", "train"),
        ("3", "report"),
    ]
    assert "- -> X" in rows[2] and rows[2].rstrip().endswith("c1, c2")
    assert "X, n_trees -> model" in rows[3]
    assert "model -> -" in rows[4] and " load " in rows[4]


def test_steps_outside_the_order_are_still_listed():
    text = render_pipeline(make_pipeline(order=["load"]))
    names = [row.split()[1] for row in section(text, "Steps")[2:]]
    assert names == ["load", "train", "report"]


def test_many_cells_are_abbreviated():
    many = [f"c{i}" for i in range(10)]
    steps = [Step(name="main", cell_ids=many, inputs=[], outputs=[], after=[])]
    text = render_pipeline(make_pipeline(steps=steps, order=["main"], edges=[], problems=[]))
    assert "c0, c1, c2 (+7 more)" in text
    assert "c3" not in text


def test_parameters_show_type_and_json_default():
    rows = section(render_pipeline(make_pipeline()), "Parameters")
    assert rows[2].split() == ["n_trees", "int", "100", "p1"]
    assert rows[3].split() == ["label", "str", '"species"', "p1"]


def test_edges_mark_after_only_edges():
    rows = section(render_pipeline(make_pipeline()), "Edges")
    assert [row.split(None, 2) for row in rows[2:]] == [
        ["load", "train", "X"],
        ["train", "report", "model"],
        ["load", "report", "(after)"],
    ]


def test_library_lists_names_by_cell():
    rows = section(render_pipeline(make_pipeline()), "Library")
    assert rows[2].split(None, 1) == ["lib", "clean, Scaler"]


def test_problems_name_cell_and_line():
    lines = render_problems(make_pipeline()).splitlines()
    assert lines[0].split() == ["severity", "code", "where", "message"]
    assert lines[2].split(None, 2)[:2] == ["warning", "magic-dropped"]
    assert "cell c4, line 1" in lines[2] and lines[2].endswith("%matplotlib dropped")
    assert "cell c3, line 7" in lines[3] and lines[3].endswith("'y' is never defined")
    assert lines[4].split(None, 3) == ["error", "cycle", "-", "a cycle"]


def test_a_clean_empty_pipeline():
    empty = Pipeline(
        notebook="", parameters=[], steps=[], edges=[], order=[], library=[], problems=[]
    )
    text = render_pipeline(empty)
    assert text.splitlines()[0] == "Pipeline: 0 step(s), 0 parameter(s), 0 error(s), 0 warning(s)"
    assert "(no steps)" in text
    for absent in ("Parameters", "Edges", "Library"):
        assert absent not in text
    assert render_problems(empty) == "No problems."
    assert text.endswith("Problems\nNo problems.")

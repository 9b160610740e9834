"""A cell's top-level string statements set ``__doc__`` (IPython runs each statement as a
module of its own): the analysis sees the binding, the export writes it out."""

from __future__ import annotations

import ast

import pytest
from nbfactory import code, edges_of, find_step, notebook, problems_of, run

from nbbridge.core import analyze_detailed
from nbbridge.core.docstrings import bind_docstrings, docstring_statements


@pytest.mark.parametrize(
    ("source", "bound"),
    [
        ('"""Title"""\nx = 1', ["Title"]),
        ('x = 1\n"""middle"""\ny = 2', ["middle"]),
        ('"""A"""\n"""B"""\nz = 1', ["A", "B"]),
        ('"""alone"""', []),  # the cell's last expression: displayed, not stored
        ('x = 1\n"""last"""', []),
        ('"""kept"""\n"""last"""', ["kept"]),
        ('f"""not a constant"""\nw = 1', []),
        ('b"bytes"\nw = 1', []),
        ('if True:\n    """nested"""\n    q = 1', []),
        ("x = 1", []),
    ],
)
def test_which_statements_bind_doc(source, bound):
    statements = docstring_statements(ast.parse(source).body)
    assert [s.value.value for s in statements] == bound  # type: ignore[attr-defined]


def test_bind_docstrings_keeps_lines_and_handles_non_ascii_before_the_string():
    source = 'x = "é"; "doc"\n"""two\nlines"""\ny = 1'
    tree = ast.parse(source)
    bound = bind_docstrings(source, tree)
    assert bound == 'x = "é"; __doc__ = "doc"\n__doc__ = """two\nlines"""\ny = 1'
    namespace: dict = {}
    exec(bound, namespace)  # noqa: S102 - the test's own code
    assert namespace["__doc__"] == "two\nlines"
    assert bind_docstrings("x = 1", ast.parse("x = 1")) == "x = 1"


def test_a_step_reads_doc_from_the_step_whose_string_set_it():
    p = run(
        code('"""The title"""\nx = 1', "step:intro"),
        code("print(__doc__, x)", "step:show"),
    )
    assert find_step(p, "show").inputs == ["__doc__", "x"]
    assert ("intro", "show", ("__doc__", "x")) in edges_of(p)
    assert p.problems == []


def test_the_nearest_earlier_string_wins():
    p = run(
        code('"""first"""\nx = 1', "step:a"),
        code('y = 2\n"""second"""\nz = 3', "step:b"),
        code("print(__doc__)", "step:c"),
    )
    assert ("b", "c", ("__doc__",)) in edges_of(p)
    assert find_step(p, "a").outputs == []


def test_a_setup_cell_whose_string_is_read_later_is_step_code_not_library():
    nb = notebook(code('"""Gallery title"""\nimport math'), code("print(__doc__)", "step:a"))
    detail = analyze_detailed(nb)
    assert [s.name for s in detail.pipeline.steps] == ["setup", "a"]
    assert find_step(detail.pipeline, "setup").outputs == ["__doc__"]
    assert detail.step("setup").code == '__doc__ = """Gallery title"""'
    assert detail.pipeline.library == []


def test_a_setup_cell_whose_string_nothing_reads_stays_library_code():
    nb = notebook(code('"""Gallery title"""\nimport math'), code("x = math.pi", "step:a"))
    detail = analyze_detailed(nb)
    assert [s.name for s in detail.pipeline.steps] == ["a"]
    assert [item.names for item in detail.pipeline.library] == [["math"]]  # no __doc__


def test_the_string_is_written_as_an_assignment_only_where_doc_is_used():
    used = analyze_detailed(notebook(code('"""T"""\nprint(__doc__)\nx = 1')))
    assert used.step("main").code == '__doc__ = """T"""\nprint(__doc__)\nx = 1'
    unused = analyze_detailed(notebook(code('"""T"""\nx = 1')))
    assert unused.step("main").code == '"""T"""\nx = 1'


def test_doc_read_before_any_cell_sets_it_is_refused():
    p = run(code('"""only shown"""'), code("print(__doc__)", "step:a"))
    (problem,) = problems_of(p, "notebook-only-name")
    assert problem.cell_id == "c1" and problem.severity == "error"
    assert "Automatically created module for IPython" in problem.message


def test_doc_of_an_export_cell_is_refused():
    p = run(code('"""lib"""\nimport math', "export"), code("print(__doc__)", "step:a"))
    (problem,) = problems_of(p, "notebook-only-name")
    assert problem.cell_id == "c1" and "library cell c0" in problem.message


def test_doc_read_then_set_by_one_step_is_refused_as_shadowed():
    p = run(code("print(__doc__)\n'''late'''\nx = 1", "step:a"))
    assert {"notebook-only-name", "shadowed-global"} <= {q.code for q in p.problems}


def test_an_imported_ipython_name_is_not_notebook_only():
    p = run(
        code("from IPython.display import display"),
        code("xs = [1]\nshown = [display(v) for v in xs]", "step:a"),
    )
    assert problems_of(p, "notebook-only-name") == []

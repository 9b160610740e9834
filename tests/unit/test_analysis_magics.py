"""IPython syntax: magics and shell escapes are kept, dropped with a warning, or refused."""

from __future__ import annotations

import pytest
from nbfactory import code, find_step, notebook, run

from nbbridge.core import Analyzer


def test_time_magic_wraps_code_whose_names_count():
    p = run(
        code("data = [1, 2]", "step:load"),
        code("%time total = sum(data)", "step:compute"),
        code("print(total)", "step:report"),
    )
    assert find_step(p, "compute").inputs == ["data"]
    assert find_step(p, "compute").outputs == ["total"]
    assert p.problems == []


@pytest.mark.parametrize("magic", ["%%time", "%%timeit", "%%capture"])
def test_cell_magics_wrapping_python(magic):
    p = run(
        code("data = [1, 2]", "step:load"),
        code(f"{magic}\ntotal = sum(data)\nprint(undefined_here)", "step:compute"),
        code("print(total)", "step:report"),
    )
    assert find_step(p, "compute").inputs == ["data"]
    assert find_step(p, "compute").outputs == ["total"]
    [problem] = p.problems
    assert problem.code == "undefined-name" and problem.line == 3


def test_capture_binds_its_variable():
    p = run(code("%%capture out\nprint(1)", "step:a"), code("print(out.stdout)", "step:b"))
    assert find_step(p, "b").inputs == ["out"]


def test_time_magic_in_an_expression():
    p = run(code("xs = [1]", "step:a"), code("n = %time len(xs)", "step:b"))
    assert find_step(p, "b").inputs == ["xs"]


def test_magic_inside_a_block():
    p = run(code("items = [1]", "step:a"), code("for i in items:\n    %time y = i\n", "step:b"))
    assert find_step(p, "b").inputs == ["items"]


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("%matplotlib inline", "%matplotlib inline"),
        ("%load_ext autoreload", "%load_ext autoreload"),
        ("%config InlineBackend.figure_format = 'retina'", "%config"),
        ("!pip install scikit-learn", "!pip install scikit-learn"),
        ("%pip install pandas", "%pip install pandas"),
        ("!ls data", "!ls data"),
        ("len?", "%pinfo len"),
        ("len??", "%pinfo2 len"),
    ],
)
def test_dropped_magics_are_warnings(line, fragment):
    p = run(code(f"x = 1\n{line}\ny = x", "step:a"))
    [problem] = p.problems
    assert (problem.severity, problem.code, problem.line) == ("warning", "magic-dropped", 2)
    assert fragment in problem.message
    assert find_step(p, "a").inputs == []


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("%run helpers.py", "%run helpers.py"),
        ("%cd /tmp", "%cd /tmp"),
        ("!wget http://example.com/data.csv", "!wget"),
        ("files = !ls", "!ls"),
        ("%env DATA_DIR=/data", "%env DATA_DIR=/data"),
        ("%%bash\necho hi", "%%bash"),
        ("%%writefile out.txt\nhello", "%%writefile out.txt"),
        ("%nosuchmagic 1", "%nosuchmagic"),
        ("!ls > listing.txt", "!ls > listing.txt"),
    ],
)
def test_unsupported_magics_are_errors(source, fragment):
    p = run(code(source, "step:a"))
    [problem] = p.problems
    assert (problem.severity, problem.code, problem.line) == ("error", "magic-unsupported", 1)
    assert fragment in problem.message


def test_shell_assignment_still_defines_the_name():
    p = run(code("files = !ls", "step:a"), code("print(files)", "step:b"))
    assert find_step(p, "b").inputs == ["files"]
    assert [q.code for q in p.problems] == ["magic-unsupported"]


def test_nbbridge_own_magics_are_quiet():
    p = run(
        code("%load_ext nbbridge\n%nbbridge dag\nx = 1", "step:a"), code("%%track\ny = x", "step:b")
    )
    assert p.problems == []
    assert find_step(p, "b").inputs == ["x"]


def test_indented_cell_is_dedented_like_ipython_does():
    p = run(code("\n\n    x = 1\n    print(missing)", "step:a"))
    [problem] = p.problems
    assert problem.code == "undefined-name" and problem.line == 4


def test_magic_line_numbers_after_leading_blank_lines():
    p = run(code("\n%matplotlib inline\nx = 1", "step:a"))
    [problem] = p.problems
    assert problem.line == 2


def test_transformed_code_is_plain_python_for_export():
    nb = notebook(
        code("%matplotlib inline\nimport os\n%time x = os.getcwd()\n!pip install foo\nx", "step:a")
    )
    detail = Analyzer().analyze_detailed(nb)
    [cell] = detail.step("a").cells
    assert "get_ipython" not in cell.code and "%" not in cell.code
    assert cell.imports == ("import os",)
    assert cell.display_only == "x"
    assert cell.body.strip() == "x = os.getcwd()"


def test_step_magic_is_never_a_problem_and_not_in_the_code():
    nb = notebook(code("%%step load\nx = 1"))
    detail = Analyzer().analyze_detailed(nb)
    assert detail.pipeline.problems == []
    assert detail.step("load").code == "x = 1"


def test_explicit_get_ipython_magic_calls_are_classified_too():
    p = run(code("get_ipython().run_line_magic('matplotlib', 'inline')\nx = 1", "step:a"))
    [problem] = p.problems
    assert problem.code == "magic-dropped" and "%matplotlib inline" in problem.message


@pytest.mark.parametrize(
    "source",
    [
        "x = 1\ny = x % 3",
        "s = '''\n%time not a magic\n!nor this\n'''",
        "value = (a\n% b)",
        "print('100%!')\nd = {'?': 1}",
        "if x != 2:\n    pass",
        "def f():\n    return 5 % 2\n# %matplotlib inline in a comment",
    ],
)
def test_valid_python_is_what_ipython_would_run(source):
    """Valid Python skips IPython's transformer (several times faster): it is a no-op there."""
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    through_ipython = ast.dump(ast.parse(TransformerManager().transform_cell(source)))
    assert through_ipython == ast.dump(ast.parse(source))
    problems = run(code(source, "step:a")).problems
    assert not [q for q in problems if q.code.startswith("magic") or q.code == "syntax-error"]

"""One name imported two ways in different cells: each step imports what the name meant where
it stands; refused only where the package cannot reproduce it."""

from __future__ import annotations

from nbfactory import code, notebook, problems_of, run

from nbbridge.core import analyze_detailed


def _detail(*cells):
    return analyze_detailed(notebook(*cells))


def test_the_issue_case_time_then_import_time():
    detail = _detail(
        code("from time import time"),
        code("t0 = time()", "step:a"),
        code("import time\nt1 = time.time()", "step:b"),
        code("print(time.time() - t1)", "step:c"),
    )
    assert [p.code for p in detail.pipeline.problems] == []
    # The setup cell's meaning stays hoisted (library code is one module).
    assert detail.imports == ("from time import time",)
    assert detail.step("a").code == "t0 = time()"
    assert detail.step("b").code == "import time\nt1 = time.time()"
    assert detail.step("c").code == "import time\nprint(time.time() - t1)"


def test_steps_seeing_the_hoisted_meaning_again_keep_it_hoisted():
    detail = _detail(
        code("from math import sqrt", "step:a"),
        code("from cmath import sqrt\nprint(sqrt(4))", "step:b"),
        code("from math import sqrt\nprint(sqrt(16))", "step:c"),
        code("print(sqrt(25))", "step:d"),
    )
    assert detail.pipeline.problems == []
    assert detail.imports == ("from math import sqrt",)
    assert detail.step("b").code == "from cmath import sqrt\nprint(sqrt(4))"
    assert detail.step("c").code == "print(sqrt(16))"
    assert detail.step("d").code == "print(sqrt(25))"


def test_one_step_seeing_both_meanings_binds_both_locally_in_order():
    detail = _detail(
        code("from math import sqrt"),
        code("print(sqrt(16))\nfrom cmath import sqrt\nprint(sqrt(-4))"),
    )
    assert detail.pipeline.problems == []
    assert detail.step("main").code == (
        "from math import sqrt\nprint(sqrt(16))\nfrom cmath import sqrt\nprint(sqrt(-4))"
    )


def test_a_test_cell_imports_the_meaning_current_where_it_stands():
    detail = _detail(
        code("from math import sqrt", "step:a"),
        code("from cmath import sqrt\nx = sqrt(4)", "step:b"),
        code("assert sqrt(-4) == 2j", "test"),
    )
    assert detail.pipeline.problems == []
    (test,) = detail.tests
    assert test.cell.body == "from cmath import sqrt\nassert sqrt(-4) == 2j"


def test_imports_meaning_the_same_thing_are_no_conflict():
    detail = _detail(
        code("import os", "step:a"),
        code("import os.path\nprint(os.sep)", "step:b"),
        code("from json import dumps as d", "step:c"),
        code("from json import dumps as d\nprint(d([]))", "step:d"),
    )
    assert detail.pipeline.problems == []
    assert detail.step("b").code == "print(os.sep)"


def test_library_cells_importing_a_name_two_ways_are_refused():
    p = run(code("from math import sqrt"), code("from cmath import sqrt"), code("x = sqrt(4)"))
    (problem,) = problems_of(p, "import-conflict")
    assert problem.cell_id == "c1"
    assert "`from cmath import sqrt` and `from math import sqrt`" in problem.message


def test_a_name_imported_and_defined_by_library_code_is_refused():
    p = run(
        code("def sqrt(v):\n    return v", "export"), code("from math import sqrt\nx = sqrt(4)")
    )
    assert [q.cell_id for q in problems_of(p, "import-conflict")] == ["c0"]


def test_a_function_reading_a_name_imported_two_ways_is_refused():
    p = run(
        code("from math import sqrt", "step:a"),
        code("def root():\n    return sqrt(4)", "step:b"),
        code("from cmath import sqrt\nprint(root())", "step:c"),
    )
    (problem,) = problems_of(p, "import-conflict")
    assert problem.cell_id == "c1" and "function" in problem.message


def test_a_step_reading_both_meanings_from_earlier_cells_is_refused():
    p = run(
        code("from math import sqrt", "step:a"),
        code("print(sqrt(4))", "step:b"),
        code("from cmath import sqrt", "export"),
        code("print(sqrt(-4))"),
    )
    (problem,) = problems_of(p, "import-conflict")
    assert problem.cell_id == "c1" and "both meanings" in problem.message

"""Problems: each names the cell, the line and the name or step concerned."""

from __future__ import annotations

from nbfactory import code, find_step, problems_of, run, step_cells


def test_undefined_name_names_the_step_cell_and_line():
    p = run(code("x = 1", "step:a"), code("y = x\nz = missing + 1", "step:b"))
    [problem] = p.problems
    assert (problem.severity, problem.code, problem.cell_id, problem.line) == (
        "error",
        "undefined-name",
        "c1",
        2,
    )
    assert (
        problem.message
        == "'missing' is used in step 'b' but is not defined anywhere in the notebook"
    )


def test_name_used_before_its_definition_points_at_the_later_step():
    p = run(code("print(later)", "step:a"), code("later = 1", "step:b"))
    [problem] = problems_of(p, "undefined-name")
    assert problem.severity == "error"
    assert "before it is defined in step 'b' (cell c1)" in problem.message


def test_name_imported_only_later_is_a_warning():
    p = run(code("x = np.zeros(1)", "step:a"), code("import numpy as np", "step:b"))
    [problem] = problems_of(p, "undefined-name")
    assert problem.severity == "warning" and "imports it" in problem.message


def test_undefined_global_of_a_called_function_names_the_function():
    p = run(code("def f():\n    return ghost", "step:a"), code("f()", "step:b"))
    [problem] = problems_of(p, "undefined-name")
    assert problem.message.startswith("'ghost' (read by f, used here)")
    assert (problem.cell_id, problem.line) == ("c1", 1)


def test_function_never_called_reads_nothing():
    p = run(code("def f():\n    return ghost", "step:a"))
    assert p.problems == []


def test_syntax_error_in_one_cell_the_rest_is_still_analysed():
    p = run(
        code("x = 1", "step:a"),
        code("y = (x +\nprint('broken'", "step:b"),
        code("z = x * 2\nprint(missing_name)", "step:c"),
    )
    syntax = problems_of(p, "syntax-error")
    assert len(syntax) == 1 and syntax[0].cell_id == "c1" and syntax[0].severity == "error"
    assert syntax[0].line in (1, 2)
    assert find_step(p, "c").inputs == ["x"]
    assert [q.cell_id for q in problems_of(p, "undefined-name")] == ["c2"]
    assert step_cells(p) == {"a": ["c0"], "b": ["c1"], "c": ["c2"]}


def test_return_outside_function_is_a_syntax_error():
    p = run(code("x = 1\nreturn x", "step:a"))
    [problem] = problems_of(p, "syntax-error")
    assert problem.line == 2 and "'return' outside function" in problem.message


def test_cycle_through_after_tags():
    p = run(
        code("a = 1", "step:first", "after:second"),
        code("b = a", "step:second"),
    )
    [problem] = problems_of(p, "cycle")
    assert problem.severity == "error" and problem.cell_id == "c0"
    assert "first → second → first" in problem.message
    assert "first is tagged after:second" in problem.message
    assert "second reads a from first" in problem.message
    assert sorted(p.order) == ["first", "second"]


def test_self_after_is_a_cycle():
    p = run(code("a = 1", "step:only", "after:only"))
    [problem] = problems_of(p, "cycle")
    assert "only → only" in problem.message
    assert p.order == ["only"]


def test_unknown_after():
    p = run(code("a = 1", "step:first"), code("b = 2", "step:second", "prev:frist"))
    [problem] = problems_of(p, "unknown-after")
    assert (
        problem.cell_id == "c1"
        and "'frist'" in problem.message
        and "first, second" in problem.message
    )


def test_duplicate_step_name():
    p = run(
        code("a = 1", "step:load"),
        code("b = 2", "step:train"),
        code("c = 3", "step:load"),
    )
    [problem] = problems_of(p, "duplicate-step")
    assert problem.cell_id == "c2" and "cell c0" in problem.message
    assert step_cells(p) == {"load": ["c0"], "train": ["c1", "c2"]}


def test_consecutive_cells_with_the_same_step_tag_are_one_step():
    p = run(code("a = 1", "step:load"), code("b = a", "step:load"))
    assert p.problems == [] and step_cells(p) == {"load": ["c0", "c1"]}


def test_invalid_step_names():
    p = run(
        code("a = 1", "step:Load Data"),
        code("b = 2", "step:2nd"),
        code("c = 3", "step:class"),
        code("d = 4", "step:"),
    )
    invalid = problems_of(p, "invalid-step-name")
    assert [q.cell_id for q in invalid] == ["c0", "c1", "c2", "c3"]
    assert "'load_data'" in invalid[0].message
    assert "'step_2nd'" in invalid[1].message
    assert "'class_step'" in invalid[2].message
    assert "empty step name" in invalid[3].message


def test_a_star_import_whose_names_cannot_be_read_is_a_warning_naming_what_it_may_define():
    # math has no Python source to read: which names it binds stays unknown.
    p = run(code("from math import *", "step:a"), code("r = floor(2.5)", "step:b"))
    star, floor = p.problems
    assert (star.code, star.severity, star.cell_id, star.line) == (
        "star-import",
        "warning",
        "c0",
        1,
    )
    assert "from math import *" in star.message
    assert (floor.code, floor.severity, floor.cell_id) == ("undefined-name", "warning", "c1")
    assert "'floor'" in floor.message and "from math import *" in floor.message


def test_a_name_read_before_any_unknown_star_import_is_still_an_error():
    p = run(code("r = floor(2.5)", "step:a"), code("from math import *", "step:b"))
    assert [(q.code, q.severity) for q in p.problems if q.code == "undefined-name"] == [
        ("undefined-name", "error")
    ]


def test_a_star_import_inside_a_block_is_an_error():
    p = run(code("if True:\n    from json import *", "step:a"))
    (problem,) = problems_of(p, "star-import")
    assert (problem.severity, problem.line) == ("error", 2)


def test_star_import_in_a_skipped_cell_is_not_reported():
    p = run(code("from math import *", "skip"), code("r = floor(2.5)", "step:b"))
    assert [q.code for q in p.problems] == ["undefined-name"]


def test_name_defined_in_two_unordered_steps():
    p = run(
        code("x = 1", "step:one"),
        code("x = 2", "step:two"),
        code("print(x)", "step:use"),
    )
    [problem] = problems_of(p, "ambiguous-definition")
    assert problem.severity == "warning" and problem.cell_id == "c2"
    assert "'one' and 'two'" in problem.message and "reads it from 'two'" in problem.message


def test_name_defined_in_two_ordered_steps_is_not_ambiguous():
    p = run(
        code("x = 1", "step:one"),
        code("x = 2", "step:two", "after:one"),
        code("print(x)", "step:use"),
    )
    assert problems_of(p, "ambiguous-definition") == []


def test_redefinition_that_reads_the_old_value_is_not_ambiguous():
    p = run(code("x = 1", "step:one"), code("x = x + 1", "step:two"), code("print(x)", "step:use"))
    assert p.problems == []


def test_library_code_reading_a_step_value_is_an_error():
    p = run(
        code("data = [1]", "step:load"),
        code("def total():\n    return sum(data)", "export"),
    )
    [problem] = problems_of(p, "library-global")
    assert problem.cell_id == "c1" and problem.line == 2 and "'data'" in problem.message


def test_problems_are_sorted_by_cell_and_line():
    p = run(code("print(b1)\nprint(a1)", "step:a"), code("print(c1)", "step:b"))
    assert [(q.cell_id, q.line) for q in p.problems] == [("c0", 1), ("c0", 2), ("c1", 1)]


def test_every_problem_message_is_a_sentence_naming_something():
    p = run(
        code("%run other.py\nfrom os import *", "step:a", "after:nope"),
        code("x = (", "step:b"),
        code("x = 1", "step:b c"),
    )
    assert {q.code for q in p.problems} >= {
        "magic-unsupported",
        "star-import",
        "unknown-after",
        "syntax-error",
        "invalid-step-name",
    }
    for q in p.problems:
        assert q.cell_id is not None and len(q.message) > 20


def test_name_used_before_the_same_cell_defines_it():
    p = run(code("print(total)\ntotal = 1", "step:a"))
    [problem] = problems_of(p, "undefined-name")
    assert problem.message == "'total' is used in step 'a' before this cell defines it"
    assert problem.line == 1


def test_name_defined_only_in_a_test_cell():
    p = run(code("helper = 1", "test"), code("print(helper)", "step:a"))
    [problem] = problems_of(p, "undefined-name")
    assert "defined only in cell c0, which is a test cell" in problem.message


def test_test_cell_reading_an_undefined_name():
    p = run(code("x = 1", "step:a"), code("assert y == 1", "test"))
    [problem] = problems_of(p, "undefined-name")
    assert problem.cell_id == "c1" and "used in a test cell" in problem.message


def test_name_from_the_parameters_cell_defined_too_late():
    p = run(code("print(n)", "step:a"), code("n = 3", "parameters"))
    [problem] = problems_of(p, "undefined-name")
    assert "before it is defined in the parameters cell (cell c1)" in problem.message


def test_test_cell_definitions_do_not_hide_step_functions():
    p = run(
        code("rate = 2", "step:a"),
        code("def f():\n    return rate", "step:b"),
        code("f = None\nassert True", "test"),
        code("print(f())", "step:c"),
    )
    assert set(find_step(p, "c").inputs) == {"f", "rate"}

"""Cell roles from tags, %%step lines, Kale tags and nbdev directives."""

from __future__ import annotations

import pytest
from nbfactory import code, edges_of, find_step, md, notebook, problems_of, run, step_cells

from nbbridge.core import Analyzer, analyze_detailed


def test_step_tag_starts_a_step_and_untagged_cells_continue_it():
    p = run(
        code("a = 1", "step:load"),
        code("b = a + 1"),
        md("# notes"),
        code("c = b * 2", "step:train"),
        code("d = c"),
    )
    assert step_cells(p) == {"load": ["c0", "c1"], "train": ["c3", "c4"]}
    assert find_step(p, "train").inputs == ["b"]
    assert p.order == ["load", "train"]


def test_no_step_tags_gives_one_step_main():
    p = run(code("x = 1"), code("y = x + 1"), md("text"), code("print(y)"))
    assert step_cells(p) == {"main": ["c0", "c1", "c3"]}
    assert p.order == ["main"]
    assert p.edges == [] and p.problems == []


def test_setup_cells_imports_and_definitions_are_library_other_code_is_setup():
    p = run(
        code("import math\nfrom collections import Counter"),
        code("def area(r):\n    return math.pi * r ** 2\n\nclass Shape:\n    pass"),
        code("MAX_ITEMS = 10\n'''doc'''"),
        code("data = [1, 2, 3]"),
        code("total = sum(data) + area(1)", "step:compute"),
    )
    assert [(item.cell_id, item.names) for item in p.library] == [
        ("c0", ["math", "Counter"]),
        ("c1", ["area", "Shape"]),
        ("c2", ["MAX_ITEMS"]),
    ]
    assert step_cells(p) == {"setup": ["c3"], "compute": ["c4"]}
    assert find_step(p, "compute").inputs == ["data"]
    assert p.order == ["setup", "compute"]


def test_setup_definition_reading_a_step_value_stays_step_code():
    p = run(
        code("threshold = compute_threshold = 3"),
        code("def above(v):\n    return v > threshold"),
        code("flags = [above(v) for v in [1, 5]]", "step:flag"),
    )
    assert p.library == []
    assert step_cells(p) == {"setup": ["c0", "c1"], "flag": ["c2"]}
    assert set(find_step(p, "flag").inputs) == {"above", "threshold"}


def test_after_tags_add_ordering_edges_with_no_names():
    p = run(
        code("a = 1", "step:first"),
        code("b = 2", "step:second", "after:first"),
    )
    assert edges_of(p) == {("first", "second", ())}
    assert find_step(p, "second").after == ["first"]


def test_after_edge_merges_with_data_edge():
    p = run(
        code("a = 1", "step:first"),
        code("b = a", "step:second", "after:first"),
    )
    assert edges_of(p) == {("first", "second", ("a",))}


def test_after_can_reorder_steps_against_notebook_order():
    p = run(
        code("a = 1", "step:first", "after:third"),
        code("b = 2", "step:second"),
        code("c = 3", "step:third"),
    )
    assert p.order == ["second", "third", "first"]


def test_order_ties_follow_notebook_order():
    p = run(
        code("a = 1", "step:zeta"),
        code("b = 2", "step:alpha"),
        code("c = a + b", "step:mid"),
    )
    assert p.order == ["zeta", "alpha", "mid"]


def test_step_magic_is_the_same_as_tags():
    p = run(
        code("%%step load\nx = 1"),
        code("%%step train --after load\ny = 2"),
        code("%%step report --after=load,train\nprint(x, y)"),
    )
    assert step_cells(p) == {"load": ["c0"], "train": ["c1"], "report": ["c2"]}
    assert find_step(p, "report").after == ["load", "train"]
    assert edges_of(p) == {
        ("load", "train", ()),
        ("load", "report", ("x",)),
        ("train", "report", ("y",)),
    }
    assert p.problems == []


def test_step_magic_line_numbers_count_the_magic_line():
    p = run(code("%%step load\nx = 1\nprint(undefined_thing)"))
    [problem] = problems_of(p, "undefined-name")
    assert problem.line == 3


@pytest.mark.parametrize(
    ("source", "fragment"),
    [("%%step\nx = 1", "needs a step name"), ("%%step a b\nx = 1", "one step name")],
)
def test_bad_step_magic(source, fragment):
    p = run(code(source))
    [problem] = problems_of(p, "invalid-step-name")
    assert fragment in problem.message and problem.line == 1


def test_step_magic_unknown_option():
    p = run(code("%%step a --before b\nx = 1"))
    [problem] = problems_of(p, "invalid-step-magic")
    assert "--before" in problem.message


def test_parameters_with_types():
    p = run(
        code(
            "n = 3\nrate = 0.5\nname = 'x'\nflag = True\nnothing = None\nitems = [1, 2]\n"
            "opts = {'a': 1}\npair = (1, 'b')\nneg = -2\nlo, hi = 0, 9\nsized: int = 4",
            "parameters",
        ),
        code(
            "print(n, rate, name, flag, nothing, items, opts, pair, neg, lo, hi, sized)", "step:use"
        ),
    )
    got = {(x.name, x.type, repr(x.default)) for x in p.parameters}
    assert got == {
        ("n", "int", "3"),
        ("rate", "float", "0.5"),
        ("name", "str", "'x'"),
        ("flag", "bool", "True"),
        ("nothing", "None", "None"),
        ("items", "list", "[1, 2]"),
        ("opts", "dict", "{'a': 1}"),
        ("pair", "tuple", "[1, 'b']"),
        ("neg", "int", "-2"),
        ("lo", "int", "0"),
        ("hi", "int", "9"),
        ("sized", "int", "4"),
    }
    assert all(x.cell_id == "c0" for x in p.parameters)
    assert set(find_step(p, "use").inputs) == {x.name for x in p.parameters}
    assert p.problems == [] and p.edges == []


def test_parameter_not_literal_is_a_warning_and_stays_defined():
    p = run(
        code(
            "import os\nbase = '/data'\npath = os.path.join(base, 'x.csv')\nlimit = {1, 2}",
            "parameters",
        ),
        code("print(path, limit)", "step:use"),
    )
    assert [x.name for x in p.parameters] == ["base"]
    warnings = problems_of(p, "parameters-not-literal")
    assert [(w.severity, w.line) for w in warnings] == [("warning", 3), ("warning", 4)]
    assert "os.path.join" in warnings[0].message
    assert not problems_of(p, "undefined-name")


def test_metrics_cell_names_are_step_outputs():
    nb = notebook(
        code("y_true = [1, 0]\ny_pred = [1, 1]", "step:evaluate"),
        code(
            "accuracy = sum(a == b for a, b in zip(y_true, y_pred)) / 2\nn = len(y_true)", "metrics"
        ),
    )
    detail = analyze_detailed(nb)
    assert [(m.name, m.step, m.cell_id) for m in detail.metrics] == [
        ("accuracy", "evaluate", "c1"),
        ("n", "evaluate", "c1"),
    ]
    assert detail.pipeline.steps[0].outputs == ["accuracy", "n"]
    assert detail.step("evaluate").metrics == ("accuracy", "n")


def test_export_cells_are_library_and_not_steps():
    p = run(
        code("x = 1", "step:a"),
        code("def helper(v):\n    return v + 1", "export"),
        code("y = helper(x)"),
    )
    assert step_cells(p) == {"a": ["c0", "c2"]}
    assert [(i.cell_id, i.names) for i in p.library] == [("c1", ["helper"])]
    assert find_step(p, "a").inputs == []


def test_test_cells_are_not_steps_and_make_outputs():
    nb = notebook(
        code("model = 'fitted'\nscore = 0.9", "step:train"),
        code("assert score > 0.5\nassert model", "test"),
    )
    detail = analyze_detailed(nb)
    assert step_cells(detail.pipeline) == {"train": ["c0"]}
    assert detail.pipeline.steps[0].outputs == ["model", "score"]
    [test] = detail.tests
    assert test.cell.cell_id == "c1" and test.reads == {"score": "train", "model": "train"}


def test_skip_cells_are_left_out():
    p = run(
        code("x = 1", "step:a"),
        code("x.bit_length()\nplot = 3", "skip"),
        code("print(x)"),
    )
    assert step_cells(p) == {"a": ["c0", "c2"]}
    assert find_step(p, "a").outputs == []


def test_name_defined_only_in_a_skipped_cell_is_undefined():
    p = run(code("scratch = 1", "skip"), code("print(scratch)", "step:a"))
    [problem] = problems_of(p, "undefined-name")
    assert "c0" in problem.message and "left out" in problem.message and problem.cell_id == "c1"


def test_kale_tags():
    p = run(
        code("import random", "imports"),
        code("N = 5", "pipeline-parameters"),
        code("def roll():\n    return random.randint(1, 6)", "functions"),
        code("a = roll() + N", "block:first"),
        code("b = a * 2", "block:second", "prev:first"),
        code("print(b)", "pipeline-metrics"),
        code("junk = 1", "skip"),
    )
    assert [x.name for x in p.parameters] == ["N"]
    assert [i.names for i in p.library] == [["random"], ["roll"]]
    assert step_cells(p) == {"first": ["c3"], "second": ["c4", "c5"]}
    assert edges_of(p) == {("first", "second", ("a",))}


def test_nbdev_directives():
    nb = notebook(
        code("#| default_exp core"),
        code("#| export\nimport json\ndef load(s):\n    return json.loads(s)"),
        code("#|export\nDEFAULT = '{}'"),
        code("#| exporti\ndef _private():\n    return 1"),
        code("#| hide\nfrom pprint import pprint"),
        code("#| eval: false\nload(open('big.json').read())"),
        code("data = load(DEFAULT)\nassert data == {}"),
    )
    detail = Analyzer().analyze_detailed(nb)
    p = detail.pipeline
    assert [(i.cell_id, i.names) for i in p.library] == [
        ("c1", ["json", "load"]),
        ("c2", ["DEFAULT"]),
        ("c3", ["_private"]),
    ]
    assert detail.default_exp == "core"
    assert [c.cell_id for c in detail.skipped] == ["c4", "c5"]  # c0 holds no code at all
    assert step_cells(p) == {"main": ["c6"]}
    assert p.problems == []


def test_conflicting_roles_warn_and_pick_one():
    p = run(code("x = 1", "parameters", "step:a"), code("print(x)", "step:b"))
    [problem] = problems_of(p, "conflicting-tags")
    assert "step:a" in problem.message and problem.severity == "warning"
    assert [s.name for s in p.steps] == ["b"]


def test_two_step_names_on_one_cell_is_an_error():
    p = run(code("%%step a\nx = 1", "step:b"))
    [problem] = problems_of(p, "conflicting-tags")
    assert problem.severity == "error" and "b" in problem.message


def test_markdown_and_raw_cells_are_ignored_even_with_tags():
    nb = notebook(md("# Title"), code("x = 1", "step:a"))
    nb["cells"][0]["metadata"]["tags"] = ["step:title"]
    p = Analyzer().analyze(nb)
    assert [s.name for s in p.steps] == ["a"]


def test_blank_untagged_cells_are_not_step_cells():
    p = run(code("x = 1", "step:a"), code("   \n# just a comment\n"), code("y = x"))
    assert step_cells(p) == {"a": ["c0", "c2"]}


def test_papermill_injected_parameters_cell_is_left_out():
    p = run(
        code("n = 1", "parameters"),
        code("n = 5", "injected-parameters"),
        code("print(n)", "step:a"),
    )
    assert [(x.name, x.default) for x in p.parameters] == [("n", 1)]
    assert find_step(p, "a").inputs == ["n"]


def test_metrics_and_after_tagged_setup_cells_stay_step_code():
    p = run(
        code("SCORE = 0.5", "metrics"),
        code("import os", "after:train"),
        code("x = 1", "step:train"),
    )
    assert p.library == []
    assert step_cells(p) == {"setup": ["c0", "c1"], "train": ["c2"]}
    assert find_step(p, "setup").outputs == ["SCORE"]
    assert p.order == ["train", "setup"] and p.problems == []

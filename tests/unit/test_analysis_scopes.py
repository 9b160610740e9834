"""Def/use across steps: Python's scope rules decide what a step reads and defines."""

from __future__ import annotations

from nbfactory import code, edges_of, find_step, problems_of, run


def test_comprehension_variable_is_not_an_input_but_its_iterable_is():
    p = run(
        code("xs = [1, 2, 3]\nx = 99", "step:load"),
        code("ys = [x * 2 for x in xs]", "step:double"),
    )
    assert find_step(p, "double").inputs == ["xs"]
    assert find_step(p, "load").outputs == ["xs"]
    assert not problems_of(p, "undefined-name")


def test_nested_comprehension_and_dict_comprehension_targets_are_local():
    p = run(
        code("rows = [[1, 2], [3]]\nk = 2", "step:load"),
        code(
            "flat = [v * k for row in rows for v in row]\nd = {i: j for i, j in enumerate(flat)}",
            "step:use",
        ),
    )
    assert find_step(p, "use").inputs == ["rows", "k"]


def test_walrus_in_comprehension_binds_in_the_cell():
    p = run(
        code("data = [1, 2]", "step:load"),
        code("vals = [y := v + 1 for v in data]", "step:walrus"),
        code("print(y)", "step:use"),
    )
    assert find_step(p, "use").inputs == ["y"]
    assert ("walrus", "use", ("y",)) in edges_of(p)


def test_walrus_at_top_level():
    p = run(
        code("items = [1, 2, 3]", "step:load"),
        code("if (n := len(items)) > 2:\n    big = True", "step:check"),
        code("print(n)", "step:report"),
    )
    assert find_step(p, "check").inputs == ["items"]
    assert find_step(p, "report").inputs == ["n"]
    assert find_step(p, "check").outputs == ["n"]


def test_function_reading_a_global_called_in_a_later_step():
    p = run(
        code("rate = 0.1", "step:config"),
        code("def taxed(v):\n    return v * (1 + rate)", "step:define"),
        code("total = taxed(100)", "step:use"),
    )
    use = find_step(p, "use")
    assert use.inputs == ["taxed", "rate"]
    assert ("config", "use", ("rate",)) in edges_of(p)
    assert ("define", "use", ("taxed",)) in edges_of(p)
    # The call reads `rate` (above); exported, `taxed` is a closure inside the step function
    # of `define`, so that step takes `rate` as an input too.
    assert find_step(p, "define").inputs == ["rate"]
    assert not p.problems


def test_function_reads_the_global_value_current_at_the_call():
    p = run(
        code("rate = 0.1", "step:first"),
        code("def taxed(v):\n    return v * rate", "step:define"),
        code("rate = 0.2", "step:second"),
        code("total = taxed(100)", "step:use"),
    )
    assert ("second", "use", ("rate",)) in edges_of(p)
    assert ("first", "use", ("rate",)) not in edges_of(p)
    # Exported, `taxed` would keep the `rate` of its own step: refused, at the call.
    (problem,) = problems_of(p, "function-global")
    assert problem.cell_id == "c3" and "'rate'" in problem.message


def test_function_calling_another_function_carries_both_globals():
    p = run(
        code("a = 1\nb = 2", "step:config"),
        code("def inner():\n    return a\n\ndef outer():\n    return inner() + b", "step:define"),
        code("r = outer()", "step:use"),
    )
    assert set(find_step(p, "use").inputs) == {"outer", "inner", "a", "b"}


def test_function_passed_as_value_counts_as_called():
    p = run(
        code("scale = 3\nxs = [1, 2]", "step:config"),
        code("def f(v):\n    return v * scale", "step:define"),
        code("ys = list(map(f, xs))", "step:use"),
    )
    assert "scale" in find_step(p, "use").inputs


def test_function_local_and_parameter_names_are_not_inputs():
    p = run(
        code("x = 5", "step:config"),
        code(
            "def f(x, *args, key=None, **kw):\n    y = x + 1\n    return y, args, key, kw\nr = f(1)",
            "step:use",
        ),
    )
    assert find_step(p, "use").inputs == []


def test_global_statement_in_function_defines_the_global_where_called():
    p = run(
        code("counter = 0", "step:init"),
        code("def bump():\n    global counter\n    counter += 1", "step:define"),
        code("bump()", "step:count"),
        code("print(counter)", "step:report"),
    )
    assert "counter" in find_step(p, "count").inputs
    assert ("count", "report", ("counter",)) in edges_of(p)


def test_global_assignment_without_read_defines_without_input():
    p = run(
        code("def reset():\n    global state\n    state = {}\nreset()", "step:make"),
        code("print(state)", "step:use"),
    )
    assert find_step(p, "make").inputs == []
    assert ("make", "use", ("state",)) in edges_of(p)
    assert not problems_of(p, "undefined-name")


def test_del_removes_a_name_for_later_steps():
    p = run(
        code("tmp = [1]\nkeep = 2", "step:make"),
        code("del tmp", "step:clean"),
        code("print(tmp)", "step:use"),
    )
    assert find_step(p, "clean").inputs == ["tmp"]
    undefined = problems_of(p, "undefined-name")
    assert len(undefined) == 1
    assert "'tmp'" in undefined[0].message and "clean" in undefined[0].message
    assert undefined[0].cell_id == "c2"


def test_del_then_redefine_in_the_same_cell():
    p = run(
        code("x = 1", "step:a"),
        code("del x\nx = 2", "step:b"),
        code("print(x)", "step:c"),
    )
    assert ("b", "c", ("x",)) in edges_of(p)
    assert not problems_of(p, "undefined-name")


def test_a_del_on_some_path_leaves_the_name_maybe_unbound():
    from nbfactory import notebook

    from nbbridge.core import analyze_detailed

    for deleting in ("del box\nif flag:\n    box = 2", "if flag:\n    del box"):
        nb = notebook(code("box = 1\nflag = False", "step:a"), code(deleting))
        (step,) = analyze_detailed(nb).steps
        # Not surely bound at the step's end: a sink step must not return it.
        assert "box" in step.maybe, deleting
    nb = notebook(code("box = 1", "step:a"), code("del box\nbox = 2"))
    assert "box" not in analyze_detailed(nb).steps[0].maybe  # bound again on every path


def test_augmented_assignment_is_use_and_definition():
    p = run(
        code("total = 0", "step:init"),
        code("total += 5", "step:add"),
        code("print(total)", "step:report"),
    )
    assert find_step(p, "add").inputs == ["total"]
    assert find_step(p, "add").outputs == ["total"]
    assert ("add", "report", ("total",)) in edges_of(p)
    assert ("init", "report", ("total",)) not in edges_of(p)


def test_import_dotted_binds_the_top_name_and_imports_are_not_inputs():
    p = run(
        code("import os.path\nimport xml.etree.ElementTree as ET", "step:a"),
        code("p = os.path.join('a', 'b')\nt = ET.Element('x')", "step:b"),
    )
    assert find_step(p, "b").inputs == []
    assert not problems_of(p, "undefined-name")
    assert p.edges == []


def test_import_dotted_does_not_bind_the_submodule_name():
    p = run(code("import os.path\nprint(path)", "step:a"))
    assert [x.message for x in problems_of(p, "undefined-name")] == [
        "'path' is used in step 'a' but is not defined anywhere in the notebook"
    ]


def test_try_except_names():
    p = run(
        code("raw = '12'", "step:load"),
        code(
            "try:\n    value = int(raw)\nexcept ValueError as err:\n    value = 0\n    reason = str(err)",
            "step:parse",
        ),
        code("print(value, reason)", "step:use"),
    )
    parse = find_step(p, "parse")
    assert parse.inputs == ["raw"]
    assert set(parse.outputs) == {"value", "reason"}
    assert not problems_of(p, "undefined-name")


def test_except_variable_is_gone_after_the_handler():
    p = run(code("try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    pass\nprint(e)", "step:a"))
    assert [(x.code, x.line) for x in problems_of(p, "undefined-name")] == [("undefined-name", 5)]


def test_with_as_and_for_targets_bind():
    p = run(
        code("path = 'x.txt'\nitems = [1, 2]", "step:a"),
        code(
            "with open(path) as fh:\n    text = fh.read()\nfor i, item in enumerate(items):\n    last = item",
            "step:b",
        ),
        code("print(text, fh, i, last)", "step:c"),
    )
    assert set(find_step(p, "c").inputs) == {"text", "fh", "i", "last"}
    assert find_step(p, "b").inputs == ["path", "items"]


def test_loop_reading_a_name_bound_later_in_the_body_is_not_undefined():
    p = run(code("for i in range(3):\n    if i:\n        d = i - prev\n    prev = i", "step:a"))
    assert not problems_of(p, "undefined-name")


def test_maybe_bound_name_also_takes_the_earlier_value():
    p = run(
        code("best = 0\nscores = [3, 1]", "step:init"),
        code("for s in scores:\n    if s > best:\n        best = s", "step:scan"),
        code("print(best)", "step:report"),
    )
    scan = find_step(p, "scan")
    assert "best" in scan.inputs and "best" in scan.outputs
    assert ("scan", "report", ("best",)) in edges_of(p)


def test_conditional_definition_hands_on_the_earlier_value():
    p = run(
        code("mode = 'a'\nflag = False", "step:init"),
        code("if flag:\n    mode = 'b'", "step:maybe"),
        code("print(mode)", "step:use"),
    )
    maybe = find_step(p, "maybe")
    assert maybe.inputs == ["flag", "mode"]
    assert maybe.outputs == ["mode"]


def test_if_else_both_branches_define():
    p = run(
        code("flag = True", "step:init"),
        code("if flag:\n    x = 1\nelse:\n    x = 2", "step:pick"),
        code("print(x)", "step:use"),
    )
    assert find_step(p, "pick").inputs == ["flag"]


def test_match_statement_captures():
    p = run(
        code("command = ['go', 'north']", "step:load"),
        code(
            "match command:\n    case [verb, obj]:\n        action = verb\n    case _:\n        action = None",
            "step:parse",
        ),
        code("print(action)", "step:use"),
    )
    assert find_step(p, "parse").inputs == ["command"]
    assert find_step(p, "parse").outputs == ["action"]
    assert not problems_of(p, "undefined-name")


def test_class_body_runs_at_definition_methods_at_use():
    p = run(
        code("DEFAULT = 3\nfactor = 2", "step:config"),
        code(
            "class Model:\n    size = DEFAULT\n    def scale(self, v):\n        return v * factor",
            "step:define",
        ),
        code("m = Model()", "step:use"),
    )
    # The class body reads DEFAULT now; the method's `factor` is read where Model is used, and
    # by `define` too: exported, the class lives inside that step's function.
    assert find_step(p, "define").inputs == ["DEFAULT", "factor"]
    assert set(find_step(p, "use").inputs) == {"Model", "factor"}


def test_lambda_scope():
    p = run(
        code("offset = 1\nxs = [3, 1]", "step:config"),
        code("shift = lambda v: v + offset\nordered = sorted(xs, key=lambda v: -v)", "step:define"),
        code("print(shift(1), ordered)", "step:use"),
    )
    # `offset` is read by the lambda's step (it closes over it there) and where it is called.
    assert find_step(p, "define").inputs == ["xs", "offset"]
    assert set(find_step(p, "use").inputs) == {"shift", "offset", "ordered"}


def test_builtins_are_not_inputs_unless_shadowed():
    p = run(
        code("print(len([1]), sorted([2, 1]), max(1, 2))", "step:a"),
        code("max = 10", "step:b"),
        code("print(max)", "step:c"),
    )
    assert find_step(p, "a").inputs == []
    assert find_step(p, "c").inputs == ["max"]
    assert not problems_of(p, "undefined-name")


def test_name_defined_within_the_step_is_not_an_input():
    p = run(
        code("x = 1", "step:a"),
        code("x = 5\ny = x + 1", "step:b"),
        code("z = y"),
    )
    assert find_step(p, "b").inputs == []
    assert find_step(p, "b").cell_ids == ["c1", "c2"]


def test_nonlocal_and_closures_inside_functions():
    p = run(
        code("base = 10", "step:a"),
        code(
            "def make():\n    count = 0\n    def inc():\n        nonlocal count\n        count += 1\n"
            "        return count + base\n    return inc\nf = make()",
            "step:b",
        ),
    )
    assert find_step(p, "b").inputs == ["base"]

"""Changing an object in place is a use and a definition: later steps read the changed value."""

from __future__ import annotations

import pytest
from nbfactory import code, edges_of, find_step, run


@pytest.mark.parametrize(
    "change",
    [
        "xs.append(3)",
        "xs.extend([4])",
        "xs.sort()",
        "xs[0] = 1",
        "xs[0] += 1",
        "del xs[0]",
        "xs.attr = 1",
        "xs.inner.attr = 1",
        "xs.loc[0, 'a'] = 1",
        "xs.drop(columns=['a'], inplace=True)",
        "xs.fillna(0, inplace=True)",
        "xs['a'].fillna(0, inplace=True)",
    ],
)
def test_in_place_change_makes_the_changing_step_the_source(change):
    p = run(
        code("xs = [1, 2]", "step:make"),
        code(change, "step:change"),
        code("print(xs)", "step:use"),
    )
    changer = find_step(p, "change")
    assert changer.inputs == ["xs"]
    assert changer.outputs == ["xs"]
    assert find_step(p, "use").inputs == ["xs"]
    assert ("change", "use", ("xs",)) in edges_of(p)
    assert ("make", "use", ("xs",)) not in edges_of(p)
    assert p.order == ["make", "change", "use"]


def test_dataframe_column_assignment():
    p = run(
        code("import pandas as pd\ndf = pd.DataFrame({'a': [1]})", "step:load"),
        code("df['c'] = df['a'] * 2", "step:feature"),
        code("print(df['c'].sum())", "step:report"),
    )
    assert ("feature", "report", ("df",)) in edges_of(p)
    assert find_step(p, "load").outputs == ["df"]


def test_attribute_assignment_on_object():
    p = run(
        code("class Box:\n    pass\nbox = Box()", "step:make"),
        code("box.size = 3", "step:configure"),
        code("print(box.size)", "step:use"),
    )
    assert ("configure", "use", ("box",)) in edges_of(p)


def test_model_fit_redefines_the_model():
    p = run(
        code(
            "from sklearn.linear_model import LinearRegression\nmodel = LinearRegression()\nX = [[1]]\ny = [1]",
            "step:setup_model",
        ),
        code("model.fit(X, y)", "step:train"),
        code("print(model.coef_)", "step:evaluate"),
    )
    assert set(find_step(p, "train").inputs) == {"model", "X", "y"}
    assert ("train", "evaluate", ("model",)) in edges_of(p)


def test_read_only_methods_do_not_redefine():
    p = run(
        code("xs = [3, 1]", "step:make"),
        code("print(xs.count(3), xs.index(1), xs.copy())", "step:look"),
        code("print(xs)", "step:use"),
    )
    assert find_step(p, "look").outputs == []
    assert ("make", "use", ("xs",)) in edges_of(p)


def test_head_does_not_redefine_the_frame():
    p = run(
        code("import pandas as pd\ndf = pd.DataFrame({'a': [1]})", "step:load"),
        code("df.head()", "step:peek"),
        code("print(df)", "step:use"),
    )
    assert ("load", "use", ("df",)) in edges_of(p)


def test_method_calls_on_modules_are_not_changes():
    p = run(
        code("import numpy as np\nimport random", "step:imports"),
        code("np.random.seed(0)\nrandom.seed(1)\nx = np.zeros(3)", "step:seed"),
        code("print(x, np.ones(1))", "step:use"),
    )
    assert find_step(p, "seed").inputs == []
    assert find_step(p, "seed").outputs == ["x"]
    assert ("seed", "use", ("x",)) in edges_of(p)
    assert all("np" not in e.names and "random" not in e.names for e in p.edges)


def test_function_that_appends_to_a_global_changes_it_where_called():
    p = run(
        code("log = []", "step:init"),
        code("def record(v):\n    log.append(v)", "step:define"),
        code("record(1)", "step:work"),
        code("print(log)", "step:report"),
    )
    assert "log" in find_step(p, "work").inputs
    assert "log" in find_step(p, "work").outputs
    assert ("work", "report", ("log",)) in edges_of(p)


def test_change_within_the_defining_cell_is_just_a_definition():
    p = run(
        code("xs = []\nxs.append(1)", "step:make"),
        code("print(xs)", "step:use"),
    )
    assert find_step(p, "make").inputs == []
    assert ("make", "use", ("xs",)) in edges_of(p)


def test_change_of_a_parameter_is_read_from_the_changing_step():
    p = run(
        code("columns = ['a']", "parameters"),
        code("columns.append('b')", "step:extend"),
        code("print(columns)", "step:use"),
    )
    assert find_step(p, "extend").inputs == ["columns"]
    assert ("extend", "use", ("columns",)) in edges_of(p)


def test_changing_loop_elements_changes_the_container():
    p = run(
        code("models = [object(), object()]\nX, y = [[1]], [1]", "step:make"),
        code("for m in models:\n    m.fit(X, y)", "step:train"),
        code("print(models)", "step:use"),
    )
    assert "models" in find_step(p, "train").outputs
    assert ("train", "use", ("models",)) in edges_of(p)


def test_changing_loop_elements_through_enumerate_and_items():
    p = run(
        code("frames = {'a': [1]}\nrows = [[1]]", "step:make"),
        code(
            "for key, frame in frames.items():\n    frame.append(key)\nfor i, row in enumerate(rows):\n    row[0] = i",
            "step:change",
        ),
        code("print(frames, rows)", "step:use"),
    )
    assert set(find_step(p, "change").outputs) == {"frames", "rows"}
    assert find_step(p, "use").inputs == ["frames", "rows"]


def test_changing_an_alias_changes_the_original():
    p = run(
        code("df = {'a': 1}\nitems = [[0]]", "step:make"),
        code("view = df\nview['c'] = 2\nfirst = items[0]\nfirst.append(1)", "step:change"),
        code("print(df, items)", "step:use"),
    )
    assert ("change", "use", ("df", "items")) in edges_of(p)


def test_a_copy_is_not_an_alias():
    p = run(
        code("df = {'a': 1}", "step:make"),
        code("other = dict(df)\nother['c'] = 2\nclone = df.copy()\nclone['d'] = 3", "step:change"),
        code("print(df)", "step:use"),
    )
    assert find_step(p, "change").outputs == []
    assert ("make", "use", ("df",)) in edges_of(p)


def test_loop_over_a_function_result_does_not_redefine_the_function():
    p = run(
        code("def make_rows():\n    return [[1]]", "step:define"),
        code("for row in make_rows():\n    row.append(2)", "step:use"),
    )
    assert find_step(p, "use").outputs == [] and find_step(p, "define").outputs == ["make_rows"]

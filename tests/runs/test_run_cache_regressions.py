"""Wrong cache hits other tools have had, and values the cache cannot store.

Hamilton returned stale results when its fingerprints ignored a frame's shape, dtype and column
names, and when ``1`` and ``"1"`` hashed alike; marimo's cache ignores a changed data file. Each
case here runs twice with the change in between and must print what a fresh run prints.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hazard_notebooks import nb
from run_differential import run_once

from nbbridge.core.runs.cache import StepCache
from nbbridge.core.runs.plan import plan_notebook


def _with_source(notebook: dict, index: int, source: str) -> dict:
    changed = copy.deepcopy(notebook)
    changed["cells"][index]["source"] = source
    return changed


def _describe(expr: str) -> dict:
    return nb(
        ("import numpy as np\nimport pandas as pd", "step:setup"),
        (f"data = {expr}", "step:make"),
        (
            "print(type(data).__name__, getattr(data, 'shape', None), list(getattr(data, 'columns', [])), str(getattr(data, 'dtypes', getattr(data, 'dtype', None))).split())",
            "step:describe",
        ),
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("pd.DataFrame({'a': [1, 2]})", "pd.DataFrame({'b': [1, 2]})"),  # column names
        ("pd.DataFrame({'a': [1, 2]})", "pd.DataFrame({'a': [1.0, 2.0]})"),  # dtype
        ("np.zeros((2, 3))", "np.zeros((3, 2))"),  # shape, same values
        ("np.zeros(3, dtype='int64')", "np.zeros(3, dtype='float64')"),  # dtype, same values
    ],
)
def test_an_upstream_change_of_shape_dtype_or_columns_is_never_a_cache_hit(
    before: str, after: str, tmp_path: Path
) -> None:
    cache = StepCache(tmp_path / "cache")
    first = run_once(plan_notebook(_describe(before), "notebook.ipynb", tmp_path), cache)
    second = run_once(plan_notebook(_describe(after), "notebook.ipynb", tmp_path), cache)
    fresh = run_once(
        plan_notebook(_describe(after), "notebook.ipynb", tmp_path), StepCache(tmp_path / "fresh")
    )
    assert second.status()["describe"] == "ran"
    assert second.stdout == fresh.stdout != first.stdout


def test_a_parameter_given_as_1_or_as_the_string_1_is_two_runs(tmp_path: Path) -> None:
    notebook = nb(
        ("value = None", "parameters"), ("print(type(value).__name__, value)", "step:show")
    )
    cache = StepCache(tmp_path / "cache")
    plan = plan_notebook(notebook, "notebook.ipynb", tmp_path)
    as_int = run_once(plan, cache, (("value", "1"),))
    as_str = run_once(plan, cache, (("value", '"1"'),))
    as_float = run_once(plan, cache, (("value", "1.0"),))
    assert (as_int.stdout, as_str.stdout, as_float.stdout) == ("int 1\n", "str 1\n", "float 1.0\n")
    assert as_str.status()["show"] == as_float.status()["show"] == "ran"
    assert run_once(plan, cache, (("value", "1"),)).status()["show"] == "cached"


def test_a_changed_data_file_is_read_again(tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("first\n")
    notebook = nb(
        ("with open('data.txt') as f:\n    text = f.read()", "step:load"),
        ("print(text.strip().upper())", "step:show"),
    )
    cache = StepCache(tmp_path / "cache")
    assert run_once(plan_notebook(notebook, "notebook.ipynb", tmp_path), cache).stdout == "FIRST\n"
    (tmp_path / "data.txt").write_text("second\n")
    again = run_once(plan_notebook(notebook, "notebook.ipynb", tmp_path), cache)
    assert again.stdout == "SECOND\n"
    assert again.status() == {"load": "ran", "show": "ran"}


def test_an_edit_reruns_the_step_and_what_depends_on_it_nothing_else(tmp_path: Path) -> None:
    notebook = nb(
        ("a = 1\nprint('a')", "step:one"),
        ("b = 2\nprint('b')", "step:two"),
        ("c = a + 1\nprint('c', c)", "step:three"),
        ("d = b + c\nprint('d', d)", "step:four"),
    )
    cache = StepCache(tmp_path / "cache")
    run_once(plan_notebook(notebook, "notebook.ipynb", tmp_path), cache)
    # a comment and new layout do not count as an edit
    restyled = _with_source(notebook, 2, "# the next one\nc = (a +\n     1)\nprint('c', c)")
    same = run_once(plan_notebook(restyled, "notebook.ipynb", tmp_path), cache)
    assert set(same.status().values()) == {"cached"}
    edited = _with_source(notebook, 2, "c = a + 10\nprint('c', c)")
    after = run_once(plan_notebook(edited, "notebook.ipynb", tmp_path), cache)
    assert after.status() == {"one": "cached", "two": "cached", "three": "ran", "four": "ran"}
    assert after.stdout == "a\nb\nc 11\nd 13\n"


def test_an_output_the_cache_cannot_store_is_named_and_its_step_runs_every_time(
    tmp_path: Path,
) -> None:
    notebook = nb(
        ("squares = (i * i for i in range(3))\nprint('made')", "step:make"),
        ("print(list(squares))", "step:use"),
    )
    cache = StepCache(tmp_path / "cache")
    first = run_once(plan_notebook(notebook, "notebook.ipynb", tmp_path), cache)
    assert any(
        w.startswith("step make: output squares cannot be cached") for w in first.result.warnings
    )
    second = run_once(plan_notebook(notebook, "notebook.ipynb", tmp_path), cache)
    assert second.status() == {"make": "ran", "use": "cached"}
    assert second.stdout == first.stdout == "made\n[0, 1, 4]\n"


def test_a_data_file_named_by_a_parameter_is_keyed_by_the_runs_value(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("alpha\n")
    (tmp_path / "b.txt").write_text("beta\n")
    notebook = nb(
        ("source = 'a.txt'", "parameters"),
        ("text = open(source).read().strip()\nprint(text)", "step:load"),
    )
    cache = StepCache(tmp_path / "cache")
    plan = plan_notebook(notebook, "notebook.ipynb", tmp_path)
    assert run_once(plan, cache, (("source", "b.txt"),)).stdout == "beta\n"
    (tmp_path / "b.txt").write_text("gamma\n")
    again = run_once(plan, cache, (("source", "b.txt"),))
    assert again.stdout == "gamma\n" and again.status() == {"load": "ran"}
    (tmp_path / "a.txt").write_text("changed, but not read by a run of b.txt\n")
    assert run_once(plan, cache, (("source", "b.txt"),)).status() == {"load": "cached"}

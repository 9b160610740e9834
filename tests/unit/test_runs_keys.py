"""Cache keys, parameter values and side-effect detection of the runner (pure functions)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nbbridge.core.runs.hidden_state import (
    capture_random_state,
    find_effects,
    random_digests,
    restore_random_state,
)
from nbbridge.core.runs.keys import code_digest, data_inputs, file_digest, step_key, value_digest
from nbbridge.core.runs.params import ParameterError, ParameterSpec, parse_value, resolve_parameters


def test_comments_and_layout_do_not_change_the_code_digest() -> None:
    plain = "def f(x):\n    return x + 1\n"
    dressed = "def f(x):  # add one\n\n    return (x +\n            1)\n"
    assert code_digest(plain) == code_digest(dressed)
    assert code_digest(plain) != code_digest("def f(x):\n    return x + 2\n")


def test_parameter_values_hash_with_their_type() -> None:
    """Hamilton hashed 1 and "1" alike and returned the other run's result."""
    values = [1, "1", 1.0, True, None, "None", [1], (1,), {"a": 1}, {"a": "1"}, 0.0, -0.0]
    digests = [value_digest(v) for v in values]
    assert len(set(digests)) == len(values)
    assert value_digest({"b": 2, "a": 1}) == value_digest({"a": 1, "b": 2})


def test_a_key_changes_with_each_of_its_parts() -> None:
    base = {"code": "c", "upstream": {"df": "k1"}, "params": {"n": value_digest(1)}, "data": {}}
    assert step_key(base) == step_key(dict(base))
    for part, other in [
        ("code", "d"),
        ("upstream", {"df": "k2"}),
        ("params", {"n": value_digest("1")}),
        ("data", {"x.csv": "abc"}),
    ]:
        assert step_key(dict(base, **{part: other})) != step_key(base), part


def test_data_files_count_by_content(tmp_path: Path) -> None:
    """marimo's cache ignores a changed file; here the digest follows the content."""
    (tmp_path / "data.csv").write_text("a\n1\n")
    code = 'def load():\n    return open("data.csv").read()\n'
    assert data_inputs(code, tmp_path) == [tmp_path / "data.csv"]
    before = file_digest(tmp_path / "data.csv")
    (tmp_path / "data.csv").write_text("a\n2\n")
    assert file_digest(tmp_path / "data.csv") != before
    assert data_inputs('x = "not a file"', tmp_path) == []


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("int", "5", 5),
        ("float", "5", 5.0),
        ("float", "0.3", 0.3),
        ("str", "5", "5"),
        ("bool", "true", True),
        ("bool", "0", False),
        ("list", "[1, 2]", [1, 2]),
        ("None", "1", 1),
        ("None", '"1"', "1"),
        ("None", "word", "word"),
    ],
)
def test_papermill_style_parameter_values(kind: str, text: str, value: object) -> None:
    parsed = parse_value(kind, text)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize(
    ("kind", "text"),
    [("int", "five"), ("int", "2.5"), ("int", "True"), ("bool", "yes"), ("list", "3")],
)
def test_ill_typed_parameter_values_are_refused(kind: str, text: str) -> None:
    with pytest.raises(ValueError, match="expected"):
        parse_value(kind, text)


def test_unknown_and_ill_typed_parameters_name_the_parameter() -> None:
    specs = [ParameterSpec("n", "int", 1)]
    assert resolve_parameters(specs, [("n", "3")]) == {"n": 3}
    with pytest.raises(ParameterError) as unknown:
        resolve_parameters(specs, [("m", "3")])
    assert unknown.value.name == "m" and "no such parameter" in unknown.value.message
    with pytest.raises(ParameterError) as wrong:
        resolve_parameters(specs, [("n", "x")])
    assert wrong.value.message.startswith("-p n:")


@pytest.mark.parametrize(
    ("code", "seeds"),
    [
        ("np.random.seed(0)", {"numpy"}),
        ("random.seed(1)", {"random"}),
        ("sklearn.set_config(assume_finite=True)", set()),
        ("os.environ['X'] = '1'", set()),
        ("os.environ.update(X='1')", set()),
        ("matplotlib.rcParams['lines.linewidth'] = 2", set()),
        ("pd.options.display.max_rows = 5", set()),
        ("string.marker = 1", set()),
        ("set_config(display='text')", set()),
        ("sys.path.append('x')", set()),
    ],
)
def test_side_effects_on_imported_modules_are_found(code: str, seeds: set[str]) -> None:
    imports = [
        "import numpy as np",
        "import random",
        "import sklearn",
        "import os",
        "import sys",
        "import matplotlib",
        "import pandas as pd",
        "import string",
        "from sklearn import set_config",
    ]
    effects = find_effects(code, imports)
    assert effects.reasons, code
    assert effects.seeds == seeds


@pytest.mark.parametrize(
    "code",
    [
        "xs = np.array([1])",
        "df.columns = ['a']",
        "os = {}\nos['x'] = 1",
        "np.random.default_rng(0)",
        "model.fit(X)",
    ],
)
def test_ordinary_code_has_no_side_effects(code: str) -> None:
    assert find_effects(code, ["import numpy as np", "import os"]).reasons == ()


def test_random_states_round_trip_without_numpy_objects() -> None:
    import random

    import numpy

    state = capture_random_state()
    first = (random.random(), numpy.random.rand())
    restore_random_state(state)
    assert (random.random(), numpy.random.rand()) == first
    assert type(state["numpy"][1]) is list  # plain Python: reading it back needs no numpy
    assert random_digests(state, {"numpy"}) == random_digests(state, {"numpy"})
    assert random_digests(state, {"random"}) != random_digests(capture_random_state(), {"random"})


def test_file_digests_are_remembered_by_size_time_and_inode(tmp_path: Path) -> None:
    from nbbridge.core.runs import keys

    data = tmp_path / "big.bin"
    data.write_bytes(b"x" * 1000)
    first = file_digest(data)
    memo = tmp_path / "memo.json"
    keys.save_digest_memo(memo)
    keys._FILE_DIGESTS.clear()
    keys.load_digest_memo(memo)
    assert file_digest(data) == first  # from the memo: the stamp is unchanged
    stamp = data.stat().st_mtime_ns
    data.write_bytes(b"y" * 1000)  # same size, new content, a later time
    os.utime(data, ns=(stamp + 10**9, stamp + 10**9))
    assert file_digest(data) != first

"""Fingerprints: equal for equal outputs, different when behaviour changes, stable under noise."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from nbbridge.core.export.fingerprint import fingerprint, mismatches, stable_part


def test_scalars_and_strings_are_kept_exactly() -> None:
    assert fingerprint(3) == {"type": "int", "value": 3}
    assert fingerprint(True) == {"type": "bool", "value": True}
    assert fingerprint("setosa") == {"type": "str", "value": "setosa"}
    assert fingerprint(0.1 + 0.2) == {"type": "float", "value": 0.3}
    assert fingerprint("x" * 500) == {"type": "str", "len": 500}


def test_frames_and_arrays_are_summarised() -> None:
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "z"]})
    fp = fingerprint(df)
    assert fp["type"] == "pandas.DataFrame"
    assert fp["shape"] == [3, 2] and fp["columns"] == ["a", "b"]
    assert fp["dtypes"][0] == "float64" and fp["dtypes"][1] in ("object", "str")  # pandas 2 / 3
    assert fp["sum"] == 6.0
    arr = fingerprint(np.arange(6).reshape(2, 3))
    assert arr["shape"] == [2, 3] and arr["sum"] == 15.0 and arr["type"] == "numpy.ndarray"
    json.dumps([fp, arr])  # golden files are JSON


def test_a_changed_value_is_a_mismatch_and_float_noise_is_not() -> None:
    golden = fingerprint(pd.Series([1.0, 2.0, 3.0]))
    assert mismatches(golden, fingerprint(pd.Series([1.0, 2.0, 3.0 + 1e-12]))) == []
    changed = mismatches(golden, fingerprint(pd.Series([1.0, 2.0, 4.0])))
    assert changed and changed[0].startswith("sum: expected 6.0")
    assert mismatches(fingerprint([1, 2]), fingerprint([1, 2, 3])) == [
        "len: expected 2, got 3",
        "items: expected 2 items, got 3",
    ]


def test_stable_part_drops_what_varies_between_runs() -> None:
    first = fingerprint({"kid": 7, "total": 20})
    second = fingerprint({"kid": 5, "total": 20})
    stable = stable_part(first, second)
    assert stable["items"]["total"] == {"type": "int", "value": 20}
    assert stable["items"]["kid"] == {"type": "int"}
    assert mismatches(stable, fingerprint({"kid": 3, "total": 20})) == []
    assert mismatches(stable, fingerprint({"kid": 3, "total": 21}))


def test_an_instance_of_a_class_the_notebook_defines_matches_the_exported_class() -> None:
    """In the kernel the class is __main__'s; exported it is a step function's local (or the
    library module's): the golden test compares the class's own name."""

    def step():
        class Bag:
            pass

        class Other:
            pass

        return Bag(), Other()

    bag, other = step()
    golden = {"type": "__main__.Bag"}
    assert fingerprint(bag)["type"].endswith("<locals>.Bag")
    assert mismatches(golden, fingerprint(bag)) == []
    assert mismatches(golden, fingerprint(other)) == [
        f"type: expected '__main__.Bag', got {fingerprint(other)['type']!r}"
    ]
    assert mismatches({"type": "pandas.DataFrame"}, {"type": "other.DataFrame"})

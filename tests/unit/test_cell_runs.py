"""What a %%track cell logs, decided without a kernel: top-level bindings, directions, deltas."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nbbridge.core.tracking.cell_runs import (
    bound_names,
    compare_metrics,
    direction,
    metric_value,
    parameter_names,
)


def test_top_level_bindings_only() -> None:
    code = (
        "a = 1\nb, (c, *d) = 2, (3, 4)\ne += 1\nf: int = 2\ng: int\n"
        "for epoch in range(3):\n    h = epoch\nif a:\n    i = 1\nelse:\n    j = 2\n"
        "try:\n    k = 1\nexcept ValueError:\n    m = 2\n"
        "def fn():\n    inner = 1\nclass C:\n    attr = 1\nwith open('x') as fh:\n    n = 1\n"
        "obj.attr = 3\nxs[0] = 1\na = 5\n"
    )
    assert bound_names(code) == list("abcdefhijkmn")
    assert bound_names("x = (") == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 1.0), (0.5, 0.5), (np.float32(0.25), 0.25), (np.int64(3), 3.0), (True, None)],
)
def test_metric_values(value: object, expected: float | None) -> None:
    assert metric_value(value) == expected


@pytest.mark.parametrize("value", ["1", None, float("nan"), float("inf"), [1], np.array([1.0])])
def test_not_metric_values(value: object) -> None:
    assert metric_value(value) is None


def test_directions() -> None:
    assert [direction(n) for n in ("accuracy", "val_loss", "RMSE", "fit_time", "f1")] == [
        "max",
        "min",
        "min",
        "min",
        "max",
    ]
    assert direction("accuracy", frozenset({"accuracy"})) == "min"


def test_deltas_against_previous_and_best() -> None:
    earlier = [("r3", {"acc": 0.7, "loss": 0.2}), ("r2", {"acc": 0.9}), ("r1", {"loss": 0.1})]
    rows = compare_metrics({"acc": 0.8, "loss": 0.15, "new": 1.0}, earlier)
    assert rows["acc"]["previous_run"] == "r3" and rows["acc"]["delta_previous"] == pytest.approx(
        0.1
    )
    assert rows["acc"]["best_run"] == "r2" and rows["acc"]["delta_best"] == pytest.approx(-0.1)
    assert not rows["acc"]["is_best"]
    assert rows["loss"]["best_run"] == "r1" and rows["loss"]["direction"] == "min"
    assert rows["new"] == {"value": 1.0, "direction": "max", "is_best": True}


def test_parameter_names_of_a_notebook(tmp_path: Path) -> None:
    cell = {
        "cell_type": "code",
        "metadata": {"tags": ["parameters"]},
        "source": ["a = 1\n", "b = 'x'"],
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": ""}, cell]}))
    assert parameter_names(path) == ["a", "b"]
    path.write_text("{not json")
    assert parameter_names(path) == []

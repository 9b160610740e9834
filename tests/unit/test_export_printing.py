"""The package prints pandas objects as the notebook's kernel did, in its entry point and its
generated tests only (see nbbridge.core.export.printing)."""

from __future__ import annotations

import ast

import pytest

from nbbridge.core.export.gen_params import main_module
from nbbridge.core.export.printing import KERNEL_OPTIONS, option_context, prints_pandas


@pytest.mark.parametrize(
    ("requirements", "expected"),
    [
        (["pandas>=2.2"], True),
        (["statsmodels>=0.14"], True),  # needs pandas itself
        (["numpy>=2", "scikit-learn>=1.4"], False),
        ([], False),
        (["Pandas >= 2"], True),
    ],
)
def test_packages_printing_pandas_objects_are_recognised(requirements, expected):
    assert prints_pandas(requirements) is expected


def test_the_kernel_value_is_pandas_own_choice_in_a_kernel():
    """pandas' config_init: max_columns 20 where it cannot see a terminal (a kernel)."""
    assert KERNEL_OPTIONS == {"display.max_columns": 20}
    assert option_context() == "pandas.option_context('display.max_columns', 20)"


def test_the_entry_point_runs_the_pipeline_with_the_kernel_options_only_with_pandas():
    with_pandas = main_module("pkg", [], pandas=True)
    ast.parse(with_pandas)
    assert "    with _as_in_jupyter():\n        run(Params(**given))" in with_pandas
    assert "return pandas.option_context('display.max_columns', 20)" in with_pandas
    without = main_module("pkg", [])
    ast.parse(without)
    assert "pandas" not in without and "    run(Params(**given))" in without


def test_the_option_context_really_prints_wide_frames_as_a_kernel_does():
    """18 columns (wider than 80 characters): wrapped over lines ending in a backslash, none
    elided; a script's default elides some to fit one line."""
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame([[i * 100 + j for j in range(18)] for i in range(3)])
    with pandas.option_context("display.max_columns", 0):  # pandas' choice in a script
        assert "..." in repr(frame)
    with eval(option_context(), {"pandas": pandas}):
        text = repr(frame)
    assert "..." not in text
    assert text.splitlines()[0].endswith("\\")
    assert all(len(line) <= 80 for line in text.splitlines())

"""Generated params.py and __main__.py: typed defaults, papermill's names, bad values refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nbbridge.core.export import ExportError
from nbbridge.core.export.gen_params import main_module, params_module
from nbbridge.core.export.naming import check_package_name, default_package_name
from nbbridge.core.model import Parameter

PARAMS = [
    Parameter(name="test_size", type="float", default=0.25, cell_id="p"),
    Parameter(name="n_estimators", type="int", default=100, cell_id="p"),
    Parameter(name="label", type="str", default="iris", cell_id="p"),
    Parameter(name="verbose", type="bool", default=False, cell_id="p"),
    Parameter(name="layers", type="list", default=[8, 4], cell_id="p"),
    Parameter(name="shape", type="tuple", default=[2, 3], cell_id="p"),
]

PIPELINE = """
import json
from .params import Params
def run(params=None):
    print(json.dumps({k: v for k, v in vars(params or Params()).items()}, sort_keys=True))
"""


@pytest.fixture()
def package(tmp_path: Path) -> Path:
    pkg = tmp_path / "demo_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "params.py").write_text(params_module(PARAMS, "demo.ipynb"))
    (pkg / "__main__.py").write_text(main_module("demo_pkg", PARAMS))
    (pkg / "pipeline.py").write_text(PIPELINE)
    return tmp_path


def run_main(package: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "demo_pkg", *args], cwd=package, capture_output=True, text=True
    )


def test_defaults_are_the_notebook_values_with_their_types(package: Path) -> None:
    result = run_main(package)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '{"label": "iris", "layers": [8, 4], "n_estimators": 100, "shape": [2, 3], '
        '"test_size": 0.25, "verbose": false}'
    )


def test_papermill_names_set_typed_values(package: Path) -> None:
    result = run_main(package, "--test_size", "0.5", "--n_estimators", "7", "--verbose", "true")
    assert result.returncode == 0, result.stderr
    assert '"n_estimators": 7' in result.stdout and '"test_size": 0.5' in result.stdout
    assert '"verbose": true' in result.stdout


def test_a_value_of_the_wrong_type_is_refused_naming_the_parameter(package: Path) -> None:
    result = run_main(package, "--n_estimators", "lots")
    assert result.returncode == 2
    assert "--n_estimators: expected int, got 'lots'" in result.stderr
    assert "Traceback" not in result.stderr


def test_package_names() -> None:
    assert default_package_name("notebooks/Iris Pipeline (v2).ipynb") == "iris_pipeline_v2"
    assert default_package_name("2024-report.ipynb") == "nb_2024_report"
    assert default_package_name("json.ipynb") == "nb_json"
    for bad in ("Iris", "my-pkg", "class", "os", "1abc"):
        with pytest.raises(ExportError):
            check_package_name(bad)

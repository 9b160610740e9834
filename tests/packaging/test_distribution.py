"""The distribution: one version everywhere, a wheel that needs no Node, the server extension on."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import nbbridge

ROOT = Path(__file__).resolve().parents[2]


def test_one_version_for_python_and_javascript() -> None:
    package_json = json.loads((ROOT / "package.json").read_text())
    assert package_json["version"] == nbbridge.__version__


def test_formatters_and_lab_builder_are_pinned() -> None:
    """An unpinned black or ruff reformats the world on its next release and breaks CI."""
    test_deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["test"]
    pinned = {dep.split("==")[0] for dep in test_deps if "==" in dep}
    assert {"black", "ruff"} <= pinned
    dev_deps = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    assert dev_deps["@jupyterlab/core-meta"].startswith("~")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / "extension" / "labextension" / "package.json").exists():
        pytest.fail("the labextension is not built: run `jlpm build` (make test does)")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-q"]
        + ["-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("nbbridge-*.whl")
    return built


def test_wheel_carries_the_prebuilt_labextension_and_server_config(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    data = f"nbbridge-{nbbridge.__version__}.data/data/"
    lab = data + "share/jupyter/labextensions/nbbridge/"
    assert lab + "package.json" in names
    assert lab + "install.json" in names
    assert any(n.startswith(lab + "static/remoteEntry.") for n in names)
    assert data + "etc/jupyter/jupyter_server_config.d/nbbridge.json" in names
    assert "nbbridge/core/model.py" in names
    config = json.loads(
        zipfile.ZipFile(wheel).read(data + "etc/jupyter/jupyter_server_config.d/nbbridge.json")
    )
    assert config["ServerApp"]["jpserver_extensions"]["nbbridge"] is True


def test_lab_and_server_see_the_extension() -> None:
    jupyter = Path(sys.executable).with_name("jupyter")
    labext = subprocess.run(
        [str(jupyter), "labextension", "list"], capture_output=True, text=True, check=True
    )
    listing = labext.stdout + labext.stderr
    assert "nbbridge v" + nbbridge.__version__ in listing
    server = subprocess.run(
        [str(jupyter), "server", "extension", "list"], capture_output=True, text=True, check=True
    )
    listing = server.stdout + server.stderr
    assert "nbbridge" in listing and "OK" in listing

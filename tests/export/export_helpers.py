"""Helpers for the export tests: export a notebook, install a package into a fresh venv."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from nbbridge.core import read_notebook
from nbbridge.core.export.exporter import ExportResult, export_package

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "notebooks" / "iris_pipeline.ipynb"
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_notebook(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path


def export(
    notebook: Path, out: Path, *, execute: bool = False, nb: dict[str, Any] | None = None, **kw: Any
) -> ExportResult:
    content = nb if nb is not None else read_notebook(notebook)
    return export_package(
        content, notebook.name, out, execute_in=notebook.parent if execute else None, **kw
    )


def each_cell_its_own_step(notebook: Path) -> dict[str, Any]:
    """The notebook with every code cell tagged ``step:cellN`` (its other tags kept)."""
    nb = read_notebook(notebook)
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            tags = [t for t in cell["metadata"].get("tags", []) if not t.startswith("step:")]
            cell["metadata"]["tags"] = [f"step:cell{index}", *tags]
    return nb


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def fresh_venv(where: Path) -> Path:
    """A new venv that sees this environment's libraries (a .pth) but none of its packages'
    code under test: what `pip install` of the exported folder puts there is what runs."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "nbbridge_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def pip_install(python: Path, package_dir: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
        + ["--no-build-isolation", "--no-index", str(package_dir)],
        check=True,
        capture_output=True,
    )


def notebook_stdout(notebook: Path, cell_ids: set[str]) -> str:
    """What the given cells print when the notebook runs in a real kernel (nbclient)."""
    import nbclient
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    nbclient.NotebookClient(
        nb, kernel_name="python3", resources={"metadata": {"path": str(notebook.parent)}}
    ).execute()
    text = ""
    for cell in nb.cells:
        if cell.get("id") in cell_ids:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stdout":
                    text += out["text"]
    return text


def ruff_and_black_clean(package_dir: Path) -> None:
    """The package passes ruff and black with its own settings (its pyproject.toml)."""
    bin_dir = Path(sys.executable).parent
    ruff = subprocess.run(
        [str(bin_dir / "ruff"), "check", "--no-cache", "."],
        cwd=package_dir,
        capture_output=True,
        text=True,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    black = subprocess.run(
        [str(bin_dir / "black"), "--check", "-q", "."],
        cwd=package_dir,
        capture_output=True,
        text=True,
    )
    assert black.returncode == 0, black.stdout + black.stderr


def mutate(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} should occur once in {path}"
    path.write_text(text.replace(old, new))


def golden(package_dir: Path) -> dict[str, Any]:
    return json.loads((package_dir / "tests" / "golden.json").read_text())

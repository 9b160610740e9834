"""Fixtures of the integration tests: an in-process Jupyter server with nbbridge, notebooks.

The server comes from pytest-jupyter (``jp_serverapp``, ``jp_fetch``, ``jp_root_dir``): a real
jupyter-server application with the nbbridge extension loaded through its entry point, serving
HTTP on 127.0.0.1 with a token.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_server.serverapp import ServerApp
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

# The jp_* fixtures and the hooks that run ``async def`` tests on the server's event loop.
from pytest_jupyter.jupyter_server import *  # noqa: F403

CellSpec = str | tuple[str, list[str]] | tuple[str, list[str], str]


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    """Load nbbridge as a normal server extension (as its jupyter-config file does)."""
    return {"ServerApp": {"jpserver_extensions": {"nbbridge": True}}}


@pytest.fixture(autouse=True)
def jp_server_cleanup(request: pytest.FixtureRequest, jp_asyncio_loop: Any) -> Any:
    """pytest-jupyter's cleanup, but only for tests that started a server.

    Its own version is autouse and would build a ServerApp after every test of this folder,
    kernel and CLI tests included.
    """
    yield
    if "jp_serverapp" not in request.fixturenames:
        return
    app: ServerApp = ServerApp.instance()
    jp_asyncio_loop.run_until_complete(app._cleanup())
    if hasattr(app, "kernel_manager"):
        app.kernel_manager.context.destroy()
    ServerApp.clear_instance()


def build_notebook(*cells: CellSpec) -> nbformat.NotebookNode:
    """An nbformat 4.5 notebook from cell specs.

    A spec is ``source`` (an untagged code cell), ``(source, tags)`` or ``(source, tags, id)``;
    a source starting with ``# md`` makes a markdown cell. Ids default to ``c0``, ``c1``, ...
    """
    nb = new_notebook()
    for index, spec in enumerate(cells):
        if isinstance(spec, str):
            source, tags, cell_id = spec, [], f"c{index}"
        elif len(spec) == 2:
            source, tags, cell_id = spec[0], spec[1], f"c{index}"
        else:
            source, tags, cell_id = spec
        metadata = {"tags": list(tags)} if tags else {}
        make = new_markdown_cell if source.startswith("# md") else new_code_cell
        nb.cells.append(make(source, id=cell_id, metadata=metadata))
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


# A small tagged pipeline: a parameter, three steps with data flowing load -> train -> report.
PIPELINE_CELLS: tuple[CellSpec, ...] = (
    ("# md A tiny pipeline", [], "intro"),
    ("import math", [], "imports"),
    ("n = 4", ["parameters"], "params"),
    ("data = [math.sqrt(i) for i in range(n)]", ["step:load"], "load"),
    ("total = sum(data)", ["step:train"], "train"),
    ("report = f'total={total:.2f}'\nprint(report)", ["step:report"], "report"),
)

# A pipeline whose 'train' step reads a name nothing defines (on its second line).
UNDEFINED_CELLS: tuple[CellSpec, ...] = (
    ("data = [1, 2, 3]", ["step:load"], "load"),
    ("scale = 2\ntotal = sum(data) * missing_factor", ["step:train"], "train"),
)


class Notebooks:
    """Test notebooks: ``build(*cells)``, ``write(path, *cells)`` and two ready-made cell lists."""

    PIPELINE = PIPELINE_CELLS
    UNDEFINED = UNDEFINED_CELLS
    build = staticmethod(build_notebook)

    @staticmethod
    def write(path: Path, *cells: CellSpec) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(build_notebook(*cells), path)
        return path

    @staticmethod
    def json(*cells: CellSpec) -> dict[str, Any]:
        """The notebook as plain JSON data (what the front end sends for unsaved content)."""
        return json.loads(nbformat.writes(build_notebook(*cells)))


@pytest.fixture
def notebooks() -> type[Notebooks]:
    """Builders of test notebooks (tests in this folder cannot import conftest directly)."""
    return Notebooks


NBBRIDGE = shutil.which("nbbridge", path=str(Path(sys.executable).parent))


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed ``nbbridge`` console script, for real, in a subprocess."""
    assert NBBRIDGE, "the nbbridge console script is not installed next to this python"
    return subprocess.run(
        [NBBRIDGE, *map(str, args)], capture_output=True, text=True, cwd=cwd, check=False
    )


@pytest.fixture
def cli() -> Any:
    """``cli(*args, cwd=None)`` runs the nbbridge console script and returns the result."""
    return run_cli


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative POSIX path → content), to compare two exports."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture
def snapshot() -> Any:
    """``snapshot(folder)``: every file's bytes under it."""
    return tree_bytes

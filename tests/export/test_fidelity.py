"""What real notebooks do, exported with ``--execute`` (a real kernel, through papermill): the
package prints what the notebook printed, its own generated tests pass right after export, and a
change to the exported code makes them fail.

Each case is a notebook as data scientists write it (and the same with every code cell its own
step): a gallery docstring read as ``__doc__``, one name imported two ways in different cells,
printed pandas frames wider than a terminal, star imports of a local module.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from export_helpers import golden, mutate, ruff_and_black_clean
from notebook_programs import make_notebook

from nbbridge.core import analyze
from nbbridge.core.export.exporter import export_package
from nbbridge.core.export.verify import run_package_tests

pytestmark = pytest.mark.kernel

Cells = list[tuple[str, list[str]]]

# name → (cells, files written beside the notebook, a change to the exported code (old, new)
# that the generated tests must catch, the file of the package holding it)
CASES: dict[str, tuple[Cells, dict[str, str], tuple[str, str], str]] = {
    "gallery-docstring": (
        [
            ('"""\nGallery example\n===============\n"""\nprint(__doc__)\nimport math', []),
            ("r = math.sqrt(2)\nprint(__doc__.strip().splitlines()[0], round(r, 3))", []),
        ],
        {},
        ("Gallery example", "Gallery sample"),
        "steps.py",
    ),
    # `from time import time` in one cell, `import time` later: deterministic here with sqrt.
    "one-name-imported-two-ways": (
        [
            ("from math import sqrt", []),
            ("print(sqrt(16))", []),
            ("from cmath import sqrt\nprint(sqrt(-4))", []),
            ("print(sqrt(-9))", []),
        ],
        {},
        ("print(sqrt(-9))", "print(sqrt(9))"),
        "steps.py",
    ),
    # print(df), print(df.head()), print(df.describe()) of frames wider than 80 characters:
    # the kernel shows 20 of the 25 columns, wrapped; a script as many as fit one line.
    "printed-wide-frames": (
        [
            ("import numpy as np\nimport pandas as pd", []),
            (
                "df = pd.DataFrame(np.arange(300).reshape(12, 25), "
                "columns=[f'column_{i}' for i in range(25)])\nprint(df)",
                [],
            ),
            ("print(df.head())\nprint(df.describe())", []),
        ],
        {},
        ("np.arange(300)", "np.arange(1, 301)"),
        "steps.py",
    ),
    # nbdev's house style, on local modules beside the notebook: one with __all__, one without.
    "star-imports-of-local-modules": (
        [
            ("from helpers import *\nfrom tools import *", []),
            ("x = scale(OFFSET)\nprint(x, clamp(x))", []),
            ("print(Box().label(), LIMIT)", []),
        ],
        {
            "helpers.py": '__all__ = ["scale", "OFFSET"]\nOFFSET = 3\n\n\ndef scale(v):\n'
            "    return v * 2\n\n\ndef unlisted():\n    return 0\n",
            "tools.py": "LIMIT = 5\n\n\ndef clamp(v):\n    return min(v, LIMIT)\n\n\n"
            "class Box:\n    def label(self):\n        return 'box'\n",
        },
        ("print(x, clamp(x))", "print(x, clamp(x - 2))"),
        "steps.py",
    ),
}


def _write_notebook(folder: Path, cells: Cells, files: dict[str, str]) -> dict:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    nb = make_notebook(cells)
    nb["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nbformat.from_dict(nb), str(folder / "notebook.ipynb"))
    return nb


def _each_cell_a_step(cells: Cells) -> Cells:
    return [(source, [f"step:cell{i}", *tags]) for i, (source, tags) in enumerate(cells)]


@pytest.mark.parametrize("split", ["as-written", "cell-per-step"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_exported_package_prints_what_the_notebook_printed_and_its_tests_guard_it(
    name: str, split: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells, files, (old, new), where = CASES[name]
    if split == "cell-per-step":
        cells = _each_cell_a_step(cells)
    folder = tmp_path / "nb"
    nb = _write_notebook(folder, cells, files)
    # The notebook's local modules are not part of the package: its tests find them there.
    monkeypatch.setenv("PYTHONPATH", str(folder))
    out = tmp_path / "pkg"
    result = export_package(nb, "notebook.ipynb", out, package="fidelity", execute_in=folder)
    ruff_and_black_clean(out)
    report = run_package_tests(out)
    assert report.ok, report.output

    printed = golden(out)["stdout"]  # what the kernel printed, step by step
    order = analyze(nb).order
    assert set(printed) == set(order)
    assert any(printed.values())
    # A terminal wider than the kernel's 80 characters changes nothing.
    env = dict(os.environ, PYTHONPATH=f"{out / 'src'}{os.pathsep}{folder}", COLUMNS="200")
    ran = subprocess.run(
        [sys.executable, "-m", result.package], cwd=folder, env=env, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "".join(printed[step] for step in order)

    if name == "printed-wide-frames":
        # Imported as a library, the package leaves pandas' display options alone.
        library_use = (
            "import pandas, fidelity\n"
            "fidelity.run()\n"
            "print(pandas.get_option('display.max_columns'))"
        )
        ran = subprocess.run(
            [sys.executable, "-c", library_use], cwd=folder, env=env, capture_output=True, text=True
        )
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.splitlines()[-1] == "0"  # pandas' own choice in a script

    mutate(out / "src" / result.package / where, old, new)
    broken = run_package_tests(out)
    assert not broken.ok and broken.failed + broken.errors >= 1, broken.output

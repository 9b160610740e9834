"""The cache across processes: each run a new ``nbbridge run`` process, as users run it.

In one process, loading an entry may quietly reuse objects still in memory (cloudpickle finds
a class it made before); a new process has only what the entry holds. Notebooks are run cold,
cached and after editing one step, each time in a new process, and every step must print what
its cells printed in the notebook (generated notebooks print what they read, so a value loaded
wrong shows).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from equivalence_runner import NotebookFailed, run_notebook
from hazard_notebooks import nb
from notebook_forms import LOCAL_MODULES
from notebook_programs import RandomChoices, generate
from run_differential import edited

from nbbridge.core import analyze_detailed
from nbbridge.core.runs.plan import RunRefused, plan_notebook

NBBRIDGE = shutil.which("nbbridge", path=str(Path(sys.executable).parent))

CASES = {
    "class-and-instance": nb(
        ("class Point:\n    def __init__(self, x):\n        self.x = x", "step:define"),
        ("p = Point(2)\nprint(p.x)", "step:make"),
        ("print(isinstance(p, Point), p.x * 2)", "step:use"),
    ),
    "closure-over-an-input": nb(
        ("xs = [1]", "step:one"),
        ("def add(v):\n    xs.append(v)", "step:two"),
        ("add(5)", "step:three"),
        ("print(xs)", "step:four"),
    ),
    "numpy-and-frames": nb(
        ("import numpy as np\nimport pandas as pd\nnp.random.seed(0)", "step:setup"),
        ("arr = np.random.rand(4).round(3)\ndf = pd.DataFrame({'a': arr})", "step:make"),
        ("print(arr.tolist(), df['a'].sum().round(3), np.random.rand(1).round(3))", "step:use"),
    ),
}


def _write(notebook: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    for module, source in LOCAL_MODULES.items():  # star-imported by generated notebooks
        (path.parent / f"{module}.py").write_text(source)
    nbformat.write(nbformat.from_dict(notebook), str(path))
    return path


def _run(path: Path) -> dict:
    assert NBBRIDGE
    done = subprocess.run([NBBRIDGE, "run", str(path), "--json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _differences(notebook: dict, body: dict, when: str) -> list[str]:
    ran = run_notebook(notebook)
    printed = {s["name"]: s["stdout"] for s in body["steps"]}
    found = []
    for step in analyze_detailed(notebook, "notebook.ipynb").steps:
        expected = "".join(ran.printed.get(c.cell_id, "") for c in step.cells)
        if printed.get(step.name) != expected:
            found.append(
                f"{when}: step {step.name} printed {printed.get(step.name)!r}, not {expected!r}"
            )
    return found


def _three_runs(notebook: dict, folder: Path, edit: int) -> list[str]:
    path = _write(notebook, folder / "notebook.ipynb")
    found = _differences(notebook, _run(path), "cold")
    warm = _run(path)
    found += _differences(notebook, warm, "cached")
    names = [s["name"] for s in warm["steps"]]
    if not names:
        return found
    changed = edited(notebook, names[edit % len(names)])
    _write(changed, path)
    found += _differences(changed, _run(path), f"edited {names[edit % len(names)]}")
    return found


@pytest.mark.parametrize("name", sorted(CASES))
def test_hand_picked_notebooks_load_right_in_a_new_process(name: str, tmp_path: Path) -> None:
    for edit in range(3):
        problems = _three_runs(CASES[name], tmp_path / f"e{edit}", edit)
        assert problems == [], "\n".join(problems)


def test_generated_notebooks_load_right_in_a_new_process(tmp_path: Path) -> None:
    checked = 0
    for seed in range(1000, 1040):
        notebook = generate(RandomChoices(seed))
        try:
            run_notebook(notebook)
            plan_notebook(notebook, "notebook.ipynb", tmp_path)
        except (NotebookFailed, RunRefused):
            continue
        problems = _three_runs(notebook, tmp_path / f"s{seed}", seed)
        assert problems == [], f"seed {seed}:\n" + "\n".join(problems)
        checked += 1
        if checked == 12:
            break
    assert checked == 12

"""Run speed (DESIGN.md §8): ``nbbridge run`` of the demo notebook against what a user would use.

All as the commands a user types, in one run, on a copy of ``notebooks/iris_pipeline.ipynb`` in
a fresh git + DVC repository:

* cold (no cache): ``nbbridge run`` against ``papermill`` of the same notebook, and the floor:
  ``python -m PKG`` of its export (target ≥ 3× faster than papermill);
* nothing changed: ``nbbridge run`` against a no-op ``dvc repro`` of the ``--target dvc`` export
  (target ≤ 0.5× its time);
* after editing the last step: ``nbbridge run`` against a full papermill run (target ≥ 10×);
* the same two runs in a warm worker (one process that has imported the notebook's libraries,
  as the server's worker will): ``run_pipeline`` called in-process.

Prints medians and the ratios.

    python benchmarks/bench_run.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
DEMO = Path(__file__).resolve().parents[1] / "notebooks" / "iris_pipeline.ipynb"
# dvc runs `python` from PATH: the stages must find this environment's
ENV = dict(os.environ, DVC_NO_ANALYTICS="1", PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")


def _median_seconds(command: list, runs: int, before=None, cwd=None, env=None) -> float:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=cwd, env=env or ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _repo(work: Path) -> Path:
    repo = work / "repo"
    repo.mkdir()
    for command in (
        ["git", "init", "-q"],
        ["git", "config", "user.name", "bench"],
        ["git", "config", "user.email", "bench@nbbridge.invalid"],
        [str(BIN / "dvc"), "init", "-q"],
    ):
        subprocess.run(command, cwd=repo, check=True, capture_output=True, env=ENV)
    (repo / "notebooks").mkdir()
    shutil.copy(DEMO, repo / "notebooks" / "iris_pipeline.ipynb")
    return repo


# In one process, as a warm worker: the libraries are imported by a first run, then a cold run
# (no cache) and a run after an edit of the last step are timed.
_WARM = r"""
import json, sys, tempfile, time
from pathlib import Path
from nbbridge.core import read_notebook
from nbbridge.core.runs.cache import StepCache
from nbbridge.core.runs.params import resolve_parameters
from nbbridge.core.runs.plan import plan_notebook
from nbbridge.core.runs.runner import RunOptions, run_pipeline

path, runs = Path(sys.argv[1]), int(sys.argv[2])
nb = read_notebook(path)
folder = path.resolve().parent
def plan_of(notebook):
    return plan_notebook(notebook, str(path), folder)
plan = plan_of(nb)
params = resolve_parameters(plan.parameters, [])
run_pipeline(plan, params, None, RunOptions(use_cache=False))  # imports the libraries
cold, edit = [], []
cache = StepCache(Path(tempfile.mkdtemp()) / "cache")
run_pipeline(plan, params, cache)
last = [c for c in nb["cells"] if c["cell_type"] == "code"][-2]  # the metrics cell
for index in range(runs):
    start = time.perf_counter()
    run_pipeline(plan_of(nb), params, None, RunOptions(use_cache=False))
    cold.append(time.perf_counter() - start)
    last["source"] += f"\n_warm_edit_{index} = {index}"
    start = time.perf_counter()
    result = run_pipeline(plan_of(nb), params, cache)
    edit.append(time.perf_counter() - start)
    assert [s.status for s in result.steps] == ["cached", "cached", "cached", "ran"], result
print(json.dumps({"cold": sorted(cold)[len(cold) // 2], "edit": sorted(edit)[len(edit) // 2]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = args.runs
    with tempfile.TemporaryDirectory(prefix="nbbridge-bench-run-") as tmp:
        work = Path(tmp)
        repo = _repo(work)
        notebook = repo / "notebooks" / "iris_pipeline.ipynb"
        run = [str(BIN / "nbbridge"), "run", str(notebook)]

        def no_cache() -> None:
            shutil.rmtree(repo / ".nbbridge", ignore_errors=True)

        papermill = [str(BIN / "papermill"), str(notebook), str(work / "out.ipynb")]
        papermill_s = _median_seconds(papermill, runs)
        cold_s = _median_seconds(run, runs, no_cache)
        subprocess.run(
            [str(BIN / "nbbridge"), "export", str(notebook), "-o", "iris", "--target", "dvc"],
            cwd=repo,
            check=True,
            capture_output=True,
        )
        package = repo / "iris"
        floor_env = dict(ENV, PYTHONPATH=str(package / "src"))
        floor_s = _median_seconds([sys.executable, "-m", "iris_pipeline"], runs, env=floor_env)
        dvc = [str(BIN / "dvc"), "repro"]
        subprocess.run(dvc, cwd=package, check=True, capture_output=True, env=ENV)  # all stages
        dvc_noop_s = _median_seconds(dvc, runs, cwd=package)
        subprocess.run(run, check=True, capture_output=True)  # fill the cache
        noop_s = _median_seconds(run, runs)
        nb = json.loads(notebook.read_text())
        last = [c for c in nb["cells"] if c["cell_type"] == "code"][-2]  # the metrics cell
        counter = iter(range(10**6))

        def edit_last_step() -> None:
            last["source"] = "".join(last["source"]) + f"\n_bench_edit_{next(counter)} = 1"
            notebook.write_text(json.dumps(nb))

        edit_s = _median_seconds(run, runs, edit_last_step)
        warm = subprocess.run(
            [sys.executable, "-c", _WARM, str(notebook), str(runs)],
            check=True,
            capture_output=True,
            text=True,
        )
        warm_s = json.loads(warm.stdout.strip().splitlines()[-1])
    rows = [
        ("papermill, full run", papermill_s, papermill_s / cold_s, "≥ 3x faster"),
        ("python -m PKG of the export (the floor)", floor_s, papermill_s / floor_s, ""),
        ("nbbridge run, cold (no cache)", cold_s, papermill_s / cold_s, "≥ 3x faster"),
        ("warm worker: run, cold (no cache)", warm_s["cold"], papermill_s / warm_s["cold"], "≥ 3x"),
        ("dvc repro, nothing changed", dvc_noop_s, 1.0, ""),
        ("nbbridge run, nothing changed", noop_s, noop_s / dvc_noop_s, "≤ 0.5x dvc repro"),
        ("nbbridge run, last step edited", edit_s, papermill_s / edit_s, "≥ 10x faster"),
        ("warm worker: last step edited", warm_s["edit"], papermill_s / warm_s["edit"], "≥ 10x"),
    ]
    print(f"demo notebook; median of {runs} runs")
    print(f"{'work':42} {'median s':>9} {'ratio':>8}  target")
    for label, seconds, ratio, target in rows:
        print(f"{label:42} {seconds:9.3f} {ratio:7.2f}x  {target}")
    print(f"cold: {cold_s / floor_s:.2f}x the floor (python -m PKG); design target ≤ 1.1x")
    print("ratios: papermill ÷ nbbridge for the speed-ups, nbbridge ÷ dvc repro for the no-op")


if __name__ == "__main__":
    main()

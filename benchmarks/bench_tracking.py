"""Tracking overhead per run (DESIGN.md §8: ≤ 150 ms): nbbridge's outbox against MLflow itself.

Both log the same run (10 params, 10 metrics, 5 tags, 3 small artifacts) into a sqlite store in a
git repository, each in a fresh process, as a CLI run would:

* nbbridge: importing the tracker, ``Tracker.start`` + ``Tracker.end`` (git lineage, two outbox
  writes, a detached drainer started) in a process that has loaded ``nbbridge.core`` as
  ``nbbridge run`` has — what the run itself pays; the drainer logs into MLflow afterwards;
* MLflow: ``import mlflow`` + ``start_run`` + ``log_params``/``log_metrics``/``set_tags`` +
  ``log_text`` — what a user writing the tracking by hand pays on every run.

Prints the medians, the ratio, and how long the drainer took to land the runs in the store.

    python benchmarks/bench_tracking.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NBBRIDGE = """
import time, sys
from pathlib import Path
import nbbridge.core  # what `nbbridge run` has loaded before it tracks anything
t = time.perf_counter()
from nbbridge.core.tracking import Tracker
tracker = Tracker(Path(sys.argv[1]) / ".nbbridge")
record = tracker.start(experiment="nb.ipynb", run_name="bench", source=Path(sys.argv[1]) / "nb.ipynb",
                       params={f"p{i}": i for i in range(10)}, tags={f"t{i}": "x" for i in range(5)})
tracker.end(record, "FINISHED", metrics={f"m{i}": i / 3 for i in range(10)},
            artifacts={f"steps/s{i}.py": "x = 1\\n" * 20 for i in range(3)})
print(time.perf_counter() - t)
"""

MLFLOW = """
import time, sys
t = time.perf_counter()
import mlflow
mlflow.set_tracking_uri(f"sqlite:///{sys.argv[1]}/direct.db")
mlflow.set_experiment("nb.ipynb")
with mlflow.start_run(run_name="bench"):
    mlflow.log_params({f"p{i}": i for i in range(10)})
    mlflow.log_metrics({f"m{i}": i / 3 for i in range(10)})
    mlflow.set_tags({f"t{i}": "x" for i in range(5)})
    for i in range(3):
        mlflow.log_text("x = 1\\n" * 20, f"steps/s{i}.py")
print(time.perf_counter() - t)
"""


def _timed(script: str, folder: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder)],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nbbridge-bench-tracking-") as work:
        folder = Path(work)
        subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
        (folder / "nb.ipynb").write_text("{}\n")
        (folder / ".nbbridge").mkdir()
        _timed(MLFLOW, folder)  # create and migrate both stores before timing
        _timed(NBBRIDGE, folder)
        from nbbridge.core.tracking import drain

        drain(folder / ".nbbridge")
        theirs = [_timed(MLFLOW, folder) for _ in range(args.runs)]
        ours = [_timed(NBBRIDGE, folder) for _ in range(args.runs)]
        start = time.perf_counter()  # the last tracked run has just ended
        outbox = folder / ".nbbridge" / "outbox"
        while any(outbox.glob("*.json")) or any(outbox.glob("*.claimed")):
            time.sleep(0.05)
        landed = time.perf_counter() - start
    nb, ml = statistics.median(ours), statistics.median(theirs)
    print(f"{'':34}{'median':>10}")
    print(f"{'nbbridge Tracker (start + end)':34}{nb * 1000:>8.1f} ms")
    print(f"{'MLflow by hand (import + log)':34}{ml * 1000:>8.1f} ms")
    print(
        f"overhead per run: {nb * 1000:.1f} ms (target <= 150 ms); {ml / nb:.1f}x less than MLflow"
    )
    print(f"the drainer landed the last runs in the store {landed:.2f} s after they ended")


if __name__ == "__main__":
    main()

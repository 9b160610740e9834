"""Export speed (DESIGN.md §8): ``nbbridge export`` against ``jupyter nbconvert --to script``.

Both are run as the commands a user types, on the same generated 1,000-code-cell notebook, in
one run; black and ruff are included in the export. Prints medians and the ratio (target ≤ 1×).

    python benchmarks/bench_export.py [--cells 1000] [--runs 3]
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_analysis import make_notebook  # noqa: E402

BIN = Path(sys.executable).parent


def _median_seconds(command: list[str], runs: int, before=None, env=None) -> float:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nbbridge-bench-export-") as work:
        notebook = Path(work) / "generated.ipynb"
        notebook.write_text(json.dumps(make_notebook(args.cells)))
        out = Path(work) / "package"
        script_dir = Path(work) / "script"

        def fresh() -> None:
            shutil.rmtree(out, ignore_errors=True)

        export = [str(BIN / "nbbridge"), "export", str(notebook), "-o", str(out)]
        nbconvert = [str(BIN / "jupyter"), "nbconvert", "--to", "script", str(notebook)]
        nbconvert += ["--output-dir", str(script_dir)]
        cache = Path(work) / "cache"
        env = dict(os.environ, XDG_CACHE_HOME=str(cache))

        def cold() -> None:  # no formatted chunk cached: a first export on this machine
            fresh()
            shutil.rmtree(cache, ignore_errors=True)

        nbconvert_s = _median_seconds(nbconvert, args.runs)
        cold_s = _median_seconds(export, args.runs, cold, env)
        warm_s = _median_seconds(export, args.runs, fresh, env)
        nb = json.loads(notebook.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        counter = iter(range(10**6))

        def edit_one_cell() -> None:
            fresh()
            code[len(code) // 2]["source"] += f"\nedited_{next(counter)} = 1"
            notebook.write_text(json.dumps(nb))

        edit_s = _median_seconds(export, args.runs, edit_one_cell, env)
        modules = sum(1 for _ in (out / "src").rglob("*.py"))
    rows = [
        ("jupyter nbconvert --to script", nbconvert_s),
        ("nbbridge export, cold (nothing cached)", cold_s),
        ("nbbridge export, same notebook again", warm_s),
        ("nbbridge export after editing one cell", edit_s),
    ]
    print(f"{args.cells} code cells; median of {args.runs} runs; {modules} modules written")
    print(f"{'work':44} {'median s':>9} {'vs nbconvert':>13}")
    for label, seconds in rows:
        print(f"{label:44} {seconds:9.2f} {seconds / nbconvert_s:12.2f}x")
    print("target: export <= 1x nbconvert (black and ruff included)")


if __name__ == "__main__":
    main()

"""Export speed (DESIGN.md §8): ``nbbridge export`` against ``jupyter nbconvert --to script``.

Both are run as the commands a user types, on the same generated 1,000-code-cell notebook, in
one run; black and ruff are included in the export. Prints medians and the ratio (target ≤ 1×).

    python benchmarks/bench_export.py [--cells 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
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


def _median_seconds(command: list[str], runs: int, before=None) -> float:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
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
        export_s = _median_seconds(export, args.runs, fresh)
        nbconvert_s = _median_seconds(nbconvert, args.runs)
        lines = sum(1 for _ in (out / "src").rglob("*.py"))
    print(f"{args.cells} code cells; median of {args.runs} runs; {lines} package modules written")
    print(f"{'work':48} {'median s':>9}")
    print(f"{'jupyter nbconvert --to script':48} {nbconvert_s:9.2f}")
    print(f"{'nbbridge export (analysis, codegen, black, ruff)':48} {export_s:9.2f}")
    print(f"ratio export / nbconvert: {export_s / nbconvert_s:.2f}x (target <= 1x)")


if __name__ == "__main__":
    main()

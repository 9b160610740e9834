"""Export of a 200-code-cell notebook through the server, as the sidebar's Export dialog does it
(DESIGN.md §8: warm ≤ 300 ms). A real ``jupyter lab`` serves ``POST /nbbridge/export``; the
first export is cold, the following ones re-export the same notebook into the same folder.

    python benchmarks/bench_export_server.py [--cells 200] [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "ui"))  # the JupyterLab launcher of the browser tests
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_analysis import make_notebook  # noqa: E402
from lab_server import start_lab  # noqa: E402


def _export_ms(url: str, token: str, body: dict) -> float:
    request = urllib.request.Request(
        f"{url}nbbridge/export",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nbbridge-bench-export-server-") as work:
        server = start_lab(Path(work))
        try:
            name = server.write_notebook(make_notebook(args.cells), "generated.ipynb")
            body = {"path": name, "output_dir": "export/generated", "run_tests": False}
            cold = _export_ms(server.url, server.token, body)
            warm = [_export_ms(server.url, server.token, body) for _ in range(args.runs)]
        finally:
            server.stop()
    median = statistics.median(warm)
    print(f"{args.cells} code cells; POST /nbbridge/export without running the tests")
    print(f"first export (cold)        {cold:8.0f} ms")
    print(
        f"re-export (warm), median   {median:8.0f} ms  (best {min(warm):.0f} ms, {args.runs} runs)"
    )
    print(f"warm vs target 300 ms: {median / 300:.2f}x")


if __name__ == "__main__":
    main()

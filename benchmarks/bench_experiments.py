"""Experiments: the panel's first page and a compare of 10 runs with 1,000 runs in the store, and
what ``%%track`` adds to a cell (DESIGN.md §8: ≤ 500 ms, ≤ 500 ms, ≤ 150 ms).

The panel's requests go to a real ``jupyter lab`` (nbbridge loaded) over HTTP, as the front end
sends them, once cold (the server imports MLflow on its first runs request) and then warm. The
%%track overhead is a real kernel's round trip for a small cell with and without ``%%track``,
after the first tracked cell (which imports MLflow and opens the store).

    python benchmarks/bench_experiments.py [--runs 1000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests"), str(HERE.parent / "tests" / "ui")]

from lab_server import start_lab  # noqa: E402
from tracking_seed import seed_runs  # noqa: E402


def post(lab, endpoint: str, body: dict) -> tuple[float, dict]:
    url = f"{lab.url}nbbridge/runs" + (f"/{endpoint}" if endpoint else "")
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"token {lab.token}", "Content-Type": "application/json"},
        method="POST",
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        answer = json.load(response)
    return (time.perf_counter() - start) * 1000, answer


def bench_panel(base: Path, count: int, repeat: int) -> list[tuple[str, float, str]]:
    lab = start_lab(base)
    try:
        root = lab.root
        notebook = root / "nb.ipynb"
        notebook.write_text(
            json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []})
        )
        started = time.perf_counter()
        steps = {"train": "def train(data):\n    return fit(data)\n"}
        seed_runs(
            root / ".nbbridge",
            "nb.ipynb",
            count,
            lambda i: {"steps": steps} if i % 100 == 0 else {},
        )
        print(f"seeded {count} runs in {time.perf_counter() - started:.1f} s", flush=True)
        cold, page = post(lab, "", {"path": "nb.ipynb"})
        assert len(page["runs"]) == 50 and page["next_page_token"]
        firsts = [post(lab, "", {"path": "nb.ipynb"})[0] for _ in range(repeat)]
        sorted_pages = [
            post(lab, "", {"path": "nb.ipynb", "sort": "metrics.accuracy"})[0]
            for _ in range(repeat)
        ]
        ids = [run["run_id"] for run in page["runs"][:10]]
        compares = [
            post(lab, "compare", {"path": "nb.ipynb", "run_ids": ids})[0] for _ in range(repeat)
        ]
        searches = [
            post(lab, "", {"path": "nb.ipynb", "search": "n_estimators=5"})[0]
            for _ in range(repeat)
        ]
    finally:
        lab.stop()
    return [
        ("first page, cold server (imports MLflow)", cold, "—"),
        (f"first page of {count} runs, warm", statistics.median(firsts), "≤ 500 ms"),
        ("first page sorted by a metric, warm", statistics.median(sorted_pages), "≤ 500 ms"),
        ("text search over params (scans MLflow's pages)", statistics.median(searches), "—"),
        ("compare 10 runs, warm", statistics.median(compares), "≤ 500 ms"),
    ]


def bench_track(base: Path, repeat: int) -> list[tuple[str, float, str]]:
    from jupyter_client.manager import KernelManager

    folder = base / "track"
    folder.mkdir()
    (folder / "nb.ipynb").write_text(
        json.dumps(
            {
                "nbformat": 4,
                "nbformat_minor": 5,
                "metadata": {},
                "cells": [
                    {
                        "cell_type": "code",
                        "id": "p",
                        "metadata": {"tags": ["parameters"]},
                        "source": "lr = 0.1",
                        "outputs": [],
                        "execution_count": None,
                    }
                ],
            }
        )
    )
    km = KernelManager(kernel_name="python3")
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    km.start_kernel(cwd=str(folder), env={**env, "JPY_SESSION_NAME": str(folder / "nb.ipynb")})
    client = km.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)

    def timed(code: str) -> float:
        start = time.perf_counter()
        reply = client.execute_interactive(code, timeout=120, output_hook=lambda msg: None)
        assert reply["content"]["status"] == "ok", reply["content"]
        return (time.perf_counter() - start) * 1000

    body = "lr = 0.1\nacc = 0.5 + lr\nloss = 1 - acc"
    try:
        timed("%load_ext nbbridge")
        first = timed("%%track\n" + body)
        plain, tracked = [], []
        for _ in range(repeat):
            plain.append(timed(body))
            tracked.append(timed("%%track\n" + body))
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)
    overhead = statistics.median(tracked) - statistics.median(plain)
    return [
        ("first %%track cell (imports MLflow, opens the store)", first, "—"),
        ("the cell untracked", statistics.median(plain), "—"),
        ("the cell with %%track, after the first", statistics.median(tracked), "—"),
        ("%%track overhead per cell, after the first", overhead, "≤ 150 ms"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    rows = []
    with tempfile.TemporaryDirectory(prefix="nbbridge-bench-") as folder:
        rows += bench_panel(Path(folder), args.runs, args.repeat)
        rows += bench_track(Path(folder), args.repeat)
    print("\n| work | median ms | target |\n|---|---|---|")
    for work, ms, target in rows:
        print(f"| {work} | {ms:.0f} | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

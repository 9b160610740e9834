"""Analysis speed on a generated 1,000-code-cell notebook (DESIGN.md §8).

Compares warm analysis (every cell cached, as in the server) with ``ast.parse`` of the same
code, and times re-analysis after editing one cell. Prints a table of medians and the ratios.

    python benchmarks/bench_analysis.py [--cells 1000] [--runs 15]
"""

from __future__ import annotations

import argparse
import ast
import random
import statistics
import time
from collections.abc import Callable

from nbformat import v4

from nbbridge.core import Analyzer, load_notebook_json

_CELL_TEMPLATES = [
    "import numpy as np\nimport pandas as pd\nfrom collections import Counter",
    "rows_{i} = [{{'k': j, 'v': j * {i}}} for j in range(50)]\n"
    "df_{i} = pd.concat([df_{p}, pd.DataFrame(rows_{i})])\ndf_{i}['w'] = df_{i}['v'] * 2\ndf_{i}.head()",
    'def feature_{i}(frame, scale={i}):\n    """Scale the value column."""\n'
    "    out = frame.copy()\n    out['s'] = [v * scale for v in out['v']]\n"
    "    return out\n\nscaled_{i} = feature_{i}(df_{p})",
    "totals_{i} = {{}}\nfor key, group in df_{p}.groupby('k'):\n    totals_{i}[key] = group['v'].sum()\n"
    "best_{i} = max(totals_{i}, key=totals_{i}.get)\nprint(best_{i})",
    "%time stats_{i} = {{c: df_{p}[c].mean() for c in df_{p}.columns if c != 'k'}}\nstats_{i}",
    "class Model{i}:\n    def __init__(self, alpha={i}):\n        self.alpha = alpha\n"
    "    def fit(self, frame):\n        self.coef_ = frame['v'].mean() * self.alpha\n        return self\n\n"
    "model_{i} = Model{i}()\nmodel_{i}.fit(df_{p})",
    "try:\n    ratio_{i} = df_{p}['v'].sum() / len(df_{p})\nexcept ZeroDivisionError as err:\n"
    "    ratio_{i} = 0.0\nlabels_{i} = sorted({{str(x)[:3] for x in df_{p}['k']}})\n"
    "if (n_{i} := len(labels_{i})) > 3:\n    labels_{i} = labels_{i}[:3]",
    "%matplotlib inline\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots()\n"
    "ax.plot(df_{p}['k'], df_{p}['v'])\nplt.close(fig)",
    "counts_{i} = Counter(v % 7 for v in df_{p}['v'])\nmerged_{i} = pd.concat([df_{p}, scaled_{q}])\n"
    "merged_{i} = merged_{i}.reset_index(drop=True)\nsummary_{i} = merged_{i}.describe()\n"
    "weights_{i} = np.array([w for w in merged_{i}['w'] if w > 0])",
    "result_{i} = [\n    (k, v, k * v)\n    for k, v in zip(df_{p}['k'], df_{p}['v'])\n    if k % 2 == 0\n]\n"
    "with open('/dev/null', 'w') as fh:\n    fh.write(str(len(result_{i})))",
]


def make_notebook(code_cells: int, seed: int = 7) -> dict:
    """A realistic notebook: a step every ~10 cells, markdown between, a few magics."""
    rng = random.Random(seed)
    cells = [v4.new_markdown_cell("# Generated analysis\n")]
    frames, last_scaled = [0], 0
    for i in range(code_cells):
        # Steps read frames made by the last few steps, as real notebooks do.
        p = rng.choice(frames[-3:])
        if i == 0:
            source = _CELL_TEMPLATES[0] + "\ndf_0 = pd.DataFrame({'k': [0], 'v': [0]})"
        elif i % 10 == 1:
            source = _CELL_TEMPLATES[1].format(i=i, p=p)
            frames.append(i)
        elif i % 10 == 2:
            source = _CELL_TEMPLATES[2].format(i=i, p=frames[-1])
            last_scaled = i
        else:
            template = rng.choice(_CELL_TEMPLATES[3:])
            source = template.format(i=i, p=p, q=last_scaled)
        cell = v4.new_code_cell(source)
        cell["id"] = f"code-{i}"
        if i % 10 == 1:
            cell.metadata["tags"] = [f"step:stage_{i // 10}"]
            if i > 20 and rng.random() < 0.2:
                cell.metadata["tags"].append(f"after:stage_{i // 10 - 2}")
        cells.append(cell)
        if rng.random() < 0.3:
            cells.append(v4.new_markdown_cell(f"Notes on cell {i}."))
    for index, cell in enumerate(cells):
        cell.setdefault("id", f"md-{index}")
    return load_notebook_json(v4.new_notebook(cells=cells))


def _timed_ms(function: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median, best) wall time in ms over ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    nb = make_notebook(args.cells)
    start = time.perf_counter()
    analyzer = Analyzer()
    pipeline = analyzer.analyze(nb)
    cold_ms = (time.perf_counter() - start) * 1000
    # The same code as plain Python (magic cells as IPython turns them into Python).
    sources = [analyzer.parse(c["source"]).code for c in nb["cells"] if c["cell_type"] == "code"]

    parse_ms, parse_best = _timed_ms(lambda: [ast.parse(s) for s in sources], args.runs)
    # Warm: every cell's parse cached, the whole notebook walked (no previous pass to resume).
    analyzer.resume = False
    warm_ms, warm_best = _timed_ms(lambda: analyzer.analyze(nb), args.runs)
    analyzer.resume = True
    same_ms, same_best = _timed_ms(lambda: analyzer.analyze(nb), args.runs)

    # An edit binding a new name (so the cell's facts change), near the start, in the middle
    # and at the end: re-analysis resumes the dataflow pass from the step before the edit.
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    counter = iter(range(10**9))
    edits = {}
    for where, cell in (
        ("start", next(c for c in code if "rows_" in c["source"])),
        ("middle", code[len(code) // 2]),
        ("end", code[-1]),
    ):
        original = cell["source"]

        def edit_and_analyze(cell: dict = cell, original: str = original) -> None:
            cell["source"] = original + f"\nextra_{next(counter)} = 1"
            analyzer.analyze(nb)

        edits[where] = _timed_ms(edit_and_analyze, args.runs)
        cell["source"] = original
        analyzer.analyze(nb)
    edit_ms, edit_best = edits["start"]
    load_ms, load_best = _timed_ms(lambda: load_notebook_json(nb), max(3, args.runs // 3))

    code_cells = len(sources)
    rows = [
        ("ast.parse of the same code", parse_ms, parse_best, "baseline"),
        ("analysis, cold (parse every cell)", cold_ms, cold_ms, "one run"),
        (
            "analysis, warm (cells cached, whole walk)",
            warm_ms,
            warm_best,
            f"{warm_ms / parse_ms:.2f}x ast.parse",
        ),
        ("re-analysis, nothing changed", same_ms, same_best, f"{same_ms / warm_ms:.2f}x warm"),
        *(
            (
                f"re-analysis, one cell edited ({where})",
                median,
                best,
                f"{median / warm_ms:.2f}x warm",
            )
            for where, (median, best) in edits.items()
        ),
        ("load_notebook_json (schema check)", load_ms, load_best, "not part of analysis"),
    ]
    print(
        f"{code_cells} code cells, {len(pipeline.steps)} steps, {len(pipeline.edges)} edges, "
        f"{len(pipeline.problems)} problems; {args.runs} runs"
    )
    print(f"{'work':<38} {'median ms':>10} {'best ms':>9}  note")
    for label, median, best, note in rows:
        print(f"{label:<38} {median:>10.2f} {best:>9.2f}  {note}")
    print(f"warm analysis / ast.parse = {warm_ms / parse_ms:.2f}x (target <= 3x, <= 100 ms)")
    figures = ", ".join(f"{where} {median:.2f}" for where, (median, _) in edits.items())
    print(f"re-analysis after one edit = {figures} ms (target <= 10 ms)")


if __name__ == "__main__":
    main()

"""The Pipeline panel on a 200-code-cell notebook in headless Chromium (DESIGN.md §8).

Starts a real JupyterLab (as the browser tests do), opens the Pipeline panel, then times, in
the page, from the ``docmanager:open`` command to the panel listing every step of the newly
opened notebook (target: ≤ 500 ms). Each run opens a fresh copy with different sources, so the
server's per-cell cache never helps: this is what a user sees on first opening a notebook. For
scale it also times JupyterLab itself showing the notebook's first code cell, and prints ratios.

    python benchmarks/bench_panel.py [--cells 200] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The JupyterLab launcher is shared with the browser tests.
sys.path.insert(0, str(REPO / "tests" / "ui"))

from lab_server import CHROMIUM, CHROMIUM_ARGS, LabServer, start_lab  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

TARGET_MS = 500
CELLS_PER_STEP = 5

_OPEN_AND_TIME = """
async ([path, steps, salt]) => {
  const app = window.jupyterapp;
  const rows = () => document.querySelectorAll('#nbbridge-pipeline [data-nbbridge-step]');
  const name = () => document.querySelector('#nbbridge-pipeline .nbbridge-Panel-notebook');
  const t0 = performance.now();
  let cellsAt = null;
  let panelAt = null;
  await app.commands.execute('docmanager:open', { path });
  return await new Promise((resolve, reject) => {
    const check = () => {
      const now = performance.now();
      const first = document.querySelector(
          '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .cm-content');
      if (cellsAt === null && first && first.textContent.includes(salt)) {
        cellsAt = now - t0;
      }
      if (panelAt === null && rows().length === steps && name() && name().textContent === path) {
        panelAt = now - t0;
      }
      if (panelAt !== null && cellsAt !== null) {
        resolve({ panel: panelAt, cells: cellsAt });
      } else if (now - t0 > 60000) {
        reject(new Error('the panel did not show the steps within 60 s'));
      } else {
        requestAnimationFrame(check);
      }
    };
    check();
  });
}
"""

_CLOSE_ALL = """
async () => {
  const app = window.jupyterapp;
  for (const widget of Array.from(app.shell.widgets('main'))) {
    if (widget.context) { widget.context.model.dirty = false; }
    widget.dispose();
  }
  await app.serviceManager.sessions.refreshRunning();
  for (const model of Array.from(app.serviceManager.sessions.running())) {
    await app.serviceManager.sessions.shutdown(model.id);
  }
}
"""


def make_notebook(code_cells: int, salt: str) -> dict:
    """A tagged notebook: a parameters cell, then a step every few cells, each reading the last."""
    cells: list[dict] = []

    def code(source: str, tags: list[str] | None = None) -> None:
        cells.append(
            {
                "id": f"c{len(cells)}",
                "cell_type": "code",
                "metadata": {"tags": tags} if tags else {},
                "source": f"# {salt}\n{source}",
                "outputs": [],
                "execution_count": None,
            }
        )

    code("scale = 3\nlabel = 'run'\nthreshold = 0.5", ["parameters"])
    for i in range(code_cells - 1):
        step, k = divmod(i, CELLS_PER_STEP)
        prev = f"data_{step - 1}" if step else "[j * scale for j in range(100)]"
        if k == 0:
            cells.append(
                {"id": f"m{step}", "cell_type": "markdown", "metadata": {}, "source": f"## {step}"}
            )
            code(f"data_{step} = [x + {step} for x in {prev}]", [f"step:step_{step:03d}"])
        elif k == CELLS_PER_STEP - 1:
            code(f"data_{step} = [x for x in data_{step} if x > threshold]\nlen(data_{step})")
        else:
            code(
                f"part_{step}_{k} = sum(data_{step}) / len(data_{step})\nprint(label, part_{step}_{k})"
            )
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "cells": cells,
    }


def open_lab(page: Page, lab: LabServer) -> None:
    """Load JupyterLab (no document) and show the Pipeline panel, as a user would first."""
    page.goto(lab.lab_url())
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=60_000)
    page.locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="nbbridge-pipeline"]').click()
    page.wait_for_selector("#nbbridge-pipeline", state="visible")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=200, help="code cells in the notebook")
    parser.add_argument("--runs", type=int, default=7, help="timed runs (after one warm-up)")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    steps = -(-(args.cells - 1) // CELLS_PER_STEP)

    with tempfile.TemporaryDirectory(prefix="nbbridge-bench-") as tmp:
        lab = start_lab(Path(tmp))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
                )
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                open_lab(page, lab)
                panel_ms: list[float] = []
                cells_ms: list[float] = []
                for run in range(args.runs + 1):
                    salt = f"run {run}"
                    path = lab.write_notebook(make_notebook(args.cells, salt), f"bench_{run}.ipynb")
                    timing = page.evaluate(_OPEN_AND_TIME, [path, steps, salt])
                    page.evaluate(_CLOSE_ALL)
                    if run == 0:
                        continue  # warm-up: loads the notebook plugins' code once
                    panel_ms.append(timing["panel"])
                    cells_ms.append(timing["cells"])
                browser.close()
        finally:
            lab.stop()

    panel = statistics.median(panel_ms)
    cells = statistics.median(cells_ms)
    print(f"Pipeline panel, {args.cells}-code-cell notebook, {steps} steps, headless Chromium")
    print(f"{'measure':<44}{'median ms':>10}{'min':>8}{'max':>8}")
    print(
        f"{'open -> notebook shows its first code':<44}{cells:>10.0f}"
        f"{min(cells_ms):>8.0f}{max(cells_ms):>8.0f}"
    )
    print(
        f"{'open -> panel lists every step':<44}{panel:>10.0f}"
        f"{min(panel_ms):>8.0f}{max(panel_ms):>8.0f}"
    )
    print(
        f"ratio panel / target ({TARGET_MS} ms): {panel / TARGET_MS:.2f}"
        f"  ({'met' if panel <= TARGET_MS else 'MISSED'})"
    )
    print(f"ratio panel / notebook showing its code: {panel / cells:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

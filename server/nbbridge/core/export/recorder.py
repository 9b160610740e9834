"""``export --execute``: run the notebook and record fingerprints of every step's outputs.

The notebook is run by papermill in its own kernel, as a scheduled job would be, from a copy with
one extra cell after each step's last cell; that cell fingerprints the step's outputs at that
moment (later steps may mutate them) and appends them to a JSON-lines file. The notebook itself
is never modified. It runs twice: only what both runs agree on becomes golden, so unseeded
randomness cannot make the generated tests flaky.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

from ..detail import Analysis
from . import fingerprint as fingerprint_module
from .errors import ExportError
from .fingerprint import stable_part

__all__ = ["RUNS", "instrument", "record_golden"]

RUNS = 2
_RECORDER_TAG = "nbbridge-recorder"


def _code_cell(source: str, number: int) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": f"nbbridge-recorder-{number}",
        "metadata": {"tags": [_RECORDER_TAG]},
        "outputs": [],
        "source": source,
    }


def _setup_cell(log: Path) -> str:
    module = Path(fingerprint_module.__file__).read_text(encoding="utf-8")
    return (
        "def __nbbridge_record__(step, values, _log=" + repr(str(log)) + "):\n"
        "    import json\n"
        "    _ns = {'__name__': '_nbbridge_fingerprint'}\n"
        "    exec(compile(" + repr(module) + ", 'fingerprint.py', 'exec'), _ns)\n"
        "    row = {'step': step, 'outputs': {k: _ns['fingerprint'](v) for k, v in values.items()}}\n"
        "    with open(_log, 'a', encoding='utf-8') as handle:\n"
        "        handle.write(json.dumps(row) + '\\n')\n"
    )


def instrument(nb: dict[str, Any], analysis: Analysis, returns: dict[str, list[str]], log: Path):
    """A copy of ``nb`` with the recorder cells in place (setup first, one after each step)."""
    copied = copy.deepcopy(nb)
    last_cell = {step.cells[-1].cell_id: step.name for step in analysis.steps if step.cells}
    cells: list[dict[str, Any]] = [_code_cell(_setup_cell(log), 0)]
    for cell in copied["cells"]:
        cells.append(cell)
        step = last_cell.get(cell.get("id", ""))
        if step is not None:
            values = ", ".join(f"{name!r}: {name}" for name in returns.get(step, []))
            record = f"__nbbridge_record__({step!r}, {{{values}}})"
            cells.append(_code_cell(record, len(cells)))
    copied["cells"] = cells
    return copied


def _run_once(nb: dict[str, Any], notebook_dir: Path, kernel: str | None) -> None:
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with tempfile.TemporaryDirectory(prefix="nbbridge-record-") as work:
        source = Path(work) / "recorded.ipynb"
        nbformat.write(nbformat.from_dict(nb), str(source))
        try:
            papermill.execute_notebook(
                str(source),
                str(Path(work) / "out.ipynb"),
                kernel_name=kernel,
                cwd=str(notebook_dir),
                progress_bar=False,
                request_save_on_cell_execute=False,
            )
        except PapermillExecutionError as exc:
            raise ExportError(
                f"the notebook failed while executing for golden tests: cell {exc.cell_index} "
                f"raised {exc.ename}: {exc.evalue}"
            ) from None


def record_golden(
    nb: dict[str, Any], analysis: Analysis, returns: dict[str, list[str]], notebook_dir: Path
) -> dict[str, dict[str, object]]:
    """Step → output name → the fingerprint fields stable across :data:`RUNS` runs."""
    kernel = (nb.get("metadata", {}).get("kernelspec") or {}).get("name") or "python3"
    runs: list[dict[str, dict[str, Any]]] = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory(prefix="nbbridge-golden-") as work:
            log = Path(work) / "fingerprints.jsonl"
            _run_once(instrument(nb, analysis, returns, log), notebook_dir, kernel)
            rows = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        runs.append({row["step"]: row["outputs"] for row in rows})
    first, *others = runs
    golden: dict[str, dict[str, object]] = {}
    for step, outputs in sorted(first.items()):
        for name, fp in sorted(outputs.items()):
            stable = fp
            for other in others:
                stable = stable_part(stable, other.get(step, {}).get(name, {}))
            golden.setdefault(step, {})[name] = stable
    return golden

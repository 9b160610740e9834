"""``export --execute``: run the notebook and record fingerprints of every step's outputs.

The notebook is run by papermill in its own kernel, as a scheduled job would be, from a copy with
one extra cell after each step's last cell; that cell fingerprints the step's outputs at that
moment (later steps may mutate them) and appends them to a JSON-lines file. The notebook itself
is never modified. It runs :data:`RUNS` times, the global random generators of ``random`` and
numpy seeded differently each time: only what every run agrees on becomes golden, so code that
depends on unseeded randomness cannot make the generated tests flaky (a notebook that seeds its
own generators overrides these seeds and stays fully asserted).

Each run is bounded by the export's :mod:`.deadline` limits (the timeout is per run, so the
three runs may take up to three times it): past it, or when the export is cancelled, the kernel
and every process it started are killed, and :class:`~.deadline.ExecutionStopped` names the cell
that was running. The package is written only after the runs, so nothing is written then.
"""

from __future__ import annotations

import copy
import json
import logging
import tempfile
import threading
from pathlib import Path
from typing import Any

from ..detail import Analysis
from . import deadline
from . import fingerprint as fingerprint_module
from .deadline import ExecutionStopped
from .errors import ExecutionFailed
from .fingerprint import stable_part

__all__ = ["RUNS", "instrument", "record_golden"]

RUNS = 3
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


def _setup_cell(log: Path, seed: int) -> str:
    module = Path(fingerprint_module.__file__).read_text(encoding="utf-8")
    return (
        "import random as _nbbridge_random\n"
        f"_nbbridge_random.seed({seed})\n"
        "try:\n"
        "    import numpy as _nbbridge_numpy\n"
        f"    _nbbridge_numpy.random.seed({seed})\n"
        "except ImportError:\n"
        "    pass\n"
        "def __nbbridge_record__(step, values, _log=" + repr(str(log)) + "):\n"
        "    import json\n"
        "    _ns = {'__name__': '_nbbridge_fingerprint'}\n"
        "    exec(compile(" + repr(module) + ", 'fingerprint.py', 'exec'), _ns)\n"
        "    row = {'step': step, 'outputs': {k: _ns['fingerprint'](v) for k, v in values.items()}}\n"
        "    with open(_log, 'a', encoding='utf-8') as handle:\n"
        "        handle.write(json.dumps(row) + '\\n')\n"
    )


def instrument(
    nb: dict[str, Any], analysis: Analysis, returns: dict[str, list[str]], log: Path, seed: int = 0
) -> dict[str, Any]:
    """A copy of ``nb`` with the recorder cells in place (setup first, one after each step)."""
    copied = copy.deepcopy(nb)
    last_cell = {step.cells[-1].cell_id: step.name for step in analysis.steps if step.cells}
    cells: list[dict[str, Any]] = [_code_cell(_setup_cell(log, seed), 0)]
    for cell in copied["cells"]:
        cells.append(cell)
        step = last_cell.get(cell.get("id", ""))
        if step is not None:
            values = ", ".join(f"{name!r}: {name}" for name in returns.get(step, []))
            record = f"__nbbridge_record__({step!r}, {{{values}}})"
            cells.append(_code_cell(record, len(cells)))
    copied["cells"] = cells
    return copied


class _Running:
    """nbclient's hooks: which cell of the instrumented notebook runs now."""

    def __init__(self) -> None:
        self.index: int | None = None
        self.last: int | None = None

    def execute(self, cell: Any, cell_index: int) -> None:
        self.index = cell_index

    def executed(self, cell: Any, cell_index: int, execute_reply: Any = None) -> None:
        self.index, self.last = None, cell_index


def _cell_label(cells: list[dict[str, Any]], index: int) -> tuple[str | None, str]:
    """The notebook's cell at ``index`` of the instrumented copy: its id and how to name it."""
    cell = cells[index]
    if _RECORDER_TAG not in cell.get("metadata", {}).get("tags", []):
        cell_id = cell.get("id")
        return cell_id, f"cell {cell_id}"
    if index == 0:
        return None, "nbbridge's set-up cell (before the notebook's first cell)"
    before = cells[index - 1].get("id")
    return before, f"nbbridge's recording of the step outputs after cell {before}"


def _stopped(
    nb: dict[str, Any], running: _Running, reason: str, timeout: float | None, run: int
) -> ExecutionStopped:
    cells = nb.get("cells", [])
    if running.index is not None:
        cell_id, what = _cell_label(cells, running.index)
        doing = f"{what} was running"
    elif running.last is not None:
        cell_id, what = _cell_label(cells, running.last)
        doing = f"{what} had finished, the next had not started"
    else:
        cell_id, doing = None, "the kernel was starting (no cell had run)"
    when = f"run {run + 1} of {RUNS} of the notebook for golden tests"
    if reason == "timeout":
        message = (
            f"the notebook did not finish within {timeout:g} s ({when}): {doing}; the kernel "
            "was stopped and nothing was written (raise the timeout if the notebook needs longer)"
        )
    else:
        message = (
            f"the export was cancelled during {when}: {doing}; the kernel was stopped and "
            "nothing was written"
        )
    return ExecutionStopped(message, reason=reason, cell_id=cell_id, running=doing)


class _KilledKernelNotice(logging.Filter):
    """Drops nbclient's "Kernel died ..." error for a kernel nbbridge killed on purpose: the
    ExecutionStopped message says what happened (and "died" would mislead)."""

    def __init__(self) -> None:
        super().__init__()
        self.watches: dict[int, deadline.Watch] = {}  # thread running a notebook → its watch

    def filter(self, record: logging.LogRecord) -> bool:
        watch = self.watches.get(record.thread or 0)
        killed = watch is not None and watch.fired is not None
        return not (killed and record.getMessage().startswith("Kernel died"))


_KILLED_NOTICE = _KilledKernelNotice()


def _run_once(
    nb: dict[str, Any], notebook_dir: Path, kernel: str | None, run: int = 0
) -> dict[str, Any]:
    """Execute ``nb`` with papermill in ``notebook_dir``; return the executed notebook.

    Under the export's :func:`~.deadline.current` limits: past the timeout, or once cancelled,
    the kernel and its children are killed and :class:`ExecutionStopped` names the cell.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    chosen = deadline.current()
    if chosen.cancelled:
        raise _stopped(nb, _Running(), "cancelled", chosen.timeout, run)
    running = _Running()
    killer = deadline.KernelKiller()
    with tempfile.TemporaryDirectory(prefix="nbbridge-record-") as work:
        source = Path(work) / "recorded.ipynb"
        nbformat.write(nbformat.from_dict(nb), str(source))
        # nbclient logs through papermill's logger (papermill passes it, not nbclient's own).
        logging.getLogger("papermill").addFilter(_KILLED_NOTICE)
        with deadline.watch(chosen, killer) as watchdog:
            _KILLED_NOTICE.watches[threading.get_ident()] = watchdog
            try:
                executed = papermill.execute_notebook(
                    str(source),
                    str(Path(work) / "out.ipynb"),
                    kernel_name=kernel,
                    cwd=str(notebook_dir),
                    progress_bar=False,
                    request_save_on_cell_execute=False,
                    kernel_manager_class=killer.manager_class(),
                    on_cell_execute=running.execute,
                    on_cell_executed=running.executed,
                )
            except PapermillExecutionError as exc:
                if watchdog.fired:
                    raise _stopped(nb, running, watchdog.fired, chosen.timeout, run) from None
                # cell_index counts the recorder cells too: name the notebook's own cell by its id.
                cells = nb.get("cells", [])
                index = exc.cell_index
                cell_id = cells[index].get("id") if 0 <= index < len(cells) else None
                raise ExecutionFailed(
                    f"the notebook failed while executing for golden tests: cell {cell_id} "
                    f"raised {exc.ename}: {exc.evalue}",
                    cell_id=cell_id,
                ) from None
            except Exception:
                # The kernel killed under it: nbclient's DeadKernelError, or a RuntimeError when
                # it died while starting. Anything else is the notebook's own failure.
                if watchdog.fired:
                    raise _stopped(nb, running, watchdog.fired, chosen.timeout, run) from None
                raise
            finally:
                _KILLED_NOTICE.watches.pop(threading.get_ident(), None)
        if watchdog.fired:  # it ran out as the last cell ended: still not a run to trust
            raise _stopped(nb, running, watchdog.fired, chosen.timeout, run)
        return executed


def _printed_by_step(executed: dict[str, Any], analysis: Analysis) -> dict[str, str]:
    """What each step's cells wrote to stdout, in order."""
    step_of = {cell.cell_id: step.name for step in analysis.steps for cell in step.cells}
    printed: dict[str, str] = {step.name: "" for step in analysis.steps}
    for cell in executed.get("cells", []):
        step = step_of.get(cell.get("id", ""))
        for output in cell.get("outputs", []) if step else []:
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                text = output.get("text", "")
                printed[step] += "".join(text) if isinstance(text, list) else text
    return printed


def record_golden(
    nb: dict[str, Any], analysis: Analysis, returns: dict[str, list[str]], notebook_dir: Path
) -> tuple[dict[str, dict[str, object]], dict[str, str]]:
    """Fingerprints (step → output → fields) and printed text (step → stdout) that stayed the
    same across :data:`RUNS` runs of the notebook."""
    kernel = (nb.get("metadata", {}).get("kernelspec") or {}).get("name") or "python3"
    runs: list[dict[str, dict[str, Any]]] = []
    printed: list[dict[str, str]] = []
    for seed in range(RUNS):
        with tempfile.TemporaryDirectory(prefix="nbbridge-golden-") as work:
            log = Path(work) / "fingerprints.jsonl"
            instrumented = instrument(nb, analysis, returns, log, seed)
            executed = _run_once(instrumented, notebook_dir, kernel, run=seed)
            rows = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        runs.append({row["step"]: row["outputs"] for row in rows})
        printed.append(_printed_by_step(executed, analysis))
    stdout = {
        step: text
        for step, text in sorted(printed[0].items())
        if all(other.get(step) == text for other in printed[1:])
    }
    first, *others = runs
    golden: dict[str, dict[str, object]] = {}
    for step, outputs in sorted(first.items()):
        for name, fp in sorted(outputs.items()):
            stable = fp
            for other in others:
                stable = stable_part(stable, other.get(step, {}).get(name, {}))
            golden.setdefault(step, {})[name] = stable
    return golden, stdout

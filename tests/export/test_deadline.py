"""Timeouts and cancels of the user's code an export runs (nbbridge.core.export.deadline).

``export --execute`` runs the notebook in a real kernel, and the package's tests run in a real
pytest: past the timeout, or once cancelled, each is killed with the processes it started (a
notebook's ``subprocess.Popen(["sleep", ...])`` dies too), the error names the cell or test that
was running, and nothing is written. Timeouts here are short inputs (3 s); no assertion is on
elapsed time.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from nbbridge.core.export import deadline
from nbbridge.core.export.deadline import ExecutionStopped, Limits
from nbbridge.core.export.exporter import export_package
from nbbridge.core.export.summary import refusal
from nbbridge.core.export.verify import run_package_tests

pytestmark = pytest.mark.timeout(180)


def alive(pid: int) -> bool:
    """The process runs (a zombie nobody reaped yet is dead: it runs nothing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def hanging_notebook(folder: Path) -> Path:
    """A notebook whose step starts a child process (its pid in ``child.pid``), then one that
    never ends."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.cells = [
        new_code_cell("import pathlib, subprocess, time\nn = 2", id="params"),
        new_code_cell(
            "child = subprocess.Popen(['sleep', '1000'])\n"
            "pathlib.Path('child.pid').write_text(str(child.pid))\n"
            "data = list(range(n))",
            id="start",
            metadata={"tags": ["step:start"]},
        ),
        new_code_cell(
            "while True:\n    time.sleep(0.2)\ntotal = sum(data)",
            id="hang",
            metadata={"tags": ["step:wait"]},
        ),
    ]
    nb.cells[0].metadata["tags"] = ["parameters"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "hang.ipynb"
    nbformat.write(nb, path)
    return path


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def cancel_once(path: Path, cancel: threading.Event, stop: threading.Event) -> threading.Thread:
    """A thread that sets ``cancel`` as soon as ``path`` exists (or gives up when ``stop`` is)."""

    def wait() -> None:
        while not stop.is_set() and not path.exists():
            stop.wait(0.05)
        cancel.set()

    thread = threading.Thread(target=wait, daemon=True)
    thread.start()
    return thread


# The watchdog alone ------------------------------------------------------------------------


def test_the_watchdog_kills_once_the_timeout_passes_and_until_the_kill_took():
    calls: list[int] = []
    took = threading.Event()

    def kill() -> bool:
        calls.append(1)
        if len(calls) < 3:
            return False  # nothing to kill yet (a kernel still starting)
        took.set()
        return True

    with deadline.watch(Limits(timeout=0.1), kill) as watch:
        assert took.wait(60)
    assert watch.fired == "timeout"
    assert len(calls) == 3


def test_the_watchdog_kills_when_cancelled():
    cancel = threading.Event()
    killed = threading.Event()

    def kill() -> bool:
        killed.set()
        return True

    with deadline.watch(Limits(timeout=None, cancel=cancel), kill) as watch:
        cancel.set()
        assert killed.wait(60)
    assert watch.fired == "cancelled"


def test_a_run_that_ends_in_time_is_not_killed():
    calls: list[int] = []
    with deadline.watch(Limits(timeout=600), lambda: bool(calls.append(1)) or True) as watch:
        pass
    assert watch.fired is None and calls == []


@pytest.mark.parametrize("bad", [0, -1, 86_401, float("inf"), float("nan")])
def test_limits_refuse_a_timeout_out_of_bounds(bad):
    with pytest.raises(ValueError, match="timeout"):
        Limits(timeout=bad)


def test_the_limits_hold_in_their_block_and_in_a_worker_thread_that_enters_them():
    assert deadline.current().timeout == deadline.DEFAULT_TIMEOUT
    with deadline.limits(5) as chosen:
        assert deadline.current() is chosen
        seen: list[Limits] = []
        # A new thread starts from a fresh context: without run_with it sees the defaults.
        worker = threading.Thread(
            target=lambda: seen.extend(
                [deadline.current(), deadline.run_with(chosen, deadline.current)]
            )
        )
        worker.start()
        worker.join()
        assert seen == [Limits(), chosen]
    assert deadline.current().timeout == deadline.DEFAULT_TIMEOUT


# The notebook, in a real kernel ------------------------------------------------------------


@pytest.mark.kernel
def test_a_notebook_past_its_timeout_is_stopped_naming_the_cell_and_its_children_die(tmp_path):
    notebook = hanging_notebook(tmp_path / "nb")
    nb = nbformat.read(notebook, as_version=4)
    out = tmp_path / "pkg"
    with pytest.raises(ExecutionStopped) as stopped, deadline.limits(20):
        export_package(nb, "hang.ipynb", out, execute_in=notebook.parent)
    error = stopped.value
    assert (error.reason, error.cell_id) == ("timeout", "hang")
    message = str(error)
    assert "within 20 s" in message and "cell hang was running" in message, message
    assert "run 1 of 3" in message and "nothing was written" in message, message
    # the kernel's child was killed with the kernel's process group
    assert not alive(int((notebook.parent / "child.pid").read_text()))
    # nothing written: no package, no staging folder left beside it
    assert listing(tmp_path) == ["nb", "nb/child.pid", "nb/hang.ipynb"]
    refused = refusal(error)
    assert refused is not None
    assert (refused.kind, refused.cell_id, refused.exit_code) == ("execution", "hang", 1)


@pytest.mark.kernel
def test_a_cancelled_run_is_stopped_naming_the_cell_and_its_children_die(tmp_path):
    notebook = hanging_notebook(tmp_path / "nb")
    nb = nbformat.read(notebook, as_version=4)
    cancel, stop = threading.Event(), threading.Event()
    # cancel once the child runs: the notebook is then inside its endless cell (or about to be)
    watcher = cancel_once(notebook.parent / "child.pid", cancel, stop)
    try:
        with pytest.raises(ExecutionStopped) as stopped, deadline.limits(600, cancel):
            export_package(nb, "hang.ipynb", tmp_path / "pkg", execute_in=notebook.parent)
    finally:
        stop.set()
        watcher.join()
    error = stopped.value
    assert error.reason == "cancelled"
    assert error.cell_id in {"start", "hang"}, str(error)
    assert "cancelled" in str(error) and "nothing was written" in str(error)
    assert not alive(int((notebook.parent / "child.pid").read_text()))
    assert not (tmp_path / "pkg").exists()


def test_an_export_cancelled_before_it_runs_starts_no_kernel(tmp_path):
    notebook = hanging_notebook(tmp_path / "nb")
    nb = nbformat.read(notebook, as_version=4)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ExecutionStopped) as stopped, deadline.limits(600, cancel):
        export_package(nb, "hang.ipynb", tmp_path / "pkg", execute_in=notebook.parent)
    assert stopped.value.reason == "cancelled"
    assert "no cell had run" in str(stopped.value)
    assert not (notebook.parent / "child.pid").exists()
    assert not (tmp_path / "pkg").exists()


# The package's tests, in a real pytest ---------------------------------------------------


def hanging_tests(folder: Path) -> Path:
    """A package folder whose second test starts a child (pid in ``child.pid``) and hangs."""
    (folder / "src").mkdir(parents=True)
    (folder / "tests").mkdir()
    (folder / "tests" / "test_things.py").write_text(
        "import pathlib, subprocess, time\n\n\n"
        "def test_quick():\n    assert True\n\n\n"
        "def test_forever():\n"
        "    child = subprocess.Popen(['sleep', '1000'])\n"
        "    pathlib.Path(__file__).with_name('child.pid').write_text(str(child.pid))\n"
        "    while True:\n        time.sleep(0.2)\n"
    )
    return folder


def test_tests_past_their_timeout_are_stopped_naming_the_running_test(tmp_path):
    package = hanging_tests(tmp_path / "pkg")
    with pytest.raises(ExecutionStopped) as stopped:
        run_package_tests(package, timeout=30)
    error = stopped.value
    assert error.reason == "timeout"
    message = str(error)
    assert "test tests/test_things.py::test_forever was running" in message, message
    assert "within 30 s" in message and "the package was written" in message, message
    assert not alive(int((package / "tests" / "child.pid").read_text()))
    refused = refusal(error)
    assert refused is not None and (refused.kind, refused.exit_code) == ("execution", 1)


def test_cancelled_tests_are_stopped_and_their_children_die(tmp_path):
    package = hanging_tests(tmp_path / "pkg")
    cancel, stop = threading.Event(), threading.Event()
    watcher = cancel_once(package / "tests" / "child.pid", cancel, stop)
    try:
        with pytest.raises(ExecutionStopped) as stopped, deadline.limits(600, cancel):
            run_package_tests(package)
    finally:
        stop.set()
        watcher.join()
    assert stopped.value.reason == "cancelled"
    assert "test_forever" in str(stopped.value)
    assert not alive(int((package / "tests" / "child.pid").read_text()))


def test_tests_that_end_in_time_are_counted_as_before(tmp_path):
    package = tmp_path / "pkg"
    (package / "tests").mkdir(parents=True)
    (package / "tests" / "test_ok.py").write_text(
        "def test_one():\n    assert True\n\n\ndef test_two():\n    assert 1 == 2\n"
    )
    report = run_package_tests(package, timeout=120)
    assert (report.passed, report.failed, report.errors) == (1, 1, 0), report.output
    assert not report.ok and "test_two" in report.output

"""Run an exported package's own tests, as an engineer would, and summarise the result.

The tests run in a subprocess with the package's ``src`` first on ``sys.path`` (no install
needed), with the same interpreter, so the result shows what the export produced, not what some
earlier install left behind.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from . import deadline
from .deadline import ExecutionStopped

__all__ = ["TestReport", "run_package_tests"]

_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped)")
_NODE = re.compile(r"^\S+\.py::\S+")
_VERDICT = re.compile(r" (PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\b")


@dataclass(frozen=True)
class TestReport:
    passed: int
    failed: int
    errors: int
    skipped: int
    exit_code: int
    output: str  # the last lines of pytest's report, for the user to read

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.failed == 0 and self.errors == 0 and self.passed > 0


def _read_lines(process: subprocess.Popen[str], lines: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.rstrip("\n"))


def _running_test(lines: list[str]) -> str | None:
    """The test pytest ``-v`` had started and not finished: its node id is printed first, its
    verdict (PASSED, FAILED...) after it ends, on the same line."""
    for line in reversed(lines):
        text = line.strip()
        if _NODE.match(text):
            return None if _VERDICT.search(text) else text.split(" ", 1)[0]
    return None


def _stopped(reason: str, timeout: float | None, lines: list[str]) -> ExecutionStopped:
    test = _running_test(lines)
    doing = f"test {test} was running" if test else "pytest was starting (no test had started)"
    if reason == "timeout":
        message = (
            f"the package was written, but its tests did not finish within {timeout:g} s: "
            f"{doing}; pytest and its children were stopped (raise the timeout if the tests "
            "need longer)"
        )
    else:
        message = (
            f"the package was written, but the export was cancelled while its tests ran: "
            f"{doing}; pytest and its children were stopped"
        )
    return ExecutionStopped(message, reason=reason, running=doing)


def run_package_tests(package_dir: Path, timeout: float | None = None) -> TestReport:
    """``pytest`` in ``package_dir``; counts parsed from its summary line.

    Bounded by ``timeout`` (seconds) or else the export's :func:`~.deadline.current` limits,
    and by their cancel event: pytest runs in a session of its own, killed with every process
    it started; then :class:`~.deadline.ExecutionStopped` names the test that was running.
    """
    chosen = deadline.current()
    if timeout is not None:
        chosen = deadline.Limits(timeout, chosen.cancel)
    if chosen.cancelled:
        raise _stopped("cancelled", chosen.timeout, [])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(package_dir / "src"), *filter(None, [env.get("PYTHONPATH")])]
    )
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONUNBUFFERED"] = "1"  # each test's node id reaches the pipe before it runs
    command = [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "tests"]
    lines: list[str] = []
    process = subprocess.Popen(
        command,
        cwd=package_dir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    kill = deadline.kill_session(process)
    reader = threading.Thread(target=_read_lines, args=(process, lines), daemon=True)
    reader.start()
    try:
        with deadline.watch(chosen, kill) as watchdog:
            returncode = process.wait()
    finally:
        if process.poll() is None:  # interrupted here: leave nothing running
            kill()
            process.wait()
    # A process that left pytest's session may hold the pipe open: do not wait for it.
    reader.join(timeout=10)
    if not reader.is_alive():
        assert process.stdout is not None
        process.stdout.close()
    if watchdog.fired:
        raise _stopped(watchdog.fired, chosen.timeout, lines)
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    lines = "\n".join(lines).strip().splitlines()
    for number, kind in _COUNT.findall(lines[-1] if lines else ""):
        counts["errors" if kind.startswith("error") else kind] += int(number)
    tail = "\n".join(lines[-30:])
    return TestReport(exit_code=returncode, output=tail, **counts)

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
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TestReport", "run_package_tests"]

_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped)")


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


def run_package_tests(package_dir: Path, timeout: float = 900) -> TestReport:
    """``pytest`` in ``package_dir``; counts parsed from its summary line."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(package_dir / "src"), *filter(None, [env.get("PYTHONPATH")])]
    )
    env.setdefault("MPLBACKEND", "Agg")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
            cwd=package_dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return TestReport(0, 0, 1, 0, -1, f"the tests did not finish within {timeout:.0f} s")
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    lines = result.stdout.strip().splitlines()
    for number, kind in _COUNT.findall(lines[-1] if lines else ""):
        counts["errors" if kind.startswith("error") else kind] += int(number)
    tail = "\n".join(lines[-30:])
    return TestReport(exit_code=result.returncode, output=tail, **counts)

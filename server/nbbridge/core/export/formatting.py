"""black, then ruff: the exported package is formatted and lint-clean with its own settings.

black runs in-process (it is a library); ruff has no Python API, so its binary (shipped in the
``ruff`` wheel) runs once over the whole staged package, with the package's own pyproject.toml.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import black

from .black_cache import format_module
from .errors import ExportError

__all__ = ["LINE_LENGTH", "RUFF_RULES", "format_python", "ruff_check", "ruff_fix"]

LINE_LENGTH = 100
# The rules the exported package promises to pass (written into its pyproject.toml as well).
RUFF_RULES = ["E", "F", "W", "I", "B", "UP"]

_MODE = black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion.PY310})


def format_python(source: str, filename: str = "<generated>") -> str:
    """black-format generated code; a failure here is a generator bug, reported with the file."""
    try:
        return format_module(source, _MODE)
    except black.InvalidInput as exc:  # pragma: no cover - would mean nbbridge wrote bad Python
        raise ExportError(f"generated {filename} is not valid Python: {exc}") from exc


def _ruff_binary() -> str:
    from ruff.__main__ import find_ruff_bin

    return str(find_ruff_bin())


def _ruff(package_root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            _ruff_binary(),
            "check",
            "--no-cache",
            "--quiet",
            "--output-format",
            "concise",
            *args,
            ".",
        ],
        cwd=package_root,
        capture_output=True,
        text=True,
    )


def ruff_fix(package_root: Path) -> None:
    """Apply ruff's safe fixes (import sorting, unused imports) with the package's settings."""
    _ruff(package_root, "--fix", "--exit-zero")


def ruff_check(package_root: Path) -> list[str]:
    """What ruff still reports, one ``path:line:col: CODE message`` a line."""
    return [line for line in _ruff(package_root).stdout.splitlines() if line.strip()]

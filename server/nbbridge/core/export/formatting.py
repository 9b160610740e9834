"""ruff, then black: the exported package is formatted and lint-clean with its own settings.

ruff has no Python API, so its binary (shipped in the ``ruff`` wheel) runs over the whole staged
package, with the package's own pyproject.toml: its safe fixes, then ``ruff format``. black runs
in-process (it is a library) last and has the final word. ``ruff format`` is black-compatible and
a hundred times faster, so black mostly meets code it leaves as it is: one black pass instead of
the two black makes over unformatted text (≈ 6 s → 2.5 s of CPU on a 6,600-line steps module).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import black

from .black_cache import format_module, format_modules
from .errors import ExportError

__all__ = [
    "LINE_LENGTH",
    "RUFF_RULES",
    "format_python",
    "format_python_files",
    "ruff_check",
    "ruff_fix",
    "ruff_format",
]

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


def format_python_files(sources: dict[str, str]) -> dict[str, str]:
    """:func:`format_python` of several files (path → source) in one batch."""
    try:
        return format_modules(sources, _MODE)
    except black.InvalidInput as exc:  # pragma: no cover - would mean nbbridge wrote bad Python
        raise ExportError(f"generated code is not valid Python: {exc}") from exc


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


def _scrubbed(text: str, package_root: Path) -> str:
    # ruff names files by absolute path in some errors (a pyproject it cannot parse): the
    # staging folder's path is the server's business, not the user's.
    return text.replace(str(package_root.resolve()), "<package>").replace(
        str(package_root), "<package>"
    )


def ruff_fix(package_root: Path) -> None:
    """Apply ruff's safe fixes (import sorting, unused imports) with the package's settings."""
    _ruff(package_root, "--fix", "--exit-zero")


def ruff_format(package_root: Path) -> None:
    """``ruff format`` over the package: a fast first cut of black's layout (black follows)."""
    done = subprocess.run(
        [_ruff_binary(), "format", "--no-cache", "--quiet", "."],
        cwd=package_root,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:  # pragma: no cover - would mean nbbridge wrote bad Python
        stderr = _scrubbed(done.stderr, package_root)
        raise ExportError(f"ruff format failed on the generated package:\n{stderr}")


def ruff_check(package_root: Path) -> list[str]:
    """What ruff still reports, one ``path:line:col: CODE message`` a line."""
    done = _ruff(package_root)
    if done.returncode == 2:  # ruff itself failed (not: it found something)
        stderr = _scrubbed(done.stderr, package_root)
        raise ExportError(f"ruff could not check the generated package:\n{stderr}")
    return [line for line in done.stdout.splitlines() if line.strip()]

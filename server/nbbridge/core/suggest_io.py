"""Showing and writing a step suggestion: its text for the terminal, the tagged notebook on disk.

The notebook is written as nbformat writes it (sorted keys, one-space indent, UTF-8, newline at
the end) through a temporary file in the same folder renamed over the target, so a reader never
sees half a notebook and a failed write leaves the old file as it was.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .suggest import Suggestion

__all__ = ["read_raw", "render_suggestion", "write_atomically"]


def read_raw(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The notebook file's JSON as stored (read it with :func:`read_notebook` first: this
    assumes it is valid)."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def write_atomically(path: str | os.PathLike[str], nb: dict[str, Any]) -> None:
    """Write notebook JSON to ``path`` (through a symbolic link, to the file it names), keeping
    the permissions of a file it replaces."""
    target = Path(os.path.realpath(path))
    text = json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names) if names else "-"


def render_suggestion(suggestion: Suggestion, notebook: str) -> str:
    """The proposal as text: one block per step, then the problems."""
    level = suggestion.level
    how = f"split at {'#' * level} headings" if level else "nothing to split at"
    lines = [f"Suggested steps for {notebook} ({how}):"]
    width = max((len(s.name) for s in suggestion.steps), default=0)
    for i, step in enumerate(suggestion.steps, 1):
        count = len(step.cell_ids)
        origin = f'from "{step.heading}"' if step.heading else ("new" if step.new else "kept")
        cells = f"{count} cell{'s' if count != 1 else ''}"
        lines.append(f"  {i:>2}. {step.name:<{width}}  {cells:<9} {origin}")
        lines.append(f"      {_names(step.inputs)} -> {_names(step.outputs)}")
    if suggestion.problems:
        lines.append("Problems:")
        for problem in suggestion.problems:
            where = f" (cell {problem.cell_id})" if problem.cell_id else ""
            lines.append(f"  {problem.severity} {problem.code}{where}: {problem.message}")
    return "\n".join(lines)

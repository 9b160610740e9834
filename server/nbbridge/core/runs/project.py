"""The project root of a notebook and nbbridge's state folder in it (DESIGN.md §5).

The root is the notebook's git root, or its own folder outside git; ``.nbbridge/`` there holds
the step cache (and later the tracking store and the jobs database). The folder carries its own
``.gitignore`` (``*``), so it is ignored without editing the project's files.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["StateDirError", "project_root", "state_dir"]

STATE = ".nbbridge"


class StateDirError(OSError):
    """``.nbbridge/`` cannot be created or written; the message names it."""


def project_root(path: Path) -> Path:
    """The git root above ``path`` (a notebook, a package folder or any folder), else its folder."""
    start = path.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():  # a folder, or a file in a worktree or submodule
            return candidate
    return folder


def state_dir(root: Path) -> Path:
    """``ROOT/.nbbridge``, created with its ``.gitignore``; StateDirError when it cannot be."""
    folder = root / STATE
    try:
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            temporary = folder / f".gitignore.{os.getpid()}.tmp"
            temporary.write_text("# nbbridge's local state: never committed\n*\n")
            os.replace(temporary, ignore)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise StateDirError(
            f"{STATE}/ in {root.name or root}: cannot write it ({reason})"
        ) from None
    return folder

"""Opening what a run needs from what the user named: the plan, the cache, the size limit.

The command line (and later the server) calls these; they raise :class:`RunInputError`, whose
message names the option or argument at fault (exit 2 / a 4xx), for input that cannot run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .cache import DEFAULT_MAX_BYTES, StepCache, parse_size
from .package_plan import find_package, plan_package
from .plan import RunPlan, plan_notebook
from .project import StateDirError, project_root, state_dir

__all__ = ["RunInputError", "cache_limit", "open_cache", "open_plan"]

SIZE_VARIABLE = "NBBRIDGE_CACHE_SIZE"


class RunInputError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def open_plan(
    path: Path, label: str, read_notebook: Any, cache: StepCache | None = None
) -> RunPlan:
    """A package folder's plan, or the notebook's (``read_notebook(label)`` reads it); with a
    cache, a notebook's plan is kept there and reused while nothing it depends on changes."""
    if path.is_dir():
        if find_package(path) is None:
            raise RunInputError(f"{label}: a folder, but not an exported package (no src/PKG/)")
        return plan_package(path, label)
    digest = None
    if cache is not None:
        from .plan_store import load_plan, plan_digest

        try:
            digest = plan_digest(path, path.read_bytes())
        except OSError:
            digest = None  # reading it again below says what is wrong
        stored = load_plan(cache.folder / "plans", digest, label) if digest else None
        if stored is not None:
            return stored
    plan = plan_notebook(read_notebook(label), label, path.resolve().parent)
    if cache is not None and digest is not None:
        from .plan_store import save_plan

        save_plan(cache.folder / "plans", digest, plan)
    return plan


def cache_limit(text: str | None = None) -> int:
    """The cache's size limit: ``text``, else $NBBRIDGE_CACHE_SIZE, else 5 GiB."""
    source = text if text is not None else os.environ.get(SIZE_VARIABLE)
    if source is None:
        return DEFAULT_MAX_BYTES
    try:
        return parse_size(source)
    except ValueError as exc:
        what = "--cache-size" if text is not None else SIZE_VARIABLE
        raise RunInputError(f"{what}: {exc}") from None


def open_cache(path: Path, max_bytes: int, create: bool = True) -> tuple[StepCache | None, str]:
    """The project's cache (None and a warning when ``.nbbridge/`` cannot be written)."""
    root = project_root(path)
    if not create:
        return StepCache(root / ".nbbridge" / "cache", max_bytes), ""
    try:
        folder = state_dir(root) / "cache"
        folder.mkdir(exist_ok=True)
        probe = folder / f".probe.{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except (StateDirError, OSError) as exc:
        reason = exc.args[0] if isinstance(exc, StateDirError) else (exc.strerror or str(exc))
        return None, f"the step cache is off: {reason}"
    return StepCache(folder, max_bytes), ""

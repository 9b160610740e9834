"""Export targets by name: ``package`` (the default) and ``dvc``, plus any a plugin registers.

A target is a writer with the signature of :func:`~.exporter.export_package`:
``writer(nb, notebook_label, out_dir, *, package=None, force=False, execute_in=None)`` returning
an :class:`~.exporter.ExportResult`. Targets that add files beside the package (``dvc``) call
``export_package`` themselves, so every target ships the same package. Other distributions add
targets through the ``nbbridge.export_targets`` entry-point group (loaded on first look-up).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

from .errors import ExportError
from .exporter import ExportResult, export_package
from .target_dvc import export_dvc

__all__ = ["DEFAULT", "ENTRY_POINT_GROUP", "Writer", "get", "names", "register"]

DEFAULT = "package"
ENTRY_POINT_GROUP = "nbbridge.export_targets"


class Writer(Protocol):
    def __call__(
        self,
        nb: dict[str, Any],
        notebook: str,
        out_dir: Path,
        *,
        package: str | None = None,
        force: bool = False,
        execute_in: Path | None = None,
    ) -> ExportResult: ...


_TARGETS: dict[str, Callable[..., ExportResult]] = {}
_entry_points_loaded = False


def register(name: str, writer: Writer | Callable[..., ExportResult]) -> None:
    """Make ``writer`` available as ``--target NAME`` (a later registration replaces it)."""
    _TARGETS[name] = writer


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        # Built-in names stay built in: a plugin cannot silently change what `package` writes.
        if entry.name not in _TARGETS:
            _TARGETS[entry.name] = entry.load()


def names() -> list[str]:
    """The registered target names, the default first."""
    _load_entry_points()
    return [DEFAULT, *sorted(n for n in _TARGETS if n != DEFAULT)]


def get(name: str | None) -> Callable[..., ExportResult]:
    """The writer of target ``name`` (None: the default); ExportError naming the known ones."""
    _load_entry_points()
    key = DEFAULT if name is None else name
    if key not in _TARGETS:
        raise ExportError(f"unknown export target {name!r}; choose one of: {', '.join(names())}")
    return _TARGETS[key]


register(DEFAULT, export_package)
register("dvc", export_dvc)

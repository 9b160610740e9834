"""Names of the exported package: chosen by the user or derived from the notebook's file name."""

from __future__ import annotations

import keyword
import re
import sys
from pathlib import PurePath

from .errors import ExportError

__all__ = ["default_package_name", "distribution_name", "check_package_name"]

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def default_package_name(notebook_path: str) -> str:
    """``Iris Pipeline (v2).ipynb`` → ``iris_pipeline_v2``: a lowercase identifier."""
    stem = PurePath(notebook_path).stem or "pipeline"
    name = re.sub(r"[^0-9a-z]+", "_", stem.lower()).strip("_") or "pipeline"
    if name[0].isdigit() or keyword.iskeyword(name) or name in sys.stdlib_module_names:
        name = f"nb_{name}"
    return name


def check_package_name(name: str) -> str:
    """The name itself if usable as an import name; else an ExportError saying why."""
    if not _IDENTIFIER.match(name):
        raise ExportError(
            f"package name {name!r} is not a lowercase Python identifier "
            "(letters, digits and underscores, not starting with a digit)"
        )
    if keyword.iskeyword(name):
        raise ExportError(f"package name {name!r} is a Python keyword")
    if name in sys.stdlib_module_names:
        raise ExportError(f"package name {name!r} would shadow the standard library module")
    return name


def distribution_name(package: str) -> str:
    """The name pip knows it by: ``iris_pipeline`` → ``iris-pipeline``."""
    return package.replace("_", "-")

"""Reading notebooks: from a file or from in-memory JSON, checked against nbformat's schema.

Both entry points return a plain ``dict`` in nbformat 4's in-memory form (multi-line strings
joined) with a deterministic ``id`` on every cell, or raise :class:`NotebookError` naming what is
wrong. Older notebooks (nbformat 1-3) are upgraded in memory by nbformat's own converter, as
JupyterLab does when it opens one. Ids are never random: a cell without one gets
``cell-<index>``, so analysing the same file twice reports the same cell ids.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any

import nbformat

from .errors import NotebookError
from .text import clip

__all__ = ["cell_source", "load_notebook_json", "read_notebook"]

_SUPPORTED_MAJOR = 4


def read_notebook(path: str | os.PathLike[str], label: str | None = None) -> dict[str, Any]:
    """Read and check the ``.ipynb`` file at ``path``; raise :class:`NotebookError` if unusable.

    ``label`` names the file in messages (e.g. its path relative to the server root, so a
    server's absolute paths never reach the user); the path itself by default.
    """
    label = os.fspath(path) if label is None else label
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise NotebookError(f"{label}: no such notebook file") from None
    except IsADirectoryError:
        raise NotebookError(f"{label}: is a directory, not a notebook file") from None
    except UnicodeDecodeError as exc:
        raise NotebookError(f"{label}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise NotebookError(f"{label}: cannot be read ({exc.strerror})") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"{label}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise NotebookError(_too_deep(label)) from None
    return _checked(obj, label)


def _too_deep(label: str) -> str:
    return f"{label}: nested too deeply to be a notebook (hundreds of levels of JSON arrays)"


def _checked(obj: Any, label: str) -> dict[str, Any]:
    # nbformat's schema check (and the converter) recurse into the document: a hostile file
    # nested thousands of levels deep must be refused, not crash with RecursionError.
    try:
        return _normalise(obj, label)
    except RecursionError:
        raise NotebookError(_too_deep(label)) from None


def load_notebook_json(obj: Any, label: str = "notebook") -> dict[str, Any]:
    """Check an in-memory notebook (e.g. JupyterLab's unsaved model) and return a fresh copy.

    The caller's object is never modified.
    """
    try:
        copied = json.loads(json.dumps(obj, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise NotebookError(f"{label}: not JSON data ({clip(str(exc))})") from None
    except RecursionError:
        raise NotebookError(_too_deep(label)) from None
    return _checked(copied, label)


def cell_source(cell: dict[str, Any]) -> str:
    """A cell's source as one string, whether stored joined or as a list of lines."""
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(source)
    return source if isinstance(source, str) else ""


def _normalise(obj: Any, label: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise NotebookError(f"{label}: not a notebook (a JSON object is expected)")
    if "nbformat" not in obj or "cells" not in obj and "worksheets" not in obj:
        raise NotebookError(f"{label}: not a Jupyter notebook (no nbformat or cells field)")
    major = obj["nbformat"]
    if not isinstance(major, int) or isinstance(major, bool):
        raise NotebookError(f"{label}: nbformat must be an integer", field="nbformat")
    if major < _SUPPORTED_MAJOR:
        obj = _upgrade(obj, major, label)
    elif major > _SUPPORTED_MAJOR:
        raise NotebookError(f"{label}: nbformat {major} is newer than 4", field="nbformat")
    cells = obj.get("cells")
    if not isinstance(cells, list):
        raise NotebookError(f"{label}: cells must be a list", field="cells")
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            raise NotebookError(
                f"{label}: cells[{index}] is not an object", field=f"cells[{index}]"
            )
        _rejoin(cell)
    _assign_ids(cells, label)
    minor = obj.get("nbformat_minor")
    if isinstance(minor, int) and not isinstance(minor, bool) and minor < 5:
        # Cell ids arrived with nbformat 4.5; having given every cell one, the notebook is 4.5.
        obj["nbformat_minor"] = 5
    _validate(obj, label)
    return obj


def _upgrade(obj: dict[str, Any], major: int, label: str) -> dict[str, Any]:
    """An older notebook converted in memory by nbformat's own converter, as JupyterLab does
    when it opens one (the file is never rewritten)."""
    if major not in nbformat.versions:
        raise NotebookError(f"{label}: nbformat {major} is not a known version", field="nbformat")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            old = nbformat.versions[major].to_notebook_json(obj, minor=obj.get("nbformat_minor"))
            converted = nbformat.convert(old, _SUPPORTED_MAJOR)
    except Exception as exc:  # nbformat's converters raise whatever they meet
        raise NotebookError(
            f"{label}: nbformat could not convert this nbformat {major} notebook to nbformat 4 "
            f"({type(exc).__name__}: {exc})",
            field="nbformat",
        ) from None
    upgraded: dict[str, Any] = json.loads(json.dumps(converted))
    cells = upgraded.get("cells")
    for cell in cells if isinstance(cells, list) else ():
        if isinstance(cell, dict):
            # The converter gives random ids; ids here are cell-<index>, the same every read.
            cell.pop("id", None)
    return upgraded


def _rejoin(cell: dict[str, Any]) -> None:
    source = cell.get("source")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        cell["source"] = "".join(source)
    for output in cell.get("outputs", ()) if isinstance(cell.get("outputs"), list) else ():
        if not isinstance(output, dict):
            continue
        text = output.get("text")
        if isinstance(text, list) and all(isinstance(line, str) for line in text):
            output["text"] = "".join(text)
        data = output.get("data")
        if isinstance(data, dict):
            for mime, value in list(data.items()):
                joinable = isinstance(value, list) and all(isinstance(v, str) for v in value)
                if joinable and not _is_json_mime(mime):
                    data[mime] = "".join(value)


def _is_json_mime(mime: str) -> bool:
    return mime == "application/json" or (
        mime.startswith("application/") and mime.endswith("+json")
    )


def _assign_ids(cells: list[dict[str, Any]], label: str) -> None:
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if "id" not in cell:
            cell["id"] = f"cell-{index}"
        cell_id = cell["id"]
        if not isinstance(cell_id, str):
            continue  # the schema check below names it
        if cell_id in seen:
            # nbformat would "repair" this with a random id; refuse instead so ids stay stable.
            raise NotebookError(
                f"{label}: cells[{index}] has the cell id {cell_id!r} already used by "
                f"cells[{seen[cell_id]}]; cell ids must be unique",
                field=f"cells[{index}].id",
            )
        seen[cell_id] = index


def _validate(obj: dict[str, Any], label: str) -> None:
    try:
        with warnings.catch_warnings():
            # nbformat warns (and mutates) about ids; ids were made valid and unique above.
            warnings.simplefilter("ignore")
            nbformat.validate(obj)
    except nbformat.ValidationError as exc:
        field = _format_path(getattr(exc, "absolute_path", ()))
        where = f" at {field}" if field else ""
        message = clip(getattr(exc, "message", str(exc)), 300)
        raise NotebookError(
            f"{label}: not a valid nbformat 4 notebook{where}: {message}", field=field or None
        ) from None


def _format_path(path: Any) -> str:
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)

"""The data files a cell reads: string literals and names passed to readers.

``pd.read_csv("data/iris.csv")``, ``np.load(path)``, ``open(p)`` (reading), ``joblib.load(...)``,
``Path("x.json").read_text()``, ``yaml.safe_load(open(...))``: the first argument of a call that
reads a file, when it is a string literal (the path as written) or a plain name (a parameter,
resolved to its value by whoever knows it: its default in the Pipeline JSON, the value of the
run in ``nbbridge run``). A step's data inputs enter its cache key and its run's tags, so a
changed file re-runs the step (marimo's cache misses that). Pure ``ast``; never executes code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

__all__ = ["DataRead", "data_reads", "resolve_reads"]

DataRead = tuple[str, str]  # ("path", "data/iris.csv") or ("name", "data_path")

# Method names of readers whose first argument is the file (pandas, numpy, polars, pyarrow,
# joblib, pickle-likes, PIL, matplotlib, torch...).
_READERS = frozenset(
    {"load", "loadtxt", "genfromtxt", "fromfile", "read_table", "imread", "load_dataset_file"}
)
_PATH_METHODS = frozenset({"read_text", "read_bytes", "open"})
_WRITE_MODES = frozenset("wax+")
_FILE_KEYWORDS = ("filepath_or_buffer", "path", "file", "fname", "filename", "source", "io")


def _reader(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in ("open", "read_csv", "read_parquet", "read_excel", "read_json")
    if isinstance(func, ast.Attribute):
        return func.attr.startswith("read_") or func.attr in _READERS
    return False


def _opened_for_writing(call: ast.Call, mode_at: int = 1) -> bool:
    """Whether ``open(file, mode)`` (``mode_at`` 1) or ``Path(...).open(mode)`` (0) writes."""
    mode = call.args[mode_at] if len(call.args) > mode_at else None
    for keyword in call.keywords:
        if keyword.arg == "mode":
            mode = keyword.value
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str):
        return bool(_WRITE_MODES & set(mode.value))
    return False


def _file_argument(call: ast.Call) -> ast.expr | None:
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    for keyword in call.keywords:
        if keyword.arg in _FILE_KEYWORDS:
            return keyword.value
    return None


def _as_read(node: ast.expr | None) -> DataRead | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        if "://" in node.value or "\n" in node.value:
            return None  # a URL or inline text, not a local file
        return ("path", node.value)
    if isinstance(node, ast.Name):
        return ("name", node.id)
    return None


def data_reads(tree: ast.AST) -> tuple[DataRead, ...]:
    """The files the code in ``tree`` reads, in order of appearance, each once."""
    found: dict[DataRead, None] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        read: DataRead | None = None
        if (  # Path("x").read_text(), pathlib.Path(p).open()
            isinstance(func, ast.Attribute)
            and func.attr in _PATH_METHODS
            and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name | ast.Attribute)
            and (getattr(func.value.func, "id", None) or getattr(func.value.func, "attr", ""))
            == "Path"
        ):
            if not (func.attr == "open" and _opened_for_writing(node, mode_at=0)):
                read = _as_read(_file_argument(func.value))
        elif _reader(func):
            is_open = isinstance(func, ast.Name) and func.id == "open"
            if not (is_open and _opened_for_writing(node)):
                read = _as_read(_file_argument(node))
        if read is not None:
            found[read] = None
    return tuple(found)


def resolve_reads(reads: Iterable[DataRead], values: Mapping[str, object]) -> list[str]:
    """The paths of ``reads``: literals as written, names by their string value in ``values``
    (a parameter's default or a run's value); names with no string value are left out."""
    paths: dict[str, None] = {}
    for kind, value in reads:
        if kind == "path":
            paths[value] = None
        elif isinstance(values.get(value), str) and values[value]:
            paths[str(values[value])] = None
    return list(paths)

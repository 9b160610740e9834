"""black, made affordable for big notebooks: per-function chunks, a disk cache, both cores.

black spends ~5 s on the steps module of a 1,000-cell notebook. Exports are repeated after small
edits, so each top-level function is formatted on its own and the result is cached on disk,
keyed by black's version, its mode and the chunk's text: re-exporting after editing one cell
formats one function. Cold, the chunks are spread over the machine's cores. Joining formatted
top-level chunks with two blank lines is what black itself does between them, so the module is
black-stable (the export tests check it with ``black --check``).
"""

from __future__ import annotations

import ast
import hashlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import black

__all__ = ["cache_dir", "format_module", "format_modules", "split_top_level"]

_PARALLEL_MIN_CHUNKS = 24


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nbbridge" / "black"


def split_top_level(source: str) -> list[str]:
    """The module cut before each top-level function or class (decorators included)."""
    lines = source.splitlines(keepends=True)
    starts = [0]
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            if first > starts[-1]:
                starts.append(first)
    bounds = [*starts, len(lines)]
    return ["".join(lines[a:b]) for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


def _key(chunk: str, mode: black.Mode) -> str:
    digest = hashlib.sha256(f"{black.__version__}\0{mode!r}\0{chunk}".encode())
    return digest.hexdigest()


def _format(args: tuple[str, black.Mode]) -> str:
    chunk, mode = args
    return black.format_str(chunk, mode=mode)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only home only costs speed


def format_modules(sources: dict[str, str], mode: black.Mode) -> dict[str, str]:
    """black's formatting of each module (name → source), chunk by chunk, through the cache.

    The chunks of all the modules form one batch, so one pool serves the whole package.
    """
    where = cache_dir()
    chunks: dict[str, list[str]] = {}
    for name, source in sources.items():
        # Each chunk as black would leave it around it (no blank lines at either end): text
        # that is already formatted then costs black one pass, not two.
        chunks[name] = [c.strip("\n") + "\n" for c in split_top_level(source) if c.strip()]
    every = [chunk for name in sources for chunk in chunks[name]]
    paths = [where / key[:2] / key for key in (_key(chunk, mode) for chunk in every)]
    done = [_read(path) for path in paths]
    missing = [i for i, text in enumerate(done) if text is None]
    jobs = [(every[i], mode) for i in missing]
    if len(jobs) >= _PARALLEL_MIN_CHUNKS and (os.cpu_count() or 1) > 1:
        # fork: the children already have black imported; nothing else runs in them.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=context) as pool:
            formatted = list(pool.map(_format, jobs, chunksize=max(1, len(jobs) // 16)))
    else:
        formatted = [_format(job) for job in jobs]
    for i, text in zip(missing, formatted, strict=True):
        done[i] = text
        _write(paths[i], text)
    result: dict[str, str] = {}
    position = 0
    for name in sources:
        mine = done[position : position + len(chunks[name])]
        position += len(chunks[name])
        result[name] = "\n\n\n".join(text.strip("\n") for text in mine if text) + "\n"
    return result


def format_module(source: str, mode: black.Mode) -> str:
    """black's formatting of one module; see :func:`format_modules`."""
    return format_modules({"": source}, mode)[""]

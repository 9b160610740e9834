"""Cache keys of steps: what a step's result depends on, hashed.

A step's key covers its code (normalised: ``ast.dump`` of the parsed function, so comments and
layout do not count), the keys of the steps it reads from, the values of the parameters it
reads (each hashed with its type: ``1``, ``1.0``, ``True`` and ``"1"`` are four keys, the bug
Hamilton had), the content of the data files it reads (never their names or times alone: the
bug marimo has), the versions of Python and of the distributions it imports, and the hidden
state earlier steps leave behind (see :mod:`.hidden_state`).

Data inputs: the files the analysis sees a step read (:mod:`nbbridge.core.data_inputs`; a
parameter naming a file at the run's value), its string literals that name an existing file,
and whatever a hook adds (:func:`register_data_inputs`).
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import json
import math
import os
import sys
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "code_digest",
    "data_inputs",
    "file_digest",
    "load_digest_memo",
    "register_data_inputs",
    "save_digest_memo",
    "step_key",
    "value_digest",
    "versions",
]

KEY_VERSION = "nbbridge-step-key-1"  # bump when the key's recipe changes: old entries miss


def _hasher() -> Any:
    return hashlib.blake2b(digest_size=20)


@functools.lru_cache(maxsize=4096)
def code_digest(code: str) -> str:
    """The code's syntax tree, without positions or comments, hashed."""
    tree = ast.parse(code)
    return hashlib.blake2b(ast.dump(tree).encode(), digest_size=20).hexdigest()


def _encode(value: Any, out: list[bytes], depth: int = 0) -> None:
    """A type-tagged, unambiguous encoding of a parameter value (JSON-like literals)."""
    if depth > 100:
        raise ValueError("value nested too deeply to hash")
    kind = type(value)
    tag = f"{kind.__module__}.{kind.__qualname__}".encode()
    if value is None or isinstance(value, bool | int | str | bytes):
        data = value if isinstance(value, bytes) else repr(value).encode()
        out.append(b"%s:%d:%s;" % (tag, len(data), data))
    elif isinstance(value, float):
        # repr keeps every bit; -0.0 and nan are told apart from 0.0 and each other's kin
        text = "nan" if math.isnan(value) else repr(value)
        out.append(b"%s:%s;" % (tag, text.encode()))
    elif isinstance(value, list | tuple):
        out.append(b"%s[%d" % (tag, len(value)))
        for item in value:
            _encode(item, out, depth + 1)
        out.append(b"]")
    elif isinstance(value, dict):
        out.append(b"%s{%d" % (tag, len(value)))
        for key in sorted(value, key=repr):
            _encode(key, out, depth + 1)
            _encode(value[key], out, depth + 1)
        out.append(b"}")
    else:
        raise TypeError(f"cannot hash a parameter of type {kind.__name__}")


def value_digest(value: Any) -> str:
    """A digest of a parameter value that differs whenever its type or value differs."""
    parts: list[bytes] = []
    _encode(value, parts)
    return hashlib.blake2b(b"".join(parts), digest_size=20).hexdigest()


# (path, size, mtime_ns, inode) -> content digest: a file is read again only once it changed.
_FILE_DIGESTS: dict[tuple[str, int, int, int], str] = {}


def file_digest(path: Path) -> str:
    """The digest of a file's content (``missing`` when there is none)."""
    try:
        info = os.stat(path)
    except OSError:
        return "missing"
    stamp = (str(path), info.st_size, info.st_mtime_ns, info.st_ino)
    known = _FILE_DIGESTS.get(stamp)
    if known is not None:
        return known
    digest = _hasher()
    try:
        with open(path, "rb") as data:
            for block in iter(functools.partial(data.read, 1 << 20), b""):
                digest.update(block)
    except OSError:
        return "unreadable"
    _FILE_DIGESTS[stamp] = found = digest.hexdigest()
    return found


def load_digest_memo(path: Path) -> None:
    """Seed the digests of unchanged files from ``path`` (kept by :func:`save_digest_memo`), so
    that a run with nothing changed does not read a large data file again (as DVC does)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        for row in stored:
            name, size, mtime, inode, digest = row
            _FILE_DIGESTS[(str(name), int(size), int(mtime), int(inode))] = str(digest)
    except (OSError, ValueError, TypeError):
        pass  # no memo, or a broken one: files are read again


def save_digest_memo(path: Path, limit: int = 10_000) -> None:
    """Keep the digests known now (the last ``limit``), atomically; a failure costs only time."""
    rows = [[*stamp, digest] for stamp, digest in list(_FILE_DIGESTS.items())[-limit:]]
    try:
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(rows), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


DataInputs = Callable[[str, Path], list[Path]]
_DATA_HOOKS: list[DataInputs] = []


def register_data_inputs(hook: DataInputs) -> None:
    """Add ``hook(step_code, folder) -> files the step reads``; every hook's files count."""
    _DATA_HOOKS.append(hook)


def _literal_files(code: str, folder: Path) -> list[Path]:
    """String literals of the step that name an existing file (relative to the folder it runs
    in): a conservative stand-in until the analysis recognises data inputs."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if 0 < len(text) < 1024 and "\n" not in text and "\0" not in text:
                path = folder / text
                try:
                    if path.is_file():
                        found.append(path)
                except OSError:
                    continue
    return found


def _read_files(code: str, folder: Path, values: dict[str, Any]) -> list[Path]:
    """Files the analysis sees the code read (``pd.read_csv(path)``...), a parameter naming
    one taken at this run's value."""
    from ..data_inputs import data_reads, resolve_reads

    found = []
    for text in resolve_reads(data_reads(ast.parse(code)), values):
        path = folder / text
        with contextlib.suppress(OSError, ValueError):
            if path.is_file():
                found.append(path)
    return found


def data_inputs(code: str, folder: Path, values: dict[str, Any] | None = None) -> list[Path]:
    """The files a step reads (``values``: the parameters it is given), sorted, once each."""
    files = set(_literal_files(code, folder)) | set(_read_files(code, folder, values or {}))
    for hook in _DATA_HOOKS:
        files.update(hook(code, folder))
    return sorted(files)


@functools.cache
def _distribution_version(module: str) -> str | None:
    from ..export.dependencies import resolve_dependencies

    requirements = resolve_dependencies([module]).requirements
    if not requirements:
        return None
    name = requirements[0].split(">=")[0]
    try:
        return f"{name}=={metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return None


def versions(modules: Iterable[str]) -> list[str]:
    """``python==X`` and ``dist==version`` of each non-stdlib module imported (sorted)."""
    found = {f"python=={sys.version.split()[0]}"}
    for top in {m.split(".")[0] for m in modules} - set(sys.stdlib_module_names):
        version = _distribution_version(top)
        found.add(version or f"{top}==unknown")
    return sorted(found)


def step_key(parts: dict[str, Any]) -> str:
    """The key of a step from its named parts (each a str, or a list/dict of them)."""
    parts = {"recipe": KEY_VERSION, **parts}
    encoded: list[bytes] = []
    _encode(parts, encoded)
    return hashlib.blake2b(b"".join(encoded), digest_size=20).hexdigest()

"""Storing step outputs: one serializer per kind of value, chosen by type.

numpy arrays as ``.npy`` (no pickle inside), pandas frames and series as parquet when pyarrow
is installed (else pickle), scikit-learn-style estimators with joblib, anything else with
pickle, and with cloudpickle when pickle cannot (functions and classes defined in a step).
The type is told by its module name, so choosing never imports numpy, pandas or sklearn.

A value none of them can store raises :class:`Unstorable`; the runner then warns, naming the
output and its step, and that step runs every time.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SERIALIZERS", "Serializer", "Unstorable", "choose", "dump", "load"]


class Unstorable(Exception):
    """The value cannot be written by any serializer (a generator, an open file, a lock...);
    ``output`` names it once the cache knows which output it was."""

    def __init__(self, reason: str, output: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.output = output


@dataclass(frozen=True)
class Serializer:
    name: str
    suffix: str
    write: Callable[[Any, Path], None]
    read: Callable[[Path], Any]


def _module_of(value: Any) -> str:
    return type(value).__module__ or ""


def _mro_modules(value: Any) -> set[str]:
    return {(k.__module__ or "").split(".")[0] for k in type(value).__mro__}


@functools.cache
def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _pickle_write(value: Any, path: Path) -> None:
    with open(path, "wb") as out:
        pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)


def _pickle_read(path: Path) -> Any:
    with open(path, "rb") as data:
        return pickle.load(data)  # noqa: S301 - our own cache, written by this project


def _cloudpickle_write(value: Any, path: Path) -> None:
    import cloudpickle

    with open(path, "wb") as out:
        cloudpickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)


def _npy_write(value: Any, path: Path) -> None:
    import numpy

    with open(path, "wb") as out:
        numpy.save(out, value, allow_pickle=False)


def _npy_read(path: Path) -> Any:
    import numpy

    return numpy.load(path, allow_pickle=False)


def _parquet_write(value: Any, path: Path) -> None:
    value.to_parquet(path)


def _parquet_read(path: Path) -> Any:
    import pandas

    return pandas.read_parquet(path)


def _joblib_write(value: Any, path: Path) -> None:
    import joblib

    joblib.dump(value, path)


def _joblib_read(path: Path) -> Any:
    import joblib

    return joblib.load(path)


SERIALIZERS = {
    s.name: s
    for s in (
        Serializer("npy", ".npy", _npy_write, _npy_read),
        Serializer("parquet", ".parquet", _parquet_write, _parquet_read),
        Serializer("joblib", ".joblib", _joblib_write, _joblib_read),
        Serializer("pickle", ".pkl", _pickle_write, _pickle_read),
        Serializer("cloudpickle", ".pkl", _cloudpickle_write, _pickle_read),
    )
}


def choose(value: Any) -> list[str]:
    """Serializer names to try for ``value``, best first."""
    module = _module_of(value)
    names: list[str] = []
    if module == "numpy" and type(value).__name__ == "ndarray" and value.dtype.kind not in "OV":
        names.append("npy")
    elif module.startswith("pandas") and type(value).__name__ == "DataFrame" and _has("pyarrow"):
        # parquet keeps frames whose columns are strings; others fall through to pickle
        if all(isinstance(c, str) for c in value.columns) and value.columns.is_unique:
            names.append("parquet")
    elif "sklearn" in _mro_modules(value) and _has("joblib"):
        names.append("joblib")
    names.append("pickle")
    if _has("cloudpickle"):
        names.append("cloudpickle")
    return names


def dump(value: Any, folder: Path, stem: str) -> tuple[str, str]:
    """Write ``value`` as ``folder/stem+suffix``; (serializer name, file name). Unstorable if no
    serializer can, or what one wrote does not read back as the same kind of value."""
    errors = []
    for name in choose(value):
        serializer = SERIALIZERS[name]
        path = folder / f"{stem}{serializer.suffix}"
        try:
            serializer.write(value, path)
            if name == "parquet" and not _round_trips(value, path):
                raise ValueError("parquet changes this frame's dtypes or index")
            return name, path.name
        except Exception as exc:  # noqa: BLE001 - any failure means: try the next one
            errors.append(f"{name}: {type(exc).__name__}: {exc}"[:200])
            path.unlink(missing_ok=True)
    raise Unstorable("; ".join(errors))


def _round_trips(frame: Any, path: Path) -> bool:
    try:
        return bool(frame.equals(_parquet_read(path))) and frame.dtypes.equals(
            _parquet_read(path).dtypes
        )
    except Exception:  # noqa: BLE001
        return False


def load(name: str, path: Path) -> Any:
    """Read what ``dump`` wrote with serializer ``name``."""
    return SERIALIZERS[name].read(path)


def dumps_pickle(value: Any) -> bytes:
    """Small values kept inside an entry's metadata (random states): pickle bytes."""
    buffer = io.BytesIO()
    pickle.dump(value, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return buffer.getvalue()

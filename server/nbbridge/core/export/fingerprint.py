"""Fingerprints of step outputs: what a golden test compares, without storing the data itself.

This module is self-contained on purpose (standard library only, duck-typed for numpy and pandas):
its source is copied verbatim into every exported package's tests, and the recorder that runs in
the notebook's kernel uses the same text, so the notebook and the package are fingerprinted by one
and the same code.

A fingerprint is a JSON-able dict. ``type`` is always there; the rest depends on the value:
exact values for small scalars and strings, shape/dtype/columns and rounded sums for arrays and
frames, lengths (and element fingerprints when short) for containers.
"""

from __future__ import annotations

import math

__all__ = ["fingerprint", "mismatches", "stable_part"]

_SMALL_STR = 200
_SMALL_CONTAINER = 20
_DIGITS = 6  # significant digits kept of a number: tolerant of float noise, not of changes


def _round(x: float) -> float | str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return float(f"{x:.{_DIGITS}g}")


def _type_name(value: object) -> str:
    cls = type(value)
    module = cls.__module__
    return (
        cls.__qualname__ if module == "builtins" else f"{module.split('.')[0]}.{cls.__qualname__}"
    )


def _numeric_summary(values: object) -> dict[str, object]:
    """Rounded sum and mean of a numeric array-like (numpy / pandas); empty when not numeric."""
    try:
        total = float(values.sum())  # type: ignore[attr-defined]
        count = int(values.size)  # type: ignore[attr-defined]
    except (TypeError, ValueError, AttributeError):
        return {}
    if count == 0:
        return {"sum": 0.0}
    return {"sum": _round(total), "mean": _round(total / count)}


def fingerprint(value: object) -> dict[str, object]:
    """A comparable description of ``value`` (see the module docstring)."""
    result: dict[str, object] = {"type": _type_name(value)}
    if value is None or isinstance(value, bool):
        result["value"] = value
    elif isinstance(value, int):
        result["value"] = value if abs(value) < 2**53 else _round(float(value))
    elif isinstance(value, float):
        result["value"] = _round(value)
    elif isinstance(value, str):
        if len(value) <= _SMALL_STR:
            result["value"] = value
        else:
            result["len"] = len(value)
    elif hasattr(value, "shape") and hasattr(value, "dtype"):  # numpy array, pandas Series
        result["shape"] = list(value.shape)
        result["dtype"] = str(value.dtype)
        if str(value.dtype)[:1] in "iufb":
            result.update(_numeric_summary(value))
    elif hasattr(value, "shape") and hasattr(value, "columns") and hasattr(value, "dtypes"):
        result["shape"] = list(value.shape)
        result["columns"] = [str(c) for c in value.columns]
        result["dtypes"] = [str(d) for d in value.dtypes]
        numeric = value.select_dtypes("number") if hasattr(value, "select_dtypes") else None
        if numeric is not None and numeric.shape[1]:
            result.update(_numeric_summary(numeric.to_numpy()))
    elif isinstance(value, list | tuple | set | frozenset):
        result["len"] = len(value)
        if len(value) <= _SMALL_CONTAINER and not isinstance(value, set | frozenset):
            result["items"] = [fingerprint(item) for item in value]
    elif isinstance(value, dict):
        result["len"] = len(value)
        if len(value) <= _SMALL_CONTAINER and all(isinstance(k, str) for k in value):
            result["items"] = {k: fingerprint(v) for k, v in sorted(value.items())}
    return result


def stable_part(first: dict[str, object], second: dict[str, object]) -> dict[str, object]:
    """The fields two fingerprints of the same output agree on (unseeded randomness drops out)."""
    stable: dict[str, object] = {}
    for key, value in first.items():
        if key not in second:
            continue
        other = second[key]
        if key == "items" and isinstance(value, dict) and isinstance(other, dict):
            stable[key] = {
                k: stable_part(v, other[k]) for k, v in value.items() if k in other
            }  # type: ignore[arg-type]
        elif key == "items" and isinstance(value, list) and isinstance(other, list):
            if len(value) == len(other):
                stable[key] = [stable_part(a, b) for a, b in zip(value, other, strict=True)]
        elif value == other:
            stable[key] = value
    return stable


def mismatches(expected: dict[str, object], actual: dict[str, object], path: str = "") -> list[str]:
    """Human-readable differences where ``actual`` departs from the ``expected`` (golden) fields."""
    found: list[str] = []
    for key, want in expected.items():
        where = f"{path}.{key}" if path else key
        got = actual.get(key, "<missing>")
        if key == "items" and isinstance(want, dict) and isinstance(got, dict):
            for k, v in want.items():
                found += mismatches(v, got.get(k, {}), f"{where}[{k!r}]")  # type: ignore[arg-type]
        elif key == "items" and isinstance(want, list) and isinstance(got, list):
            if len(want) != len(got):
                found.append(f"{where}: expected {len(want)} items, got {len(got)}")
            else:
                for i, (w, g) in enumerate(zip(want, got, strict=True)):
                    found += mismatches(w, g, f"{where}[{i}]")  # type: ignore[arg-type]
        elif key == "type" and isinstance(want, str) and want.startswith("__main__."):
            # A class the notebook defines is __main__'s in the kernel, the package's (a step
            # function's local, or lib's) once exported: the class's own name must match.
            if not isinstance(got, str) or got.rsplit(".", 1)[-1] != want.rsplit(".", 1)[-1]:
                found.append(f"{where}: expected {want!r}, got {got!r}")
        elif isinstance(want, float) and isinstance(got, float):
            if not math.isclose(want, got, rel_tol=1e-5, abs_tol=1e-12):
                found.append(f"{where}: expected {want!r}, got {got!r}")
        elif want != got:
            found.append(f"{where}: expected {want!r}, got {got!r}")
    return found

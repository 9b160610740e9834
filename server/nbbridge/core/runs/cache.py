"""The step cache: one folder per key under ``.nbbridge/cache/entries/``.

An entry holds each output in the format its type calls for (see :mod:`.serializers`), the
random states at the step's end, and ``meta.json`` (what the step printed, its metrics, and
each file's size and digest). It is written in ``cache/tmp/`` and renamed into place, so a
reader sees a whole entry or none, whatever interrupts the writer; two runs writing one key
keep the first. A missing file, a wrong size or digest, or a file that does not read back
makes :class:`CorruptEntry`, never a crash: the caller recomputes the step.

Least-recently-used entries are evicted past a size limit (5 GiB by default,
``NBBRIDGE_CACHE_SIZE``); using an entry refreshes its time. Pure: no kernel, no server; the
kernel magics read entries through :meth:`StepCache.load`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import serializers

__all__ = ["DEFAULT_MAX_BYTES", "CacheEntry", "CorruptEntry", "StepCache", "parse_size"]

DEFAULT_MAX_BYTES = 5 * 1024**3
_KEY = re.compile(r"^[0-9a-f]{40}$")
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2}
_UNITS |= {"mib": 1024**2, "g": 1000**3, "gb": 1000**3, "gib": 1024**3, "t": 1000**4}
_UNITS |= {"tb": 1000**4, "tib": 1024**4}


class CorruptEntry(Exception):
    """An entry that cannot be read back whole; the message says what is wrong."""


def parse_size(text: str) -> int:
    """``5GiB``, ``500MB``, ``1e9`` → bytes; ValueError otherwise."""
    match = re.fullmatch(r"\s*([0-9.eE+]+)\s*([a-zA-Z]*)\s*", text)
    unit = match[2].lower() if match else None
    if match is None or unit not in _UNITS:
        raise ValueError(f"not a size: {text[:40]!r} (e.g. 5GiB, 500MB)")
    value = float(match[1]) * _UNITS[unit]
    if not value >= 0:
        raise ValueError(f"not a size: {text[:40]!r}")
    return int(value)


@dataclass(frozen=True)
class CacheEntry:
    key: str
    step: str
    notebook: str
    size: int
    last_used: float
    outputs: tuple[str, ...]
    path: str = ""  # the notebook's absolute path when it ran


def _digest(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _shared_objects(values: dict[str, Any]) -> bool:
    """Whether two outputs are, or hold, one object: they are then stored as one bundle, so
    that a change through one is seen through the other after loading, as in a full run."""
    from .aliasing import reachable

    seen: dict[int, str] = {}
    for name, value in values.items():
        for ident in reachable(value):
            if seen.setdefault(ident, name) != name:
                return True
    return False


class StepCache:
    """The cache folder of one project (``ROOT/.nbbridge/cache``)."""

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.entries_dir = folder / "entries"
        self.tmp_dir = folder / "tmp"

    def _entry(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"not a cache key: {key[:60]!r}")
        return self.entries_dir / key

    def meta(self, key: str) -> dict[str, Any] | None:
        """The entry's metadata; None when there is no entry; CorruptEntry when it is broken."""
        path = self._entry(key) / "meta.json"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CorruptEntry(f"meta.json cannot be read ({exc.strerror})") from None
        try:
            meta = json.loads(text)
            if not isinstance(meta, dict) or meta.get("key") != key:
                raise ValueError("not this entry's metadata")
            for field in ("outputs", "stdout", "step"):
                if field not in meta:
                    raise ValueError(f"no {field}")
        except ValueError as exc:
            raise CorruptEntry(f"meta.json is not valid ({exc})") from None
        return meta

    def _checked_file(self, key: str, record: dict[str, Any]) -> Path:
        path = self._entry(key) / str(record.get("file", ""))
        try:
            size = path.stat().st_size
        except OSError:
            raise CorruptEntry(f"{record.get('file')!s:.60} is missing") from None
        if size != record.get("size"):
            raise CorruptEntry(f"{path.name} has {size} bytes, {record.get('size')} were written")
        if _digest(path) != record.get("digest"):
            raise CorruptEntry(f"{path.name} does not have the content that was written")
        return path

    def load(self, key: str, meta: dict[str, Any]) -> dict[str, Any]:
        """Every output of the entry by name; CorruptEntry when one cannot be read back."""
        outputs = meta["outputs"]
        try:
            if "bundle" in meta:
                path = self._checked_file(key, meta["bundle"])
                values = serializers.load(meta["bundle"]["serializer"], path)
                if not isinstance(values, dict) or set(values) != set(outputs):
                    raise CorruptEntry("the bundle does not hold the outputs recorded")
            else:
                values = {
                    name: serializers.load(record["serializer"], self._checked_file(key, record))
                    for name, record in outputs.items()
                }
        except CorruptEntry:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure to read back is a broken entry
            raise CorruptEntry(f"an output does not read back ({type(exc).__name__})") from None
        self.touch(key)
        return values

    def random_state(self, key: str, meta: dict[str, Any]) -> dict[str, Any]:
        record = meta.get("random")
        if record is None:
            return {}
        try:
            return serializers.load("pickle", self._checked_file(key, record))
        except CorruptEntry:
            raise
        except Exception as exc:  # noqa: BLE001
            raise CorruptEntry(
                f"the random states do not read back ({type(exc).__name__})"
            ) from None

    def touch(self, key: str) -> None:
        """Mark the entry as just used (least-recently-used eviction goes by this time)."""
        with contextlib.suppress(OSError):
            os.utime(self._entry(key) / "meta.json")

    def store(
        self,
        key: str,
        meta: dict[str, Any],
        outputs: dict[str, Any],
        random_state: dict[str, Any],
    ) -> None:
        """Write an entry atomically. serializers.Unstorable names an output no serializer
        takes (nothing is written); OSError when the folder cannot be written."""
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        self.entries_dir.mkdir(parents=True, exist_ok=True)
        staging = self.tmp_dir / f"{key}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        staging.mkdir()
        try:
            record = dict(meta, key=key, outputs={})
            if len(outputs) > 1 and _shared_objects(outputs):
                record["bundle"] = self._write(staging, "bundle", dict(outputs), bundle=True)
                record["outputs"] = {name: {} for name in outputs}
            else:
                for index, (name, value) in enumerate(outputs.items()):
                    try:
                        record["outputs"][name] = self._write(staging, f"out{index}", value)
                    except serializers.Unstorable as exc:
                        raise serializers.Unstorable(exc.reason, name) from None
            record["random"] = self._write(staging, "random", random_state, bundle=True)
            record["size"] = sum(p.stat().st_size for p in staging.iterdir())
            (staging / "meta.json").write_text(json.dumps(record), encoding="utf-8")
            try:
                os.rename(staging, self._entry(key))
            except OSError:
                if self._whole(key):
                    return  # another run stored this key first: same inputs, keep theirs
                self.discard(key)  # a broken entry is in the way: replace it
                os.rename(staging, self._entry(key))
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _whole(self, key: str) -> bool:
        try:
            return self.meta(key) is not None
        except CorruptEntry:
            return False

    def _write(self, folder: Path, stem: str, value: Any, bundle: bool = False) -> dict[str, Any]:
        if bundle:
            try:
                name, file = "pickle", f"{stem}.pkl"
                serializers.SERIALIZERS["pickle"].write(value, folder / file)
            except Exception:  # noqa: BLE001 - functions and classes of the step: cloudpickle
                name, file = serializers.dump(value, folder, stem)
        else:
            name, file = serializers.dump(value, folder, stem)
        path = folder / file
        return {
            "serializer": name,
            "file": file,
            "size": path.stat().st_size,
            "digest": _digest(path),
        }

    def discard(self, key: str) -> None:
        """Remove an entry (a broken one, or one being evicted); readers see it whole or gone."""
        entry = self._entry(key)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        trash = self.tmp_dir / f"trash-{key}.{uuid.uuid4().hex[:8]}"
        try:
            os.rename(entry, trash)
        except OSError:
            return
        shutil.rmtree(trash, ignore_errors=True)

    def entries(self) -> list[CacheEntry]:
        """Every readable entry, least recently used first."""
        found = []
        try:
            names = os.listdir(self.entries_dir)
        except OSError:
            return []
        for name in names:
            if not _KEY.match(name):
                continue
            try:
                meta = self.meta(name)
                used = (self._entry(name) / "meta.json").stat().st_mtime
            except (CorruptEntry, OSError):
                continue
            if meta is not None:
                outputs = tuple(meta["outputs"])
                step, notebook = str(meta["step"]), str(meta.get("notebook", ""))
                size, path = int(meta.get("size", 0)), str(meta.get("path", ""))
                found.append(CacheEntry(name, step, notebook, size, used, outputs, path))
        return sorted(found, key=lambda e: e.last_used)

    def latest(self, path: Path) -> dict[str, CacheEntry]:
        """The most recently used entry of each step of the notebook at ``path`` (what the
        kernel magics load back after a restart)."""
        wanted = str(path.resolve())
        return {e.step: e for e in self.entries() if e.path == wanted}

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def clear(self, step: str | None = None) -> list[CacheEntry]:
        """Remove every entry (of ``step`` only, if given); the removed ones."""
        if not self.folder.is_dir():
            return []  # nothing cached: create nothing (a bare .nbbridge/ would show in git)
        with self._locked():
            removed = [e for e in self.entries() if step is None or e.step == step]
            for entry in removed:
                self.discard(entry.key)
            if step is None:  # stored run plans go with everything else
                shutil.rmtree(self.folder / "plans", ignore_errors=True)
            self._sweep_tmp()
        return removed

    def evict(self, keep: set[str] | None = None) -> list[CacheEntry]:
        """Remove least-recently-used entries until the cache fits its limit (``keep``: keys
        the current run uses, evicted last)."""
        keep = keep or set()
        with self._locked():
            entries = self.entries()
            total = sum(e.size for e in entries)
            removed = []
            for entry in sorted(entries, key=lambda e: (e.key in keep, e.last_used)):
                if total <= self.max_bytes:
                    break
                self.discard(entry.key)
                total -= entry.size
                removed.append(entry)
            self._sweep_tmp()
        return removed

    def _sweep_tmp(self, older_than: float = 3600.0) -> None:
        """Staging folders a killed run left behind (an hour old: no writer is still at it)."""
        with contextlib.suppress(OSError):
            for path in self.tmp_dir.iterdir():
                with contextlib.suppress(OSError):
                    if time.time() - path.stat().st_mtime > older_than:
                        shutil.rmtree(path, ignore_errors=True)

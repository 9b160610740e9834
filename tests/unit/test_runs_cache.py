"""The step cache on disk: serializers by type, atomic entries, broken entries, eviction."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy
import pandas
import pytest
from sklearn.linear_model import LinearRegression

from nbbridge.core.runs.aliasing import reachable, shares
from nbbridge.core.runs.cache import CorruptEntry, StepCache, parse_size
from nbbridge.core.runs.serializers import Unstorable, choose

KEY = "a" * 40


def _store(cache: StepCache, key: str, outputs: dict, step: str = "s") -> dict:
    cache.store(key, {"step": step, "stdout": "printed\n"}, outputs, {"random": (3, (1,), None)})
    meta = cache.meta(key)
    assert meta is not None
    return meta


def test_each_kind_of_value_gets_its_serializer_and_reads_back(tmp_path: Path) -> None:
    cache = StepCache(tmp_path)

    def local_function(v: int) -> int:
        return v + 1

    class Local:
        def __init__(self) -> None:
            self.v = 3

    values = {
        "array": numpy.arange(6).reshape(2, 3),
        "frame": pandas.DataFrame({"a": [1, 2], "b": ["x", "y"]}),
        "model": LinearRegression().fit([[0], [1]], [0, 1]),
        "plain": {"k": [1, 2]},
        "function": local_function,
        "instance": Local(),
    }
    meta = _store(cache, KEY, values)
    kinds = {name: record["serializer"] for name, record in meta["outputs"].items()}
    assert kinds["array"] == "npy" and kinds["model"] == "joblib" and kinds["plain"] == "pickle"
    assert kinds["function"] == kinds["instance"] == "cloudpickle"
    assert kinds["frame"] in ("parquet", "pickle")  # parquet when pyarrow is installed
    back = cache.load(KEY, meta)
    assert (back["array"] == values["array"]).all() and back["array"].shape == (2, 3)
    assert back["frame"].equals(values["frame"])
    assert back["model"].predict([[2]])[0] == pytest.approx(2.0)
    assert back["function"](1) == 2 and back["instance"].v == 3
    assert cache.random_state(KEY, meta) == {"random": (3, (1,), None)}


def test_object_arrays_are_not_stored_as_npy() -> None:
    assert choose(numpy.array([{"a": 1}], dtype=object))[0] == "pickle"


def test_an_unstorable_output_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    cache = StepCache(tmp_path)
    with pytest.raises(Unstorable) as refused:
        cache.store(KEY, {"step": "s", "stdout": ""}, {"ok": 1, "gen": (i for i in range(2))}, {})
    assert refused.value.output == "gen"
    assert cache.meta(KEY) is None and list((tmp_path / "tmp").iterdir()) == []


def test_outputs_sharing_an_object_are_stored_together(tmp_path: Path) -> None:
    cache = StepCache(tmp_path)
    xs = [1]
    meta = _store(cache, KEY, {"xs": xs, "view": xs, "box": {"inner": xs}})
    back = cache.load(KEY, meta)
    back["view"].append(2)
    assert back["xs"] == [1, 2] and back["box"]["inner"] is back["xs"]


@pytest.mark.parametrize("damage", ["truncate", "flip", "remove", "meta"])
def test_a_broken_entry_is_reported_never_read_wrong(tmp_path: Path, damage: str) -> None:
    cache = StepCache(tmp_path)
    meta = _store(cache, KEY, {"array": numpy.arange(1000)})
    entry = tmp_path / "entries" / KEY
    data = entry / meta["outputs"]["array"]["file"]
    if damage == "truncate":
        data.write_bytes(data.read_bytes()[:100])
    elif damage == "flip":
        raw = bytearray(data.read_bytes())
        raw[-1] ^= 0xFF
        data.write_bytes(bytes(raw))
    elif damage == "remove":
        data.unlink()
    else:
        (entry / "meta.json").write_text(json.dumps({"key": KEY}))
    with pytest.raises(CorruptEntry):
        meta = cache.meta(KEY) or {}
        cache.load(KEY, meta)


def test_least_recently_used_entries_are_evicted_past_the_limit(tmp_path: Path) -> None:
    cache = StepCache(tmp_path, max_bytes=10**9)
    keys = [c * 40 for c in "bcd"]
    for index, key in enumerate(keys):
        _store(cache, key, {"array": numpy.zeros(20_000)}, step=f"s{index}")
        os.utime(tmp_path / "entries" / key / "meta.json", (time.time() - 100 + index,) * 2)
    cache.touch(keys[0])  # the oldest is used again: now the newest
    size = max(e.size for e in cache.entries())
    cache.max_bytes = 2 * size
    removed = cache.evict()
    assert [e.key for e in removed] == [keys[1]]
    assert {e.key for e in cache.entries()} == {keys[0], keys[2]}
    assert [e.key for e in cache.clear(step="s2")] == [keys[2]]


def test_sizes_parse() -> None:
    assert parse_size("5GiB") == 5 * 1024**3 and parse_size("500MB") == 500_000_000
    assert parse_size("1e3") == 1000
    with pytest.raises(ValueError):
        parse_size("lots")


def test_sharing_is_seen_through_containers_instances_and_closures() -> None:
    xs = [1]

    class Box:
        def __init__(self) -> None:
            self.items = xs

    def adder(v: int) -> None:
        xs.append(v)

    for holder in ({"k": xs}, (xs,), Box(), adder):
        assert shares(reachable(holder), reachable(xs)), holder
    assert not shares(reachable([1]), reachable(xs))
    assert not shares(reachable((1, "a")), reachable((1, "a")))


def test_clearing_a_cache_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    assert StepCache(tmp_path / ".nbbridge" / "cache").clear() == []
    assert list(tmp_path.iterdir()) == []

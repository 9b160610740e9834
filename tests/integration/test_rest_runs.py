"""``/nbbridge/runs`` against real stores: the embedded sqlite one and a real ``mlflow server``.

252 runs are written once per store (module scope): 250 plain ones (every tenth FAILED) and
two with a step's code, data versions, a figure and a per-epoch metric. Pages are read through
the REST API as the panel reads them: paged, sorted, filtered, one run, compare, history, and
bad input answered 4xx naming its field.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import nbformat
import pytest
from tracking_seed import BASE_MS, seed_runs

from nbbridge.core.tracking.mlflow_backend import RUN_ID_TAG
from nbbridge.core.tracking.outbox import Outbox
from nbbridge.core.tracking.record import RunRecord

pytestmark = pytest.mark.timeout(600)

PLAIN = 250
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
CODE_A = "def train(data):\n    model = fit(data, depth=3)\n    return model\n"
CODE_B = "def train(data):\n    model = fit(data, depth=5)\n    return model\n"


def special(index: int) -> dict[str, Any]:
    if index < PLAIN:
        return {}
    code = CODE_A if index == PLAIN else CODE_B
    return {
        "params": {"n_estimators": "100", "depth": "3" if index == PLAIN else "5"},
        "tags": {
            "nbbridge.cell_id": f"cell{index}",
            "nbbridge.step.train.code_sha256": f"sha{index}",
            "nbbridge.step.train.cache_hit": "false" if index == PLAIN else "true",
            "nbbridge.step.train.duration_s": "1.5",
            "nbbridge.data.data/iris.csv": "aaaa" if index == PLAIN else "bbbb",
        },
        "steps": {"train": code},
    }


def write_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("n = 4", id="c0", metadata={"tags": ["parameters"]}))
    nbformat.write(nb, path)


class Store:
    def __init__(self, root: Path, kind: str, seeded: Any) -> None:
        self.root, self.kind, self.seeded = root, kind, seeded
        self.ids = seeded.run_ids  # oldest first
        self.a, self.b = self.ids[PLAIN], self.ids[PLAIN + 1]


@pytest.fixture(scope="module", params=["sqlite", "server"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp(f"runs-{request.param}")
    for name in ("nb.ipynb", "other.ipynb"):
        write_notebook(root / name)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        if request.param == "server":
            patch.setenv("MLFLOW_TRACKING_URI", request.getfixturevalue("mlflow_server"))
        seeded = seed_runs(root / ".nbbridge", "nb.ipynb", PLAIN + 2, special)
        client = seeded.client
        with tempfile.TemporaryDirectory() as folder:
            figure = Path(folder) / "confusion.png"
            figure.write_bytes(PNG)
            client.log_artifact(seeded.run_ids[PLAIN], str(figure), "figures")
        for epoch in range(5):
            client.log_metric(seeded.run_ids[PLAIN], "epoch_loss", 1.0 / (epoch + 1), step=epoch)
        seed_runs(root / ".nbbridge", "other.ipynb", 1, first=900)
        yield Store(root, request.param, seeded)


@pytest.fixture
def jp_root_dir(store: Store) -> Path:
    return store.root


async def post(jp_fetch: Any, endpoint: str, **body: Any) -> tuple[int, dict[str, Any]]:
    parts = ("nbbridge", "runs", endpoint) if endpoint else ("nbbridge", "runs")
    response = await jp_fetch(*parts, method="POST", body=json.dumps(body), raise_error=False)
    return response.code, json.loads(response.body or b"{}")


async def all_pages(jp_fetch: Any, **query: Any) -> list[dict[str, Any]]:
    runs, token, pages = [], None, 0
    while True:
        code, page = await post(jp_fetch, "", path="nb.ipynb", page_token=token, **query)
        assert code == 200, page
        runs += page["runs"]
        pages += 1
        token = page["next_page_token"]
        if token is None:
            return runs
        assert pages < 200


async def test_pages_of_every_run_newest_first(store: Store, jp_fetch: Any) -> None:
    code, first = await post(jp_fetch, "", path="nb.ipynb", max_results=100)
    assert code == 200, first
    assert len(first["runs"]) == 100 and first["next_page_token"]
    assert first["experiment"] == "nb.ipynb"
    assert first["runs"][0]["run_id"] == store.ids[-1]
    assert "accuracy" in first["metric_keys"]
    runs = await all_pages(jp_fetch, max_results=100)
    assert [r["run_id"] for r in runs] == list(reversed(store.ids))
    starts = [r["start_ms"] for r in runs]
    assert starts == sorted(starts, reverse=True) and starts[-1] == BASE_MS
    assert runs[-1]["duration_ms"] == 900 and runs[-1]["source"] == "cli"
    if store.kind == "server":
        assert first["mlflow_url"].startswith("http://127.0.0.1:")
        assert first["tracking_uri"].startswith("http://127.0.0.1:")
    else:
        assert first["mlflow_url"] is None
        assert first["tracking_uri"] == "sqlite:///.nbbridge/mlflow.db"


@pytest.mark.parametrize("order", ["desc", "asc"])
async def test_sorted_by_a_metric(store: Store, jp_fetch: Any, order: str) -> None:
    runs = await all_pages(jp_fetch, max_results=120, sort="metrics.accuracy", order=order)
    values = [r["metrics"]["accuracy"] for r in runs]
    assert len(values) == PLAIN + 2
    assert values == sorted(values, reverse=order == "desc")


async def test_filters_by_status_cell_step_and_text(store: Store, jp_fetch: Any) -> None:
    failed = await all_pages(jp_fetch, status="FAILED", max_results=10)
    assert len(failed) == PLAIN // 10 and {r["status"] for r in failed} == {"FAILED"}
    (cell,) = await all_pages(jp_fetch, cell=f"cell{PLAIN}")
    assert cell["run_id"] == store.a and cell["cell_id"] == f"cell{PLAIN}"
    steps = await all_pages(jp_fetch, step="train")
    assert {r["run_id"] for r in steps} == {store.a, store.b} and steps[0]["steps"] == ["train"]
    # A text search scans MLflow's pages: small pages of it still find every match once.
    found = await all_pages(jp_fetch, search="N_estimators=12", max_results=3)
    expected = [i for i in range(PLAIN) if str(10 + i).startswith("12")]
    assert sorted(r["params"]["n_estimators"] for r in found) == sorted(
        str(10 + i) for i in expected
    )
    assert len({r["run_id"] for r in found}) == len(found)
    assert await all_pages(jp_fetch, search="depth=5") == [
        r for r in await all_pages(jp_fetch, step="train") if r["run_id"] == store.b
    ]


async def test_one_run_in_detail(store: Store, jp_fetch: Any) -> None:
    code, detail = await post(jp_fetch, "get", path="nb.ipynb", run_id=store.a)
    assert code == 200, detail
    assert detail["run"]["params"]["depth"] == "3"
    assert detail["steps"] == [
        {
            "name": "train",
            "cache_hit": False,
            "duration_s": 1.5,
            "code_sha256": f"sha{PLAIN}",
            "cells": [],
        }
    ]
    assert detail["data_versions"] == {"data/iris.csv": "aaaa"}
    paths = {a["path"] for a in detail["artifacts"]}
    assert {"steps/train.py", "figures/confusion.png"} <= paths
    (figure,) = detail["figures"]
    assert figure["mime"] == "image/png" and base64.b64decode(figure["data"]) == PNG
    assert detail["tags"][RUN_ID_TAG] == f"seed{PLAIN}"
    assert (detail["mlflow_url"] is not None) == (store.kind == "server")


async def test_compare_two_runs(store: Store, jp_fetch: Any) -> None:
    code, answer = await post(jp_fetch, "compare", path="nb.ipynb", run_ids=[store.a, store.b])
    assert code == 200, answer
    params = {row["key"]: row for row in answer["params"]}
    assert params["depth"]["values"] == ["3", "5"] and params["depth"]["differs"]
    assert not params["n_estimators"]["differs"]
    data = {row["key"]: row for row in answer["data_versions"]}
    assert data["data/iris.csv"]["differs"]
    (diff,) = answer["code_diffs"]
    assert diff["step"] == "train" and diff["changed"]
    assert "-    model = fit(data, depth=3)" in diff["diff"]
    assert "+    model = fit(data, depth=5)" in diff["diff"]
    assert len(answer["figures"][store.a]) == 1 and answer["figures"][store.b] == []


async def test_metric_history(store: Store, jp_fetch: Any) -> None:
    code, answer = await post(
        jp_fetch, "history", path="nb.ipynb", run_ids=[store.a, store.b], key="epoch_loss"
    )
    assert code == 200, answer
    first, second = answer["series"]
    assert [p["step"] for p in first["points"]] == [0, 1, 2, 3, 4]
    assert first["points"][-1]["value"] == pytest.approx(0.2)
    assert second["points"] == []


async def test_a_notebook_without_runs_has_an_empty_page(store: Store, jp_fetch: Any) -> None:
    write_notebook(store.root / "fresh.ipynb")
    code, page = await post(jp_fetch, "", path="fresh.ipynb")
    assert code == 200 and page["runs"] == [] and page["next_page_token"] is None


BAD = [
    ("", {"path": "nb.ipynb", "sort": "duration"}, 400, "sort"),
    ("", {"path": "nb.ipynb", "sort": "metrics.`x`"}, 400, "sort"),
    ("", {"path": "nb.ipynb", "page_token": "not-a-token"}, 400, "page_token"),
    ("", {"path": "nb.ipynb", "page_token": "eyJtIjoiISEhIiwicyI6MH0"}, 400, "page_token"),
    ("", {"path": "nb.ipynb", "max_results": 0}, 400, "max_results"),
    ("", {"path": "nb.ipynb", "status": "DONE"}, 400, "status"),
    ("", {"path": "nb.ipynb", "cell": "x' or '1'='1"}, 400, "cell"),
    ("", {"path": "../nb.ipynb"}, 403, "path"),
    ("", {"path": "missing.ipynb"}, 404, "path"),
    ("get", {"path": "nb.ipynb", "run_id": "../../etc"}, 400, "run_id"),
    ("get", {"path": "nb.ipynb", "run_id": "0" * 32}, 404, "run_id"),
    ("compare", {"path": "nb.ipynb", "run_ids": ["a" * 32]}, 400, "run_ids"),
    ("compare", {"path": "nb.ipynb", "run_ids": ["a" * 32, "a" * 32]}, 400, "run_ids"),
    ("compare", {"path": "nb.ipynb", "run_ids": ["a" * 32, "b" * 32]}, 404, "run_ids"),
    ("history", {"path": "nb.ipynb", "run_ids": ["a" * 32], "key": "x`y"}, 400, "key"),
]


@pytest.mark.parametrize(("endpoint", "body", "status", "field"), BAD)
async def test_bad_input_is_a_4xx_naming_its_field(
    store: Store, jp_fetch: Any, endpoint: str, body: dict, status: int, field: str
) -> None:
    code, answer = await post(jp_fetch, endpoint, **body)
    assert (code, answer.get("field")) == (status, field), answer
    assert field in answer["message"] or field.replace("_", " ") in answer["message"]
    assert str(store.root) not in json.dumps(answer)


async def test_a_run_of_another_notebook_is_not_found(store: Store, jp_fetch: Any) -> None:
    code, page = await post(jp_fetch, "", path="other.ipynb")
    (other,) = page["runs"]
    code, answer = await post(jp_fetch, "get", path="nb.ipynb", run_id=other["run_id"])
    assert (code, answer["field"]) == (404, "run_id")


async def test_a_dead_processes_run_is_ended_killed_by_the_next_list(
    store: Store, jp_fetch: Any
) -> None:
    if store.kind != "sqlite":
        pytest.skip("the drain is the same whatever the store")
    state = store.root / ".nbbridge"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    record = RunRecord(experiment="nb.ipynb", run_name="cell", source_type="NOTEBOOK", pid=gone.pid)
    client = store.seeded.client
    run = client.create_run(store.seeded.experiment_id, tags={RUN_ID_TAG: record.run_id})
    Outbox(state).put(record)
    code, page = await post(jp_fetch, "", path="nb.ipynb", status="KILLED")
    assert code == 200, page
    assert [r["run_id"] for r in page["runs"]] == [run.info.run_id]
    assert list(Outbox(state).records()) == []
    client.delete_run(run.info.run_id)

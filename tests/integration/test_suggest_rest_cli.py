"""Suggest steps over REST (POST /nbbridge/suggest) and on the command line (nbbridge suggest).

Both answer the same proposal; the REST route writes nothing (the front end applies the tags
through the notebook model), the command writes only with -o (a new file) or --in-place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nbbridge.api import SuggestResponse
from nbbridge.core import Analyzer, read_notebook

pytestmark = pytest.mark.timeout(120)

HEADED = (
    ("# Report", "title"),
    ("import math", "imports"),
    ("## Load the data", "h-load"),
    ("rows = [1.0, 4.0, 9.0]", "load"),
    ("## Features", "h-feat"),
    ("feats = [math.sqrt(r) for r in rows]", "feat"),
    ("## Report", "h-report"),
    ("print(sum(feats))", "report"),
)
EXPECTED = [("load_data", ["load"]), ("features", ["feat"]), ("report", ["report"])]


def headed() -> nbformat.NotebookNode:
    nb = new_notebook()
    for source, cell_id in HEADED:
        make = new_markdown_cell if source.startswith("#") else new_code_cell
        nb.cells.append(make(source, id=cell_id))
    return nb


def write_headed(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(headed(), path)
    return path


async def test_rest_suggest_by_content_and_by_path(jp_fetch: Any, jp_root_dir: Path) -> None:
    path = write_headed(jp_root_dir / "work" / "headed.ipynb")
    before = path.read_bytes()
    for body in (
        {"notebook": json.loads(nbformat.writes(headed()))},
        {"path": "work/headed.ipynb"},
    ):
        response = await jp_fetch("nbbridge", "suggest", method="POST", body=json.dumps(body))
        answer = SuggestResponse.model_validate_json(response.body)
        assert [(s.name, s.cell_ids) for s in answer.steps] == EXPECTED
        assert [(t.cell_id, t.tag) for t in answer.tags] == [
            ("load", "step:load_data"),
            ("feat", "step:features"),
            ("report", "step:report"),
        ]
        assert answer.level == 2 and answer.problems == []
        assert [s.name for s in answer.pipeline.steps] == ["load_data", "features", "report"]
        assert answer.steps[1].inputs == ["rows"] and answer.steps[1].outputs == ["feats"]
    assert path.read_bytes() == before


def test_cli_suggest_prints_writes_a_copy_or_in_place(tmp_path: Path, cli: Any) -> None:
    path = write_headed(tmp_path / "headed.ipynb")
    before = path.read_bytes()

    shown = cli("suggest", path)
    assert shown.returncode == 0, shown.stderr
    assert "load_data" in shown.stdout and "Nothing written" in shown.stdout
    assert path.read_bytes() == before

    as_json = cli("suggest", path, "--json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert [(s["name"], s["cell_ids"]) for s in data["steps"]] == EXPECTED
    assert data["problems"] == []

    copy = tmp_path / "tagged.ipynb"
    wrote = cli("suggest", path, "-o", copy)
    assert wrote.returncode == 0, wrote.stderr
    assert path.read_bytes() == before
    pipeline = Analyzer().analyze(read_notebook(copy))
    assert [(s.name, s.cell_ids) for s in pipeline.steps] == EXPECTED

    again = cli("suggest", path, "--in-place")
    assert again.returncode == 0, again.stderr
    assert json.loads(path.read_text()) == json.loads(copy.read_text())
    # Tagged now: nothing more to add, and the tags are kept.
    settled = cli("suggest", path, "--in-place", "--json")
    assert json.loads(settled.stdout)["tags"] == []
    assert json.loads(path.read_text()) == json.loads(copy.read_text())

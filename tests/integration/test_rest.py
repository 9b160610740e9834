"""REST: POST /nbbridge/pipeline and GET /nbbridge/version on a real jupyter-server with nbbridge.

Happy paths by saved path and by unsaved content; every kind of bad input gets a 4xx JSON
``ErrorBody`` naming the field or cell (never a 500 or a traceback); paths that leave the root
are refused before anything is read.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from nbbridge import __version__
from nbbridge.api import ErrorBody
from nbbridge.core.model import Pipeline

pytestmark = pytest.mark.timeout(120)


async def post(jp_fetch: Any, body: Any) -> tuple[int, Any]:
    """POST to /nbbridge/pipeline with the test token; ``body`` is JSON data or raw str/bytes."""
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    response = await jp_fetch("nbbridge", "pipeline", method="POST", body=raw, raise_error=False)
    return response.code, (response.headers.get("Content-Type"), response.body.decode("utf-8"))


def error_of(status: int, answer: tuple[str | None, str], expected: int) -> ErrorBody:
    """Check a 4xx answer's status and shape; return its body."""
    content_type, text = answer
    assert status == expected, text
    assert content_type is not None and content_type.startswith("application/json")
    assert "Traceback" not in text and "traceback" not in text
    body = ErrorBody.model_validate_json(text)
    assert body.message.strip()
    return body


def pipeline_of(status: int, answer: tuple[str | None, str]) -> Pipeline:
    content_type, text = answer
    assert status == 200, text
    assert content_type is not None and content_type.startswith("application/json")
    return Pipeline.model_validate_json(text)


def assert_is_tiny_pipeline(pipeline: Pipeline) -> None:
    """The shape of conftest's PIPELINE_CELLS: n → load → train → report."""
    assert [s.name for s in pipeline.steps] == ["load", "train", "report"]
    assert pipeline.order == ["load", "train", "report"]
    steps = {s.name: s for s in pipeline.steps}
    assert steps["load"].cell_ids == ["load"]
    assert steps["load"].inputs == ["n"]
    assert steps["load"].outputs == ["data"]
    assert steps["train"].inputs == ["data"]
    assert steps["train"].outputs == ["total"]
    assert steps["report"].inputs == ["total"]
    assert [(p.name, p.type, p.default, p.cell_id) for p in pipeline.parameters] == [
        ("n", "int", 4, "params")
    ]
    edges = {(e.source, e.target): e.names for e in pipeline.edges}
    assert edges == {("load", "train"): ["data"], ("train", "report"): ["total"]}
    assert not pipeline.has_errors, pipeline.problems


async def test_pipeline_by_path(jp_fetch, jp_root_dir, notebooks):
    notebooks.write(jp_root_dir / "work" / "tiny.ipynb", *notebooks.PIPELINE)
    pipeline = pipeline_of(*await post(jp_fetch, {"path": "work/tiny.ipynb"}))
    assert pipeline.notebook == "work/tiny.ipynb"
    assert_is_tiny_pipeline(pipeline)


async def test_pipeline_by_unsaved_content(jp_fetch, notebooks):
    pipeline = pipeline_of(*await post(jp_fetch, {"notebook": notebooks.json(*notebooks.PIPELINE)}))
    assert_is_tiny_pipeline(pipeline)


async def test_nbformat3_notebooks_are_upgraded_saved_or_unsaved(jp_fetch, jp_root_dir, notebooks):
    import nbformat

    old = notebooks.build(*notebooks.PIPELINE)
    nbformat.write(old, str(jp_root_dir / "old.ipynb"), version=3)
    by_path = pipeline_of(*await post(jp_fetch, {"path": "old.ipynb"}))
    unsaved = json.loads(nbformat.writes(old, version=3))
    by_content = pipeline_of(*await post(jp_fetch, {"notebook": unsaved}))
    for pipeline in (by_path, by_content):
        assert [s.name for s in pipeline.steps] == ["load", "train", "report"]
        assert not pipeline.has_errors, pipeline.problems
    # nbformat 3 has no cell ids: they are cell-<index>, the same at every read.
    assert by_path.steps == by_content.steps
    assert by_path.steps[0].cell_ids == ["cell-3"]


async def test_unsaved_content_wins_over_the_saved_file(jp_fetch, jp_root_dir, notebooks):
    # The front end sends what the user typed; it must be analysed, not the file on disk.
    notebooks.write(jp_root_dir / "tiny.ipynb", *notebooks.PIPELINE)
    edited = notebooks.json(*notebooks.PIPELINE[:-1], ("print(nope)", ["step:report"], "report"))
    pipeline = pipeline_of(*await post(jp_fetch, {"notebook": edited}))
    problems = [(p.code, p.cell_id) for p in pipeline.problems]
    assert ("undefined-name", "report") in problems


async def test_undefined_name_is_a_problem_with_its_cell_and_line(jp_fetch, notebooks):
    pipeline = pipeline_of(
        *await post(jp_fetch, {"notebook": notebooks.json(*notebooks.UNDEFINED)})
    )
    [problem] = [p for p in pipeline.problems if p.code == "undefined-name"]
    assert problem.severity == "error"
    assert problem.cell_id == "train"
    assert problem.line == 2
    assert "missing_factor" in problem.message
    assert pipeline.has_errors


async def test_the_server_keeps_one_analyzer(jp_fetch, jp_serverapp, notebooks):
    analyzer = jp_serverapp.web_app.settings["nbbridge_analyzer"]
    body = {"notebook": notebooks.json(*notebooks.PIPELINE)}
    first = pipeline_of(*await post(jp_fetch, body))
    second = pipeline_of(*await post(jp_fetch, body))
    assert first == second
    assert jp_serverapp.web_app.settings["nbbridge_analyzer"] is analyzer
    [ext] = [
        e.app
        for pkg in jp_serverapp.extension_manager.extensions.values()
        for e in pkg.extension_points.values()
        if e.app is not None and e.app.name == "nbbridge"
    ]
    assert ext.analyzer is analyzer


async def test_version(jp_fetch):
    response = await jp_fetch("nbbridge", "version", method="GET")
    assert json.loads(response.body) == {"version": __version__}


# Bad request bodies: (raw body, expected field or None, words the message must contain).
BAD_BODIES = {
    "not-json": ("{path: tiny.ipynb", None, ["JSON"]),
    "empty": ("", None, ["JSON"]),
    "array": ("[]", None, ["request body"]),
    "neither": ("{}", None, ["path", "notebook"]),
    "both": (json.dumps({"path": "a.ipynb", "notebook": {}}), None, ["exactly one"]),
    "path-not-string": (json.dumps({"path": 3}), "path", ["path", "string"]),
    "notebook-not-object": (json.dumps({"notebook": "text"}), "notebook", ["notebook"]),
    "unknown-field": (json.dumps({"path": "a.ipynb", "extra": 1}), "extra", ["extra"]),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
async def test_bad_body_is_400_naming_the_field(jp_fetch, case):
    raw, field, words = BAD_BODIES[case]
    body = error_of(*await post(jp_fetch, raw), expected=400)
    assert body.field == field
    for word in words:
        assert word in body.message, body.message


def _nb(**overrides: Any) -> dict[str, Any]:
    base = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}
    return {**base, **overrides}


_CODE = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}

# Invalid unsaved notebooks: (notebook JSON, expected field, words the message must contain).
BAD_NOTEBOOKS = {
    "cells-not-list": (_nb(cells="x"), "cells", ["cells"]),
    "no-nbformat": ({"cells": []}, None, ["nbformat"]),
    "nbformat-3-unconvertible": (
        {"nbformat": 3, "metadata": {}, "worksheets": [{"cells": [7]}]},
        "nbformat",
        ["nbformat 3"],
    ),
    "cell-not-object": (_nb(cells=[5]), "cells[0]", ["cells[0]"]),
    "cell-missing-source": (_nb(cells=[{**_CODE, "id": "a"}]), None, ["source"]),
    "duplicate-ids": (
        _nb(cells=[{**_CODE, "id": "a", "source": ""}, {**_CODE, "id": "a", "source": ""}]),
        "cells[1].id",
        ["'a'", "unique"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_NOTEBOOKS))
async def test_invalid_unsaved_notebook_is_400_naming_the_part(jp_fetch, case):
    notebook, field, words = BAD_NOTEBOOKS[case]
    body = error_of(*await post(jp_fetch, {"notebook": notebook}), expected=400)
    if field is not None:
        assert body.field == field
    for word in words:
        assert word in body.message, body.message


async def test_bad_saved_files(jp_fetch, jp_root_dir, notebooks):
    notebooks.write(jp_root_dir / "tiny.ipynb", *notebooks.PIPELINE)
    (jp_root_dir / "notes.txt").write_text("not a notebook")
    (jp_root_dir / "folder.ipynb").mkdir()
    (jp_root_dir / "broken.ipynb").write_text('{"cells": [')
    (jp_root_dir / "latin1.ipynb").write_bytes(b'{"nbformat": 4, "x": "\xe9"}')
    cases = {
        "notes.txt": (400, [".ipynb"]),
        "missing.ipynb": (404, ["missing.ipynb"]),
        "folder.ipynb": (400, ["directory"]),
        "broken.ipynb": (400, ["JSON"]),
        "latin1.ipynb": (400, ["UTF-8"]),
        "": (400, ["empty"]),
    }
    for path, (status, words) in cases.items():
        body = error_of(*await post(jp_fetch, {"path": path}), expected=status)
        for word in words:
            assert word in body.message, (path, body.message)
        # The message names the file the user asked for, not only the server's absolute path.
        if path:
            assert path in body.message, body.message


@pytest.fixture
def outside(tmp_path, jp_root_dir, notebooks):
    """A notebook outside the server root; it is malformed, so reading it would give a 400."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.ipynb").write_text('{"cells": [')
    notebooks.write(folder / "valid.ipynb", *notebooks.PIPELINE)
    assert not folder.is_relative_to(jp_root_dir)
    return folder


async def test_dotdot_escape_is_refused(jp_fetch, jp_root_dir, outside):
    rel = os.path.relpath(outside / "secret.ipynb", jp_root_dir)
    assert rel.startswith("..")
    body = error_of(*await post(jp_fetch, {"path": rel}), expected=403)
    assert body.field == "path"
    assert "'..'" in body.message
    # Even a '..' that would come back inside the root is refused: one plain rule.
    (jp_root_dir / "sub").mkdir()
    error_of(*await post(jp_fetch, {"path": "sub/../tiny.ipynb"}), expected=403)


async def test_absolute_path_is_refused(jp_fetch, outside):
    for path in (str(outside / "valid.ipynb"), str(outside / "secret.ipynb")):
        body = error_of(*await post(jp_fetch, {"path": path}), expected=403)
        assert "absolute" in body.message
        assert body.field == "path"


async def test_symlinks_leaving_the_root_are_refused(jp_fetch, jp_root_dir, outside):
    (jp_root_dir / "link.ipynb").symlink_to(outside / "secret.ipynb")
    (jp_root_dir / "valid_link.ipynb").symlink_to(outside / "valid.ipynb")
    (jp_root_dir / "linkdir").symlink_to(outside, target_is_directory=True)
    for path in ("link.ipynb", "valid_link.ipynb", "linkdir/valid.ipynb", "linkdir/secret.ipynb"):
        body = error_of(*await post(jp_fetch, {"path": path}), expected=403)
        assert "outside the server root" in body.message, (path, body.message)


async def test_symlink_inside_the_root_is_allowed(jp_fetch, jp_root_dir, notebooks):
    notebooks.write(jp_root_dir / "real" / "tiny.ipynb", *notebooks.PIPELINE)
    (jp_root_dir / "alias.ipynb").symlink_to(jp_root_dir / "real" / "tiny.ipynb")
    pipeline = pipeline_of(*await post(jp_fetch, {"path": "alias.ipynb"}))
    assert_is_tiny_pipeline(pipeline)

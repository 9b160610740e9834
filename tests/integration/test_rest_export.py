"""REST: ``POST /nbbridge/export`` on a real jupyter-server with nbbridge.

The export writes the package inside the root and runs its generated tests; refusals are 4xx
``ErrorBody`` answers naming the field or the cells (every problem listed), paths leaving the
root are refused before anything is written, and the server keeps answering while it exports.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from nbbridge.api import ErrorBody, ExportResponse

pytestmark = pytest.mark.timeout(600)

DEMO = Path(__file__).resolve().parents[2] / "notebooks" / "iris_pipeline.ipynb"


async def export(jp_fetch: Any, body: Any) -> tuple[int, str]:
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    response = await jp_fetch(
        "nbbridge", "export", method="POST", body=raw, raise_error=False, request_timeout=600
    )
    return response.code, response.body.decode("utf-8")


def exported(answer: tuple[int, str]) -> ExportResponse:
    status, text = answer
    assert status == 200, text
    return ExportResponse.model_validate_json(text)


def refused(answer: tuple[int, str], expected: int) -> ErrorBody:
    status, text = answer
    assert status == expected, text
    assert "Traceback" not in text
    body = ErrorBody.model_validate_json(text)
    assert body.message.strip()
    return body


def everything(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.fixture
def tiny(jp_root_dir, notebooks) -> str:
    notebooks.write(jp_root_dir / "work" / "tiny.ipynb", *notebooks.PIPELINE)
    return "work/tiny.ipynb"


async def test_export_writes_inside_the_root_and_runs_the_generated_tests(
    jp_fetch, jp_root_dir, tiny
):
    answer = exported(await export(jp_fetch, {"path": tiny, "output_dir": "out/tiny"}))
    assert (answer.package, answer.target, answer.directory) == ("tiny", "package", "out/tiny")
    folder = jp_root_dir / "out" / "tiny"
    assert answer.files and all((folder / name).is_file() for name in answer.files)
    assert "src/tiny/steps.py" in answer.files
    assert answer.golden is False
    assert answer.warnings == [] and answer.unresolved_imports == []
    assert answer.tests is not None
    assert answer.tests.ok, answer.tests.output
    assert answer.tests.passed >= 1 and answer.tests.failed == 0 and answer.tests.errors == 0
    assert "passed" in answer.tests.output
    # the label generated files carry is the path relative to the root
    assert "work/tiny.ipynb" in (folder / "src/tiny/steps.py").read_text()


async def test_demo_with_execute_records_golden_tests_that_pass(jp_fetch, jp_root_dir):
    (jp_root_dir / "demo").mkdir()
    shutil.copy(DEMO, jp_root_dir / "demo" / "iris_pipeline.ipynb")
    body = {"path": "demo/iris_pipeline.ipynb", "output_dir": "demo/iris", "execute": True}
    answer = exported(await export(jp_fetch, body))
    assert answer.package == "iris_pipeline"
    assert answer.golden and "tests/golden.json" in answer.files
    assert answer.tests is not None and answer.tests.ok, answer.tests.output
    assert answer.tests.passed >= 3
    # the lint note: the notebook's own unused variable, kept as written
    assert answer.verbatim_rule_breaks == {"src/iris_pipeline/steps.py": ["F841"]}


async def test_failing_generated_tests_are_reported_not_refused(jp_fetch, jp_root_dir, notebooks):
    notebooks.write(
        jp_root_dir / "wrong.ipynb",
        ("data = [1, 2, 3]", ["step:load"], "load"),
        ("assert sum(data) == 7, 'the data changed'", ["test"], "check"),
    )
    answer = exported(await export(jp_fetch, {"path": "wrong.ipynb", "output_dir": "wrong"}))
    assert answer.tests is not None
    assert not answer.tests.ok and answer.tests.failed >= 1
    assert "the data changed" in answer.tests.output
    skipped = exported(
        await export(jp_fetch, {"path": "wrong.ipynb", "output_dir": "wrong", "run_tests": False})
    )
    assert skipped.tests is None


async def test_rejected_notebook_is_422_with_every_problem_and_writes_nothing(
    jp_fetch, jp_root_dir, notebooks
):
    notebooks.write(
        jp_root_dir / "bad.ipynb",
        ("a = first_missing", ["step:one"], "one"),
        ("%run helpers.py\nb = a", ["step:two"], "two"),
    )
    before = everything(jp_root_dir)
    body = refused(await export(jp_fetch, {"path": "bad.ipynb", "output_dir": "bad"}), 422)
    assert body.problems is not None
    assert {(p.cell_id, p.line) for p in body.problems} == {("one", 1), ("two", 1)}
    assert body.cell_id == body.problems[0].cell_id
    assert "first_missing" in body.message and "%run" in body.message
    assert everything(jp_root_dir) == before


async def test_hand_edits_are_409_listing_the_files_until_force(jp_fetch, jp_root_dir, tiny):
    request = {"path": tiny, "output_dir": "pkg", "run_tests": False}
    first = exported(await export(jp_fetch, request))
    steps = jp_root_dir / "pkg" / "src" / "tiny" / "steps.py"
    original = steps.read_bytes()
    steps.write_text(steps.read_text() + "\n# engineer's note\n")
    body = refused(await export(jp_fetch, request), 409)
    assert body.files == ["src/tiny/steps.py"]
    assert "--force" in body.message
    assert steps.read_text().endswith("# engineer's note\n")
    again = exported(await export(jp_fetch, {**request, "force": True}))
    assert again.files == first.files
    assert steps.read_bytes() == original


@pytest.mark.parametrize(
    ("change", "status", "field", "words"),
    [
        ({"output_dir": None}, 400, "output_dir", ["output_dir"]),
        ({"path": None}, 400, "path", ["path"]),
        ({"target": "kubeflowish"}, 400, "target", ["kubeflowish", "dvc"]),
        ({"package": "Not-Valid"}, 400, "package", ["Not-Valid", "identifier"]),
        ({"package": "os"}, 400, "package", ["standard library"]),
        ({"execute": "sometimes"}, 400, "execute", ["execute"]),
        ({"timeout": 0}, 400, "timeout", ["timeout", "greater than 0"]),
        ({"timeout": 86_401}, 400, "timeout", ["timeout", "86400"]),
        ({"timeout": "soon"}, 400, "timeout", ["timeout", "number"]),
        ({"surprise": 1}, 400, "surprise", ["surprise"]),
        ({"path": "missing.ipynb"}, 404, "path", ["missing.ipynb"]),
        ({"path": "notes.txt"}, 400, "path", [".ipynb"]),
        ({"output_dir": "notes.txt"}, 400, "output_dir", ["not a folder"]),
        ({"output_dir": ""}, 400, "output_dir", ["empty"]),
        ({"output_dir": "work"}, 400, "output_dir", ["output_dir 'work'", "not empty"]),
    ],
)
async def test_bad_requests_are_4xx_naming_the_field(
    jp_fetch, jp_root_dir, tiny, change, status, field, words
):
    (jp_root_dir / "notes.txt").write_text("not a notebook")
    request = {"path": tiny, "output_dir": "fresh", **change}
    request = {key: value for key, value in request.items() if value is not None}
    before = everything(jp_root_dir)
    body = refused(await export(jp_fetch, request), status)
    assert body.field == field
    for word in words:
        assert word in body.message, body.message
    assert everything(jp_root_dir) == before


@pytest.fixture
def outside(tmp_path, jp_root_dir) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    assert not folder.is_relative_to(jp_root_dir)
    return folder


async def test_paths_leaving_the_root_are_403_before_anything_is_written(
    jp_fetch, jp_root_dir, tiny, notebooks, outside
):
    notebooks.write(outside / "elsewhere.ipynb", *notebooks.PIPELINE)
    (jp_root_dir / "exit").symlink_to(outside, target_is_directory=True)
    cases = [
        ({"output_dir": os.path.relpath(outside / "pkg", jp_root_dir)}, "output_dir"),
        ({"output_dir": str(outside / "pkg")}, "output_dir"),
        ({"output_dir": "exit/pkg"}, "output_dir"),
        ({"output_dir": "exit"}, "output_dir"),
        ({"path": str(outside / "elsewhere.ipynb")}, "path"),
        ({"path": "exit/elsewhere.ipynb"}, "path"),
    ]
    before_root, before_outside = everything(jp_root_dir), everything(outside)
    for change, field in cases:
        body = refused(await export(jp_fetch, {"path": tiny, "output_dir": "ok", **change}), 403)
        assert body.field == field, (change, body)
    assert everything(outside) == before_outside
    assert everything(jp_root_dir) == before_root


async def test_the_server_answers_while_it_exports(jp_fetch, tiny):
    # --execute runs the notebook in a kernel, twice (seconds): meanwhile the event loop must
    # keep serving. A blocked loop would answer at most the request that came before the export.
    body = {"path": tiny, "output_dir": "slow", "execute": True}
    path = {"path": tiny}
    task = asyncio.ensure_future(export(jp_fetch, body))
    answered = 0
    while not task.done():
        analysis = await jp_fetch("nbbridge", "pipeline", method="POST", body=json.dumps(path))
        assert json.loads(analysis.body)["order"] == ["load", "train", "report"]
        answered += 1
        await asyncio.sleep(0.05)
    assert answered >= 5, f"only {answered} requests were answered during the export"
    answer = exported(await task)
    assert answer.golden and answer.tests is not None and answer.tests.ok


async def test_dvc_target_over_rest(jp_fetch, jp_root_dir, tiny):
    request = {"path": tiny, "output_dir": "staged", "target": "dvc", "run_tests": False}
    answer = exported(await export(jp_fetch, request))
    assert answer.target == "dvc"
    assert {"dvc.yaml", "params.yaml", "dvc_stage.py"} <= set(answer.files)
    assert "n: 4" in (jp_root_dir / "staged" / "params.yaml").read_text()


# Timeouts and cancels of the notebook's runs and of the tests -------------------------------

# A step starts a child process (its pid in child.pid beside the notebook), the next never ends.
HANGING_CELLS = (
    ("import pathlib, subprocess, time\nn = 2", ["parameters"], "params"),
    (
        "child = subprocess.Popen(['sleep', '1000'])\n"
        "pathlib.Path('child.pid').write_text(str(child.pid))\n"
        "data = list(range(n))",
        ["step:start"],
        "start",
    ),
    ("while True:\n    time.sleep(0.2)\ntotal = sum(data)", ["step:wait"], "hang"),
)


def alive(pid: int) -> bool:
    """The process runs (a zombie nobody reaped yet is dead: it runs nothing)."""
    try:
        os.kill(pid, 0)
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (ProcessLookupError, FileNotFoundError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def hanging(jp_root_dir, notebooks) -> str:
    notebooks.write(jp_root_dir / "slow" / "hang.ipynb", *HANGING_CELLS)
    return "slow/hang.ipynb"


async def test_execute_past_its_timeout_is_422_naming_the_cell_then_the_folder_is_free(
    jp_fetch, jp_root_dir, hanging, tiny
):
    body = {"path": hanging, "output_dir": "shared", "execute": True, "timeout": 20}
    error = refused(await export(jp_fetch, body), 422)
    assert error.cell_id == "hang"
    assert "cell hang was running" in error.message and "within 20 s" in error.message
    assert not alive(int((jp_root_dir / "slow" / "child.pid").read_text()))
    assert not (jp_root_dir / "shared").exists()
    # the folder's lock was released: the next export into it proceeds
    answer = exported(await export(jp_fetch, {"path": tiny, "output_dir": "shared"}))
    assert answer.tests is not None and answer.tests.ok


async def test_a_client_that_goes_away_stops_the_kernel_and_frees_the_folder(
    jp_fetch, jp_root_dir, jp_http_port, jp_base_url, jp_auth_header, hanging, tiny
):
    # No timeout in the request (the server's default is 600 s): only the client leaving stops
    # the notebook. Sent by hand so the test decides when the connection closes.
    data = json.dumps({"path": hanging, "output_dir": "shared", "execute": True}).encode()
    head = [
        f"POST {jp_base_url}nbbridge/export HTTP/1.1",
        f"Host: 127.0.0.1:{jp_http_port}",
        *(f"{key}: {value}" for key, value in jp_auth_header.items()),
        "Content-Type: application/json",
        f"Content-Length: {len(data)}",
    ]
    reader, writer = await asyncio.open_connection("127.0.0.1", jp_http_port)
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
    await writer.drain()
    pid_file = jp_root_dir / "slow" / "child.pid"
    while not pid_file.exists():  # the notebook runs; its child has started
        await asyncio.sleep(0.05)
    writer.close()
    await writer.wait_closed()
    # this export waits for the folder's lock, which the stopped one gives back
    answer = exported(
        await export(jp_fetch, {"path": tiny, "output_dir": "shared", "run_tests": False})
    )
    assert answer.package == "tiny"
    assert not alive(int(pid_file.read_text()))


# The generated test of this test cell never ends (the notebook itself is never run here).
HANGING_TEST_CELLS = (
    ("data = [1, 2, 3]", ["step:load"], "load"),
    (
        "import pathlib, subprocess, time\n"
        "child = subprocess.Popen(['sleep', '1000'])\n"
        "pathlib.Path(CHILD).write_text(str(child.pid))\n"
        "while True:\n    time.sleep(0.2)\n"
        "assert data",
        ["test"],
        "forever",
    ),
)


@pytest.mark.parametrize(
    "jp_server_config",
    [
        {
            "ServerApp": {"jpserver_extensions": {"nbbridge": True}},
            "NbbridgeApp": {"execute_timeout": 30},
        }
    ],
)
async def test_tests_past_the_server_timeout_are_422_naming_the_test(
    jp_fetch, jp_root_dir, notebooks
):
    pid_file = jp_root_dir / "child.pid"
    load, (source, tags, cell_id) = HANGING_TEST_CELLS
    cells = (load, (source.replace("CHILD", repr(str(pid_file))), tags, cell_id))
    notebooks.write(jp_root_dir / "stuck.ipynb", *cells)
    error = refused(await export(jp_fetch, {"path": "stuck.ipynb", "output_dir": "stuck"}), 422)
    assert "the package was written" in error.message, error.message
    assert "within 30 s" in error.message
    assert "tests/test_pipeline.py::test_cell_1_of_the_notebook was running" in error.message
    assert (jp_root_dir / "stuck" / "src" / "stuck" / "steps.py").is_file()
    assert not alive(int(pid_file.read_text()))

"""Hostile and careless input, one table for every REST route and every CLI command.

Each row is what an attacker or a careless user sends: paths with parts over 255 bytes, loops of
symbolic links, notebooks nested 1,500 levels deep, huge invalid values, names that break the
package, planted manifests and symlinks in the output folder. Every answer must be a 4xx (exit
code 2 on the command line) with one message naming the field, no traceback, no absolute path of
the server's root, no echo of a huge input, and nothing outside the root touched.

The table must cover every route of ``route_table()`` and every command of the CLI: a route or
command added later fails :func:`test_the_table_covers_every_route_and_command` until it joins.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nbbridge.api import ErrorBody
from nbbridge.cli import main as cli_main
from nbbridge.handlers import route_table

pytestmark = pytest.mark.timeout(600)

MAX_ANSWER = 5_000  # bytes: a message, never an echo of the input
MAX_BODY = 2_000_000  # the server's max_notebook_bytes in these tests
LONG = "n" * 300  # one path part over NAME_MAX (255 bytes)
IMPORTS_NBFORMAT = ("import nbformat", ("v = nbformat.__name__\nprint(v)", ["step:one"]))
# Headings over untagged code: suggest has step tags to write.
HEADED = ("# md ## Load", "rows = [1, 2]", "# md ## Report", "print(sum(rows))")


def deep_notebook_text(depth: int = 1_500) -> str:
    nested = "[" * depth + "]" * depth
    return '{"nbformat": 4, "nbformat_minor": 5, "metadata": {"x": ' + nested + '}, "cells": []}'


def huge_invalid_notebook() -> dict[str, Any]:
    """A notebook whose one cell has a 1 MB value of the wrong type (nbformat quotes it)."""
    cell = {"cell_type": "code", "id": "c0", "metadata": {}, "outputs": [], "source": "x"}
    cell["execution_count"] = "9" * 1_000_000
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]}


@dataclass
class Setup:
    """What a row plants in the root (and beside it) before it is sent."""

    root: Path
    outside: Path
    notebooks: Any

    def notebook(self, rel: str = "work/nb.ipynb", *cells: Any) -> str:
        self.notebooks.write(self.root / rel, *(cells or self.notebooks.PIPELINE))
        return rel

    def text(self, rel: str, content: str) -> str:
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.root / rel).write_text(content)
        return rel

    def loop(self, rel: str) -> str:
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(self.root / rel, self.root / rel)
        return rel

    def planted_manifest(self) -> str:
        out = self.root / "planted"
        out.mkdir()
        entry = str(self.outside / "victim.txt")
        (out / ".nbbridge-export.json").write_text(json.dumps({"files": {entry: "0" * 64}}))
        return "planted"

    def symlinked_src(self) -> str:
        out = self.root / "linked"
        out.mkdir()
        (out / ".nbbridge-export.json").write_text(json.dumps({"files": {"README.md": "0" * 64}}))
        (out / "src").symlink_to(self.outside, target_is_directory=True)
        return "linked"


@dataclass
class Row:
    id: str
    where: str  # a route ("/nbbridge/export") or a CLI command ("export")
    make: Callable[[Setup], Any]  # → the request body (REST) or the argument list (CLI)
    status: int = 400  # REST only; the CLI always exits 2
    field: str | None = None  # the field the message must name
    method: str = "POST"
    words: tuple[str, ...] = ()  # words the message must contain
    cli_json: bool = False


def _nb(s: Setup) -> str:
    return s.notebook()


_RUN = {"run_id": "f" * 32}  # what /nbbridge/runs/get needs beside the path


REST_ROWS = [
    Row("long-path", "/nbbridge/pipeline", lambda s: {"path": f"{LONG}.ipynb"}, field="path"),
    Row("loop", "/nbbridge/pipeline", lambda s: {"path": s.loop("loop.ipynb")}, field="path"),
    Row("absolute", "/nbbridge/pipeline", lambda s: {"path": "/etc/passwd.ipynb"}, 403, "path"),
    Row("dotdot", "/nbbridge/pipeline", lambda s: {"path": "../x.ipynb"}, 403, "path"),
    Row("directory", "/nbbridge/pipeline", lambda s: {"path": s.notebook()[:-9] + "/"}, 400),
    Row(
        "deep-file",
        "/nbbridge/pipeline",
        lambda s: {"path": s.text("deep.ipynb", deep_notebook_text())},
        words=("deep.ipynb", "nested too deeply"),
    ),
    Row("deep-body", "/nbbridge/pipeline", lambda s: '{"notebook": ' + deep_notebook_text() + "}"),
    Row("huge-invalid", "/nbbridge/pipeline", lambda s: {"notebook": huge_invalid_notebook()}),
    Row("too-big", "/nbbridge/pipeline", lambda s: {"notebook": {"x": "y" * MAX_BODY}}, 413),
    Row("not-json", "/nbbridge/pipeline", lambda s: "{nope", words=("not valid JSON",)),
    Row("both", "/nbbridge/pipeline", lambda s: {"path": _nb(s), "notebook": {}}),
    Row(
        "long-path",
        "/nbbridge/export",
        lambda s: {"path": f"{LONG}.ipynb", "output_dir": "out"},
        field="path",
    ),
    Row(
        "long-output",
        "/nbbridge/export",
        lambda s: {"path": _nb(s), "output_dir": f"out/{LONG}"},
        field="output_dir",
    ),
    Row(
        "loop-output",
        "/nbbridge/export",
        lambda s: {"path": _nb(s), "output_dir": s.loop("out/loop")},
        field="output_dir",
    ),
    Row("empty-output", "/nbbridge/export", lambda s: {"path": _nb(s), "output_dir": ""}),
    Row(
        "root-output",
        "/nbbridge/export",
        lambda s: {"path": _nb(s), "output_dir": ".", "run_tests": False},
        field="output_dir",
        words=("not empty",),
    ),
    Row(
        "long-package",
        "/nbbridge/export",
        lambda s: {"path": _nb(s), "output_dir": "out", "package": "p" * 5_000},
        field="package",
    ),
    Row(
        "layout-package",
        "/nbbridge/export",
        lambda s: {"path": _nb(s), "output_dir": "out", "package": "tests"},
        field="package",
    ),
    Row(
        "shadowing-package",
        "/nbbridge/export",
        lambda s: {
            "path": s.notebook("work/imp.ipynb", *IMPORTS_NBFORMAT),
            "output_dir": "out",
            "package": "nbformat",
            "run_tests": False,
        },
        field="package",
        words=("shadow",),
    ),
    Row(
        "planted-manifest",
        "/nbbridge/export",
        lambda s: {"path": _nb(s), "output_dir": s.planted_manifest(), "force": True},
        field="output_dir",
        words=("not written by nbbridge",),
    ),
    Row(
        "symlinked-src",
        "/nbbridge/export",
        lambda s: {"path": _nb(s), "output_dir": s.symlinked_src(), "run_tests": False},
        field="output_dir",
        words=("symbolic link",),
    ),
    Row(
        "invalid-notebook",
        "/nbbridge/export",
        lambda s: {"path": s.text("work/bad.ipynb", "{oops"), "output_dir": "out"},
        words=("work/bad.ipynb", "not valid JSON"),
    ),
    Row(
        "deep-notebook",
        "/nbbridge/export",
        lambda s: {"path": s.text("deep.ipynb", deep_notebook_text()), "output_dir": "out"},
        words=("nested too deeply",),
    ),
    *(
        Row(
            f"timeout-{value}",
            "/nbbridge/export",
            lambda s, value=value: {"path": _nb(s), "output_dir": "out", "timeout": value},
            field="timeout",
        )
        for value in (-1, 0, 1e12, "soon")
    ),
    Row("post-version", "/nbbridge/version", lambda s: {}, 405),
    Row("long-path", "/nbbridge/suggest", lambda s: {"path": f"{LONG}.ipynb"}, field="path"),
    Row("loop", "/nbbridge/suggest", lambda s: {"path": s.loop("loop.ipynb")}, field="path"),
    Row("absolute", "/nbbridge/suggest", lambda s: {"path": "/etc/passwd.ipynb"}, 403, "path"),
    Row("dotdot", "/nbbridge/suggest", lambda s: {"path": "../x.ipynb"}, 403, "path"),
    Row(
        "deep-file",
        "/nbbridge/suggest",
        lambda s: {"path": s.text("deep.ipynb", deep_notebook_text())},
        words=("deep.ipynb", "nested too deeply"),
    ),
    Row("deep-body", "/nbbridge/suggest", lambda s: '{"notebook": ' + deep_notebook_text() + "}"),
    Row("huge-invalid", "/nbbridge/suggest", lambda s: {"notebook": huge_invalid_notebook()}),
    Row("too-big", "/nbbridge/suggest", lambda s: {"notebook": {"x": "y" * MAX_BODY}}, 413),
    Row("not-json", "/nbbridge/suggest", lambda s: "{nope", words=("not valid JSON",)),
    Row("both", "/nbbridge/suggest", lambda s: {"path": _nb(s), "notebook": {}}),
    Row("extra-field", "/nbbridge/suggest", lambda s: {"path": _nb(s), "apply": True}),
    *(
        row
        for where, extra in (("/nbbridge/runs", {}), ("/nbbridge/runs/get", _RUN))
        for row in (
            Row(
                "long-path", where, lambda s, e=extra: {"path": f"{LONG}.ipynb", **e}, field="path"
            ),
            Row("absolute", where, lambda s, e=extra: {"path": "/etc/p.ipynb", **e}, 403, "path"),
            Row("dotdot", where, lambda s, e=extra: {"path": "../x.ipynb", **e}, 403, "path"),
            Row("loop", where, lambda s, e=extra: {"path": s.loop("l.ipynb"), **e}, field="path"),
            Row("not-json", where, lambda s: "{nope", words=("not valid JSON",)),
        )
    ),
    Row(
        "bad-token",
        "/nbbridge/runs",
        lambda s: {"path": _nb(s), "page_token": "x!"},
        400,
        "page_token",
    ),
    Row(
        "huge-token",
        "/nbbridge/runs",
        lambda s: {"path": _nb(s), "page_token": "e" * 100_000},
        400,
        "page_token",
    ),
    Row(
        "unknown-sort",
        "/nbbridge/runs",
        lambda s: {"path": _nb(s), "sort": "duration"},
        400,
        "sort",
    ),
    Row(
        "huge-sort",
        "/nbbridge/runs",
        lambda s: {"path": _nb(s), "sort": "metrics." + "m" * 100_000},
        400,
        "sort",
    ),
    Row(
        "huge-search",
        "/nbbridge/runs",
        lambda s: {"path": _nb(s), "search": "q" * 100_000},
        400,
        "search",
    ),
    Row(
        "quote-cell",
        "/nbbridge/runs",
        lambda s: {"path": _nb(s), "cell": "a' OR '1'='1"},
        400,
        "cell",
    ),
    Row(
        "huge-page",
        "/nbbridge/runs",
        lambda s: {"path": _nb(s), "max_results": 10**9},
        400,
        "max_results",
    ),
    Row(
        "bad-run-id",
        "/nbbridge/runs/get",
        lambda s: {"path": _nb(s), "run_id": "../../x"},
        400,
        "run_id",
    ),
    Row(
        "huge-run-id",
        "/nbbridge/runs/get",
        lambda s: {"path": _nb(s), "run_id": "a" * 100_000},
        400,
        "run_id",
    ),
    Row(
        "unknown-run",
        "/nbbridge/runs/get",
        lambda s: {"path": _nb(s), "run_id": "f" * 32},
        404,
        "run_id",
    ),
    Row(
        "one-run",
        "/nbbridge/runs/compare",
        lambda s: {"path": _nb(s), "run_ids": ["f" * 32]},
        400,
        "run_ids",
    ),
    Row(
        "many-runs",
        "/nbbridge/runs/compare",
        lambda s: {"path": _nb(s), "run_ids": ["f" * 32] * 10_000},
        400,
        "run_ids",
    ),
    Row(
        "bad-run-ids",
        "/nbbridge/runs/compare",
        lambda s: {"path": _nb(s), "run_ids": ["f" * 32, "x'"]},
        400,
        "run_ids.1",
    ),
    Row(
        "unknown-runs",
        "/nbbridge/runs/compare",
        lambda s: {"path": _nb(s), "run_ids": ["f" * 32, "e" * 32]},
        404,
        "run_ids",
    ),
    Row(
        "dotdot",
        "/nbbridge/runs/compare",
        lambda s: {"path": "../x.ipynb", "run_ids": ["f" * 32, "e" * 32]},
        403,
        "path",
    ),
    Row(
        "huge-key",
        "/nbbridge/runs/history",
        lambda s: {"path": _nb(s), "run_ids": ["f" * 32], "key": "k" * 100_000},
        400,
        "key",
    ),
    Row(
        "quote-key",
        "/nbbridge/runs/history",
        lambda s: {"path": _nb(s), "run_ids": ["f" * 32], "key": "k`"},
        400,
        "key",
    ),
    Row(
        "dotdot",
        "/nbbridge/runs/history",
        lambda s: {"path": "../x.ipynb", "run_ids": ["f" * 32], "key": "k"},
        403,
        "path",
    ),
]

CLI_ROWS = [
    Row("long-path", command, lambda s: [f"{LONG}.ipynb"], words=("longer than",))
    for command in ("dag", "check")
] + [
    Row("loop", "dag", lambda s: [s.loop("loop.ipynb")], words=("loop.ipynb",)),
    Row("deep", "check", lambda s: [s.text("deep.ipynb", deep_notebook_text())]),
    Row(
        "huge-invalid", "dag", lambda s: [s.text("bad.ipynb", json.dumps(huge_invalid_notebook()))]
    ),
    Row("empty", "dag", lambda s: [""]),
    Row("directory", "check", lambda s: ["work"]),
    Row("empty-name", "export", lambda s: [_nb(s), "-o", "out", "--name", ""], words=("--name",)),
    Row("empty-output", "export", lambda s: [_nb(s), "-o", ""], words=("-o",)),
    Row("long-output", "export", lambda s: [_nb(s), "-o", f"out/{LONG}"], words=("-o",)),
    Row("loop-output", "export", lambda s: [_nb(s), "-o", s.loop("out/loop")], words=("-o",)),
    Row("long-name", "export", lambda s: [_nb(s), "-o", "out", "--name", "p" * 5_000]),
    Row("layout-name", "export", lambda s: [_nb(s), "-o", "out", "--name", "__init__"]),
    Row(
        "shadowing-name",
        "export",
        lambda s: [
            s.notebook("work/imp.ipynb", *IMPORTS_NBFORMAT),
            "-o",
            "o",
            "--name",
            "nbformat",
        ],
        words=("shadow",),
    ),
    Row("bad-target", "export", lambda s: [_nb(s), "-o", "out", "--target", "nope"]),
    *(
        Row(f"timeout-{v}", "export", lambda s, v=v: [_nb(s), "-o", "out", "--timeout", v])
        for v in ("0", "-5", "1e12", "soon", "nan")
    ),
    Row(
        "planted-manifest",
        "export",
        lambda s: [_nb(s), "-o", s.planted_manifest(), "--force"],
        words=("not written by nbbridge",),
    ),
    Row(
        "planted-manifest-json",
        "export",
        lambda s: [_nb(s), "-o", s.planted_manifest(), "--json"],
        cli_json=True,
    ),
    Row("symlinked-src", "export", lambda s: [_nb(s), "-o", s.symlinked_src()]),
    Row("deep", "export", lambda s: [s.text("deep.ipynb", deep_notebook_text()), "-o", "out"]),
    Row("long-path", "suggest", lambda s: [f"{LONG}.ipynb"], words=("longer than",)),
    Row("loop", "suggest", lambda s: [s.loop("loop.ipynb"), "--in-place"], words=("loop.ipynb",)),
    Row("deep", "suggest", lambda s: [s.text("deep.ipynb", deep_notebook_text()), "--in-place"]),
    Row(
        "huge-invalid",
        "suggest",
        lambda s: [s.text("bad.ipynb", json.dumps(huge_invalid_notebook())), "-o", "t.ipynb"],
    ),
    Row("directory", "suggest", lambda s: ["work", "--json"]),
    Row(
        "output-and-in-place",
        "suggest",
        lambda s: [_nb(s), "-o", "t.ipynb", "--in-place"],
        words=("-o", "--in-place"),
    ),
    Row("empty-output", "suggest", lambda s: [_nb(s), "-o", ""], words=("-o",)),
    Row("long-output", "suggest", lambda s: [_nb(s), "-o", f"out/{LONG}.ipynb"], words=("-o",)),
    Row("loop-output", "suggest", lambda s: [_nb(s), "-o", s.loop("out/loop")], words=("-o",)),
    Row("folder-output", "suggest", lambda s: [_nb(s), "-o", "work"], words=("is a folder",)),
    Row(
        "existing-output-outside",
        "suggest",
        lambda s: [_nb(s), "-o", str(s.outside / "victim.txt")],
        words=("already exists",),
    ),
    Row(
        "missing-folder-outside",
        "suggest",
        lambda s: [_nb(s), "-o", str(s.outside / "gone" / "t.ipynb")],
        words=("does not exist",),
    ),
    Row(
        "unwritable-output",
        "suggest",
        lambda s: [s.notebook("work/h.ipynb", *HEADED), "-o", "/proc/nbbridge-tagged.ipynb"],
        words=("-o",),
    ),
    Row("long-path", "run", lambda s: [f"{LONG}.ipynb"], words=("longer than",)),
    Row("loop", "run", lambda s: [s.loop("loop.ipynb")]),
    Row("deep", "run", lambda s: [s.text("deep.ipynb", deep_notebook_text())]),
    Row("unknown-param", "run", lambda s: [_nb(s), "-p", "nope", "1"], words=("nope",)),
    Row("ill-typed-param", "run", lambda s: [_nb(s), "-p", "n", "many"], words=("n",)),
    Row("from-no-step", "run", lambda s: [_nb(s), "--from", "ghost"], words=("ghost",)),
    Row("only-no-step", "run", lambda s: [_nb(s), "--only", "ghost"], words=("ghost",)),
    Row("bad-cache-size", "run", lambda s: [_nb(s), "--cache-size", "lots"]),
    Row("long-path", "cache", lambda s: ["list", f"{LONG}"], words=("longer than",)),
    Row("long-path", "data", lambda s: ["add", f"{LONG}.csv"], words=("longer than",)),
    Row("loop", "data", lambda s: ["add", s.loop("loop.csv")]),
    Row("missing", "data", lambda s: ["add", "nothing.csv"], words=("no such file",)),
    Row("outside-git", "data", lambda s: ["add", s.text("d.csv", "1\n")], words=("git init",)),
    Row("status-outside-git", "data", lambda s: ["status", "."], words=("git",)),
    Row("loop", "cache", lambda s: ["clear", s.loop("loopdir")]),
    Row("not-a-package", "run", lambda s: [_nb(s)[:-9]], words=("not an exported package",)),
    Row("huge-param-name", "run", lambda s: [_nb(s), "-p", "p" * 5_000, "1"], words=("-p",)),
    Row("huge-param-value", "run", lambda s: [_nb(s), "-p", "n", "9" * 5_000 + "x"]),
    Row("huge-step-name", "run", lambda s: [_nb(s), "--from", "s" * 5_000], words=("--from",)),
    Row("undefined-name", "run", lambda s: [s.notebook("work/u.ipynb", *s.notebooks.UNDEFINED)]),
    Row("missing", "cache", lambda s: ["list", "gone"], words=("no such file",)),
]


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    return {
        "ServerApp": {"jpserver_extensions": {"nbbridge": True}},
        "NbbridgeApp": {"max_notebook_bytes": MAX_BODY},
    }


@pytest.fixture
def setup(tmp_path: Path, notebooks: Any) -> Setup:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("")
    return Setup(root=root, outside=outside, notebooks=notebooks)


def outside_untouched(setup: Setup) -> None:
    assert sorted(p.name for p in setup.outside.iterdir()) == ["victim.txt"]
    assert (setup.outside / "victim.txt").read_text() == ""


def test_the_table_covers_every_route_and_command() -> None:
    routes = {pattern for pattern, _ in route_table()}
    assert routes <= {row.where for row in REST_ROWS}, "a route has no hostile-input rows"
    commands = set(cli_main.commands)
    assert commands <= {row.where for row in CLI_ROWS}, "a CLI command has no rows"


@pytest.fixture
def jp_root_dir(tmp_path: Path) -> Path:
    """The server's root is the setup's root (so rows can plant files beside it)."""
    root = tmp_path / "root"
    root.mkdir(exist_ok=True)
    return root


@pytest.mark.parametrize("row", REST_ROWS, ids=lambda r: f"{r.where.split('/')[-1]}-{r.id}")
async def test_rest(row: Row, setup: Setup, jp_fetch: Any, jp_root_dir: Path) -> None:
    payload = row.make(setup)
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    response = await jp_fetch(
        *row.where.strip("/").split("/"),
        method=row.method,
        body=raw,
        raise_error=False,
        request_timeout=600,
    )
    text = response.body.decode("utf-8")
    assert response.code == row.status, text[:2000]
    assert len(response.body) < MAX_ANSWER, text[:2000]
    assert "Traceback" not in text
    for root in {str(jp_root_dir), str(jp_root_dir.resolve())}:
        assert root not in text
    outside_untouched(setup)
    if response.code == 405:
        return
    body = ErrorBody.model_validate_json(text)
    assert body.message.strip()
    if row.field:
        assert body.field == row.field, body
        assert row.field in body.message or row.field.replace("_", " ") in body.message, body
    for word in row.words:
        assert word in body.message, body


@pytest.mark.parametrize("row", CLI_ROWS, ids=lambda r: f"{r.where}-{r.id}")
def test_cli(row: Row, setup: Setup, cli: Any) -> None:
    setup.root.mkdir(exist_ok=True)
    args = row.make(setup)
    result = cli(row.where, *args, cwd=setup.root)
    assert result.returncode == 2, (result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr) < MAX_ANSWER, result.stderr[:2000]
    # One line saying what is wrong (click's usage errors add their "Usage:" and "Try" lines).
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    usage = [line for line in lines if line.startswith(("Usage:", "Try '"))]
    assert len(lines) - len(usage) == 1 and lines[-1].startswith("Error: "), result.stderr[:2000]
    assert str(setup.root) not in result.stderr
    for word in row.words:
        assert word in result.stderr
    if row.cli_json:
        ErrorBody.model_validate_json(result.stdout)
    outside_untouched(setup)

"""``nbbridge run`` and ``nbbridge cache`` as a user types them, in real subprocesses.

Bad input is exit 2 naming the option; a step that raises is exit 1 naming its cell and the line
in the cell, with the steps before it cached so ``--from`` resumes; Ctrl-C (a real SIGINT) ends
the run KILLED with the finished steps cached and no half-written entry; a broken entry, an
unwritable ``.nbbridge/`` and two runs at once on one project all still give the right output.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.timeout(600)
NBBRIDGE = shutil.which("nbbridge", path=str(Path(sys.executable).parent))

FAILING = (
    ("boom = True", ["parameters"], "params"),
    ("xs = [1, 2, 3]\nprint('loaded', len(xs))", ["step:load"], "load"),
    ("total = sum(xs)\nprint('total', total)", ["step:add"], "add"),
    (
        "# check the total\nif boom:\n    raise ValueError('boom')\nprint('checked', total)",
        ["step:check"],
        "check",
    ),
)
SLEEPING = (
    ("xs = [1, 2]\nprint('first done')", ["step:first"], "first"),
    (
        "import time\nprint('sleeping', flush=True)\ntime.sleep(600)\nys = xs",
        ["step:second"],
        "second",
    ),
)


def _project(tmp_path: Path, notebooks: Any, cells: Any = None) -> Path:
    return notebooks.write(tmp_path / "proj" / "nb.ipynb", *(cells or notebooks.PIPELINE))


def _statuses(stdout: str) -> dict[str, str]:
    return {s["name"]: s["status"] for s in json.loads(stdout)["steps"]}


def _entries(cli: Any, folder: Path) -> list[dict[str, Any]]:
    listed = cli("cache", "list", str(folder), "--json")
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout)


def test_run_prints_like_the_notebook_then_replays_from_the_cache(
    tmp_path: Path, notebooks: Any, cli: Any
) -> None:
    nb = _project(tmp_path, notebooks)
    cold = cli("run", nb)
    assert cold.returncode == 0, cold.stderr
    assert cold.stdout == "total=4.15\n"
    assert "load  ran" in cold.stderr and "run FINISHED" in cold.stderr
    warm = cli("run", nb)
    assert warm.stdout == cold.stdout  # what the cached step printed is replayed
    assert "report  cached" in warm.stderr
    as_json = cli("run", nb, "--json", "--no-track")
    body = json.loads(as_json.stdout)
    assert body["status"] == "FINISHED" and body["tracking_uri"] is None
    assert _statuses(as_json.stdout) == {"load": "cached", "train": "cached", "report": "cached"}
    assert body["steps"][-1]["stdout"] == "total=4.15\n"
    changed = cli("run", nb, "-p", "n", "5", "--json")
    assert _statuses(changed.stdout) == {"load": "ran", "train": "ran", "report": "ran"}
    assert json.loads(changed.stdout)["params"] == {"n": 5}
    assert (tmp_path / "proj" / ".nbbridge" / ".gitignore").read_text().strip().endswith("*")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-p", "nope", "1"], ["-p 'nope'", "no such parameter"]),
        (["-p", "n", "five"], ["-p n", "expected int"]),
        (["-p", "n", "2.5"], ["-p n", "expected int"]),
        (["--from", "nope"], ["--from 'nope'", "no such step"]),
        (["--only", "nope"], ["--only 'nope'", "no such step"]),
        (["--cache-size", "lots"], ["--cache-size"]),
    ],
)
def test_bad_input_is_exit_2_naming_the_option(
    args: list[str], words: list[str], tmp_path: Path, notebooks: Any, cli: Any
) -> None:
    result = cli("run", _project(tmp_path, notebooks), *args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr
    assert result.stdout == ""


def test_a_failing_step_names_its_cell_and_line_and_from_resumes(
    tmp_path: Path, notebooks: Any, cli: Any
) -> None:
    nb = _project(tmp_path, notebooks, FAILING)
    failed = cli("run", nb)
    assert failed.returncode == 1
    assert "step check failed: ValueError: boom" in failed.stderr
    assert "cell check, line 3: raise ValueError('boom')" in failed.stderr  # the notebook's line
    assert failed.stdout == "loaded 3\ntotal 6\n"
    resumed = cli("run", nb, "--from", "check", "-p", "boom", "False", "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert _statuses(resumed.stdout) == {"load": "cached", "add": "cached", "check": "ran"}
    assert json.loads(resumed.stdout)["steps"][-1]["stdout"] == "checked 6\n"
    as_json = cli("run", nb, "--json")
    body = json.loads(as_json.stdout)
    assert as_json.returncode == 1 and body["status"] == "FAILED"
    assert body["error"]["cell_id"] == "check" and body["error"]["line"] == 3


def test_only_runs_one_step_from_cached_inputs(tmp_path: Path, notebooks: Any, cli: Any) -> None:
    nb = _project(tmp_path, notebooks)
    missing = cli("run", nb, "--only", "report")
    assert missing.returncode == 2 and "no cached outputs" in missing.stderr
    assert cli("run", nb).returncode == 0
    only = cli("run", nb, "--only", "report", "--json")
    assert only.returncode == 0, only.stderr
    assert _statuses(only.stdout) == {"load": "cached", "train": "cached", "report": "ran"}


def test_ctrl_c_ends_the_run_killed_with_finished_steps_cached(
    tmp_path: Path, notebooks: Any, cli: Any
) -> None:
    nb = _project(tmp_path, notebooks, SLEEPING)
    assert NBBRIDGE
    process = subprocess.Popen(
        [NBBRIDGE, "run", str(nb)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    lines = []
    while "sleeping" not in (line := process.stdout.readline()):
        assert line, "the run ended before its second step slept"
        lines.append(line)
    process.send_signal(signal.SIGINT)
    rest, stderr = process.communicate()
    assert process.returncode == 130, stderr
    assert "run KILLED" in stderr and "Traceback" not in stderr
    assert lines == ["first done\n"]
    entries = _entries(cli, nb.parent)
    assert [e["step"] for e in entries] == ["first"]
    assert list((nb.parent / ".nbbridge" / "cache" / "tmp").iterdir()) == []


def test_a_broken_entry_is_recomputed_with_a_warning(
    tmp_path: Path, notebooks: Any, cli: Any
) -> None:
    nb = _project(tmp_path, notebooks)
    cold = cli("run", nb)
    entries = {e["step"]: e["key"] for e in _entries(cli, nb.parent)}
    root = nb.parent / ".nbbridge" / "cache" / "entries"
    (root / entries["report"] / "meta.json").write_text('{"key": "trunc')
    data = max((root / entries["load"]).glob("out*"), key=lambda p: p.stat().st_size)
    data.write_bytes(data.read_bytes()[:3])
    again = cli("run", nb, "--from", "train", "--json")
    assert again.returncode == 0, again.stderr
    assert "step load: its cache entry is broken" in again.stderr
    assert _statuses(again.stdout)["report"] == "ran"
    assert json.loads(again.stdout)["steps"][-1]["stdout"] == cold.stdout
    fixed = cli("run", nb)
    assert fixed.stdout == cold.stdout and "broken" not in fixed.stderr


def test_an_unwritable_state_folder_only_turns_the_cache_off(
    tmp_path: Path, notebooks: Any, cli: Any
) -> None:
    nb = _project(tmp_path, notebooks)
    (nb.parent / ".nbbridge").write_text("a file where the folder goes")
    result = cli("run", nb, "--json")
    assert result.returncode == 0, result.stderr
    assert "the step cache is off" in result.stderr
    body = json.loads(result.stdout)
    assert body["steps"][-1]["stdout"] == "total=4.15\n"
    assert any("cache is off" in w for w in body["warnings"])


def test_two_runs_at_once_both_finish_and_leave_one_entry_per_step(
    tmp_path: Path, notebooks: Any, cli: Any
) -> None:
    nb = _project(tmp_path, notebooks)
    assert NBBRIDGE
    runs = [
        subprocess.Popen(
            [NBBRIDGE, "run", str(nb)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert outputs[0][0] == outputs[1][0] == "total=4.15\n"
    steps = sorted(e["step"] for e in _entries(cli, nb.parent))
    assert steps == ["load", "report", "train"]
    third = cli("run", nb, "--json")
    assert set(_statuses(third.stdout).values()) == {"cached"}


def test_an_exported_package_runs_like_its_notebook(
    tmp_path: Path, notebooks: Any, cli: Any
) -> None:
    nb = _project(tmp_path, notebooks)
    out = tmp_path / "pkg"
    assert cli("export", nb, "-o", out).returncode == 0
    ran = cli("run", out, "-p", "n", "4")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == cli("run", nb).stdout
    assert "load  ran" in ran.stderr
    assert "report  cached" in cli("run", out).stderr
    bad = cli("run", out, "-p", "n", "x")
    assert bad.returncode == 2 and "-p n" in bad.stderr


def test_cache_list_and_clear_by_step(tmp_path: Path, notebooks: Any, cli: Any) -> None:
    nb = _project(tmp_path, notebooks)
    cli("run", nb)
    listed = cli("cache", "list", nb.parent)
    assert listed.returncode == 0 and "3 entries" in listed.stdout
    cleared = cli("cache", "clear", nb.parent, "--step", "report")
    assert cleared.stdout.strip() == "removed 1 entries"
    assert sorted(e["step"] for e in _entries(cli, nb.parent)) == ["load", "train"]
    again = cli("run", nb, "--json")
    assert _statuses(again.stdout) == {"load": "cached", "train": "cached", "report": "ran"}
    assert cli("cache", "clear", nb).stdout.strip() == "removed 3 entries"


def test_an_edit_is_seen_though_the_plan_is_kept_between_runs(
    tmp_path: Path, notebooks: Any, cli: Any
) -> None:
    nb = _project(tmp_path, notebooks)
    assert cli("run", nb).returncode == 0
    plans = list((nb.parent / ".nbbridge" / "cache" / "plans").iterdir())
    assert len(plans) == 1  # the analysis is kept, keyed by the notebook's bytes
    cells = list(notebooks.PIPELINE)
    cells[-1] = ("report = f'sum={total:.1f}'\nprint(report)", ["step:report"], "report")
    notebooks.write(nb, *cells)
    edited = cli("run", nb, "--json")
    assert _statuses(edited.stdout) == {"load": "cached", "train": "cached", "report": "ran"}
    assert json.loads(edited.stdout)["steps"][-1]["stdout"] == "sum=4.1\n"
    (nb.parent / "helpers.py").write_text("X = 1\n")  # a module beside it: analysed again
    assert cli("run", nb).stdout == "sum=4.1\n"
    assert len(list((nb.parent / ".nbbridge" / "cache" / "plans").iterdir())) == 3

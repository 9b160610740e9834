"""``nbbridge export``, run for real: exit codes, messages, nothing written on refusal, safe
re-export (byte-identical, hand edits kept and reported, ``--force``), ``--execute`` and ``--json``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nbbridge.api import ErrorBody, ExportResponse

pytestmark = pytest.mark.timeout(300)

TINY_FILES = [
    "README.md",
    "pyproject.toml",
    "src/tiny/__init__.py",
    "src/tiny/__main__.py",
    "src/tiny/lib.py",
    "src/tiny/params.py",
    "src/tiny/pipeline.py",
    "src/tiny/steps.py",
    "tests/fingerprints.py",
    "tests/test_pipeline.py",
    ".nbbridge-export.json",
]

# Notebooks the analysis rejects, and the cell each message must name.
REJECTED = {
    "undefined-name": (
        [
            ("data = [1, 2, 3]", ["step:load"], "load"),
            ("scale = 2\ntotal = sum(data) * missing_factor", ["step:train"], "train"),
        ],
        "cell train, line 2",
        "missing_factor",
    ),
    "cycle": (
        [
            ("a = 1", ["step:one", "after:two"], "one"),
            ("b = 2", ["step:two", "after:one"], "two"),
        ],
        "cell two",
        "cycle",
    ),
    "run-magic": (
        [("x = 1", ["step:one"], "first"), ("%run other.py\ny = x", ["step:two"], "runner")],
        "cell runner, line 1",
        "%run",
    ),
    "syntax-error": (
        [("x = 1", ["step:one"], "first"), ("y = = x", ["step:two"], "broken")],
        "cell broken, line 1",
        "",
    ),
}


@pytest.fixture
def tiny(tmp_path, notebooks) -> Path:
    return notebooks.write(tmp_path / "nb" / "tiny.ipynb", *notebooks.PIPELINE)


def listing(folder: Path) -> list[str]:
    """Everything under ``folder``, hidden entries included (staging folders would show)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def assert_refused(result, code: int, *words: str) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


def test_export_writes_the_package_and_says_what_it_wrote(tiny, cli, tmp_path):
    out = tmp_path / "out" / "tiny"
    result = cli("export", tiny, "-o", out, cwd=tiny.parent)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Exported {tiny} as package tiny into {out}"
    assert lines[1] == f"Files written ({len(TINY_FILES)}):"
    assert [line.strip() for line in lines[2 : 2 + len(TINY_FILES)]] == TINY_FILES
    assert listing(out) == sorted(
        {*TINY_FILES, "src", "src/tiny", "tests"}
    ), "exactly the files listed, nothing left over"
    assert "Golden tests: none" in result.stdout
    assert "Lint: black-formatted and ruff clean." in result.stdout
    assert f"Next: cd {out} && pip install -e '.[test]' && pytest" in result.stdout
    # the staging folder beside the target is gone
    assert listing(out.parent) == ["tiny", *(f"tiny/{f}" for f in listing(out))]
    steps = (out / "src/tiny/steps.py").read_text()
    assert "def load(n: int):" in steps and "def report_step(total):" in steps
    # The notebook as the generated files name it: relative to the working folder.
    assert steps.startswith('"""Pipeline steps of tiny.ipynb:')


def test_json_result_and_the_notes_a_user_must_read(tmp_path, notebooks, cli):
    nb = notebooks.write(
        tmp_path / "notes.ipynb",
        ("import json\nimport nbbridge_no_such_module", [], "imports"),
        ("%matplotlib inline\nleft_over = 3\nvalues = [1, 2]", ["step:load"], "load"),
        ("total = sum(values)\nprint(json.dumps(total))", ["step:report"], "report"),
    )
    out = tmp_path / "notes_pkg"
    result = cli("export", nb, "-o", out, "--name", "notes", "--json")
    assert result.returncode == 0, result.stderr
    answer = ExportResponse.model_validate_json(result.stdout)
    assert answer.package == "notes" and answer.target == "package"
    assert answer.directory == str(out)
    assert all((out / name).is_file() for name in answer.files)
    assert "src/notes/steps.py" in answer.files
    assert answer.golden is False and answer.tests is None
    [warning] = answer.warnings
    assert (warning.cell_id, warning.line, warning.severity) == ("load", 1, "warning")
    assert "%matplotlib" in warning.message
    assert answer.unresolved_imports == ["nbbridge_no_such_module"]
    assert answer.verbatim_rule_breaks == {"src/notes/steps.py": ["F841"]}  # left_over

    text = cli("export", nb, "-o", out, "--name", "notes")
    assert text.returncode == 0, text.stderr
    assert "Warnings (1):\n  cell load, line 1: " in text.stdout
    assert "Unresolved imports: nbbridge_no_such_module" in text.stdout
    assert "  src/notes/steps.py: F841" in text.stdout


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_rejected_notebooks_exit_2_naming_the_cell_and_write_nothing(
    case, tmp_path, notebooks, cli
):
    cells, where, word = REJECTED[case]
    nb = notebooks.write(tmp_path / f"{case}.ipynb", *cells)
    out = tmp_path / "target" / "pkg"
    before = listing(tmp_path)
    stderr = assert_refused(cli("export", nb, "-o", out), 2, "cannot be exported", where, word)
    assert assert_json_refusal(cli("export", nb, "-o", out, "--json"))
    assert listing(tmp_path) == before, "nothing may be written on refusal"
    assert not out.exists() and not out.parent.exists()
    assert stderr.count("cell ") >= 1


def assert_json_refusal(result) -> bool:
    """``--json`` on a refusal: exit 2 and an ErrorBody with every problem on stdout."""
    assert result.returncode == 2
    body = ErrorBody.model_validate_json(result.stdout)
    assert body.problems and body.cell_id == body.problems[0].cell_id
    assert all(p.severity == "error" and p.cell_id for p in body.problems)
    return True


def test_every_problem_is_listed(tmp_path, notebooks, cli):
    nb = notebooks.write(
        tmp_path / "two.ipynb",
        ("a = first_missing", ["step:one"], "one"),
        ("b = a + second_missing", ["step:two"], "two"),
    )
    stderr = assert_refused(cli("export", nb, "-o", tmp_path / "p"), 2)
    assert "cell one, line 1" in stderr and "first_missing" in stderr
    assert "cell two, line 1" in stderr and "second_missing" in stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--name", "1bad"], ["package name", "1bad"]),
        (["--name", "json"], ["standard library"]),
        (["--target", "airflowish"], ["--target", "airflowish", "package", "dvc"]),
        (["--execute", "--timeout", "0"], ["--timeout", "more than 0"]),
        (["--execute", "--timeout", "86401"], ["--timeout", "86400"]),
        (["--execute", "--timeout", "soon"], ["--timeout", "soon"]),
    ],
)
def test_bad_options_exit_2(tiny, cli, tmp_path, args, words):
    out = tmp_path / "pkg"
    assert_refused(cli("export", tiny, "-o", out, *args), 2, *words)
    assert not out.exists()


def test_bad_notebook_and_output_exit_2(tmp_path, tiny, cli):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    assert_refused(cli("export", broken, "-o", tmp_path / "a"), 2, "broken.ipynb", "JSON")
    assert_refused(cli("export", tmp_path / "nope.ipynb", "-o", tmp_path / "a"), 2, "no such")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    assert_refused(cli("export", tiny, "-o", a_file), 2, "not a folder")
    assert a_file.read_text() == "x"
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep")
    assert_refused(cli("export", tiny, "-o", foreign), 2, "not empty")
    assert listing(foreign) == ["mine.txt"]
    assert not (tmp_path / "a").exists()


def test_re_export_is_byte_identical_and_hand_edits_are_kept_until_force(
    tiny, cli, tmp_path, snapshot
):
    out = tmp_path / "pkg"
    assert cli("export", tiny, "-o", out).returncode == 0
    first = snapshot(out)
    again = cli("export", tiny, "-o", out)
    assert again.returncode == 0, again.stderr
    assert snapshot(out) == first

    steps = out / "src/tiny/steps.py"
    edited = steps.read_text().replace("math.sqrt(i)", "math.sqrt(i) + 1")
    assert edited != steps.read_text()
    steps.write_text(edited)
    readme = out / "README.md"
    readme.write_text(readme.read_text() + "\nNotes by the engineer.\n")
    stderr = assert_refused(cli("export", tiny, "-o", out), 2, "--force")
    assert "README.md" in stderr and "src/tiny/steps.py" in stderr
    assert "pyproject.toml" not in stderr
    assert steps.read_text() == edited, "a hand edit must survive a refused export"
    assert "Notes by the engineer." in readme.read_text()
    expected = {**first, "src/tiny/steps.py": edited.encode(), "README.md": readme.read_bytes()}
    assert snapshot(out) == expected, "nothing else changed either"

    forced = cli("export", tiny, "-o", out, "--force")
    assert forced.returncode == 0, forced.stderr
    assert snapshot(out) == first


def test_execute_records_golden_tests(tiny, cli, tmp_path):
    out = tmp_path / "pkg"
    result = cli("export", tiny, "-o", out, "--execute", "--json")
    assert result.returncode == 0, result.stderr
    answer = ExportResponse.model_validate_json(result.stdout)
    assert answer.golden and "tests/golden.json" in answer.files
    golden = (out / "tests/golden.json").read_text()
    # what the run produced: the report step's string and the sum of the square roots of 0..3
    assert '"total=4.15"' in golden and "4.146" in golden, golden
    assert "tiny.ipynb" not in os.listdir(out), "the notebook stays where it is"


def test_execute_of_a_failing_notebook_exits_1_and_writes_nothing(tmp_path, notebooks, cli):
    nb = notebooks.write(
        tmp_path / "fails.ipynb",
        ("values = [1, 0]", ["step:load"], "load"),
        ("ratio = values[0] / values[1]", ["step:divide"], "divide"),
    )
    out = tmp_path / "pkg"
    before = listing(tmp_path)
    stderr = assert_refused(cli("export", nb, "-o", out, "--execute"), 1, "ZeroDivisionError")
    assert "failed while executing" in stderr
    assert listing(tmp_path) == before
    # Without --execute the same notebook exports: it is valid, only its run fails.
    assert cli("export", nb, "-o", out).returncode == 0


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


def test_execute_past_its_timeout_exits_1_naming_the_cell_and_writes_nothing(
    tmp_path, notebooks, cli
):
    nb = notebooks.write(tmp_path / "nb" / "hang.ipynb", *HANGING_CELLS)
    out = tmp_path / "pkg"
    before = listing(tmp_path)
    result = cli("export", nb, "-o", out, "--execute", "--timeout", "20")
    stderr = assert_refused(result, 1, "cell hang was running", "within 20 s")
    # one line from nbbridge (the kernel's own start-up warning aside: ipykernel's, not ours)
    ours = [line for line in stderr.splitlines() if line and not line.startswith("[IPKernelApp]")]
    assert len(ours) == 1 and ours[0].startswith("Error: "), stderr
    assert not alive(int((tmp_path / "nb" / "child.pid").read_text()))
    assert listing(tmp_path) == sorted([*before, "nb/child.pid"])
    # --json: the same refusal as the REST answer, naming the cell
    again = cli("export", nb, "-o", out, "--execute", "--timeout", "20", "--json")
    assert again.returncode == 1, again.stderr
    body = ErrorBody.model_validate_json(again.stdout)
    assert body.cell_id == "hang" and "cell hang was running" in body.message

"""The IPython magics in a real kernel: ``%load_ext nbbridge``, ``%%step`` and ``%nbbridge``.

One ipykernel (the venv's python) is started for the module, in a temporary folder, with
``JPY_SESSION_NAME`` set the way JupyterLab sets it, and shut down at the end.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

pytestmark = [pytest.mark.kernel, pytest.mark.timeout(180)]

MIME = "application/vnd.nbbridge.pipeline+json"


class Kernel:
    """A running kernel and a blocking client; ``run(code)`` returns the reply and the outputs."""

    def __init__(self, km: KernelManager, folder: Path) -> None:
        self.km = km
        self.folder = folder
        self.new_modules: list[str] = []
        self.client = km.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def run(self, code: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        outputs: list[dict[str, Any]] = []

        def keep(msg: dict[str, Any]) -> None:
            if msg["msg_type"] in {"stream", "display_data", "execute_result", "error"}:
                outputs.append(msg)

        reply = self.client.execute_interactive(code, output_hook=keep, timeout=60)
        return reply["content"], outputs

    def ok(self, code: str) -> list[dict[str, Any]]:
        reply, outputs = self.run(code)
        assert reply["status"] == "ok", (code, reply, outputs)
        return outputs

    def stop(self) -> None:
        self.client.stop_channels()
        self.km.shutdown_kernel(now=True)


def text_of(outputs: list[dict[str, Any]]) -> str:
    """Everything a user would read: streams, text/plain results, error names and tracebacks."""
    parts = []
    for msg in outputs:
        content = msg["content"]
        if msg["msg_type"] == "stream":
            parts.append(content["text"])
        elif msg["msg_type"] == "error":
            parts.append(
                f"{content['ename']}: {content['evalue']}\n" + "\n".join(content["traceback"])
            )
        else:
            parts.append(content["data"].get("text/plain", ""))
    return "".join(parts)


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("kernel")
    nb_path = folder / "analysis.ipynb"
    # The venv's own python, whatever kernelspecs the machine has installed.
    spec_dir = folder / "kernels" / "nbbridge-test"
    spec_dir.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = {"argv": argv, "display_name": "nbbridge test", "language": "python"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    ksm = KernelSpecManager(kernel_dirs=[str(folder / "kernels")], ensure_native_kernel=False)
    km = KernelManager(kernel_name="nbbridge-test", kernel_spec_manager=ksm)
    # JupyterLab's server sets JPY_SESSION_NAME to the notebook's path in the kernel's env.
    km.start_kernel(cwd=str(folder), env={**os.environ, "JPY_SESSION_NAME": str(nb_path)})
    k = Kernel(km, folder)
    try:
        yield k
    finally:
        k.stop()


@pytest.fixture(scope="module")
def loaded(kernel: Kernel) -> Kernel:
    """The kernel after ``%load_ext nbbridge``; records which modules the load imported."""
    kernel.ok("import sys\n_nbbridge_before = set(sys.modules)")
    kernel.ok("%load_ext nbbridge")
    outputs = kernel.ok("print(sorted(set(sys.modules) - _nbbridge_before))")
    kernel.new_modules = json.loads(text_of(outputs).replace("'", '"'))
    return kernel


def test_loading_the_magics_imports_only_nbbridge_and_ipython_parts(loaded):
    assert "nbbridge.magics" in loaded.new_modules
    # No MLflow, pydantic, nbformat, pandas ...: only nbbridge and small IPython modules.
    heavy = [m for m in loaded.new_modules if not m.startswith(("nbbridge", "IPython."))]
    assert heavy == [], heavy
    # The analysis is imported on first use, not by %load_ext.
    assert "nbbridge.core" not in loaded.new_modules


def test_step_runs_the_cell_in_the_user_namespace(loaded):
    outputs = loaded.ok("%%step load\nx = 41\nx + 1")
    [result] = [m for m in outputs if m["msg_type"] == "execute_result"]
    assert result["content"]["data"]["text/plain"] == "42"
    assert text_of(loaded.ok("print(x * 2)")) == "82\n"


def test_step_with_after_and_ipython_syntax(loaded):
    outputs = loaded.ok("%%step train --after load,prep\nhere = %pwd\nmodel = len(here);")
    assert not [m for m in outputs if m["msg_type"] == "execute_result"]  # ';' silences
    assert text_of(loaded.ok("print(model == len(here) > 0)")) == "True\n"
    assert text_of(loaded.ok("print(here)")).strip() == str(loaded.folder)


def test_step_with_a_bad_name_refuses_to_run(loaded):
    reply, outputs = loaded.run("%%step Bad-Name\nnever_defined = 1")
    shown = text_of(outputs)
    assert "'Bad-Name' is not a valid step name" in shown
    assert "Traceback" not in shown
    assert reply["status"] == "error"
    assert text_of(loaded.ok("print('never_defined' in globals())")) == "False\n"

    reply, outputs = loaded.run("%%step ok --after fine,Nope\nalso_never = 1")
    assert "'Nope' is not a valid step name" in text_of(outputs)
    assert text_of(loaded.ok("print('also_never' in globals())")) == "False\n"


def test_step_without_a_name_is_a_usage_error(loaded):
    reply, outputs = loaded.run("%%step\nz = 1")
    assert reply["status"] == "error"
    assert "name" in text_of(outputs)


def test_an_exception_in_a_step_fails_the_cell_once(loaded):
    reply, outputs = loaded.run("%%step boom\nfirst = 1\nfirst / 0")
    assert reply["status"] == "error"
    assert reply["ename"] == "ZeroDivisionError"
    errors = [m for m in outputs if m["msg_type"] == "error"]
    assert len(errors) == 1
    # The traceback points at the cell's own line 3 (line 1 is the %%step line).
    assert "first / 0" in "\n".join(errors[0]["content"]["traceback"])
    assert text_of(loaded.ok("print(first)")) == "1\n"


def test_dag_displays_the_pipeline_bundle(loaded, notebooks):
    notebooks.write(loaded.folder / "nbs" / "tiny.ipynb", *notebooks.PIPELINE)
    outputs = loaded.ok("%nbbridge dag nbs/tiny.ipynb")
    [shown] = [m for m in outputs if m["msg_type"] == "display_data"]
    data = shown["content"]["data"]
    assert set(data) == {MIME, "text/plain"}
    pipeline = data[MIME]
    assert [s["name"] for s in pipeline["steps"]] == ["load", "train", "report"]
    assert pipeline["order"] == ["load", "train", "report"]
    assert pipeline["notebook"] == "nbs/tiny.ipynb"
    table = data["text/plain"]
    assert "Steps" in table
    assert table.index("load") < table.index("train") < table.index("report")
    assert "n -> data" in table


def test_dag_without_a_path_uses_the_kernels_notebook(loaded, notebooks):
    notebooks.write(loaded.folder / "analysis.ipynb", *notebooks.PIPELINE)
    outputs = loaded.ok("%nbbridge dag")
    [shown] = [m for m in outputs if m["msg_type"] == "display_data"]
    assert [s["name"] for s in shown["content"]["data"][MIME]["steps"]] == [
        "load",
        "train",
        "report",
    ]


def test_check_prints_the_problems(loaded, notebooks):
    notebooks.write(loaded.folder / "undefined.ipynb", *notebooks.UNDEFINED)
    shown = text_of(loaded.ok("%nbbridge check undefined.ipynb"))
    assert "undefined-name" in shown
    assert "missing_factor" in shown
    assert "cell train, line 2" in shown

    notebooks.write(loaded.folder / "tiny.ipynb", *notebooks.PIPELINE)
    assert text_of(loaded.ok("%nbbridge check tiny.ipynb")).strip() == "No problems."


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("%nbbridge dag missing.ipynb", ["no notebook at", "missing.ipynb"]),
        ("%nbbridge check nbs", ["is a directory"]),
        ("%nbbridge frobnicate", ["usage: %nbbridge dag"]),
        ("%nbbridge", ["usage: %nbbridge dag"]),
        ("%nbbridge dag a.ipynb b.ipynb", ["at most one PATH"]),
    ],
)
def test_bad_input_gives_a_clear_message_not_a_traceback(loaded, line, words):
    (loaded.folder / "nbs").mkdir(exist_ok=True)
    reply, outputs = loaded.run(line)
    shown = text_of(outputs)
    for word in words:
        assert word in shown, shown
    assert "Traceback" not in shown
    assert reply["status"] == "error"


def test_invalid_notebook_gives_a_clear_message(loaded):
    (loaded.folder / "broken.ipynb").write_text("{not json")
    reply, outputs = loaded.run("%nbbridge check broken.ipynb")
    shown = text_of(outputs)
    assert "broken.ipynb: not valid JSON" in shown
    assert "Traceback" not in shown


def test_export_of_this_notebook_into_the_default_folder(loaded, notebooks):
    notebooks.write(loaded.folder / "analysis.ipynb", *notebooks.PIPELINE)
    shown = text_of(loaded.ok("%nbbridge export"))
    out = loaded.folder / "export" / "analysis"
    assert shown.startswith(f"Exported analysis.ipynb as package analysis into {out}\n"), shown
    assert "Golden tests: none" in shown
    assert "Lint: black-formatted and ruff clean." in shown
    listed = [line.strip() for line in shown.splitlines() if line.startswith("  ")]
    assert "src/analysis/steps.py" in listed
    assert all((out / name).is_file() for name in listed)
    steps = (out / "src" / "analysis" / "steps.py").read_text()
    assert steps.startswith('"""Pipeline steps of analysis.ipynb:')  # never an absolute path


def test_export_with_options_and_a_hand_edit(loaded, notebooks):
    notebooks.write(loaded.folder / "nbs" / "tiny.ipynb", *notebooks.PIPELINE)
    shown = text_of(loaded.ok("%nbbridge export nbs/tiny.ipynb -o pkgs/tidy --name tidy"))
    assert "as package tidy into pkgs/tidy" in shown
    steps = loaded.folder / "pkgs" / "tidy" / "src" / "tidy" / "steps.py"
    original = steps.read_text()
    steps.write_text(original + "\n# edited\n")
    reply, outputs = loaded.run("%nbbridge export nbs/tiny.ipynb -o pkgs/tidy --name tidy")
    shown = text_of(outputs)
    assert reply["status"] == "error" and "Traceback" not in shown
    assert "src/tidy/steps.py" in shown and "--force" in shown
    assert steps.read_text().endswith("# edited\n")
    loaded.ok("%nbbridge export nbs/tiny.ipynb -o pkgs/tidy --name tidy --force")
    assert steps.read_text() == original


def test_export_refusals_name_the_cell_and_write_nothing(loaded, notebooks):
    notebooks.write(loaded.folder / "undefined.ipynb", *notebooks.UNDEFINED)
    notebooks.write(loaded.folder / "fine.ipynb", *notebooks.PIPELINE)
    for line, words in [
        ("%nbbridge export undefined.ipynb -o refused", ["cell train, line 2", "missing_factor"]),
        ("%nbbridge export undefined.ipynb -o refused --bogus", ["unrecognized", "--bogus"]),
        ("%nbbridge export undefined.ipynb -o refused --target nope", ["package, dvc"]),
        ("%nbbridge export fine.ipynb -o refused --name 9x", ["package name '9x'"]),
        ("%nbbridge export fine.ipynb -o fine.ipynb", ["is a file, not a folder"]),
    ]:
        reply, outputs = loaded.run(line)
        shown = text_of(outputs)
        assert reply["status"] == "error", line
        for word in words:
            assert word in shown, (line, shown)
        assert "Traceback" not in shown
    assert not (loaded.folder / "refused").exists()


def test_export_execute_from_a_notebook_that_exports_itself(loaded, notebooks):
    # The notebook holds its own export cell: while --execute runs the notebook to record the
    # golden tests, that cell must not export (and run the notebook) again.
    notebooks.write(
        loaded.folder / "selfie.ipynb",
        ("%load_ext nbbridge", [], "ext"),
        ("base = 3", ["parameters"], "params"),
        ("squares = [i * i for i in range(base)]", ["step:make"], "make"),
        ("total = sum(squares)\nprint('total', total)", ["step:add"], "add"),
        ("%nbbridge export --execute -o selfie_pkg", ["skip"], "exporter"),
    )
    shown = text_of(loaded.ok("%nbbridge export selfie.ipynb --execute -o selfie_pkg"))
    assert "Golden tests: recorded" in shown, shown
    golden = (loaded.folder / "selfie_pkg" / "tests" / "golden.json").read_text()
    assert '"total 5\\n"' in golden, golden  # what the add step printed: 0 + 1 + 4
    assert not (loaded.folder / "export").joinpath("selfie").exists()


def test_export_execute_past_its_timeout_names_the_cell_and_kills_the_kernel(loaded, notebooks):
    notebooks.write(
        loaded.folder / "hang.ipynb",
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
    reply, outputs = loaded.run("%nbbridge export hang.ipynb --execute --timeout 20 -o hung")
    shown = text_of(outputs)
    assert reply["status"] == "error"
    assert "cell hang was running" in shown and "within 20 s" in shown, shown
    assert "Traceback" not in shown
    assert not (loaded.folder / "hung").exists()
    # the notebook's child died with the export's kernel (this kernel, its grandparent, lives)
    pid = int((loaded.folder / "child.pid").read_text())
    stat = Path(f"/proc/{pid}/stat")
    assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"
    reply, outputs = loaded.run("%nbbridge export hang.ipynb --execute --timeout 0 -o hung")
    assert reply["status"] == "error" and "--timeout" in text_of(outputs)


def test_without_a_known_notebook_the_path_is_required(loaded):
    # Last in the module: it forgets the session the kernel was started with.
    loaded.ok("import os\nos.environ.pop('JPY_SESSION_NAME', None)\n__session__ = ''")
    reply, outputs = loaded.run("%nbbridge check")
    shown = text_of(outputs)
    assert "give the path" in shown
    assert "Traceback" not in shown


@pytest.mark.parametrize(
    "name", ["load", "_x", "train_2", "Load", "2nd", "with", "a-b", "", "é", "load data"]
)
def test_the_magic_and_the_analysis_agree_on_step_names(name):
    from IPython.core.error import UsageError

    from nbbridge.core.tags import is_valid_step_name
    from nbbridge.magics import _check_step_name

    try:
        _check_step_name(name, "step name")
        accepted = True
    except UsageError:
        accepted = False
    assert accepted == is_valid_step_name(name)

"""IPython magics: ``%%step NAME [--after A,B]``, ``%%track [--name N] [--metrics ...]``,
``%nbbridge dag|check [PATH]`` and
``%nbbridge export [PATH] [-o DIR] [--name PKG] [--execute [--timeout S]] [--force] [--target T]``.

Loading them (``%load_ext nbbridge``) imports nothing heavy: the analysis, pydantic and nbformat
are imported on the first ``%nbbridge`` call, MLflow and ipywidgets on the first ``%%track``.
"""

from __future__ import annotations

import ast
import keyword
import os
import re
import shlex
from pathlib import Path
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import (
    MagicArgumentParser,
    argument,
    magic_arguments,
    parse_argstring,
)

__all__ = ["MIME_TYPE", "NbbridgeMagics", "register"]

MIME_TYPE = "application/vnd.nbbridge.pipeline+json"

# DESIGN.md §2: a step name is a lowercase Python identifier.
_STEP_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")

_SUBCOMMANDS = ("dag", "check", "export")
_USAGE = (
    "usage: %nbbridge dag [PATH] | %nbbridge check [PATH] | "
    "%nbbridge export [PATH] [-o DIR] [--name PKG] [--execute [--timeout S]] [--force] "
    "[--target T]"
)
# Defined in the kernel by `export --execute` while it runs the notebook for golden tests.
_RECORDER_MARK = "__nbbridge_record__"


def _export_parser() -> MagicArgumentParser:
    parser = MagicArgumentParser(prog="%nbbridge export", add_help=False)
    parser.add_argument("path", nargs="?", help="The notebook (default: this kernel's)")
    parser.add_argument("-o", "--output", help="Folder (default: NOTEBOOK_FOLDER/export/PKG)")
    parser.add_argument("--name", help="Import name of the package")
    parser.add_argument("--execute", action="store_true", help="Record golden tests")
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="Seconds each of the 3 runs of --execute may take (default 600)",
    )
    parser.add_argument("--force", action="store_true", help="Replace hand-edited files")
    parser.add_argument("--target", default="package", help="package (default) or dvc")
    return parser


def _check_step_name(name: str, what: str) -> None:
    if not _STEP_NAME.match(name) or keyword.iskeyword(name):
        raise UsageError(
            f"%%step: {what} {name!r} is not a valid step name "
            "(a lowercase Python identifier such as 'load_data'); the cell was not run"
        )


@magics_class
class NbbridgeMagics(Magics):
    """The nbbridge magics; one instance per shell, holding the Analyzer's per-cell cache."""

    _analyzer: Any = None

    @magic_arguments()
    @argument("name", help="The step this cell starts (a lowercase Python identifier)")
    @argument("--after", default="", help="Comma-separated steps this one runs after")
    @cell_magic
    def step(self, line: str, cell: str) -> Any:
        """``%%step NAME [--after A,B]``: mark the cell as a pipeline step and run it as usual.

        The body runs in the user namespace; its last expression is the cell's result. A bad step
        name refuses to run the cell, so the notebook never silently disagrees with its pipeline.
        """
        args = parse_argstring(self.step, line)
        _check_step_name(args.name, "step name")
        for after in filter(None, (a.strip() for a in args.after.split(","))):
            _check_step_name(after, "--after name")
        return self._run_body(cell)

    @cell_magic
    def track(self, line: str, cell: str) -> Any:
        """``%%track [--name NAME] [--metrics a,b] [--params x,y] [--minimize a,b]``: run the
        cell and log it as one MLflow run, with a widget under it (see nbbridge.track_magic)."""
        from .track_magic import track_cell  # MLflow and ipywidgets come with the first use

        try:
            notebook: Path | None = self._notebook_path(None)
        except UsageError:
            notebook = None
        return track_cell(self.shell, line, cell, notebook, self._run_body)

    def _run_body(self, cell: str) -> Any:
        # Executed here rather than through a nested shell.run_cell: an exception must propagate
        # to the outer cell so it fails (papermill, nbclient and "run all" stop there), with one
        # traceback instead of two.
        shell = self.shell
        code = shell.transform_cell(cell)
        # A leading newline keeps traceback line numbers equal to the cell's (line 1 is %%step).
        source = "\n" + code
        filename = shell.compile.cache(source, shell.execution_count, raw_code="\n" + cell)
        tree = shell.transform_ast(ast.parse(source, filename=filename))
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        ns = shell.user_ns
        exec(shell.compile(tree, filename, "exec"), ns)
        if last is None:
            return None
        value = eval(shell.compile(ast.Expression(last.value), filename, "eval"), ns)
        return None if DisplayHook.semicolon_at_end_of_expression(code) else value

    @line_magic
    def nbbridge(self, line: str) -> None:
        """``%nbbridge dag [PATH]`` draws the pipeline; ``%nbbridge check [PATH]`` lists problems;
        ``%nbbridge export [PATH] [-o DIR] ...`` exports the package (as ``nbbridge export``).

        PATH defaults to this kernel's notebook (JupyterLab tells the kernel its path).
        """
        words = shlex.split(line)
        if not words or words[0] not in _SUBCOMMANDS:
            raise UsageError(_USAGE)
        if words[0] == "export":
            self._export(words[1:])
            return
        if len(words) > 2:
            raise UsageError(f"%nbbridge {words[0]}: expected at most one PATH, got {words[1:]}")
        pipeline = self._analyze(self._notebook_path(words[1] if len(words) > 1 else None))
        from IPython.display import display

        from .core.render import render_pipeline, render_problems

        if words[0] == "dag":
            bundle = {
                MIME_TYPE: pipeline.model_dump(mode="json"),
                "text/plain": render_pipeline(pipeline),
            }
            display(bundle, raw=True)
        else:
            print(render_problems(pipeline))

    def _notebook_path(self, given: str | None) -> Path:
        """PATH as given, else the notebook this kernel belongs to; a UsageError if unknown."""
        if given is not None:
            return Path(given).expanduser()
        session = os.environ.get("JPY_SESSION_NAME") or self.shell.user_ns.get("__session__")
        if not session:
            raise UsageError(
                "%nbbridge: this kernel does not know its notebook (not started by JupyterLab); "
                "give the path: %nbbridge dag path/to/notebook.ipynb"
            )
        path = Path(session)
        # The server passes an absolute path; an older one may pass it relative to its root,
        # while the kernel runs in the notebook's folder.
        if not path.is_absolute() and not path.exists() and Path(path.name).exists():
            path = Path(path.name)
        return path

    def _export(self, words: list[str]) -> None:
        args = _export_parser().parse_args(words)
        if _RECORDER_MARK in self.shell.user_ns:
            # This notebook is being run by an export --execute: exporting again would recurse.
            print("%nbbridge export: skipped while nbbridge runs this notebook for golden tests")
            return
        path = self._notebook_path(args.path)
        nb = self._read(path)
        from .core import analyze_detailed
        from .core.export import deadline
        from .core.export.naming import default_package_name
        from .core.export.summary import notebook_label, refusal, render_result
        from .core.export.targets import get, names

        if args.target not in names():
            raise UsageError(f"%nbbridge export: --target must be one of {', '.join(names())}")
        label = notebook_label(path)
        if args.output is not None:
            out_dir = Path(args.output).expanduser()
        else:
            name = args.name or analyze_detailed(nb, label).default_exp
            out_dir = path.parent / "export" / (name or default_package_name(label))
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError(f"%nbbridge export: {str(out_dir)!r} is a file, not a folder")
        if args.timeout is not None and not 0 < args.timeout <= deadline.MAX_TIMEOUT:
            raise UsageError(
                f"%nbbridge export: --timeout must be more than 0 and at most "
                f"{deadline.MAX_TIMEOUT:.0f} seconds"
            )
        try:
            with deadline.limits(args.timeout or deadline.DEFAULT_TIMEOUT):
                result = get(args.target)(
                    nb,
                    label,
                    out_dir,
                    package=args.name,
                    force=args.force,
                    execute_in=path.resolve().parent if args.execute else None,
                )
        except Exception as exc:  # refusals become one message; anything else is a bug
            refused = refusal(exc)
            if refused is None:
                raise
            raise UsageError(f"%nbbridge export: {refused.message}") from None
        print(render_result(result, label, args.target))

    def _read(self, path: Path) -> Any:
        from .core import NotebookError, read_notebook

        if not path.exists():
            raise UsageError(f"%nbbridge: no notebook at {str(path)!r}")
        if path.is_dir():
            raise UsageError(f"%nbbridge: {str(path)!r} is a directory, not a notebook")
        try:
            return read_notebook(path)
        except NotebookError as exc:
            raise UsageError(f"%nbbridge: {exc}") from None  # its message starts with the path
        except OSError as exc:
            raise UsageError(f"%nbbridge: cannot read {str(path)!r} ({exc})") from None

    def _analyze(self, path: Path) -> Any:
        from .core import Analyzer

        nb = self._read(path)
        if self._analyzer is None:
            self._analyzer = Analyzer()
        return self._analyzer.analyze(nb, str(path))


def register(ipython: Any) -> None:
    """Register the nbbridge magics with an IPython shell (``%load_ext nbbridge`` calls this)."""
    ipython.register_magics(NbbridgeMagics)

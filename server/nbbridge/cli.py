"""The ``nbbridge`` command line, thin over nbbridge.core.

Exit codes (DESIGN.md §7): 0 ok, 1 the user's pipeline has errors (``check``) or the notebook
failed while running (``export --execute``) or ran past ``--timeout`` or a step raised
(``run``), 2 bad input (a missing, unreadable or invalid notebook, an export the analysis or the
target folder refuses, a ``-p`` the parameters cell does not allow; click's usage errors use 2
too), 130 a ``run`` interrupted (Ctrl-C: the run ends KILLED).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ._version import __version__

if TYPE_CHECKING:
    from .core.model import Pipeline

__all__ = ["main"]


class BadInput(click.ClickException):
    """A notebook nbbridge cannot read: one line on stderr, exit code 2, no traceback."""

    exit_code = 2


def usable_path(value: str, what: str) -> Path:
    """``value`` as a path nbbridge can stat (it need not exist); BadInput naming ``what`` if
    it is empty, too long for the file system or a loop of symbolic links."""
    from .core.paths import PathError, check_lengths
    from .core.text import quoted

    if not value:
        raise BadInput(f"{what}: an empty path names no file")
    try:
        check_lengths(value, what)
        os.stat(value)
    except PathError as exc:
        raise BadInput(exc.message) from None
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise BadInput(f"{what}: {quoted(value)} cannot be used ({exc.strerror})") from None
    return Path(value)


def _read(notebook: str) -> dict[str, Any]:
    """The checked notebook at ``notebook``; BadInput (exit 2, one line) when it cannot be."""
    path = usable_path(notebook, "NOTEBOOK")
    if not path.exists():
        raise BadInput(f"{notebook}: no such file")
    if path.is_dir():
        raise BadInput(f"{notebook}: is a directory, not a notebook")
    # Imported here so that --help, --version and a mistyped path answer at once.
    from .core import NotebookError, read_notebook

    try:
        return read_notebook(path)
    except NotebookError as exc:
        raise BadInput(str(exc)) from None  # its message starts with the path
    except OSError as exc:
        raise BadInput(f"{notebook}: cannot read it ({exc.strerror or exc})") from None


def _pipeline(notebook: str) -> Pipeline:
    from .core import analyze

    return analyze(_read(notebook), notebook)


def _emit(pipeline: Pipeline, as_json: bool, text: str) -> None:
    click.echo(pipeline.model_dump_json(indent=2) if as_json else text)


def _skip_iri_grammar() -> None:
    """Keep jsonschema from compiling its IRI grammar (~1 s at every start of the command).

    nbformat imports jsonschema, whose format checker builds an IRI parser when the optional
    ``rfc3987_syntax`` is installed (Jupyter's own dependencies install it). Notebook schemas
    use no IRI formats, so this process (the command line, nothing else) goes without it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nbbridge")
def main() -> None:
    """nbbridge: see a notebook as a pipeline, check it, and take it to production."""
    _skip_iri_grammar()


@main.command()
@click.argument("notebook")
@click.option("--json", "as_json", is_flag=True, help="Print the Pipeline JSON instead.")
def dag(notebook: str, as_json: bool) -> None:
    """Show NOTEBOOK as a pipeline: steps in order, parameters, edges and problems.

    Exits 0 whenever the notebook could be analysed (problems are part of the output).
    """
    from .core.render import render_pipeline

    pipeline = _pipeline(notebook)
    _emit(pipeline, as_json, render_pipeline(pipeline))


@main.command()
@click.argument("notebook")
@click.option("--json", "as_json", is_flag=True, help="Print the Pipeline JSON instead.")
def check(notebook: str, as_json: bool) -> None:
    """Print the problems of NOTEBOOK; exit 1 if any is an error, 0 otherwise."""
    from .core.render import render_problems

    pipeline = _pipeline(notebook)
    _emit(pipeline, as_json, render_problems(pipeline))
    if pipeline.has_errors:
        raise SystemExit(1)


class ExportRefused(click.ClickException):
    """An export that did not happen: the message on stderr, exit 2 (1 if the notebook failed)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _target_names() -> list[str]:
    from .core.export.targets import names

    return names()


@main.command()
@click.argument("notebook")
@click.option("-o", "--output", "output", required=True, help="Folder to write the package into.")
@click.option("--name", "package", help="Import name of the package (default: from the notebook).")
@click.option("--execute", is_flag=True, help="Run the notebook first to record golden tests.")
@click.option("--force", is_flag=True, help="Replace files edited by hand since the last export.")
@click.option(
    "--target",
    default="package",
    show_default=True,
    help="What to write: package, or dvc (the package plus dvc.yaml and params.yaml).",
)
@click.option(
    "--timeout",
    type=float,
    metavar="SECONDS",
    # The default is nbbridge.core.export.deadline.DEFAULT_TIMEOUT (not imported for --help).
    help="With --execute: how long each of the 3 runs of the notebook may take before its "
    "kernel is killed with its children (exit 1, naming the running cell). Default: 600.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def export(
    notebook: str,
    output: str,
    package: str | None,
    execute: bool,
    force: bool,
    target: str,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Export NOTEBOOK's pipeline into an installable package in OUTPUT.

    Nothing is written when the export is refused: exit 2 with the problems and their cells
    (or the files edited by hand, kept unless --force); exit 1 when --execute ran the notebook
    and it failed, or ran past --timeout.
    """
    if target not in _target_names():
        choices = ", ".join(_target_names())
        raise BadInput(f"--target: unknown target {target!r}; choose one of: {choices}")
    if package is not None and not package:
        raise BadInput("--name: an empty name; give a lowercase Python identifier")
    nb = _read(notebook)
    out = usable_path(output, "-o")
    if out.exists() and not out.is_dir():
        raise BadInput(f"-o {output}: is a file, not a folder")
    from .api import ErrorBody, ExportResponse
    from .core.export import deadline
    from .core.export.summary import notebook_label, refusal, render_result
    from .core.export.targets import get

    if timeout is not None and not 0 < timeout <= deadline.MAX_TIMEOUT:
        limit = f"{deadline.MAX_TIMEOUT:.0f}"
        raise BadInput(f"--timeout: {timeout:g} is not more than 0 and at most {limit} seconds")
    execute_in = Path(notebook).resolve().parent if execute else None
    try:
        with deadline.limits(timeout or deadline.DEFAULT_TIMEOUT):
            result = get(target)(
                nb,
                notebook_label(notebook),
                Path(output),
                package=package,
                force=force,
                execute_in=execute_in,
            )
    except Exception as exc:  # sorted below: refusals become messages, anything else a bug
        refused = refusal(exc)
        if refused is None:
            raise
        if as_json:
            body = ErrorBody.from_refusal(refused)
            click.echo(body.model_dump_json(indent=2, exclude_none=True))
        message = refused.message
        if refused.field == "output_dir":  # the core names paths inside the folder only
            message = f"-o {output}: {message}"
        raise ExportRefused(message, refused.exit_code) from None
    if as_json:
        click.echo(
            ExportResponse.from_result(result, target, str(output)).model_dump_json(indent=2)
        )
    else:
        click.echo(render_result(result, notebook, target))


@main.command()
@click.argument("notebook")
@click.option("--json", "as_json", is_flag=True, help="Print the proposal as JSON.")
@click.option(
    "-o", "--output", help="Write a copy of NOTEBOOK with the proposed tags (a new file)."
)
@click.option("--in-place", is_flag=True, help="Write the proposed tags into NOTEBOOK itself.")
def suggest(notebook: str, as_json: bool, output: str | None, in_place: bool) -> None:
    """Propose pipeline steps for NOTEBOOK from its headings, checked by the analysis.

    Steps start under the headings of the level that splits the notebook into a sensible number
    of steps, are named from the heading text, and are merged where a split would cut a data
    flow the pipeline cannot hand over. Without -o or --in-place nothing is written; the
    notebook's own step tags are kept.
    """
    if output is not None and in_place:
        raise BadInput("-o and --in-place: give one of them (a tagged copy, or NOTEBOOK itself)")
    nb = _read(notebook)
    target = _suggest_output(output) if output is not None else None
    if in_place:
        target = Path(notebook)
    from .api import SuggestResponse
    from .core.suggest import suggest_steps, tagged_copy
    from .core.suggest_io import read_raw, render_suggestion, write_atomically

    suggestion = suggest_steps(nb, notebook)
    written = ""
    if target is not None and suggestion.tags:
        what = "-o" if output is not None else "NOTEBOOK"
        try:
            write_atomically(target, tagged_copy(read_raw(notebook), nb, suggestion))
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise BadInput(f"{what} {target}: cannot write it ({reason})") from None
        count = len(suggestion.tags)
        written = f"Wrote {target}: {count} tag{'s' if count != 1 else ''} added."
    elif target is not None:
        written = f"Nothing written to {target}: no tags to add."
    if as_json:
        click.echo(SuggestResponse.from_suggestion(suggestion).model_dump_json(indent=2))
        if written:
            click.echo(written, err=True)
        return
    click.echo(render_suggestion(suggestion, notebook))
    click.echo(written or "Nothing written: -o FILE writes a tagged copy, --in-place the notebook.")


def _suggest_output(output: str) -> Path:
    """``-o`` of suggest: a new notebook file in an existing, writable folder."""
    out = usable_path(output, "-o")
    if out.is_dir():
        raise BadInput(f"-o {output}: is a folder; name the notebook to write, e.g. tagged.ipynb")
    if out.exists() or out.is_symlink():
        raise BadInput(f"-o {output}: already exists; give a new file (--in-place tags NOTEBOOK)")
    folder = out.parent
    if not folder.is_dir():
        raise BadInput(f"-o {output}: the folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise BadInput(f"-o {output}: the folder {str(folder)!r} is not writable")
    return out


class RunEnded(click.ClickException):
    """A run that did not finish: its report is printed already; exit 1 (failed) or 130."""

    def __init__(self, exit_code: int) -> None:
        super().__init__("")
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        pass


@main.command(name="run")
@click.argument("target", metavar="NOTEBOOK|PACKAGE_DIR")
@click.option(
    "-p",
    "--parameter",
    "parameters",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="Set a parameter (papermill's -p: the value is read as its default's type).",
)
@click.option("--from", "from_step", metavar="STEP", help="Run STEP and every later step again.")
@click.option("--only", metavar="STEP", help="Run STEP alone, its inputs from the cache.")
@click.option("--no-cache", is_flag=True, help="Run every step; read and write no cache.")
@click.option("--cache-size", metavar="SIZE", help="Cache size limit (default 5GiB).")
@click.option("--no-track", is_flag=True, help="Do not record the run in the tracking store.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's result as JSON.")
def run_command(
    target: str,
    parameters: tuple[tuple[str, str], ...],
    from_step: str | None,
    only: str | None,
    no_cache: bool,
    cache_size: str | None,
    no_track: bool,
    as_json: bool,
) -> None:
    """Run the pipeline of NOTEBOOK (or an exported PACKAGE_DIR) without a kernel.

    Steps run in pipeline order in this process; a step whose code, inputs, parameters, data
    and library versions are unchanged is taken from the step cache (ROOT/.nbbridge/cache) and
    replays what it printed. Progress goes to stderr, the steps' prints to stdout. Exit 0 when
    the run finished, 1 when a step raised (the cell and line are named; the steps before it
    stay cached, so --from STEP resumes), 130 when interrupted, 2 for bad input.
    """
    path = usable_path(target, "NOTEBOOK")
    if not path.exists():
        raise BadInput(f"{target}: no such file or folder")
    from .core.runs.params import ParameterError, resolve_parameters
    from .core.runs.plan import RunRefused
    from .core.runs.progress import Progress
    from .core.runs.runner import (
        MissingInput,
        RunOptions,
        SelectionError,
        check_selection,
        run_pipeline,
    )
    from .core.runs.session import RunInputError, cache_limit, open_cache, open_plan

    progress = Progress()
    try:
        limit = cache_limit(cache_size)
        cache, off = (None, "") if no_cache else open_cache(path, limit)
        plan = open_plan(path, target, _read, cache)
        values = resolve_parameters(plan.parameters, parameters)
    except (RunRefused, RunInputError, ParameterError) as exc:
        raise BadInput(exc.message) from None
    except KeyboardInterrupt:  # before any step ran: nothing to report but the interrupt
        click.echo("run KILLED (interrupted before the first step)", err=True)
        raise RunEnded(130) from None
    if off:
        progress.warning(off)
    options = RunOptions(from_step=from_step, only=only, use_cache=not no_cache)
    out = None if as_json else sys.stdout
    try:
        check_selection(plan, options)
    except SelectionError as exc:
        raise BadInput(str(exc)) from None
    tracked = None if no_track else _start_tracking(path, plan, values, progress)
    try:
        result = run_pipeline(plan, values, cache, options, progress, out)
    except (SelectionError, MissingInput) as exc:
        if tracked is not None:
            tracked[0].discard(tracked[1])  # bad input: no run to remember
        raise BadInput(str(exc)) from None
    except BaseException:
        if tracked is not None:
            tracked[0].end(tracked[1], "FAILED")
        raise
    if tracked is not None:
        from .core.runs.tracked import finish

        finish(*tracked, plan, result, values)
    if off:
        result.warnings.insert(0, off)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
    progress.finished(result)
    if result.status != "FINISHED":
        raise RunEnded(1 if result.status == "FAILED" else 130)


def _start_tracking(path: Path, plan: Any, values: dict[str, Any], progress: Any) -> Any:
    """The run's tracker and record; None (with a warning) when tracking cannot start: the
    pipeline runs all the same."""
    from .core.runs.tracked import start

    try:
        tracker, record = start(path, plan, values)
    except OSError as exc:
        progress.warning(f"tracking: this run is not recorded ({exc.strerror or exc})")
        return None
    pending = tracker.pending_warning()
    if pending:
        progress.warning(pending)
    return tracker, record


@main.group(name="cache")
def cache_group() -> None:
    """The step cache of a project (ROOT/.nbbridge/cache; ROOT: the git root, or the folder)."""


def _cache_of(path: str) -> Any:
    where = usable_path(path, "PATH")
    if not where.exists():
        raise BadInput(f"{path}: no such file or folder")
    from .core.runs.session import RunInputError, cache_limit, open_cache

    try:
        return open_cache(where, cache_limit(), create=False)[0]
    except RunInputError as exc:
        raise BadInput(exc.message) from None


@cache_group.command(name="list")
@click.argument("path", default=".")
@click.option("--step", help="Only the entries of this step.")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
def cache_list(path: str, step: str | None, as_json: bool) -> None:
    """List the cache entries of PATH's project (default: the current folder's)."""
    import json

    entries = [e for e in _cache_of(path).entries() if step is None or e.step == step]
    if as_json:
        rows = [dict(vars(e), outputs=list(e.outputs)) for e in entries]
        click.echo(json.dumps(rows, indent=2))
        return
    for e in sorted(entries, key=lambda e: -e.last_used):
        click.echo(f"{e.key[:12]}  {e.step:<20} {e.size / 1e6:9.2f} MB  {e.notebook}")
    total = sum(e.size for e in entries)
    click.echo(f"{len(entries)} entries, {total / 1e6:.2f} MB")


@cache_group.command(name="clear")
@click.argument("path", default=".")
@click.option("--step", help="Only the entries of this step.")
def cache_clear(path: str, step: str | None) -> None:
    """Remove the cache entries of PATH's project (of one step with --step)."""
    try:
        removed = _cache_of(path).clear(step)
    except OSError as exc:
        raise BadInput(f"{path}: cannot clear the cache ({exc.strerror or exc})") from None
    click.echo(f"removed {len(removed)} entries")


def _register_subcommands() -> None:
    from .cli_data import data_group  # its imports are lazy: --help stays fast

    main.add_command(data_group)


_register_subcommands()

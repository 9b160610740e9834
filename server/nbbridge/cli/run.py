"""``nbbridge run`` and ``nbbridge cache``: pipelines run without a kernel, and their step cache."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from . import BadInput, _read, main, usable_path


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
    from ..core.runs.params import ParameterError, resolve_parameters
    from ..core.runs.plan import RunRefused
    from ..core.runs.progress import Progress
    from ..core.runs.runner import (
        MissingInput,
        RunOptions,
        SelectionError,
        check_selection,
        run_pipeline,
    )
    from ..core.runs.session import RunInputError, cache_limit, open_cache, open_plan

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
        from ..core.runs.tracked import finish

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
    from ..core.runs.tracked import start

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
    from ..core.runs.session import RunInputError, cache_limit, open_cache

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

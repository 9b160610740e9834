"""``nbbridge dag`` and ``nbbridge check``: the pipeline of a notebook and its problems."""

from __future__ import annotations

import click

from . import _emit, _pipeline, main


@main.command()
@click.argument("notebook")
@click.option("--json", "as_json", is_flag=True, help="Print the Pipeline JSON instead.")
def dag(notebook: str, as_json: bool) -> None:
    """Show NOTEBOOK as a pipeline: steps in order, parameters, edges and problems.

    Exits 0 whenever the notebook could be analysed (problems are part of the output).
    """
    from ..core.render import render_pipeline

    pipeline = _pipeline(notebook)
    _emit(pipeline, as_json, render_pipeline(pipeline))


@main.command()
@click.argument("notebook")
@click.option("--json", "as_json", is_flag=True, help="Print the Pipeline JSON instead.")
def check(notebook: str, as_json: bool) -> None:
    """Print the problems of NOTEBOOK; exit 1 if any is an error, 0 otherwise."""
    from ..core.render import render_problems

    pipeline = _pipeline(notebook)
    _emit(pipeline, as_json, render_problems(pipeline))
    if pipeline.has_errors:
        raise SystemExit(1)

"""The ``nbbridge`` command line, thin over nbbridge.core.

Exit codes (DESIGN.md §7): 0 ok, 1 the user's pipeline has errors (``check``), 2 bad input
(a missing, unreadable or invalid notebook; click's own usage errors use 2 as well).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._version import __version__

if TYPE_CHECKING:
    from .core.model import Pipeline

__all__ = ["main"]


class BadInput(click.ClickException):
    """A notebook nbbridge cannot read: one line on stderr, exit code 2, no traceback."""

    exit_code = 2


def _pipeline(notebook: str) -> Pipeline:
    path = Path(notebook)
    if not path.exists():
        raise BadInput(f"{notebook}: no such file")
    if path.is_dir():
        raise BadInput(f"{notebook}: is a directory, not a notebook")
    # Imported here so that --help, --version and a mistyped path answer at once.
    from .core import NotebookError, analyze, read_notebook

    try:
        nb = read_notebook(path)
    except NotebookError as exc:
        raise BadInput(str(exc)) from None  # its message starts with the path
    except OSError as exc:
        raise BadInput(f"{notebook}: cannot read it ({exc.strerror or exc})") from None
    return analyze(nb, notebook)


def _emit(pipeline: Pipeline, as_json: bool, text: str) -> None:
    click.echo(pipeline.model_dump_json(indent=2) if as_json else text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nbbridge")
def main() -> None:
    """nbbridge: see a notebook as a pipeline, check it, and take it to production."""


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

"""The ``nbbridge`` command line, thin over nbbridge.core.

Exit codes (DESIGN.md §7): 0 ok, 1 the user's pipeline has errors (``check``) or the notebook
failed while running (``export --execute``) or ran past ``--timeout``, 2 bad input (a missing,
unreadable or invalid notebook, an export the analysis or the target folder refuses; click's
usage errors use 2 too).
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


def _usable_path(value: str, what: str) -> Path:
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
    path = _usable_path(notebook, "NOTEBOOK")
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
    out = _usable_path(output, "-o")
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


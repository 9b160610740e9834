"""``nbbridge export``: a notebook's pipeline as an installable package (and other targets)."""

from __future__ import annotations

from pathlib import Path

import click

from . import BadInput, _read, main, usable_path


class ExportRefused(click.ClickException):
    """An export that did not happen: the message on stderr, exit 2 (1 if the notebook failed)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _target_names() -> list[str]:
    from ..core.export.targets import names

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
    from ..api import ErrorBody, ExportResponse
    from ..core.export import deadline
    from ..core.export.summary import notebook_label, refusal, render_result
    from ..core.export.targets import get

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

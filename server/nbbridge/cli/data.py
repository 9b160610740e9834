"""``nbbridge data add|status``: data files versioned with DVC (thin over core.tracking)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from . import main, usable_path

if TYPE_CHECKING:
    from ..core.tracking.data_versions import DataVersion

__all__ = ["data_group"]


class _BadData(click.ClickException):
    exit_code = 2


def _row(version: DataVersion) -> dict[str, object]:
    return {
        "path": version.path,
        "md5": version.md5,
        "tracked_md5": version.tracked_md5,
        "changed": version.changed,
    }


@main.group(name="data")
def data_group() -> None:
    """Version data files with DVC; a step's data inputs enter its cache key and run tags."""


@data_group.command(name="add")
@click.argument("path")
@click.option("--json", "as_json", is_flag=True, help="Print the version as JSON.")
def data_add(path: str, as_json: bool) -> None:
    """Version the data file PATH with DVC (dvc init first when the git repository has none).

    PATH.dvc and the .gitignore entry are staged in git; commit them with the code.
    """
    from ..core.tracking.data_versions import DataError, add

    try:
        version = add(usable_path(path, "PATH"))
    except DataError as exc:
        raise _BadData(str(exc)) from None
    if as_json:
        click.echo(json.dumps(_row(version), indent=2))
        return
    click.echo(f"{version.path}: versioned with DVC (md5 {version.md5})")
    click.echo(f"Staged {version.path}.dvc and .gitignore in git; commit them with your code.")


@data_group.command(name="status")
@click.argument("path", default=".")
@click.option("--json", "as_json", is_flag=True, help="Print the files as JSON.")
def data_status(path: str, as_json: bool) -> None:
    """The data files DVC tracks in PATH's git repository, and which changed since added."""
    from ..core.tracking.data_versions import DataError, status

    try:
        versions = status(usable_path(path, "PATH"))
    except DataError as exc:
        raise _BadData(str(exc)) from None
    if as_json:
        click.echo(json.dumps([_row(v) for v in versions], indent=2))
        return
    if not versions:
        click.echo("No data files tracked by DVC here (nbbridge data add PATH versions one).")
    for v in versions:
        state = "missing" if v.md5 is None else "modified" if v.changed else "unchanged"
        click.echo(f"{state:<10} {v.path}  (recorded md5 {v.tracked_md5})")
    if any(v.changed for v in versions):
        click.echo("Re-run `nbbridge data add PATH` to record a new version.")

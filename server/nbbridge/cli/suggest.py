"""``nbbridge suggest``: steps proposed from a notebook's headings, checked by the analysis."""

from __future__ import annotations

import os
from pathlib import Path

import click

from . import BadInput, _read, main, usable_path


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
    from ..api import SuggestResponse
    from ..core.suggest import suggest_steps, tagged_copy
    from ..core.suggest_io import read_raw, render_suggestion, write_atomically

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

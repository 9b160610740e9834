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

from .._version import __version__

if TYPE_CHECKING:
    from ..core.model import Pipeline

__all__ = ["BadInput", "main", "usable_path"]


class BadInput(click.ClickException):
    """A notebook nbbridge cannot read: one line on stderr, exit code 2, no traceback."""

    exit_code = 2


def usable_path(value: str, what: str) -> Path:
    """``value`` as a path nbbridge can stat (it need not exist); BadInput naming ``what`` if
    it is empty, too long for the file system or a loop of symbolic links."""
    from ..core.paths import PathError, check_lengths
    from ..core.text import quoted

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
    from ..core import NotebookError, read_notebook

    try:
        return read_notebook(path)
    except NotebookError as exc:
        raise BadInput(str(exc)) from None  # its message starts with the path
    except OSError as exc:
        raise BadInput(f"{notebook}: cannot read it ({exc.strerror or exc})") from None


def _pipeline(notebook: str) -> Pipeline:
    from ..core import analyze

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


# The commands, one module per capability; each registers itself on ``main`` when imported.
from . import analysis, data, export, run, suggest  # noqa: E402, F401

"""The one exception the core raises for bad input: a notebook it cannot read."""

from __future__ import annotations

__all__ = ["NotebookError"]


class NotebookError(ValueError):
    """A notebook that cannot be read or is not a valid nbformat 4 notebook.

    ``str(error)`` is a sentence meant for the user; ``field`` (when known) names the offending
    part of the document in a path-like form, e.g. ``cells[3].metadata.tags[0]``.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message

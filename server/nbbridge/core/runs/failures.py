"""A step that raised, described for the user: its cell and the line in the notebook's cell."""

from __future__ import annotations

import traceback

from .plan import RunStep
from .result import RunFailure

__all__ = ["StepFailed", "failure_of", "import_failure"]


class StepFailed(Exception):
    """The user's code raised in a step; ``failure`` says where."""

    def __init__(self, failure: RunFailure) -> None:
        super().__init__(failure.error)
        self.failure = failure


def failure_of(step: RunStep, exc: BaseException, filename: str) -> RunFailure:
    """Where ``exc`` came from: the innermost frame of the steps module, mapped to the
    notebook's cell and line (a package's steps.py line when there is no notebook)."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if f.filename == filename]
    cell_id, line, code = (step.cell_ids[0] if step.cell_ids else None), None, None
    if mine and step.lines is not None:
        where = step.lines.locate(mine[-1].lineno or 0)
        if where is not None:
            cell_id, line, code = where.cell_id, where.line, where.text or None
    elif mine:
        line, code = mine[-1].lineno, (mine[-1].line or None)
    shown = traceback.format_exception(
        type(exc), exc, exc.__traceback__.tb_next if exc.__traceback__ else None
    )
    error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return RunFailure(
        step=step.name,
        cell_id=cell_id,
        line=line,
        code=code,
        error=error[:2000],
        traceback="".join(shown)[-8000:],
    )


def import_failure(step: RunStep, exc: BaseException, filename: str) -> RunFailure:
    """The steps module could not be loaded (an import of the notebook's fails): the import
    statement is named; the step is the first one that had to run."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(filename)]
    code = (frames[-1].line or None) if frames else None
    error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return RunFailure(
        step=step.name,
        cell_id=None,
        line=None,
        code=code,
        error=f"the notebook's imports failed: {error}"[:2000],
        traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-8000:],
    )

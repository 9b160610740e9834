"""Building :class:`~nbbridge.core.model.Problem` values inside the analysis."""

from __future__ import annotations

from .model import Problem

__all__ = ["make_problem"]


def make_problem(
    severity: str, code: str, message: str, cell_id: str | None, line: int | None = None
) -> Problem:
    """A problem; the analysis only passes valid values, so pydantic's checks are skipped
    (a 1,000-cell notebook may carry hundreds of problems, re-analysed at every keystroke)."""
    return Problem.model_construct(
        severity=severity, code=code, message=message, cell_id=cell_id, line=line
    )

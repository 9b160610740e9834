"""What a run is asked to do (``--from``, ``--only``, the cache) and who hears about it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .plan import RunPlan
from .result import StepResult

__all__ = ["MissingInput", "Quiet", "RunEvents", "RunOptions", "SelectionError", "check_selection"]


class SelectionError(ValueError):
    """``--from`` or ``--only`` names no step; ``option`` is which."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option
        self.message = message


class MissingInput(Exception):
    """``--only STEP`` needs a step's outputs that are not cached."""


@dataclass
class RunOptions:
    from_step: str | None = None
    only: str | None = None
    use_cache: bool = True


class RunEvents(Protocol):
    """Progress of a run. An events object may also have ``step_outputs(name, values)``,
    called with a step's outputs as it ends (a tracking backend, the differential tests)."""

    def step_started(self, name: str) -> None: ...
    def step_finished(self, result: StepResult) -> None: ...
    def warning(self, text: str) -> None: ...


class Quiet:
    def step_started(self, name: str) -> None:
        pass

    def step_finished(self, result: StepResult) -> None:
        pass

    def warning(self, text: str) -> None:
        pass


def check_selection(plan: RunPlan, options: RunOptions) -> None:
    """SelectionError when ``--from`` or ``--only`` names no step of ``plan``."""
    names = [s.name for s in plan.steps]
    for option, value in (("--from", options.from_step), ("--only", options.only)):
        if value is not None and value not in names:
            raise SelectionError(
                option, f"{option} {value[:60]!r}: no such step (steps: {', '.join(names)})"
            )
    if options.from_step is not None and options.only is not None:
        raise SelectionError("--only", "--from and --only: give one of them")

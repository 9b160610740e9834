"""Progress of a run on stderr (rich): each step as it starts, then its status and duration.

Kept apart from the steps' own prints, which go to stdout as they would in the notebook.
"""

from __future__ import annotations

from typing import TextIO

from .result import RunResult, StepResult

__all__ = ["Progress", "render_failure"]

_MARKS = {"ran": "[green]✓[/]", "cached": "[cyan]↺[/]", "failed": "[red]✗[/]", "not-run": "·"}


class Progress:
    """:class:`~.runner.RunEvents` printing to ``stream`` (stderr)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        from rich.console import Console

        self.console = Console(file=stream, stderr=stream is None, highlight=False, soft_wrap=True)

    def step_started(self, name: str) -> None:
        self.console.print(f"[dim]→ {name} …[/]")

    def step_finished(self, result: StepResult) -> None:
        mark = _MARKS[result.status]
        self.console.print(f"{mark} {result.name}  {result.status}  {result.seconds:.2f} s")

    def warning(self, text: str) -> None:
        self.console.print(f"[yellow]warning:[/] {text}", markup=True)

    def finished(self, result: RunResult) -> None:
        counts = {s: sum(1 for x in result.steps if x.status == s) for s in _MARKS}
        summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        self.console.print(f"run {result.status} ({summary})")
        if result.error is not None:
            self.console.print(render_failure(result), markup=False)


def render_failure(result: RunResult) -> str:
    """The failure in a few lines: the step, the cell and line in the notebook, the error."""
    error = result.error
    if error is None:
        return ""
    lines = [f"step {error.step} failed: {error.error}"]
    where = f"cell {error.cell_id}" if error.cell_id else "its cells"
    if error.line is not None:
        where += f", line {error.line}"
    lines.append(f"  at {where}" + (f": {error.code}" if error.code else ""))
    if error.traceback:
        lines.append(error.traceback.rstrip())
    return "\n".join(lines)

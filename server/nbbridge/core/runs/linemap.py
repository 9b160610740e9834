"""From a line of a generated step function back to the notebook: its cell and line there.

A step function's body is its cells' code (imports hoisted, display-only tails dropped) joined
by a blank line and indented, so a generated line falls in one cell's body; that body's line is
then matched to the cell's source as the user sees it (``difflib`` over the stripped lines:
dropped import lines and a ``%%step`` first line shift them).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

__all__ = ["CellLine", "StepLines", "map_step_lines"]


@dataclass(frozen=True)
class CellLine:
    cell_id: str
    line: int | None  # 1-based in the cell's source; None when the code was regenerated
    text: str = ""


@dataclass(frozen=True)
class StepLines:
    """Where a step's generated lines come from: generated line number → cell line."""

    lines: dict[int, CellLine]
    first_cell: str | None

    def locate(self, generated_line: int) -> CellLine | None:
        found = self.lines.get(generated_line)
        if found is None and self.first_cell is not None:
            return CellLine(self.first_cell, None)
        return found


def _body_to_source(body: str, source: str) -> dict[int, tuple[int, str]]:
    """1-based body line → (1-based source line, text) for lines found in the source."""
    body_lines = [line.strip() for line in body.split("\n")]
    source_lines = source.split("\n")
    matcher = difflib.SequenceMatcher(
        None, body_lines, [line.strip() for line in source_lines], autojunk=False
    )
    found = {}
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            if body_lines[block.a + offset]:
                found[block.a + offset + 1] = (
                    block.b + offset + 1,
                    source_lines[block.b + offset].strip(),
                )
    return found


def map_step_lines(
    body_start: int, bodies: list[tuple[str, str]], sources: dict[str, str], leading: int = 0
) -> StepLines:
    """``bodies``: (cell id, body) of the step's cells with code, in order, as joined into the
    function starting at generated line ``body_start``; ``leading``: blank lines stripped from
    the front of the joined code; ``sources``: cell id → the cell's source in the notebook."""
    lines: dict[int, CellLine] = {}
    line = body_start - leading
    for cell_id, body in bodies:
        to_source = _body_to_source(body, sources.get(cell_id, ""))
        count = len(body.split("\n"))
        for number in range(1, count + 1):
            match = to_source.get(number)
            where = CellLine(cell_id, *match) if match else CellLine(cell_id, None)
            lines[line + number - 1] = where
        line += count + 1  # the blank line joining two cells' code
    return StepLines(lines, bodies[0][0] if bodies else None)

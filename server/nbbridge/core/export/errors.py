"""Why an export was refused. Each error says what to do; nothing is written when one is raised."""

from __future__ import annotations

__all__ = ["ExecutionFailed", "ExportError", "HandEditedFiles"]


class ExportError(ValueError):
    """An export that cannot be done as asked (bad name, bad target folder, lint not clean).

    ``field`` names the request field at fault when there is one (``package``, ``output_dir``).
    """

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field


class HandEditedFiles(ExportError):
    """Files changed by hand since the last export; they are kept unless the export is forced."""

    def __init__(self, files: list[str]) -> None:
        self.files = files
        listed = ", ".join(files)
        super().__init__(
            f"{len(files)} file(s) were edited by hand since the last export and were kept: "
            f"{listed}. Re-run with --force to replace them."
        )


class ExecutionFailed(ExportError):
    """The notebook itself raised while running for golden tests (``--execute``)."""

    def __init__(self, message: str, cell_id: str | None = None) -> None:
        self.cell_id = cell_id
        super().__init__(message)

"""Request and error bodies of the REST API (responses reuse nbbridge.core.model).

Declared once here; ``python -m nbbridge.schema`` writes their JSON Schema for the front end.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["ErrorBody", "PipelineRequest", "VersionBody"]


class PipelineRequest(BaseModel):
    """Analyse a saved notebook (``path``, relative to the server root) or unsaved content."""

    model_config = ConfigDict(extra="forbid")

    path: str | None = Field(default=None, description="Notebook path relative to the server root")
    notebook: dict[str, Any] | None = Field(default=None, description="Unsaved notebook JSON")

    @model_validator(mode="after")
    def _exactly_one(self) -> PipelineRequest:
        if (self.path is None) == (self.notebook is None):
            raise ValueError(
                "give exactly one of 'path' (a saved notebook) or 'notebook' (its JSON)"
            )
        return self


class ErrorBody(BaseModel):
    """What every 4xx answer carries: a message naming the field or cell at fault."""

    message: str
    field: str | None = None
    cell_id: str | None = None


class VersionBody(BaseModel):
    """``GET /nbbridge/version``: the server extension's version, for the front end to compare."""

    version: str

"""Write the JSON Schema of the REST bodies: ``python -m nbbridge.schema OUTDIR``.

The TypeScript types in js/src/generated/ are generated from these files (``jlpm gen:types``);
a test checks the committed files match the pydantic models, so the two sides cannot drift.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from .api import (
    ErrorBody,
    ExportRequest,
    ExportResponse,
    PipelineRequest,
    SuggestRequest,
    SuggestResponse,
    VersionBody,
)
from .core.model import Pipeline
from .core.tracking.views import CompareResponse, MetricHistory, RunDetail, RunPage
from .runs_api import CompareRequest, HistoryRequest, RunRequest, RunsRequest

__all__ = ["MODELS", "schema_files", "write"]

MODELS: dict[str, type[BaseModel]] = {
    "pipeline": Pipeline,
    "pipeline_request": PipelineRequest,
    "error": ErrorBody,
    "export_request": ExportRequest,
    "export_response": ExportResponse,
    "suggest_request": SuggestRequest,
    "suggest_response": SuggestResponse,
    "version": VersionBody,
    "runs_request": RunsRequest,
    "run_request": RunRequest,
    "compare_request": CompareRequest,
    "history_request": HistoryRequest,
    "run_page": RunPage,
    "run_detail": RunDetail,
    "compare_response": CompareResponse,
    "metric_history": MetricHistory,
}


def schema_files() -> dict[str, str]:
    """File name → JSON text of each model's schema (stable: sorted keys, trailing newline)."""
    return {
        f"{name}.json": json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
        for name, model in MODELS.items()
    }


def write(outdir: Path) -> None:
    """Write every schema file into ``outdir`` (created if missing)."""
    outdir.mkdir(parents=True, exist_ok=True)
    for name, text in schema_files().items():
        (outdir / name).write_text(text)


if __name__ == "__main__":
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "js/schema/api"))

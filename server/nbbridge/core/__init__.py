"""nbbridge's pure library: notebooks in, pipelines out. No server, kernel or UI imports here.

Public API: :func:`read_notebook` / :func:`load_notebook_json` (checked notebooks, or
:class:`NotebookError`), :func:`analyze` (→ :class:`Pipeline`, the JSON contract),
:func:`analyze_detailed` (→ :class:`Analysis`, what export needs) and :class:`Analyzer`
(the same with a per-cell cache one can keep alive).
"""

from importlib import import_module
from typing import Any

# Imported on first use (PEP 562), so that a command needing one submodule (``nbbridge run``
# with its plan cached, ``nbbridge cache list``) does not pay for the analysis and nbformat.
_WHERE = {
    "Analyzer": "analysis",
    "analyze": "analysis",
    "analyze_detailed": "analysis",
    "Analysis": "detail",
    "CellCode": "detail",
    "Metric": "detail",
    "StepCode": "detail",
    "TestCode": "detail",
    "NotebookError": "errors",
    "Edge": "model",
    "LibraryItem": "model",
    "Parameter": "model",
    "Pipeline": "model",
    "Problem": "model",
    "Step": "model",
    "load_notebook_json": "notebook_io",
    "read_notebook": "notebook_io",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "Analysis",
    "Analyzer",
    "CellCode",
    "Edge",
    "LibraryItem",
    "Metric",
    "NotebookError",
    "Parameter",
    "Pipeline",
    "Problem",
    "Step",
    "StepCode",
    "TestCode",
    "analyze",
    "analyze_detailed",
    "load_notebook_json",
    "read_notebook",
]

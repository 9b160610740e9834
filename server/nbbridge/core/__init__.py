"""nbbridge's pure library: notebooks in, pipelines out. No server, kernel or UI imports here.

Public API: :func:`read_notebook` / :func:`load_notebook_json` (checked notebooks, or
:class:`NotebookError`), :func:`analyze` (→ :class:`Pipeline`, the JSON contract),
:func:`analyze_detailed` (→ :class:`Analysis`, what export needs) and :class:`Analyzer`
(the same with a per-cell cache one can keep alive).
"""

from .analysis import Analyzer, analyze, analyze_detailed
from .detail import Analysis, CellCode, Metric, StepCode, TestCode
from .errors import NotebookError
from .model import Edge, LibraryItem, Parameter, Pipeline, Problem, Step
from .notebook_io import load_notebook_json, read_notebook

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

"""MLflow run context provider (entry point ``mlflow.run_context_provider``).

With nbbridge installed, a plain ``mlflow.start_run()`` in a notebook of a project gets what
MLflow cannot find inside a kernel: the notebook's path (Jupyter server sets ``JPY_SESSION_NAME``
in each kernel's environment), source type NOTEBOOK, and the git commit, branch, remote and
dirtiness. Loaded by MLflow itself, so importing MLflow here costs nothing extra.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from pathlib import Path

from mlflow.tracking.context.abstract_context import RunContextProvider

from .lineage import git_tags

__all__ = ["SUPPRESSED", "NbbridgeNotebookContext"]


def _notebook() -> Path | None:
    name = os.environ.get("JPY_SESSION_NAME")
    if not name or not name.endswith(".ipynb"):
        return None
    path = Path(name)
    return path if path.is_absolute() else Path.cwd() / path.name


# Set by %%track while it starts its run: it passes these tags itself (with the notebook's path
# relative to the project), so the git calls are not made twice.
SUPPRESSED = ContextVar("nbbridge_run_context_suppressed", default=False)


class NbbridgeNotebookContext(RunContextProvider):
    def in_context(self) -> bool:
        return not SUPPRESSED.get() and _notebook() is not None

    def tags(self) -> dict[str, str]:
        notebook = _notebook()
        if notebook is None:
            return {}
        return {
            "mlflow.source.name": str(notebook),
            "mlflow.source.type": "NOTEBOOK",
            **git_tags(notebook),
        }

"""The tags nbbridge writes on a run beside MLflow's own, so every reader finds the same names.

MLflow's system tags (``mlflow.source.name`` = the notebook's path in the project, which is also
the experiment's name; ``mlflow.source.type``) say where a run came from; these say what in it:

- ``nbbridge.source``: ``cli`` (``nbbridge run``), ``magic`` (``%nbbridge run``), ``cell``
  (a ``%%track`` cell) or ``job``; runs without it are read from ``mlflow.source.type``.
- ``nbbridge.cell_id`` and ``nbbridge.cell.code_sha256``: the tracked cell and its code.
- ``nbbridge.data.<path>``: the content digest of a data file the run read (path relative to
  the project root).
- ``nbbridge.step.<name>.<what>``: per step of a pipeline run: ``code_sha256``, ``cache_hit``
  (``true``/``false``), ``duration_s``, ``cells`` (comma-separated ids).
- Steps' code as artifacts ``steps/<name>.py`` (a ``%%track`` cell's code as ``steps/<name>.py``
  too, its ``--name`` or ``cell``), so two runs' code can be compared without git.
"""

from __future__ import annotations

__all__ = [
    "CELL_CODE",
    "CELL_ID",
    "DATA_PREFIX",
    "SOURCE",
    "STEP_PREFIX",
    "STEPS_ARTIFACTS",
    "data_tag",
    "source_of",
    "step_tag",
]

SOURCE = "nbbridge.source"
CELL_ID = "nbbridge.cell_id"
CELL_CODE = "nbbridge.cell.code_sha256"
DATA_PREFIX = "nbbridge.data."
STEP_PREFIX = "nbbridge.step."
STEPS_ARTIFACTS = "steps"

_BY_TYPE = {"LOCAL": "cli", "JOB": "job", "NOTEBOOK": "cell", "PROJECT": "cli"}


def data_tag(relpath: str) -> str:
    return f"{DATA_PREFIX}{relpath}"[:250]  # MLflow's key limit


def step_tag(step: str, what: str) -> str:
    return f"{STEP_PREFIX}{step}.{what}"


def source_of(tags: dict[str, str]) -> str:
    """cli, cell, job or magic: what made the run (``other`` when nothing says)."""
    given = tags.get(SOURCE)
    if given:
        return given
    return _BY_TYPE.get(tags.get("mlflow.source.type", ""), "other")

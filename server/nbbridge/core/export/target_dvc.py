"""``--target dvc``: the package plus ``dvc.yaml`` (one stage per step) and ``params.yaml``.

Beside the exported package this writes:

* ``dvc_stage.py``: runs one step of the package as a stage (inputs from the upstream stages'
  pickle files under ``.nbbridge/stages/``, parameters from params.yaml, outputs pickled), and
  writes per-step code hashes;
* ``dvc.yaml``: a ``step-code`` stage (cheap, no imports) that hashes each step's code, then one
  stage per step whose deps are its code hash and its upstream outputs, whose ``params`` are the
  parameters it reads and whose ``outs`` are its outputs (metrics in a ``metrics`` file). So
  ``dvc repro`` re-runs only the step whose code or parameters changed, and what that changes;
* ``params.yaml``: the notebook's parameter defaults. It is meant to be edited: a value changed
  by hand is kept on re-export (with a warning when the notebook's default moved), a value the
  last export wrote follows the notebook.

``dvc.yaml`` and ``dvc_stage.py`` are guarded like the package's files: edited by hand since the
last export, they are kept and the export refused unless forced (a manifest of their hashes and
of the params.yaml values written is kept in ``.nbbridge-dvc.json``).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from ..analysis import analyze_detailed
from ..model import Parameter, Problem
from ..text import clip
from . import dvc_stage
from .errors import ExportError, HandEditedFiles
from .escaping import yaml_comment_text
from .exporter import ExportResult, export_package
from .files import hand_edited, inside, read_inside
from .formatting import format_python
from .plan import ExportPlan, StepPlan, make_plan

__all__ = ["DVC_MANIFEST", "CODE_STAGE", "dvc_yaml", "export_dvc", "merge_params", "stage_script"]

DVC_MANIFEST = ".nbbridge-dvc.json"
CODE_STAGE = "step-code"  # a hyphen: no step (a Python identifier) can take this name
_GUARDED = ("dvc.yaml", "dvc_stage.py")
_PLACEHOLDER = 'PACKAGE = "__nbbridge_package__"'

_DVC_HEADER = """\
# DVC pipeline of {notebook}, written by `nbbridge export --target dvc`.
# One stage per pipeline step; `dvc repro` re-runs a step only when its code (hashed by the
# step-code stage), the parameters it reads (params.yaml) or its inputs changed.
"""
_PARAMS_HEADER = """\
# Parameters of the DVC stages; defaults from the parameters cell of {notebook}.
# Edit values here: `dvc repro` re-runs the stages that read them.
"""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stage_script(package: str) -> str:
    """The text of ``dvc_stage.py`` for ``package`` (nbbridge's template, name filled in)."""
    template = Path(dvc_stage.__file__).read_text(encoding="utf-8")
    if template.count(_PLACEHOLDER) != 1:  # pragma: no cover - guards the template itself
        raise ExportError("nbbridge's dvc_stage.py template lost its package placeholder")
    return format_python(template.replace(_PLACEHOLDER, f"PACKAGE = {package!r}"), "dvc_stage.py")


def _step_stage(sp: StepPlan, metrics: list[str], params: list[str]) -> dict[str, Any]:
    step = sp.step.name
    cmd = ["python dvc_stage.py run", step]
    if sp.function != step:
        cmd.append(f"--function {sp.function}")
    upstream = sorted((name, source) for name, source in sp.step.sources.items() if source)
    cmd += [f"--input {name}={source}" for name, source in upstream]
    cmd += [f"--param {name}" for name in params]
    if sp.returns:
        cmd.append(f"--returns {','.join(sp.returns)}")
    if metrics:
        cmd.append(f"--metrics {','.join(metrics)}")
    stage: dict[str, Any] = {
        "cmd": " ".join(cmd),
        "deps": [
            "dvc_stage.py",
            f".nbbridge/code/{step}.sha256",
            *(f".nbbridge/stages/{source}/{name}.pkl" for name, source in upstream),
        ],
    }
    if params:
        stage["params"] = list(params)
    if sp.returns:
        stage["outs"] = [f".nbbridge/stages/{step}/{name}.pkl" for name in sp.returns]
    if metrics:
        stage["metrics"] = [{f".nbbridge/stages/{step}/metrics.json": {"cache": False}}]
    return stage


def dvc_yaml(plan: ExportPlan) -> str:
    """``dvc.yaml``: the code-hash stage, then one stage per step in pipeline order."""
    src = f"src/{plan.package}"
    specs = [
        sp.step.name if sp.function == sp.step.name else f"{sp.step.name}={sp.function}"
        for sp in plan.steps
    ]
    stages: dict[str, Any] = {
        CODE_STAGE: {
            "cmd": "python dvc_stage.py code " + " ".join(specs),
            "deps": ["dvc_stage.py", f"{src}/steps.py", f"{src}/lib.py"],
            "outs": [
                {f".nbbridge/code/{sp.step.name}.sha256": {"cache": False}} for sp in plan.steps
            ],
        }
    }
    metric_names: dict[str, list[str]] = {}
    for metric in plan.analysis.metrics:
        metric_names.setdefault(metric.step, []).append(metric.name)
    for sp in plan.steps:
        params = sorted(name for name, source in sp.step.sources.items() if source is None)
        stages[sp.step.name] = _step_stage(sp, metric_names.get(sp.step.name, []), params)
    header = _DVC_HEADER.format(notebook=yaml_comment_text(plan.analysis.pipeline.notebook))
    return header + yaml.safe_dump({"stages": stages}, sort_keys=False, width=1000)


def merge_params(
    parameters: list[Parameter], current: dict[str, Any] | None, last: dict[str, Any]
) -> tuple[dict[str, Any], list[Problem]]:
    """The params.yaml values: the notebook's defaults, except values changed by hand.

    ``current`` is the params.yaml on disk (None when there is none), ``last`` the defaults the
    previous export wrote. A value differing from ``last`` was edited by hand and is kept; keys that are
    no parameter of the notebook (the user's own) are kept after the parameters.
    """
    current = current or {}
    values: dict[str, Any] = {}
    warnings: list[Problem] = []
    for parameter in parameters:
        # JSON data already (a tuple default arrives as a list), as YAML writes it
        name, default = parameter.name, parameter.default
        edited = name in current and (name not in last or current[name] != last[name])
        values[name] = current[name] if edited else default
        if edited and current[name] != default:
            warnings.append(
                Problem(
                    severity="warning",
                    code="dvc-param-kept",
                    message=(
                        f"params.yaml: {name} = {current[name]!r} was set by hand and is kept "
                        f"(the notebook's default is {default!r})"
                    ),
                    cell_id=parameter.cell_id,
                )
            )
    names = {p.name for p in parameters}
    values.update((key, value) for key, value in current.items() if key not in names)
    return values, warnings


def _read_manifest(out_dir: Path) -> dict[str, Any]:
    data = read_inside(out_dir, DVC_MANIFEST, "manifest")
    if data is None:
        return {"files": {}, "params": {}}
    try:
        parsed = json.loads(data)
        return {"files": dict(parsed["files"]), "params": dict(parsed["params"])}
    except (ValueError, KeyError, TypeError) as exc:
        raise ExportError(f"{DVC_MANIFEST} is damaged ({exc}); remove it to export again") from None


def _edited(out_dir: Path, manifest: dict[str, Any]) -> list[str]:
    """Guarded DVC files present but not as the last export wrote them (or not written by it)."""
    edited = []
    for rel in _GUARDED:
        data = read_inside(out_dir, rel)
        if data is not None and manifest["files"].get(rel) != _digest(data):
            edited.append(rel)
    return edited


def _current_params(out_dir: Path, force: bool) -> dict[str, Any] | None:
    # A symbolic link here is refused, not followed: its target's content would be copied in.
    raw = read_inside(out_dir, "params.yaml") if out_dir.exists() else None
    if raw is None:
        return None
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        if force:
            return None
        raise ExportError(
            f"params.yaml is not valid YAML ({clip(str(exc))}); fix it, or re-run with --force "
            "to rewrite it"
        ) from None
    if data is not None and not isinstance(data, dict):
        if force:
            return None
        raise ExportError("params.yaml is not a mapping of parameter names to values")
    return data or {}


def _write_atomically(out_dir: Path, files: dict[str, str]) -> None:
    targets = {rel: inside(out_dir, rel, "DVC file") for rel in files}  # all checked first
    for rel, text in files.items():
        target = targets[rel]
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=out_dir)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, target)


def export_dvc(
    nb: dict[str, Any],
    notebook: str,
    out_dir: Path,
    *,
    package: str | None = None,
    force: bool = False,
    execute_in: Path | None = None,
) -> ExportResult:
    """Export the package (as ``export_package``), then its DVC stages beside it."""
    manifest = _read_manifest(out_dir) if out_dir.exists() else {"files": {}, "params": {}}
    current = _current_params(out_dir, force)
    # Refuse before anything is written, listing the package's and the DVC files together.
    edited = sorted(set(hand_edited(out_dir)) | set(_edited(out_dir, manifest)))
    if edited and not force:
        raise HandEditedFiles(edited)
    result = export_package(
        nb, notebook, out_dir, package=package, force=force, execute_in=execute_in
    )
    plan = make_plan(analyze_detailed(nb, notebook), result.package)
    parameters = plan.analysis.pipeline.parameters
    values, warnings = merge_params(parameters, current, manifest["params"])
    params_text = _PARAMS_HEADER.format(notebook=yaml_comment_text(notebook))
    params_text += yaml.safe_dump(values, sort_keys=False) if values else "{}\n"
    files = {"dvc.yaml": dvc_yaml(plan), "dvc_stage.py": stage_script(result.package)}
    # The defaults, not the values written: a value kept by hand must still differ next time.
    defaults = {p.name: p.default for p in parameters}
    new_manifest = {
        "files": {rel: _digest(text.encode("utf-8")) for rel, text in files.items()},
        "params": defaults,
    }
    files["params.yaml"] = params_text
    files[DVC_MANIFEST] = json.dumps(new_manifest, indent=2, sort_keys=True) + "\n"
    _write_atomically(out_dir, files)
    return replace(
        result,
        files=[*result.files, *sorted(files)],
        warnings=[*result.warnings, *warnings],
    )

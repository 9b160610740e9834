"""The exported package's ``pyproject.toml`` and ``README.md``."""

from __future__ import annotations

import json

from ..model import Parameter, Pipeline
from .dependencies import Dependencies
from .escaping import markdown_code, toml_string
from .formatting import LINE_LENGTH, RUFF_RULES
from .gen_params import python_literal
from .naming import distribution_name

__all__ = ["pyproject_toml", "readme_md"]


def _toml_list(items: list[str], indent: str = "    ") -> str:
    if not items:
        return "[]"
    return "[\n" + "".join(f'{indent}"{item}",\n' for item in items) + "]"


def _per_file_ignores(ignores: dict[str, list[str]]) -> str:
    if not ignores:
        return ""
    rows = "".join(f'"{path}" = {json.dumps(codes)}\n' for path, codes in sorted(ignores.items()))
    return (
        "\n# Rules the notebook's own code breaks, kept as written (fix it, then drop the line).\n"
        f"[tool.ruff.lint.per-file-ignores]\n{rows}"
    )


def pyproject_toml(
    package: str,
    version: str,
    deps: Dependencies,
    notebook: str,
    ignores: dict[str, list[str]] | None = None,
) -> str:
    rules = ", ".join(f'"{rule}"' for rule in RUFF_RULES)
    return f"""[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "{distribution_name(package)}"
version = "{version}"
description = {toml_string(f"Pipeline exported by nbbridge from {notebook}")}
requires-python = ">=3.10"
dependencies = {_toml_list(deps.requirements)}

[project.optional-dependencies]
test = ["pytest>=7"]

[tool.hatch.build.targets.wheel]
packages = ["src/{package}"]

[tool.black]
line-length = {LINE_LENGTH}

[tool.ruff]
line-length = {LINE_LENGTH}
src = ["src", "tests"]

[tool.ruff.lint]
select = [{rules}]
ignore = ["E501"]
# A step importing a name again (the notebook imported it two ways) needs its own import.
unfixable = ["F811"]

[tool.ruff.lint.isort]
known-first-party = ["{package}"]
{_per_file_ignores(ignores or {})}
[tool.pytest.ini_options]
testpaths = ["tests"]
"""


def _parameter_row(parameter: Parameter) -> str:
    return f"| `{parameter.name}` | `{parameter.type}` | `{python_literal(parameter)}` |"


def readme_md(package: str, pipeline: Pipeline, deps: Dependencies) -> str:
    steps = "\n".join(
        f"{i}. `{step.name}`: {', '.join(step.inputs) or '—'} → {', '.join(step.outputs) or '—'}"
        for i, step in enumerate(
            sorted(pipeline.steps, key=lambda s: pipeline.order.index(s.name)), 1
        )
    )
    params = "\n".join(_parameter_row(p) for p in pipeline.parameters)
    table = f"| name | type | default |\n|---|---|---|\n{params}" if params else "None."
    example = pipeline.parameters[0].name if pipeline.parameters else None
    run_line = f"python -m {package} --{example} VALUE" if example else f"python -m {package}"
    unresolved = (
        "\n\nNot found among installed distributions (add them by hand): "
        + ", ".join(f"`{m}`" for m in deps.unresolved)
        if deps.unresolved
        else ""
    )
    return f"""# {distribution_name(package)}

Exported by nbbridge from {markdown_code(pipeline.notebook)}: one function per pipeline step.
Re-exporting replaces these files unless they were edited by hand (see `.nbbridge-export.json`).

## Steps

{steps}

## Parameters

{table}

## Run

```bash
pip install .
{run_line}
```

```python
from {package} import Params, run

outputs = run(Params())
```

## Test

```bash
pip install ".[test]"
pytest
```

The tests run the pipeline end to end and compare each step's outputs with what the notebook
produced (`tests/golden.json`, when the notebook was executed at export), and run the notebook's
`test` cells.{unresolved}
"""

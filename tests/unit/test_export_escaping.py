"""Text from the notebook enters generated TOML, Python, YAML and Markdown escaped by that format.

A notebook's file name may hold quotes, backslashes or a newline; pasted raw it broke the
package's pyproject.toml (ruff then failed on it) and landed raw in docstrings. Each format is
parsed back by its own parser and must give the name exactly.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
import yaml
from nbfactory import code, notebook

from nbbridge.core.export.escaping import (
    docstring_text,
    markdown_code,
    toml_string,
    yaml_comment_text,
)
from nbbridge.core.export.target_dvc import export_dvc

NASTY = [
    'say "hi".ipynb',
    "back\\slash.ipynb",
    "two\nlines.ipynb",
    'all """ of \\ it\r\n\t.ipynb',
    "Données ünïcode.ipynb",
    "`ticks` and ``more``.ipynb",
]


@pytest.mark.parametrize("text", NASTY)
def test_each_format_gives_the_text_back(text: str) -> None:
    assert tomllib.loads(f"x = {toml_string(text)}")["x"] == text
    assert ast.literal_eval(f'"""{docstring_text(text)}"""') == text
    comment = yaml_comment_text(text)
    assert "\n" not in comment and "\r" not in comment
    assert yaml.safe_load(f"# {comment}\nkey: 1\n") == {"key": 1}
    span = markdown_code(text)
    assert "\n" not in span


def test_ordinary_names_come_out_unchanged() -> None:
    name = "notebooks/Iris pipeline (v2).ipynb"
    assert docstring_text(name) == name
    assert yaml_comment_text(name) == name
    assert markdown_code(name) == f"`{name}`"


def sample() -> dict:
    return notebook(
        code("n = 2", "parameters", cell_id="p"),
        code("values = [n] * 3", "step:make", cell_id="a"),
        code("total = sum(values)\nprint(total)", "step:add", cell_id="b"),
        code("assert total == 3 * n", "test", cell_id="t"),
    )


@pytest.mark.parametrize("label", NASTY[:4])
def test_a_nasty_notebook_name_gives_a_package_every_parser_reads(tmp_path: Path, label) -> None:
    out = tmp_path / "pkg"
    result = export_dvc(sample(), label, out, package="nasty")
    assert result.verbatim_rule_breaks == {}  # ruff read the pyproject and found nothing
    project = tomllib.loads((out / "pyproject.toml").read_text())
    assert project["project"]["description"] == f"Pipeline exported by nbbridge from {label}"
    for module in ("__init__", "steps", "pipeline", "params", "lib"):
        tree = ast.parse((out / "src" / "nasty" / f"{module}.py").read_text())
        assert label in (ast.get_docstring(tree, clean=False) or ""), module
    tests = ast.parse((out / "tests" / "test_pipeline.py").read_text())
    assert label in (ast.get_docstring(tests, clean=False) or "")
    stages = yaml.safe_load((out / "dvc.yaml").read_text())
    assert set(stages) == {"stages"}
    assert yaml.safe_load((out / "params.yaml").read_text()) == {"n": 2}

"""Package names that would break the exported package are refused, naming why."""

from __future__ import annotations

import pytest
from nbfactory import code, notebook

from nbbridge.core.export import ExportError
from nbbridge.core.export.exporter import render_package
from nbbridge.core.export.naming import MAX_LENGTH, check_package_name, default_package_name


def importing(*modules: str) -> dict:
    return notebook(
        code("\n".join(f"import {m}" for m in modules), cell_id="imports"),
        code("x = 1\nprint(x)", "step:one", cell_id="a"),
    )


@pytest.mark.parametrize("name", ["__init__", "__main__", "tests", "test", "fingerprints", "src"])
def test_names_the_package_layout_uses_are_refused(name: str) -> None:
    with pytest.raises(ExportError, match="layout") as refused:
        check_package_name(name)
    assert refused.value.field == "package"


def test_a_name_that_shadows_an_imported_module_is_refused_naming_it() -> None:
    with pytest.raises(ExportError, match="would shadow the module 'nbformat'") as refused:
        render_package(importing("nbformat", "yaml"), "nb.ipynb", "nbformat")
    assert refused.value.field == "package"
    assert render_package(importing("yaml"), "nb.ipynb", "nbformat").package == "nbformat"


def test_a_default_name_that_would_shadow_an_import_gets_a_suffix() -> None:
    rendered = render_package(importing("yaml"), "yaml.ipynb")
    assert rendered.package == "yaml_pipeline"


@pytest.mark.parametrize("name", ["", "x" * (MAX_LENGTH + 1), "a" * 5000])
def test_empty_and_overlong_names_are_refused_without_echoing_them(name: str) -> None:
    with pytest.raises(ExportError) as refused:
        check_package_name(name)
    assert len(str(refused.value)) < 300


def test_a_long_notebook_name_gives_a_usable_default() -> None:
    name = default_package_name("x" * 250 + ".ipynb")
    assert check_package_name(name) == name

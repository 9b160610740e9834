"""Imports map to distributions through installed metadata, not guesses."""

from __future__ import annotations

from importlib import metadata

from nbbridge.core.export.dependencies import resolve_dependencies


def test_import_names_map_to_their_distributions() -> None:
    deps = resolve_dependencies(["sklearn.datasets", "pandas", "yaml"])
    names = [req.split(">=")[0] for req in deps.requirements]
    assert names == ["pandas", "PyYAML", "scikit-learn"]
    sklearn_floor = deps.requirements[2].split(">=")[1]
    assert metadata.version("scikit-learn").startswith(sklearn_floor)


def test_stdlib_own_and_unknown_modules() -> None:
    deps = resolve_dependencies(
        ["os.path", "json", "mypkg", "not_a_module_anywhere"], own=["mypkg"]
    )
    assert deps.requirements == []
    assert deps.unresolved == ["not_a_module_anywhere"]

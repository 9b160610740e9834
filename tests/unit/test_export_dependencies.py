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


def test_the_map_is_cached_on_disk_and_a_new_distribution_changes_its_key(
    tmp_path, monkeypatch
) -> None:
    from nbbridge.core.export import dependencies

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    dependencies._module_to_distributions.cache_clear()
    before = dependencies._environment_key()
    first = dependencies._module_to_distributions()
    stored = list((tmp_path / "cache" / "nbbridge" / "distributions").glob("*.json"))
    assert [p.stem for p in stored] == [before]
    assert first["sklearn"] == ("scikit-learn",)

    # A distribution installed into a folder on sys.path: the key moves, and it is found.
    info = site / "tinydist-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tinydist\nVersion: 1.0\n")
    (info / "top_level.txt").write_text("tinymodule\n")
    (site / "tinymodule.py").write_text("")
    assert dependencies._environment_key() != before
    dependencies._module_to_distributions.cache_clear()
    try:
        deps = resolve_dependencies(["tinymodule"])
        assert deps.requirements == ["tinydist>=1.0"]
    finally:
        dependencies._module_to_distributions.cache_clear()

"""Safe writing of an exported package: staged, manifest-checked, hand edits never lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbbridge.core.export import ExportError, HandEditedFiles
from nbbridge.core.export.files import MANIFEST, commit_staged, staging_dir, write_files


def export(target: Path, files: dict[str, str], force: bool = False) -> list[str]:
    with staging_dir(target) as staging:
        write_files(staging, files)
        return commit_staged(staging, target, list(files), force=force)


def test_first_export_writes_files_and_manifest_and_leaves_no_staging(tmp_path: Path) -> None:
    target = tmp_path / "pkg"
    written = export(target, {"a.py": "A\n", "sub/b.py": "B\n"})
    assert written == ["a.py", "sub/b.py", MANIFEST]
    assert (target / "sub" / "b.py").read_text() == "B\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg"]


def test_same_files_give_a_byte_identical_manifest(tmp_path: Path) -> None:
    export(tmp_path / "one", {"a.py": "A\n", "b.py": "B\n"})
    export(tmp_path / "two", {"b.py": "B\n", "a.py": "A\n"})
    assert (tmp_path / "one" / MANIFEST).read_bytes() == (tmp_path / "two" / MANIFEST).read_bytes()


def test_hand_edited_file_is_listed_and_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "pkg"
    export(target, {"a.py": "A\n", "b.py": "B\n"})
    (target / "a.py").write_text("edited by an engineer\n")
    with pytest.raises(HandEditedFiles) as refused:
        export(target, {"a.py": "A2\n", "b.py": "B2\n"})
    assert refused.value.files == ["a.py"]
    assert "a.py" in str(refused.value) and "--force" in str(refused.value)
    assert (target / "a.py").read_text() == "edited by an engineer\n"
    assert (target / "b.py").read_text() == "B\n"  # nothing written half-way
    export(target, {"a.py": "A2\n", "b.py": "B2\n"}, force=True)
    assert (target / "a.py").read_text() == "A2\n"


def test_files_the_export_never_wrote_are_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "pkg"
    export(target, {"a.py": "A\n", "old.py": "O\n"})
    (target / "notes.txt").write_text("mine\n")
    export(target, {"a.py": "A\n"})
    assert (target / "notes.txt").read_text() == "mine\n"
    assert not (target / "old.py").exists()  # stale generated file, untouched: removed


def test_refuses_a_non_empty_folder_without_a_manifest(tmp_path: Path) -> None:
    target = tmp_path / "project"
    target.mkdir()
    (target / "precious.py").write_text("x = 1\n")
    with pytest.raises(ExportError, match="not empty"):
        export(target, {"a.py": "A\n"})
    assert sorted(p.name for p in target.iterdir()) == ["precious.py"]

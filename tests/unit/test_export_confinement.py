"""Export never touches a file outside its folder, whatever the folder already holds.

The output folder's content is data: a planted manifest (absolute or ``..`` entries), a symlink
inside it (``src → /elsewhere``) or a symlinked ``params.yaml`` must make the export refuse with
a message naming the entry (never the outside file), and leave the outside files as they were:
not deleted, not overwritten, not read into the folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from nbfactory import code, notebook

from nbbridge.core.export import ExportError
from nbbridge.core.export.files import MANIFEST, commit_staged, staging_dir, write_files
from nbbridge.core.export.target_dvc import export_dvc
from nbbridge.core.export.targets import get
from nbbridge.core.paths import PathError, PathEscapeError, confine

export_package = get("package")


def tiny_notebook() -> dict:
    return notebook(
        code("n = 3", "parameters", cell_id="params"),
        code("data = list(range(n))", "step:load", cell_id="load"),
        code("total = sum(data)\nprint(total)", "step:add", cell_id="sum"),
    )


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the export's, with files an attacker would like gone or read."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "secret.yaml").write_text("token: s3cr3t\n")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def plant_manifest(out: Path, entries: dict[str, str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).write_text(json.dumps({"files": entries}))


EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("style", ["absolute", "dotdot"])
def test_a_planted_manifest_deletes_nothing_outside(tmp_path, outside, style, force) -> None:
    out = tmp_path / "root" / "pkg"
    target = outside / "empty.txt"
    rel = str(target) if style == "absolute" else "../../outside/empty.txt"
    plant_manifest(out, {rel: EMPTY_SHA})
    before = snapshot(outside)
    with pytest.raises(ExportError) as refused:
        export_package(tiny_notebook(), "tiny.ipynb", out, force=force)
    assert snapshot(outside) == before
    message = str(refused.value)
    assert MANIFEST in message and "not written by nbbridge" in message
    assert refused.value.field == "output_dir"
    # The answer says nothing about the outside file (exists? hash?): the same for a missing one.
    plant_manifest(out, {rel.replace("empty.txt", "missing.txt"): EMPTY_SHA})
    with pytest.raises(ExportError) as missing:
        export_package(tiny_notebook(), "tiny.ipynb", out, force=force)
    assert str(missing.value) == message.replace("empty.txt", "missing.txt")
    assert not (out / "src").exists()


def test_a_manifest_entry_through_a_symlink_is_refused(tmp_path, outside) -> None:
    out = tmp_path / "pkg"
    out.mkdir()
    (out / "link").symlink_to(outside, target_is_directory=True)
    plant_manifest(out, {"link/empty.txt": EMPTY_SHA})
    with pytest.raises(ExportError, match="symbolic link"):
        export_package(tiny_notebook(), "tiny.ipynb", out, force=True)
    assert (outside / "empty.txt").exists()


def test_a_symlinked_folder_inside_the_output_is_never_written_through(tmp_path, outside) -> None:
    out = tmp_path / "pkg"
    export_package(tiny_notebook(), "tiny.ipynb", out)
    # An engineer's checkout where src/ has become a link to somewhere else.
    victim = outside / "src"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine\n")
    for name in ("src", "tests"):
        moved = out / name
        os.rename(moved, tmp_path / f"old-{name}")
        moved.symlink_to(victim, target_is_directory=True)
        before = {p.name: p.read_bytes() for p in victim.iterdir()}
        with pytest.raises(ExportError, match="symbolic link") as refused:
            export_package(tiny_notebook(), "tiny.ipynb", out, force=True)
        assert {p.name: p.read_bytes() for p in victim.iterdir()} == before
        assert str(tmp_path) not in str(refused.value)
        moved.unlink()
        os.rename(tmp_path / f"old-{name}", moved)


def test_a_symlinked_generated_file_is_not_followed(tmp_path, outside) -> None:
    out = tmp_path / "pkg"
    export_package(tiny_notebook(), "tiny.ipynb", out)
    readme = out / "README.md"
    readme.unlink()
    readme.symlink_to(outside / "secret.yaml")
    with pytest.raises(ExportError, match="symbolic link"):
        export_package(tiny_notebook(), "tiny.ipynb", out, force=True)
    assert (outside / "secret.yaml").read_text() == "token: s3cr3t\n"


def test_dvc_params_yaml_symlink_is_not_read_into_the_folder(tmp_path, outside) -> None:
    out = tmp_path / "pkg"
    export_dvc(tiny_notebook(), "tiny.ipynb", out)
    (out / "params.yaml").unlink()
    (out / "params.yaml").symlink_to(outside / "secret.yaml")
    with pytest.raises(ExportError, match="params.yaml.*symbolic link") as refused:
        export_dvc(tiny_notebook(), "tiny.ipynb", out)
    assert "s3cr3t" not in str(refused.value)
    found = [p for p in out.rglob("*") if p.is_file() and not p.is_symlink()]
    assert all("s3cr3t" not in p.read_text(errors="replace") for p in found)
    assert (outside / "secret.yaml").read_text() == "token: s3cr3t\n"


@pytest.mark.parametrize("name", ["dvc.yaml", ".nbbridge-dvc.json"])
def test_dvc_files_that_are_symlinks_are_refused(tmp_path, outside, name) -> None:
    out = tmp_path / "pkg"
    export_dvc(tiny_notebook(), "tiny.ipynb", out)
    (out / name).unlink()
    (out / name).symlink_to(outside / "secret.yaml")
    with pytest.raises(ExportError, match="symbolic link"):
        export_dvc(tiny_notebook(), "tiny.ipynb", out, force=True)
    assert (outside / "secret.yaml").read_text() == "token: s3cr3t\n"


def test_staging_stays_inside_the_target_even_when_it_is_the_root(tmp_path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    with staging_dir(root) as staging:
        assert staging.parent == root
        write_files(staging, {"a.py": "A\n"})
        commit_staged(staging, root, ["a.py"], force=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["root"]
    assert sorted(p.name for p in root.iterdir()) == [MANIFEST, "a.py"]


def test_a_failed_export_leaves_no_folder_it_created(tmp_path) -> None:
    bad = tiny_notebook()
    bad["cells"].append(notebook(code("print(undefined_name)", cell_id="bad"))["cells"][0])
    with pytest.raises(ExportError):
        export_package(bad, "tiny.ipynb", tmp_path / "a" / "b" / "pkg")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "rel",
    ["", "/etc/passwd", "../x", "a/../b", "./a", "a//b", "a\\b", "C:x", "a\x00b", "a/"],
)
def test_confine_refuses_paths_that_are_not_plain_relative_ones(tmp_path, rel) -> None:
    with pytest.raises(PathError) as refused:
        confine(tmp_path, rel, what="entry")
    assert str(tmp_path) not in refused.value.message


def test_confine_refuses_symlinks_and_files_in_the_way(tmp_path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "file").write_text("")
    with pytest.raises(PathEscapeError, match="symbolic link"):
        confine(tmp_path, "link/x.py", what="entry")
    with pytest.raises(PathError, match="is a file"):
        confine(tmp_path, "file/x.py", what="entry")
    assert confine(tmp_path, "real/new/x.py", what="entry") == tmp_path / "real/new/x.py"

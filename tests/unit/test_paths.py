"""Path confinement (nbbridge.core.paths): nothing outside the root is ever resolved."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nbbridge.core.paths import (
    PathError,
    PathEscapeError,
    PathNotFoundError,
    resolve_inside,
    resolve_notebook,
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.ipynb").write_text("{}")
    (root / "top.ipynb").write_text("{}")
    (root / "notes.txt").write_text("x")
    (root / "dir.ipynb").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.ipynb").write_text("{}")
    return root


def test_relative_paths_resolve_inside(root):
    assert resolve_notebook(root, "sub/a.ipynb") == (root / "sub" / "a.ipynb").resolve()
    assert resolve_notebook(root, "./top.ipynb") == (root / "top.ipynb").resolve()
    assert resolve_notebook(str(root), "top.ipynb") == (root / "top.ipynb").resolve()


def test_resolve_inside_allows_paths_that_do_not_exist_yet(root):
    assert resolve_inside(root, "new/out") == (root / "new" / "out").resolve()


@pytest.mark.parametrize(
    "path",
    ["../outside/secret.ipynb", "sub/../../outside/secret.ipynb", "sub/../top.ipynb", "..", "a/.."],
)
def test_dotdot_is_refused(root, path):
    with pytest.raises(PathEscapeError, match=r"contains '\.\.'"):
        resolve_inside(root, path)


def test_dotdot_with_backslashes_is_refused(root):
    with pytest.raises(PathEscapeError):
        resolve_inside(root, "..\\outside\\secret.ipynb")


def test_absolute_paths_are_refused(root):
    secret = root.parent / "outside" / "secret.ipynb"
    for path in (str(secret), str(root / "top.ipynb"), "/etc/passwd", "C:\\x.ipynb", "\\\\h\\s"):
        with pytest.raises(PathEscapeError, match="absolute"):
            resolve_notebook(root, path)


def test_a_drive_relative_windows_path_is_refused(root):
    with pytest.raises(PathEscapeError, match="drive"):
        resolve_inside(root, "C:x.ipynb")


def test_symlink_to_a_file_outside_is_refused(root):
    (root / "link.ipynb").symlink_to(root.parent / "outside" / "secret.ipynb")
    with pytest.raises(PathEscapeError, match="outside the server root"):
        resolve_notebook(root, "link.ipynb")


def test_symlinked_directory_outside_is_refused(root):
    (root / "out").symlink_to(root.parent / "outside", target_is_directory=True)
    with pytest.raises(PathEscapeError, match="outside the server root"):
        resolve_notebook(root, "out/secret.ipynb")
    # Also for a path that does not exist yet (an export target, say).
    with pytest.raises(PathEscapeError):
        resolve_inside(root, "out/new-file")


def test_symlink_inside_the_root_is_followed(root):
    (root / "alias.ipynb").symlink_to(root / "sub" / "a.ipynb")
    assert resolve_notebook(root, "alias.ipynb") == (root / "sub" / "a.ipynb").resolve()


def test_a_root_that_is_itself_a_symlink_works(root, tmp_path):
    link = tmp_path / "rootlink"
    link.symlink_to(root, target_is_directory=True)
    assert resolve_notebook(link, "top.ipynb") == (root / "top.ipynb").resolve()


def test_missing_file(root):
    with pytest.raises(PathNotFoundError, match="no notebook at 'sub/none.ipynb'") as info:
        resolve_notebook(root, "sub/none.ipynb")
    assert info.value.field == "path"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("notes.txt", "not a notebook"),
        ("dir.ipynb", "is a directory"),
        ("", "empty"),
        ("   ", "empty"),
        ("a\x00.ipynb", "NUL"),
        (".", "not a notebook"),
    ],
)
def test_other_bad_paths(root, path, words):
    with pytest.raises(PathError, match=words) as info:
        resolve_notebook(root, path)
    assert not isinstance(info.value, PathEscapeError | PathNotFoundError)


def test_field_names_the_request_field(root):
    with pytest.raises(PathEscapeError) as info:
        resolve_inside(root, "../x", field="output")
    assert info.value.field == "output"
    assert str(info.value).startswith("output: ")
    assert isinstance(info.value, ValueError)


def test_fifo_is_not_a_notebook(root):
    os.mkfifo(root / "pipe.ipynb")
    with pytest.raises(PathError, match="not a regular file"):
        resolve_notebook(root, "pipe.ipynb")

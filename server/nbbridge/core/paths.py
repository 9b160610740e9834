"""Path confinement: turn a user-supplied relative path into a real path inside a root folder.

Every path that reaches nbbridge from outside (a REST body, later an export target) goes through
here before anything is read or written, so a request can never touch a file outside the
server's root_dir: ``..`` components, absolute paths and symlinks that leave the root are
refused. Pure: no server imports, only the file system.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

from .text import quoted

__all__ = [
    "PathError",
    "PathEscapeError",
    "PathNotFoundError",
    "check_lengths",
    "confine",
    "resolve_inside",
    "resolve_notebook",
]


class PathError(ValueError):
    """A path that nbbridge refuses to use; ``field`` names the request field it came from."""

    def __init__(self, message: str, *, field: str = "path") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PathEscapeError(PathError):
    """The path would leave the root (``..``, absolute, or a symlink pointing outside)."""


class PathNotFoundError(PathError):
    """The path is well-formed and inside the root, but nothing is there."""


_NAME_MAX = 255  # bytes in one path component, on every file system nbbridge runs on
_PATH_MAX = 4096


def check_lengths(relpath: str, field: str) -> None:
    """Refuse (PathError) a path, or a part of one, longer than file systems take."""
    if len(os.fsencode(relpath)) > _PATH_MAX:
        raise PathError(f"{field}: the path is longer than {_PATH_MAX} bytes", field=field)
    for part in relpath.replace("\\", "/").split("/"):
        if len(os.fsencode(part)) > _NAME_MAX:
            raise PathError(
                f"{field}: the path part {quoted(part, 60)} is longer than {_NAME_MAX} bytes",
                field=field,
            )


def resolve_inside(root: str | Path, relpath: str, *, field: str = "path") -> Path:
    """Resolve ``relpath`` against ``root`` and return the real (symlink-free) path.

    Raises PathEscapeError when the path is absolute, has a ``..`` component, or resolves (through
    symlinks) outside ``root``; PathError when it is empty or malformed (a part over 255 bytes, a
    symlink loop). The target need not exist.
    """
    if not isinstance(relpath, str) or not relpath.strip():
        raise PathError(f"{field}: an empty path names no file", field=field)
    shown = quoted(relpath)
    if "\x00" in relpath:
        raise PathError(f"{field}: the path contains a NUL character", field=field)
    # Both flavours: a Windows drive or UNC path must not slip through on a POSIX server either.
    if PurePosixPath(relpath).is_absolute() or PureWindowsPath(relpath).is_absolute():
        raise PathEscapeError(
            f"{field}: {shown} is absolute; give a path relative to the server root",
            field=field,
        )
    if PureWindowsPath(relpath).drive:
        raise PathEscapeError(f"{field}: {shown} names a drive", field=field)
    # Refuse any '..' even when it would stay inside: such paths are never needed and a plain
    # rule is easier to trust than a normalisation.
    if ".." in PurePosixPath(relpath.replace("\\", "/")).parts:
        raise PathEscapeError(
            f"{field}: {shown} contains '..'; paths may not leave the server root",
            field=field,
        )
    check_lengths(relpath, field)
    real_root = Path(root).resolve()
    try:
        target = (real_root / relpath).resolve()
    except RuntimeError:  # Python 3.11 reports a symlink loop so; later versions raise OSError
        raise PathError(f"{field}: {shown} is a loop of symbolic links", field=field) from None
    except OSError as exc:
        raise PathError(
            f"{field}: {shown} cannot be resolved ({exc.strerror})", field=field
        ) from None
    if target != real_root and not target.is_relative_to(real_root):
        raise PathEscapeError(
            f"{field}: {shown} leads outside the server root (through a symlink)",
            field=field,
        )
    return target


def resolve_notebook(root: str | Path, relpath: str, *, field: str = "path") -> Path:
    """Resolve ``relpath`` to an existing ``.ipynb`` file inside ``root`` (see resolve_inside).

    Raises PathNotFoundError when no file is there, PathError for a directory or another suffix.
    """
    target = resolve_inside(root, relpath, field=field)
    shown = quoted(relpath)
    if not relpath.lower().endswith(".ipynb"):
        raise PathError(f"{field}: {shown} is not a notebook (.ipynb)", field=field)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        raise PathNotFoundError(f"{field}: no notebook at {shown}", field=field) from None
    except OSError as exc:
        raise PathError(f"{field}: {shown} cannot be read ({exc.strerror})", field=field) from None
    if stat.S_ISDIR(mode):
        raise PathError(f"{field}: {shown} is a directory, not a notebook", field=field)
    if not stat.S_ISREG(mode):
        raise PathError(f"{field}: {shown} is not a regular file", field=field)
    return target


def confine(base: Path, relpath: object, *, what: str) -> Path:
    """``base / relpath`` for a file that a writer (export, later runs and jobs) reads, writes or
    deletes inside the folder ``base`` it owns; refuse anything that could reach outside it.

    This is the one rule for every path a writer touches below its folder, whatever the path
    came from (a generator, or a manifest found on disk, which is data and never trusted):
    ``relpath`` must be a plain relative POSIX path (no ``..``, ``.``, empty or absolute parts,
    no backslash, no NUL), and no part of it that exists may be a symbolic link or, short of the
    last, anything but a folder. ``what`` names the path in messages (``manifest entry``, say).
    Raises PathEscapeError for a path that could leave ``base``, PathError for one unusable.
    The messages name ``relpath`` only, never ``base`` (a server's absolute folders stay private).
    """
    shown = quoted(relpath)
    if not isinstance(relpath, str) or not relpath:
        raise PathError(f"{what}: {shown} is not a relative file path", field=what)
    parts = relpath.split("/")
    if (
        "\x00" in relpath
        or "\\" in relpath
        or PureWindowsPath(relpath).drive
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise PathEscapeError(
            f"{what}: {shown} is not a plain relative path inside the folder", field=what
        )
    path = base
    for number, part in enumerate(parts, 1):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            break  # nothing there yet: nothing to follow
        except OSError as exc:
            raise PathError(
                f"{what}: {shown} cannot be used ({exc.strerror})", field=what
            ) from None
        if stat.S_ISLNK(mode):
            raise PathEscapeError(
                f"{what}: {shown} passes through a symbolic link; nbbridge writes only real "
                "files and folders inside its folder",
                field=what,
            )
        if number < len(parts) and not stat.S_ISDIR(mode):
            raise PathError(
                f"{what}: {shown} needs {'/'.join(parts[:number])!r} to be a folder, "
                "and it is a file",
                field=what,
            )
    return base / relpath

"""Path confinement: turn a user-supplied relative path into a real path inside a root folder.

Every path that reaches nbbridge from outside (a REST body, later an export target) goes through
here before anything is read or written, so a request can never touch a file outside the
server's root_dir: ``..`` components, absolute paths and symlinks that leave the root are
refused. Pure: no server imports, only the file system.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

__all__ = [
    "PathError",
    "PathEscapeError",
    "PathNotFoundError",
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


def resolve_inside(root: str | Path, relpath: str, *, field: str = "path") -> Path:
    """Resolve ``relpath`` against ``root`` and return the real (symlink-free) path.

    Raises PathEscapeError when the path is absolute, has a ``..`` component, or resolves (through
    symlinks) outside ``root``; PathError when it is empty or malformed. The target need not exist.
    """
    if not isinstance(relpath, str) or not relpath.strip():
        raise PathError(f"{field}: an empty path names no file", field=field)
    if "\x00" in relpath:
        raise PathError(f"{field}: the path contains a NUL character", field=field)
    # Both flavours: a Windows drive or UNC path must not slip through on a POSIX server either.
    if PurePosixPath(relpath).is_absolute() or PureWindowsPath(relpath).is_absolute():
        raise PathEscapeError(
            f"{field}: {relpath!r} is absolute; give a path relative to the server root",
            field=field,
        )
    if PureWindowsPath(relpath).drive:
        raise PathEscapeError(f"{field}: {relpath!r} names a drive", field=field)
    # Refuse any '..' even when it would stay inside: such paths are never needed and a plain
    # rule is easier to trust than a normalisation.
    if ".." in PurePosixPath(relpath.replace("\\", "/")).parts:
        raise PathEscapeError(
            f"{field}: {relpath!r} contains '..'; paths may not leave the server root",
            field=field,
        )
    real_root = Path(root).resolve()
    target = (real_root / relpath).resolve()
    if target != real_root and not target.is_relative_to(real_root):
        raise PathEscapeError(
            f"{field}: {relpath!r} leads outside the server root (through a symlink)",
            field=field,
        )
    return target


def resolve_notebook(root: str | Path, relpath: str, *, field: str = "path") -> Path:
    """Resolve ``relpath`` to an existing ``.ipynb`` file inside ``root`` (see resolve_inside).

    Raises PathNotFoundError when no file is there, PathError for a directory or another suffix.
    """
    target = resolve_inside(root, relpath, field=field)
    if not relpath.lower().endswith(".ipynb"):
        raise PathError(f"{field}: {relpath!r} is not a notebook (.ipynb)", field=field)
    if not target.exists():
        raise PathNotFoundError(f"{field}: no notebook at {relpath!r}", field=field)
    if target.is_dir():
        raise PathError(f"{field}: {relpath!r} is a directory, not a notebook", field=field)
    if not target.is_file():
        raise PathError(f"{field}: {relpath!r} is not a regular file", field=field)
    return target

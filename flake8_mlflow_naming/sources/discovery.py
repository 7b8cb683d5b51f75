"""Which files a command works on: explicit files as given, directories walked.

Walking skips version-control folders, virtual environments, caches, build output and the
configured ``exclude`` globs, and never follows a symlink out of the given roots.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..config import ConfigError, ConfigSource

#: What a directory walk picks up: Python sources and Jupyter notebooks (see :mod:`.notebook`).
PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")
#: Folder names never worth walking into.
SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".eggs",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "build",
        "dist",
        "node_modules",
        "site-packages",
        "__pypackages__",
        ".ipynb_checkpoints",
    }
)


@dataclass(frozen=True)
class Target:
    """A file to process, or a problem with a path the user named."""

    path: str
    error: str | None = None


def iter_targets(paths: list[str], config: ConfigSource) -> Iterator[Target]:
    """Yield the files under ``paths`` in a stable order (explicit files always included).

    A path or folder that cannot be read is a :class:`Target` with an error, never skipped
    in silence (that would be a false "clean").
    """
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        try:
            if path.is_symlink() and not path.exists():
                yield Target(given, _broken_link(path))
                continue
            is_dir, exists = path.is_dir(), path.exists()
        except OSError as error:
            yield Target(given, _unreadable(error))
            continue
        if is_dir:
            for found in _walk(path, config):
                if found.error is not None or found.path not in seen:
                    seen.add(found.path)
                    yield found
        elif exists:
            if given not in seen:
                seen.add(given)
                yield Target(given)
        else:
            yield Target(given, "no such file or directory")


def _unreadable(error: OSError) -> str:
    return f"cannot read: {error.strerror or error}"


def _broken_link(path: Path) -> str:
    """Why a symlink that does not resolve cannot be read: a loop, or a missing target."""
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "is a symbolic link loop"
    return "is a dangling symbolic link"


def _walk(root: Path, config: ConfigSource) -> Iterator[Target]:
    try:
        real_root = root.resolve()
    except (OSError, RuntimeError):
        return
    stack = [root]
    visited: set[Path] = set()
    while stack:
        folder = stack.pop()
        try:
            real = folder.resolve()
        except (OSError, RuntimeError):
            continue
        if real in visited:
            continue  # a symlink loop, or two links to one folder
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            yield Target(_shown(str(folder)), f"cannot read folder: {error.strerror or error}")
            continue
        subfolders = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
                if entry.is_symlink() and not _inside(Path(entry.path), real_root):
                    continue  # never follow a link out of the given root
            except OSError:
                continue
            if is_dir:
                entry_path = Path(entry.path)
                if entry.name in SKIPPED_FOLDERS or entry.name.endswith(".egg-info") or _is_virtualenv(entry_path):
                    continue
                if _excluded(entry.path, config):
                    continue
                subfolders.append(entry_path)
            elif entry.name.endswith(PYTHON_SUFFIXES) and not _excluded(entry.path, config):
                yield Target(_shown(entry.path))
        stack.extend(reversed(subfolders))


def _shown(path: str) -> str:
    """Paths as the user wrote the root (``x.py`` under ``.``, not ``./x.py``)."""
    return path[2:] if path.startswith("./") else path


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _is_virtualenv(folder: Path) -> bool:
    try:
        return (folder / "pyvenv.cfg").is_file()
    except OSError:  # a folder the user may not search: walked, and reported when listed
        return False


def _excluded(path: str, config: ConfigSource) -> bool:
    try:
        return config.for_path(path).is_excluded(path)
    except ConfigError:  # reported when a file under it is checked
        return False

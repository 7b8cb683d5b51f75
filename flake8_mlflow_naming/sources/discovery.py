"""Which files a command works on: explicit files as given, directories walked.

Walking skips version-control folders, virtual environments, what ``exclude`` and
``extend-exclude`` name (by default caches and build output, :data:`..config.DEFAULT_EXCLUDE`),
and what ``.gitignore`` files ignore (``respect-gitignore``, with git's own semantics through
``pathspec``); it never follows a symlink out of the given roots. Explicit files are taken as
given unless ``force_exclude`` (``--force-exclude``, which pre-commit hooks use) applies the
exclusions to them too. Each file is yielded once, however it is spelled or linked to.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import ConfigError, ConfigSource

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

#: What a directory walk picks up: Python sources and Jupyter notebooks (see :mod:`.notebook`).
PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")
#: Folder names never walked into, whatever the configuration: version control internals.
#: Everything else the default skips (virtual environments, caches, build output) is the
#: configurable ``exclude`` list, :data:`..config.DEFAULT_EXCLUDE`.
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn"})


@dataclass(frozen=True)
class Target:
    """A file to process, or a problem with a path the user named."""

    path: str
    error: str | None = None


def iter_targets(paths: list[str], config: ConfigSource, force_exclude: bool = False) -> Iterator[Target]:
    """Yield the files under ``paths`` in a stable order, each once (explicit files included unless ``force_exclude``).

    A path or folder that cannot be read is a :class:`Target` with an error, never skipped
    in silence (that would be a false "clean").
    """
    seen: set[str] = set()  # real paths: ``a.py``, ``./a.py`` and a link to it are one file
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
            if force_exclude and _excluded(given, config, parents_checked=False):
                continue
            for found, real in _walk(path, config):
                if found.error is not None or real not in seen:
                    seen.add(real)
                    yield found
        elif exists:
            if force_exclude and _excluded(given, config, parents_checked=False):
                continue
            real = os.path.realpath(given)
            if real not in seen:
                seen.add(real)
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


def _walk(root: Path, config: ConfigSource) -> Iterator[tuple[Target, str]]:
    """Every file to check under ``root`` (as the user spelled the root) with its real path; unreadable folders as errors."""
    try:
        real_root = root.resolve()
    except (OSError, RuntimeError):
        return
    ignores = _GitIgnores(real_root) if _respects_gitignore(str(root), config) else None
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
            yield Target(_shown(str(folder)), f"cannot read folder: {error.strerror or error}"), str(real)
            continue
        folder_ignores = ignores.entering(real) if ignores is not None else None
        subfolders = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
                is_link = entry.is_symlink()
                if is_link and not _inside(Path(entry.path), real_root):
                    continue  # never follow a link out of the given root
            except OSError:
                continue
            if is_dir:
                entry_path = Path(entry.path)
                if entry.name in SKIPPED_FOLDERS or _is_virtualenv(entry_path):
                    continue
                if _excluded(entry.path, config) or (folder_ignores and folder_ignores.ignores(real, entry.name, True)):
                    continue
                subfolders.append(entry_path)
            elif entry.name.endswith(PYTHON_SUFFIXES) and not _excluded(entry.path, config):
                if folder_ignores and folder_ignores.ignores(real, entry.name, False):
                    continue
                found = os.path.realpath(entry.path) if is_link else os.path.join(real, entry.name)
                yield Target(_shown(entry.path)), found
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


def _excluded(path: str, config: ConfigSource, parents_checked: bool = True) -> bool:
    try:
        return config.for_path(path).is_excluded(path, parents_checked)
    except ConfigError:  # reported when a file under it is checked
        return False


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a folder that may not be searched: the walk reports it
        return False


def _respects_gitignore(root: str, config: ConfigSource) -> bool:
    try:
        return config.for_path(os.path.join(root, "_")).respect_gitignore
    except ConfigError:
        return True


class _GitIgnores:
    """The ignore files in force while walking, matched with git's semantics by ``pathspec``.

    A folder's ``.gitignore`` applies below it and a deeper file's verdict beats a shallower
    one's; ``.git/info/exclude`` applies to the whole repository. They are read only inside
    a git work tree, as git does.
    """

    def __init__(self, real_root: Path) -> None:
        self._specs: dict[Path, GitIgnoreSpec | None] = {}  # folder -> its .gitignore (None: none there)
        self._repository = next((p for p in (real_root, *real_root.parents) if _exists(p / ".git")), None)
        self._info_exclude = self._load(self._repository / ".git" / "info" / "exclude") if self._repository else None

    @staticmethod
    def _load(file: Path) -> GitIgnoreSpec | None:
        try:
            lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None
        import pathspec  # only trees inside a git work tree pay for it

        return pathspec.GitIgnoreSpec.from_lines(lines)

    def entering(self, folder: Path) -> _GitIgnores | None:
        """Read the ignore files of ``folder`` and the folders above it up to the repository; None outside one."""
        repository = self._repository
        if repository is None or not (folder == repository or repository in folder.parents):
            return None
        for level in (folder, *folder.parents):
            if level in self._specs:
                break
            self._specs[level] = self._load(level / ".gitignore")
            if level == repository:
                break
        return self

    def ignores(self, folder: Path, name: str, is_dir: bool) -> bool:
        """Whether ``folder/name`` is ignored: the deepest ignore file with a matching pattern decides."""
        path = folder / name
        suffix = "/" if is_dir else ""
        for level in (folder, *folder.parents):
            spec = self._specs.get(level)
            if spec is not None:
                verdict = spec.check_file(path.relative_to(level).as_posix() + suffix).include
                if verdict is not None:
                    return verdict
            if level == self._repository:
                break
        if self._info_exclude is not None and self._repository is not None:
            return bool(self._info_exclude.check_file(path.relative_to(self._repository).as_posix() + suffix).include)
        return False

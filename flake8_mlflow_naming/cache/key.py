"""What a cached finding depends on besides the file's bytes: the tool, Python, the configuration.

An entry is reused only when all of these are what they were when it was written:

- the tool's own code: the path, size and ``mtime_ns`` of every ``.py`` file of the installed
  package (an editable install changes code without changing the version), with the version;
- the Python version (``ast`` differs between releases);
- the effective configuration of the file (every setting, its root and source), the selected
  codes, the wrapper signature learnt from source, its re-exports, and the digest of every
  file the wrapper lookup read or looked for (``Config.wrapper_inputs``), so a changed
  signature or a new re-export invalidates the entries of every file it governs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:
    from ..config import Config

try:  # BLAKE2 without hashlib, whose import loads OpenSSL: a few ms of every start-up
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b

_TOOL: list[bytes] = []


def tool_fingerprint() -> bytes:
    """A digest of the running tool: its package files (by path, size, ``mtime_ns``), version and Python.

    Stat-based like git's index rather than reading the code: one ``scandir`` per package
    folder, about a hundred ``stat`` calls (see docs/robustness.md for the measured cost).
    Computed once per process.
    """
    if not _TOOL:
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        hasher = blake2b(digest_size=16)
        hasher.update(f"{__version__}\0{sys.version}\0{sys.implementation.cache_tag}\0".encode())
        folders = [package]
        while folders:
            folder = folders.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
            except OSError:
                continue
            for entry in entries:
                if entry.name.endswith(".py"):
                    try:
                        status = entry.stat(follow_symlinks=True)
                    except OSError:
                        continue
                    relative = os.path.relpath(entry.path, package)
                    hasher.update(f"{relative}\0{status.st_size}\0{status.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
                elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
        _TOOL.append(hasher.digest())
    return _TOOL[0]


def config_key(config: Config, codes: Iterable[str] | None) -> bytes:
    """The key of everything besides the bytes that decides a file's findings under ``config``."""
    text = repr(
        (
            config,
            str(config.root),
            None if codes is None else sorted(codes),
            _without_sets(config.wrapper_signature),
            config.wrapper_reexports,
            config.wrapper_inputs,
        )
    )
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _without_sets(value: object) -> tuple:
    """A dataclass's fields with sets sorted: a set's order (so its repr) changes between processes."""
    from dataclasses import fields

    return tuple(
        (f.name, sorted(item) if isinstance(item, (set, frozenset)) else item)
        for f in fields(value)  # type: ignore[arg-type]
        for item in (getattr(value, f.name),)
    )

"""The findings cache: a file whose bytes and configuration are unchanged is not linted again.

Like Ruff's cache, it lives in ``.mlflow_naming_cache/`` at the project root (the folder of
the configuration, else the working directory), holds a ``.gitignore`` of ``*`` so it is
never committed, and can be moved (``cache-dir``, ``MLFLOW_NAMING_CACHE_DIR``) or bypassed
(``--no-cache``).

An entry is keyed by the file's path and holds its size, ``mtime_ns`` and BLAKE2 digest,
the key of the effective configuration (every setting and the selected codes) and the
findings. It is reused when the configuration key matches and either size and ``mtime_ns``
match, or the bytes hash the same. Entries written less than :data:`RACY_SECONDS` after the
file's modification are always re-hashed, since a second edit in the same clock tick would
keep size and mtime (git's "racy" rule).

One cache file per tool version; it is read once at start and written once at the end,
merged with what other runs wrote meanwhile and replaced atomically (``os.replace``), so
concurrent runs never see a torn file. Any unreadable or foreign cache file counts as empty.
"""

from __future__ import annotations

import io
import os
import pickle
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__

if TYPE_CHECKING:
    from .config import Config
    from .lint.findings import Finding

try:  # BLAKE2 without hashlib, whose import loads OpenSSL: a few ms of every start-up
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b

CACHE_FOLDER = ".mlflow_naming_cache"
ENVIRONMENT_VARIABLE = "MLFLOW_NAMING_CACHE_DIR"
#: Seconds after a file's modification during which size + mtime do not prove it unchanged.
RACY_SECONDS = 2.0
_FORMAT = 2


def cache_folder(project: Config, environment: dict[str, str] | os._Environ = os.environ) -> Path:
    """Where the cache lives: ``MLFLOW_NAMING_CACHE_DIR``, else ``cache-dir``, else ``<root>/.mlflow_naming_cache``."""
    if environment.get(ENVIRONMENT_VARIABLE):
        return Path(environment[ENVIRONMENT_VARIABLE])
    if project.cache_dir:
        return project.root / project.cache_dir
    return project.root / CACHE_FOLDER


def digest(raw: bytes) -> bytes:
    """The content hash an entry is checked against."""
    return blake2b(raw, digest_size=16).digest()


class _FindingsUnpickler(pickle.Unpickler):
    """Loads only findings and plain data, so a planted cache file cannot run code."""

    _ALLOWED_MODULES = ("flake8_mlflow_naming.lint.findings", "flake8_mlflow_naming.sources.notebook")

    def find_class(self, module: str, name: str) -> Any:
        if module in self._ALLOWED_MODULES or (module == "builtins" and name in ("frozenset", "set", "tuple")):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


class FindingsCache:
    """One run's view of the cache: lookups against what was on disk, and the entries to store."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / f"findings-{__version__}.pickle"
        self._entries: dict[str, tuple] = self._read()
        self._new: dict[str, tuple] = {}
        self._config_keys: dict[int, tuple[object, bytes]] = {}

    def _read(self) -> dict[str, tuple]:
        try:
            data = _FindingsUnpickler(io.BytesIO(self.file.read_bytes())).load()
        except Exception:  # missing, torn by a crash, another format: start afresh
            return {}
        if not isinstance(data, dict) or data.get("format") != _FORMAT or not isinstance(data.get("entries"), dict):
            return {}
        return data["entries"]

    def config_key(self, config: Config, codes: Iterable[str] | None) -> bytes:
        """The key of what decides a file's findings besides its bytes: every setting and the selected codes."""
        cached = self._config_keys.get(id(config))
        if cached is not None and cached[0] is config and codes is None:
            return cached[1]
        text = repr((config, str(config.root), None if codes is None else sorted(codes)))
        key = blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if codes is None:
            self._config_keys[id(config)] = (config, key)
        return key

    def lookup(self, path: str, stat: os.stat_result, config_key: bytes, raw: bytes | None = None) -> list[Finding] | None:
        """The cached findings of ``path``, or None; ``raw`` (the bytes) lets a changed mtime still hit."""
        entry = self._entries.get(os.path.abspath(path))
        if entry is None:
            return None
        size, mtime_ns, content_digest, entry_config_key, racy, blob = entry
        if entry_config_key != config_key:
            return None
        if size == stat.st_size and mtime_ns == stat.st_mtime_ns and not racy:
            return _findings(blob)
        if raw is not None and size == len(raw) and content_digest == digest(raw):
            self._new[os.path.abspath(path)] = (size, stat.st_mtime_ns, content_digest, config_key, _is_racy(stat), blob)
            return _findings(blob)
        return None

    def store(self, path: str, stat: os.stat_result, config_key: bytes, raw: bytes, findings: list[Finding]) -> None:
        """Remember the findings of ``path`` as it was read (``stat`` taken before reading)."""
        self.store_digest(path, stat, config_key, digest(raw), findings)

    def store_digest(self, path: str, stat: os.stat_result, config_key: bytes, content_digest: bytes, findings: list[Finding]) -> None:
        """:meth:`store` when only the digest of the bytes linted is at hand (from a worker process)."""
        blob = pickle.dumps(list(findings), protocol=pickle.HIGHEST_PROTOCOL) if findings else b""
        self._new[os.path.abspath(path)] = (stat.st_size, stat.st_mtime_ns, content_digest, config_key, _is_racy(stat), blob)

    def save(self) -> None:
        """Merge the new entries into the cache file and replace it atomically; problems are ignored."""
        if not self._new:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                _write_atomically(ignore, b"# Automatically created by mlflow-naming.\n*\n")
            entries = self._read()  # what concurrent runs stored since this one started
            entries.update(self._new)
            _write_atomically(self.file, pickle.dumps({"format": _FORMAT, "entries": entries}, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a read-only tree: the run still succeeds, only slower next time
        self._new = {}


def _findings(blob: bytes) -> list[Finding] | None:
    """An entry's findings. They are kept pickled apart, so reading the cache (and a run whose files
    have none) never imports the classes of findings; a blob that does not load is a miss."""
    if not blob:
        return []
    try:
        findings = _FindingsUnpickler(io.BytesIO(blob)).load()
    except Exception:
        return None
    return findings if isinstance(findings, list) else None


def _is_racy(stat: os.stat_result) -> bool:
    return time.time() - stat.st_mtime_ns / 1e9 < RACY_SECONDS


def _write_atomically(path: Path, data: bytes) -> None:
    # A name no other run uses (O_EXCL), beside the target, then one rename: readers see the
    # old file or the new one, never part of either. (Not tempfile: it costs start-up time.)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise

"""The findings cache: a file whose bytes and configuration are unchanged is not linted again.

Like Ruff's cache, it lives in ``.mlflow_naming_cache/`` at the project root (the folder of
the configuration, else the working directory), holds a ``.gitignore`` of ``*`` so it is
never committed, and can be moved (``--cache-dir``, ``MLFLOW_NAMING_CACHE_DIR``, the
``cache-dir`` key) or bypassed (``--no-cache``).

A repository is hostile, and so is any cache that came with it. Therefore (docs/robustness.md,
"Trust"):

- the cache file is data only: JSON, read with size, type and shape checks; anything
  unexpected is a miss, never an error, never code (:mod:`.codec`);
- the whole file is authenticated with a per-user key kept outside every repository
  (:mod:`.secret`), so a cache that arrived with a checkout is ignored as a whole;
- the folder and its files are opened without following links, and a folder that is a
  link, belongs to someone else or may be written by others is not used (:mod:`.folder`);
- an entry's key covers everything that decides its findings (:mod:`.key`).

An entry is keyed by the file's absolute path and holds its size, ``mtime_ns``,
``ctime_ns`` and BLAKE2 digest, the configuration key and the findings. It is reused when
the configuration key matches and either size and both times match, or the bytes hash the
same. Entries written less than :data:`RACY_SECONDS` after the file's modification are
always re-hashed, since a second edit in the same clock tick would keep size and mtime
(git's "racy" rule).

One cache file per project root; it is read once at start and written once at the end,
merged with what other runs wrote meanwhile and replaced atomically, so concurrent runs
never see a torn file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .folder import CacheFolder, CacheLocation, FolderRefused

if TYPE_CHECKING:
    from ..config import Config
    from ..lint.findings import Finding

try:  # BLAKE2 without hashlib, whose import loads OpenSSL: a few ms of every start-up
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b

CACHE_FOLDER = ".mlflow_naming_cache"
ENVIRONMENT_VARIABLE = "MLFLOW_NAMING_CACHE_DIR"
#: Seconds after a file's modification during which size + mtime do not prove it unchanged.
RACY_SECONDS = 2.0
_FORMAT = 3
_MAGIC = b"mlflow-naming-cache %d " % _FORMAT
_GITIGNORE = b"# Automatically created by mlflow-naming.\n*\n"

__all__ = ["CACHE_FOLDER", "ENVIRONMENT_VARIABLE", "CacheLocation", "CacheUnavailable", "FindingsCache", "cache_location", "digest", "open_cache"]


class CacheUnavailable(Exception):
    """The cache is not used for this run; the message is one line for a warning, or empty (say nothing)."""


def cache_location(project: Config, command_line: str | None = None, environment: Mapping[str, str] = os.environ) -> CacheLocation:
    """Where the cache lives: ``--cache-dir``, else ``MLFLOW_NAMING_CACHE_DIR``, else ``cache-dir``, else ``<root>/.mlflow_naming_cache``.

    Only the first two are the user's choice; the others come from the repository and must
    stay inside the project root.
    """
    root = Path(os.path.abspath(project.root))
    if command_line:
        return CacheLocation(Path(os.path.abspath(command_line)), root, True)
    if environment.get(ENVIRONMENT_VARIABLE):
        return CacheLocation(Path(os.path.abspath(environment[ENVIRONMENT_VARIABLE])), root, True)
    return CacheLocation(Path(os.path.abspath(root / (project.cache_dir or CACHE_FOLDER))), root, False)


def open_cache(location: CacheLocation, environment: Mapping[str, str] = os.environ) -> FindingsCache:
    """The cache of one run; :class:`CacheUnavailable` when it may not be used."""
    from .secret import KeyRefused, user_key

    try:
        key = user_key(environment)
    except KeyRefused:
        raise CacheUnavailable("") from None  # no place for a key (read-only home): just slower
    try:
        folder = CacheFolder.open(location, create=False)
    except FolderRefused as error:
        raise CacheUnavailable(f"{location.path} {error}") from None
    except OSError:
        raise CacheUnavailable("") from None
    return FindingsCache(location, key, folder)


def digest(raw: bytes) -> bytes:
    """The content hash an entry is checked against."""
    return blake2b(raw, digest_size=16).digest()


class FindingsCache:
    """One run's view of the cache: lookups against what was on disk, and the entries to store."""

    def __init__(self, location: CacheLocation, key: bytes, folder: CacheFolder | None) -> None:
        from .key import tool_fingerprint

        self.location = location
        self._key = key
        self._folder = folder
        self._tool = tool_fingerprint()
        self.file_name = f"findings-{blake2b(str(location.root).encode('utf-8', 'surrogateescape'), digest_size=8).hexdigest()}.json"
        self._entries: dict[str, Any] = self._read()
        self._new: dict[str, list] = {}
        self._config_keys: dict[tuple[int, frozenset[str] | None], tuple[object, str]] = {}

    def _read(self) -> dict[str, Any]:
        """The entries on disk, or none when the file is missing, torn, foreign or not signed with our key."""
        if self._folder is None:
            return {}
        data = self._folder.read(self.file_name)
        if data is None or not data.startswith(_MAGIC):
            return {}
        header_end = data.find(b"\n")
        if header_end != len(_MAGIC) + 64:
            return {}
        body = data[header_end + 1 :]
        if not _compare_digest(data[len(_MAGIC) : header_end], self._sign(body)):
            return {}
        import json

        try:
            content = json.loads(body)
        except (ValueError, RecursionError):
            return {}
        if (
            not isinstance(content, dict)
            or content.get("tool") != self._tool
            or content.get("project") != str(self.location.root)
            or not isinstance(content.get("entries"), dict)
        ):
            return {}
        return content["entries"]

    def _sign(self, body: bytes) -> bytes:
        return blake2b(body, key=self._key, digest_size=32, person=b"findings-cache").hexdigest().encode()

    def config_key(self, config: Config, codes: frozenset[str] | None) -> str:
        """The key of what decides a file's findings besides its bytes (see :mod:`.key`), computed once per configuration."""
        cached = self._config_keys.get((id(config), codes))
        if cached is not None and cached[0] is config:
            return cached[1]
        from .key import config_key

        key = config_key(config, codes)
        self._config_keys[(id(config), codes)] = (config, key)
        return key

    def lookup(self, path: str, stat: os.stat_result, config_key: str, raw: bytes | None = None) -> list[Finding] | None:
        """The cached findings of ``path``, or None; ``raw`` (the bytes) lets a changed mtime still hit."""
        absolute = os.path.abspath(path)
        entry = self._entries.get(absolute)
        if not _is_entry(entry) or entry[4] != config_key:  # type: ignore[index]
            return None
        size, mtime_ns, ctime_ns, content_digest, _, racy, findings = entry  # type: ignore[misc]
        if size == stat.st_size and mtime_ns == stat.st_mtime_ns and ctime_ns == stat.st_ctime_ns and not racy:
            return _findings(findings)
        if raw is not None and size == len(raw) and content_digest == digest(raw).hex():
            decoded = _findings(findings)
            if decoded is not None:
                self._new[absolute] = [size, stat.st_mtime_ns, stat.st_ctime_ns, content_digest, config_key, _is_racy(stat), findings]
            return decoded
        return None

    def store(self, path: str, stat: os.stat_result, config_key: str, raw: bytes, findings: list[Finding]) -> None:
        """Remember the findings of ``path`` as it was read (``stat`` taken before reading)."""
        self.store_digest(path, stat, config_key, digest(raw), findings)

    def store_digest(self, path: str, stat: os.stat_result, config_key: str, content_digest: bytes, findings: list[Finding]) -> None:
        """:meth:`store` when only the digest of the bytes linted is at hand (from a worker process)."""
        from .codec import encode

        entry = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, content_digest.hex(), config_key, _is_racy(stat), encode(list(findings))]
        self._new[os.path.abspath(path)] = entry

    def save(self) -> None:
        """Merge the new entries into the cache file and replace it atomically; problems are ignored."""
        if not self._new:
            return
        try:
            folder = self._folder
            if folder is None:
                folder = self._folder = CacheFolder.open(self.location, create=True)
            if folder is None:
                return
            if not folder.is_regular_file(".gitignore"):
                folder.replace(".gitignore", _GITIGNORE)
            entries = {path: entry for path, entry in self._read().items() if _is_entry(entry)}  # what concurrent runs stored
            entries.update(self._new)
            import json

            body = json.dumps(
                {"tool": self._tool, "project": str(self.location.root), "entries": entries}, separators=(",", ":"), ensure_ascii=False
            ).encode("utf-8", "surrogatepass")
            folder.replace(self.file_name, _MAGIC + self._sign(body) + b"\n" + body)
        except (OSError, FolderRefused, ValueError):
            pass  # a read-only tree, a folder that turned unsafe: the run still succeeds, only slower next time
        self._new = {}

    def close(self) -> None:
        """Release the folder."""
        if self._folder is not None:
            self._folder.close()
            self._folder = None


def _is_entry(entry: object) -> bool:
    """True for an entry of this format: ``[size, mtime_ns, ctime_ns, digest, config key, racy, findings]``."""
    return (
        type(entry) is list
        and len(entry) == 7
        and type(entry[0]) is int
        and type(entry[1]) is int
        and type(entry[2]) is int
        and type(entry[3]) is str
        and type(entry[4]) is str
        and type(entry[5]) is bool
        and type(entry[6]) is list
    )


def _findings(value: list) -> list[Finding] | None:
    """An entry's findings (decoded only on a hit); a value that is not findings is a miss."""
    if not value:
        return []
    from .codec import InvalidFindings, decode

    try:
        return decode(value)
    except (InvalidFindings, RecursionError):
        return None


def _is_racy(stat: os.stat_result) -> bool:
    return time.time() - stat.st_mtime_ns / 1e9 < RACY_SECONDS


def _compare_digest(a: bytes, b: bytes) -> bool:
    # hmac.compare_digest without importing hmac (which imports hashlib, so OpenSSL).
    from _operator import _compare_digest as compare

    return compare(a, b)

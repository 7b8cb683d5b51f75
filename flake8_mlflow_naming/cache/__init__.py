"""The findings cache: a file whose bytes and configuration are unchanged is not linted again.

Like Ruff's cache, it lives in ``.mlflow_naming_cache/`` at the project root (the folder of
the configuration, else the working directory), holds a ``.gitignore`` of ``*`` so it is
never committed, and can be moved (``--cache-dir``, ``MLFLOW_NAMING_CACHE_DIR``, the
``cache-dir`` key) or bypassed (``--no-cache``).

A repository is hostile, and so is any cache that came with it. Therefore (docs/robustness.md,
"Trust"):

- the cache file is data only: a fixed binary layout (:data:`_HEADER`, :data:`_RECORD`) read
  with bounds checks, whose findings are JSON checked value by value (:mod:`.codec`);
  anything unexpected is a miss, never an error, never code. (Not all JSON: ``json`` is
  imported only when a file has findings, so a run over clean files does without it);
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
import struct
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

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
_FORMAT = 4
_MAGIC = b"mlflow-naming-cache %d\n" % _FORMAT
_MAC_SIZE = 32
_GITIGNORE = b"# Automatically created by mlflow-naming.\n*\n"
#: The body's header: tool fingerprint, then the lengths of the root, the entry count, the
#: paths and the findings.
_HEADER = struct.Struct("<16sIIII")
#: One entry: size, mtime_ns, ctime_ns, racy, content digest, configuration key, and where its
#: findings (JSON, empty for none) are in the findings area.
_RECORD = struct.Struct("<QqqB16s16sII")

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
        self._root = str(location.root).encode("utf-8", "surrogateescape")
        self.file_name = f"findings-{blake2b(self._root, digest_size=8).hexdigest()}.bin"
        self._entries = self._read()
        self._new: dict[str, tuple[bytes, bytes]] = {}
        self._config_keys: dict[tuple[int, frozenset[str] | None], tuple[object, bytes]] = {}

    def _read(self) -> _Entries:
        """The entries on disk; none when the file is missing, torn, foreign or not signed with our key."""
        data = None if self._folder is None else self._folder.read(self.file_name)
        if data is None or not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + _MAC_SIZE + _HEADER.size:
            return _Entries()
        mac, body = data[len(_MAGIC) : len(_MAGIC) + _MAC_SIZE], data[len(_MAGIC) + _MAC_SIZE :]
        if not _compare_digest(mac, self._sign(body)):
            return _Entries()
        return _Entries.parse(body, self._tool, self._root)

    def _sign(self, body: bytes) -> bytes:
        return blake2b(body, key=self._key, digest_size=_MAC_SIZE, person=b"findings-cache").digest()

    def config_key(self, config: Config, codes: frozenset[str] | None) -> bytes:
        """The key of what decides a file's findings besides its bytes (see :mod:`.key`), computed once per configuration."""
        cached = self._config_keys.get((id(config), codes))
        if cached is not None and cached[0] is config:
            return cached[1]
        from .key import config_key

        key = config_key(config, codes)
        self._config_keys[(id(config), codes)] = (config, key)
        return key

    def lookup(self, path: str, stat: os.stat_result, config_key: bytes, raw: bytes | None = None) -> list[Finding] | None:
        """The cached findings of ``path``, or None; ``raw`` (the bytes) lets a changed mtime still hit."""
        absolute = os.path.abspath(path)
        entry = self._entries.get(absolute)
        if entry is None:
            return None
        record, findings = entry
        size, mtime_ns, ctime_ns, racy, content_digest, entry_key, _, _ = _RECORD.unpack(record)
        if entry_key != config_key:
            return None
        if size == stat.st_size and mtime_ns == stat.st_mtime_ns and ctime_ns == stat.st_ctime_ns and not racy:
            return _findings(findings)
        if raw is not None and size == len(raw) and content_digest == digest(raw):
            decoded = _findings(findings)
            if decoded is not None:
                self._new[absolute] = (_record(stat, content_digest, config_key), findings)
            return decoded
        return None

    def store(self, path: str, stat: os.stat_result, config_key: bytes, raw: bytes, findings: list[Finding]) -> None:
        """Remember the findings of ``path`` as it was read (``stat`` taken before reading)."""
        self.store_digest(path, stat, config_key, digest(raw), findings)

    def store_digest(self, path: str, stat: os.stat_result, config_key: bytes, content_digest: bytes, findings: list[Finding]) -> None:
        """:meth:`store` when only the digest of the bytes linted is at hand (from a worker process)."""
        blob = b""
        if findings:
            import json

            from .codec import encode

            blob = json.dumps(encode(list(findings)), separators=(",", ":")).encode("utf-8", "surrogatepass")
        self._new[os.path.abspath(path)] = (_record(stat, content_digest, config_key), blob)

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
            entries = self._read().all()  # what concurrent runs stored since this one started
            entries.update(self._new)
            body = _Entries.serialise(entries, self._tool, self._root)
            folder.replace(self.file_name, _MAGIC + self._sign(body) + body)
        except (OSError, FolderRefused, ValueError, struct.error):
            pass  # a read-only tree, a folder that turned unsafe: the run still succeeds, only slower next time
        self._new = {}

    def close(self) -> None:
        """Release the folder."""
        if self._folder is not None:
            self._folder.close()
            self._folder = None


class _Entries:
    """The entries of a cache file: path -> (record bytes, findings JSON), decoded only on lookup."""

    def __init__(self, paths: list[str] | None = None, records: bytes = b"", findings: bytes = b"") -> None:
        self._index = dict(zip(paths or (), range(len(paths or ()))))
        self._records = records
        self._findings = findings

    @classmethod
    def parse(cls, body: bytes, tool: bytes, root: bytes) -> _Entries:
        """The entries of ``body``; none when its layout does not add up or it is another tool's or project's."""
        try:
            file_tool, root_length, count, paths_length, findings_length = _HEADER.unpack_from(body)
        except struct.error:
            return cls()
        start = _HEADER.size
        records_start = start + root_length + paths_length
        if (
            file_tool != tool
            or body[start : start + root_length] != root
            or len(body) != records_start + count * _RECORD.size + findings_length
        ):
            return cls()
        paths = body[start + root_length : records_start].decode("utf-8", "surrogateescape").split("\0") if count else []
        if len(paths) != count or len(set(paths)) != count:
            return cls()
        records_end = records_start + count * _RECORD.size
        return cls(paths, body[records_start:records_end], body[records_end:])

    def get(self, path: str) -> tuple[bytes, bytes] | None:
        """The record of ``path`` and its findings bytes; None when absent or pointing out of bounds."""
        index = self._index.get(path)
        if index is None:
            return None
        record = self._records[index * _RECORD.size : (index + 1) * _RECORD.size]
        *_, racy, _, _, offset, length = _RECORD.unpack(record)
        if racy > 1 or offset + length > len(self._findings):
            return None
        return record, self._findings[offset : offset + length]

    def all(self) -> dict[str, tuple[bytes, bytes]]:
        """Every well-formed entry, for merging."""
        found = {}
        for path in self._index:
            entry = self.get(path)
            if entry is not None:
                found[path] = entry
        return found

    @staticmethod
    def serialise(entries: dict[str, tuple[bytes, bytes]], tool: bytes, root: bytes) -> bytes:
        """The body of a cache file holding ``entries``."""
        records, findings = bytearray(), bytearray()
        for record, blob in entries.values():
            size, mtime_ns, ctime_ns, racy, content_digest, config_key, _, _ = _RECORD.unpack(record)
            records += _RECORD.pack(size, mtime_ns, ctime_ns, racy, content_digest, config_key, len(findings), len(blob))
            findings += blob
        paths = "\0".join(entries).encode("utf-8", "surrogateescape")
        header = _HEADER.pack(tool, len(root), len(entries), len(paths), len(findings))
        return b"".join((header, root, paths, records, findings))


def _record(stat: os.stat_result, content_digest: bytes, config_key: bytes) -> bytes:
    return _RECORD.pack(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, _is_racy(stat), content_digest, config_key, 0, 0)


def _findings(blob: bytes) -> list[Finding] | None:
    """An entry's findings (decoded only on a hit); bytes that are not findings are a miss."""
    if not blob:
        return []
    import json

    from .codec import InvalidFindings, decode

    try:
        return decode(json.loads(blob))
    except (ValueError, InvalidFindings, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None


def _is_racy(stat: os.stat_result) -> bool:
    return time.time() - stat.st_mtime_ns / 1e9 < RACY_SECONDS


def _compare_digest(a: bytes, b: bytes) -> bool:
    # hmac.compare_digest without importing hmac (which imports hashlib, so OpenSSL).
    from _operator import _compare_digest as compare

    return compare(a, b)

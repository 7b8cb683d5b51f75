"""The per-user key that authenticates the findings cache, kept outside every repository.

Every input of a cache entry (a file's bytes, the configuration) is public, so a digest alone
cannot tell the tool's own entries from entries planted in a repository. The cache file is
therefore signed with a secret: keyed BLAKE2b, a MAC by design (RFC 7693 section 2.9: keyed
BLAKE2 is a PRF, so no HMAC construction is needed), and already loaded for the content
digests without importing ``hashlib`` (which loads OpenSSL, milliseconds of every start-up).

The key is 32 random bytes in ``$XDG_CACHE_HOME/mlflow-naming/key`` (default
``~/.cache/mlflow-naming/key``), created on first use with ``O_EXCL`` and mode 0600 in a
folder of mode 0700. A key or folder that is a symbolic link, belongs to another user, or
that others may read (the key) or write (the folder) is refused, and the cache is not used.
``MLFLOW_NAMING_CACHE_KEY`` gives the secret instead (CI runners that share one cache).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping

try:  # BLAKE2 without hashlib, whose import loads OpenSSL: a few ms of every start-up
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b

KEY_VARIABLE = "MLFLOW_NAMING_CACHE_KEY"
KEY_SIZE = 32
_FOLDER = "mlflow-naming"
_FILE = "key"
_NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC


class KeyRefused(Exception):
    """The key cannot be used; the message says why in a few words."""


def key_path(environment: Mapping[str, str] = os.environ) -> str:
    """Where the key file is: ``$XDG_CACHE_HOME/mlflow-naming/key``, else ``~/.cache/mlflow-naming/key``."""
    base = environment.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG specification: a relative value is ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, _FOLDER, _FILE)


def user_key(environment: Mapping[str, str] = os.environ) -> bytes:
    """The cache key of this user (or of ``MLFLOW_NAMING_CACHE_KEY``); :class:`KeyRefused` if there is none to trust."""
    given = environment.get(KEY_VARIABLE)
    if given:
        return blake2b(given.encode("utf-8", "surrogateescape"), digest_size=KEY_SIZE, person=b"mlflow-naming").digest()
    path = key_path(environment)
    folder = os.path.dirname(path)
    try:
        os.makedirs(os.path.dirname(folder), mode=0o700, exist_ok=True)
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW)
    except OSError as error:
        raise KeyRefused(f"{folder}: {error.strerror or error}") from None
    try:
        status = os.fstat(descriptor)
        if status.st_uid != os.geteuid():
            raise KeyRefused(f"{folder} belongs to another user")
        if status.st_mode & 0o022:
            raise KeyRefused(f"{folder} is writable by group or others")
        return _read_or_create(descriptor, path)
    except OSError as error:
        raise KeyRefused(f"{path}: {error.strerror or error}") from None
    finally:
        os.close(descriptor)


def _read_or_create(folder: int, path: str) -> bytes:
    for _ in range(3):
        try:
            handle = os.open(_FILE, os.O_RDONLY | _NOFOLLOW, dir_fd=folder)
        except FileNotFoundError:
            _create(folder)
            continue
        try:
            status = os.fstat(handle)
            if not stat.S_ISREG(status.st_mode) or status.st_uid != os.geteuid():
                raise KeyRefused(f"{path} is not a file of yours")
            if status.st_mode & 0o077:
                raise KeyRefused(f"{path} may be read by others (chmod 600 it)")
            key = os.read(handle, KEY_SIZE + 1)
        finally:
            os.close(handle)
        if len(key) != KEY_SIZE:
            raise KeyRefused(f"{path} is not a key of {KEY_SIZE} bytes")
        return key
    raise KeyRefused(f"{path} cannot be created")


def _create(folder: int) -> None:
    """Write a fresh key under a private name, then link it into place: never a half-written key,
    and when two first runs race, both use whichever key was linked first."""
    temporary = f".{_FILE}.{os.getpid()}.{os.urandom(4).hex()}"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=folder)
    try:
        try:
            os.write(handle, os.urandom(KEY_SIZE))
            os.fsync(handle)
        finally:
            os.close(handle)
        try:
            os.link(temporary, _FILE, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary, dir_fd=folder)

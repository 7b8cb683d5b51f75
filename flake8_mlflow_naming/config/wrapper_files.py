"""The one place that reads the files a configuration names: the team wrapper's source.

The wrapper's module is looked for below the configuring pyproject's folder (and its
``src/``), or read from ``wrapper-source``; its ``def`` is parsed with ``ast`` (the checked
code is never imported) and its package ``__init__`` re-exports are followed. The result is
stored on the :class:`.model.Config`, so ``lint/`` never touches the file system.
"""

from __future__ import annotations

import ast
import os
import re
import stat
from dataclasses import replace
from pathlib import Path

try:  # BLAKE2 without hashlib, whose import loads OpenSSL: a few ms of every start-up
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b

from ..wrapper_signature import (
    DEFAULT_SIGNATURE,
    WrapperSignature,
    find_definition,
    find_reexport,
    parse_signature,
    signature_of,
)
from .model import TABLE, Config, ConfigError


def with_wrapper_located(config: Config) -> Config:
    """``config`` with the wrapper's signature and re-exported names read from its source.

    Raises ConfigError when ``wrapper-source`` names a file that is missing, unreadable or
    not Python, as for a bad key.
    """
    if not config.run_wrapper:
        return config
    inputs: dict[str, bytes | None] = {}
    signature, reexports = _locate_wrapper(config, inputs)
    return replace(config, wrapper_signature=signature, wrapper_reexports=reexports, wrapper_inputs=tuple(inputs.items()))


#: How many re-exports (``from .runs import production_run`` in an ``__init__``) are followed.
_MAX_REEXPORTS = 4


def _locate_wrapper(config: Config, inputs: dict[str, bytes | None]) -> tuple[WrapperSignature, tuple[str, ...]]:
    """The wrapper's signature and the other dotted names it is re-exported under.

    A declared ``run-wrapper-signature`` wins. Otherwise the wrapper's module is looked for
    below the configuring pyproject's folder (and its ``src/``), or at ``wrapper-source``,
    and its ``def`` is read with ``ast``: the checked code is never imported. Every file
    read or looked for is recorded in ``inputs`` (the findings cache keys on them).
    """
    assert config.run_wrapper is not None
    aliases: list[str] = []
    learnt: WrapperSignature | None = None
    if config.wrapper_source:
        path = config.root / config.wrapper_source
        definition = find_definition(_named_file(config, path, inputs), config.run_wrapper.rsplit(".", 1)[1])
        if definition is not None:
            learnt = _signature_of(definition, path)
    for dotted in (config.run_wrapper, *config.run_wrapper_aliases):
        signature = _follow(config, dotted, aliases, inputs)
        learnt = learnt or signature
        aliases.extend(_package_reexports(config, dotted, inputs))
    if config.run_wrapper_signature:
        return parse_signature(config.run_wrapper_signature), tuple(aliases)
    return learnt or DEFAULT_SIGNATURE, tuple(aliases)


def _signature_of(definition: ast.FunctionDef | ast.AsyncFunctionDef, path: Path) -> WrapperSignature:
    return signature_of(definition, str(path))


def _follow(config: Config, dotted: str, aliases: list[str], inputs: dict[str, bytes | None]) -> WrapperSignature | None:
    """Find ``dotted``'s ``def``, following package re-exports; record the names passed through."""
    for _ in range(_MAX_REEXPORTS):
        module, _, name = dotted.rpartition(".")
        found = _module_file(config, module, inputs)
        if found is None:
            return None
        path, is_package = found
        tree = _parse_file(path, inputs)
        if tree is None:
            return None
        definition = find_definition(tree, name)
        if definition is not None:
            return _signature_of(definition, path)
        target = find_reexport(tree, name, module if is_package else module.rpartition(".")[0])
        if target is None or target == dotted:
            return None
        aliases.append(target)
        dotted = target
    return None


def _package_reexports(config: Config, dotted: str, inputs: dict[str, bytes | None]) -> list[str]:
    """``pkg.fn`` for each enclosing package whose ``__init__`` re-exports ``pkg.mod.fn``."""
    module, _, name = dotted.rpartition(".")
    parts = module.split(".")
    found = []
    for end in range(len(parts) - 1, 0, -1):
        package = ".".join(parts[:end])
        located = _module_file(config, package, inputs)
        if located is None or not located[1]:
            continue
        tree = _parse_file(located[0], inputs)
        if tree is not None and find_reexport(tree, name, package) == dotted:
            found.append(f"{package}.{name}")
    return found


def _module_file(config: Config, module: str, inputs: dict[str, bytes | None]) -> tuple[Path, bool] | None:
    """The file of ``module`` below the config's root or its ``src/``, and whether it is a package."""
    relative = Path(*module.split("."))
    for base in (config.root, config.root / "src"):
        for candidate, is_package in ((base / relative / "__init__.py", True), ((base / relative).with_suffix(".py"), False)):
            present = candidate.is_file()
            inputs.setdefault(str(candidate), b"" if present else None)
            if present:
                return candidate, is_package
    return None


#: Larger "wrapper modules" are not read: a repository's configuration must not make the tool
#: read a huge or endless file (``wrapper-source = "/dev/zero"``).
_MAX_WRAPPER_FILE_SIZE = 4 << 20


def _read_bounded(path: Path, inputs: dict[str, bytes | None]) -> bytes:
    """The bytes of the regular file ``path`` (at most 4 MiB), recorded in ``inputs`` by digest.

    Raises OSError for a missing or unreadable file, ValueError for one that is not a regular
    file or is too large: a FIFO or device named by a repository's configuration never blocks."""
    try:
        # O_NONBLOCK: a FIFO named by the configuration must not hang the open.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        inputs[str(path)] = None
        raise
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > _MAX_WRAPPER_FILE_SIZE:
            inputs[str(path)] = b""
            raise ValueError("is not a regular file of at most 4 MiB")
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            raw = handle.read(_MAX_WRAPPER_FILE_SIZE + 1)
    except OSError:
        inputs[str(path)] = None
        raise
    finally:
        os.close(descriptor)
    inputs[str(path)] = blake2b(raw, digest_size=16).digest()
    return raw


def _parse_file(path: Path, inputs: dict[str, bytes | None]) -> ast.Module | None:
    """A module found by searching (it may not be the wrapper's): None when it cannot be read."""
    try:
        return ast.parse(_read_bounded(path, inputs), str(path))
    except (OSError, SyntaxError, ValueError):
        return None


def _named_file(config: Config, path: Path, inputs: dict[str, bytes | None]) -> ast.Module:
    """The module ``wrapper-source`` names: it must exist and parse, or the configuration is wrong."""
    problem = None
    try:
        raw = _read_bounded(path, inputs)
    except OSError as error:
        problem = f"cannot be read ({error.strerror or error})"
    except ValueError as error:
        problem = str(error)
    else:
        try:
            return ast.parse(raw, str(path))
        except (SyntaxError, ValueError) as error:
            problem = f"is not valid Python ({str(error).splitlines()[0]})"
    raise ConfigError(f"[tool.{TABLE}] wrapper-source {config.wrapper_source!r} ({path}) {problem}", config.source, key="wrapper-source")


#: ``python[3] [-u] script.py`` or ``python -m package.module`` in an ``MLproject`` command.
_PROJECT_COMMAND = re.compile(r"\bpython[\d.]*\s+(?:-u\s+)?(?:-m\s+(?P<module>[\w.]+)|(?P<script>[\w./-]+\.py)\b)")
#: An ``MLproject`` larger than this is not a project file anyone wrote by hand: not read.
_MAX_MLPROJECT_BYTES = 256 * 1024


def project_entry_points(folder: Path) -> frozenset[str]:
    """The scripts the ``MLproject`` files of ``folder`` and its two parents run, relative to ``folder``.

    The file is read as text and only its ``python …`` commands are looked for (a repository's
    files are untrusted: no YAML is loaded, nothing is executed, an unreadable or huge file
    counts as none). ``python -m pkg.train`` runs ``pkg/train.py``.
    """
    found: set[str] = set()
    for depth, base in enumerate([folder, *list(folder.parents)[:2]]):
        try:
            candidate = base / "MLproject"
            if not candidate.is_file() or candidate.stat().st_size > _MAX_MLPROJECT_BYTES:
                continue
            text = candidate.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        below = folder.parts[len(folder.parts) - depth :] if depth else ()
        for match in _PROJECT_COMMAND.finditer(text):
            script = match.group("script") or match.group("module").replace(".", "/") + ".py"
            parts = Path(script.removeprefix("./")).parts
            if tuple(parts[: len(below)]) == tuple(below):
                found.add("/".join(parts[len(below) :]))
    return frozenset(found)

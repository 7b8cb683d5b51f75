"""Write the proposed configuration: ``[tool.mlflow-naming]`` and the pre-commit hook.

``pyproject.toml`` is edited with tomlkit, a maintained style-preserving TOML library: every
comment, blank line, quote style and key order outside the table stays as the team wrote it
(a plain TOML writer would reformat the whole file). ``.pre-commit-config.yaml`` gets a
``repo: local`` entry inserted as text at the end of its ``repos:`` list, so its comments and
layout are untouched; the result is parsed again (PyYAML, which pre-commit itself uses) when
that library is installed, and nothing is written if it would not load. Existing settings
are never replaced without ``force``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from ..config import TABLE
from ..sources.write import atomic_write

#: The hook ``init`` adds: the installed ``mlflow-naming`` (``language: system``), so it works
#: from a pip install without pre-commit building its own environment.
PRE_COMMIT_HOOK = """\
- repo: local
  hooks:
    - id: mlflow-naming
      name: mlflow-naming check
      entry: mlflow-naming check --force-exclude
      language: system
      types_or: [python, pyi, jupyter]
      require_serial: true
"""


class InitError(Exception):
    """The configuration cannot be written as asked; one line for the user."""


@dataclass(frozen=True)
class PlannedFile:
    """A file ``init`` writes: its new text, and whether it exists already."""

    path: Path
    text: str
    exists: bool
    #: What was done or would be done: "create", "update", "replace" (existing keys), "unchanged".
    action: str
    #: The part ``init`` adds, as ``--dry-run`` shows it.
    excerpt: str = ""


def pyproject_with_settings(path: Path, settings: Mapping[str, object], force: bool) -> PlannedFile:
    """``path`` (a pyproject.toml, which may not exist) with ``[tool.mlflow-naming]`` set to ``settings``."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    exists = path.exists()
    original = path.read_text(encoding="utf-8") if exists else ""
    try:
        document = tomlkit.parse(original)
    except TOMLKitError as error:
        raise InitError(f"{path}: not valid TOML ({error}); fix it first, nothing was written") from None
    tool = document.get("tool")
    if tool is not None and not isinstance(tool, Mapping):
        raise InitError(f"{path}: 'tool' is not a table; nothing was written")
    existing = tool.get(TABLE) if tool is not None else None
    assert tool is None or isinstance(tool, MutableMapping)  # a tomlkit table
    if existing is not None and not force:
        raise InitError(f"{path} already has [tool.{TABLE}]; rerun with --force to replace its naming keys, or --dry-run to see the proposal")
    if tool is None:
        tool = tomlkit.table(is_super_table=True)
        document["tool"] = tool
    if existing is None:
        table = tomlkit.table()
        table.add(tomlkit.comment("Written by `mlflow-naming init` from the names this repository already uses."))
        tool[TABLE] = table
    else:
        table = existing
    for key, value in settings.items():
        table[key] = value
    text = tomlkit.dumps(document)
    action = "unchanged" if text == original else ("create" if not exists else "update" if existing is None else "replace")
    excerpt = tomlkit.dumps({"tool": {TABLE: table}}).replace("[tool]\n", "", 1)
    return PlannedFile(path, text, exists, action, excerpt)


def pre_commit_with_hook(path: Path) -> PlannedFile:
    """``path`` (a .pre-commit-config.yaml, which may not exist) with the mlflow-naming hook added."""
    if not path.exists():
        return PlannedFile(path, "repos:\n" + PRE_COMMIT_HOOK, False, "create", "repos:\n" + PRE_COMMIT_HOOK)
    original = path.read_text(encoding="utf-8")
    if re.search(r"^\s*-?\s*id:\s*['\"]?mlflow-naming(-fix)?['\"]?\s*$", original, re.MULTILINE):
        return PlannedFile(path, original, True, "unchanged")  # the team has the hook already
    text = _insert_into_repos(path, original)
    _check_loads(path, text)
    return PlannedFile(path, text, True, "update", PRE_COMMIT_HOOK)


def _insert_into_repos(path: Path, original: str) -> str:
    """``original`` with :data:`PRE_COMMIT_HOOK` as the last item of its top-level ``repos:`` list."""
    lines = original.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"repos\s*:\s*(#.*)?$", line.rstrip("\r\n"))), None)
    if start is None:
        if re.search(r"^repos\s*:", original, re.MULTILINE):
            raise InitError(f"{path}: 'repos:' is not a block list; add the hook by hand:\n{PRE_COMMIT_HOOK}")
        separator = "" if not original or original.endswith("\n") else "\n"
        return original + separator + "repos:\n" + PRE_COMMIT_HOOK
    # The list ends at the next top-level key (a line starting with neither space, '-' nor '#').
    end = len(lines)
    indent = ""
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line.strip() and not line[0].isspace() and not line.startswith(("-", "#")):
            end = index
            break
    items = [line for line in lines[start + 1 : end] if line.lstrip().startswith("- ")]
    if items:
        indent = items[0][: len(items[0]) - len(items[0].lstrip())]
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # insert before the blank lines that separate the list from what follows
    newline = "\r\n" if lines[start].endswith("\r\n") else "\n"
    block = "".join(indent + line + newline for line in PRE_COMMIT_HOOK.splitlines())
    before = "".join(lines[:end])
    if before and not before.endswith("\n"):
        before += newline
    return before + block + "".join(lines[end:])


def _check_loads(path: Path, text: str) -> None:
    """Refuse to write YAML that no longer loads, or whose ``repos`` lost the hook."""
    try:
        import yaml
    except ImportError:  # pragma: no cover - pre-commit (which the hook needs) installs PyYAML
        return
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InitError(f"{path}: cannot add the hook without breaking the file ({one_line(error)}); add it by hand:\n{PRE_COMMIT_HOOK}") from None
    repos = loaded.get("repos") if isinstance(loaded, dict) else None
    if not isinstance(repos, list) or not any(
        isinstance(r, dict) and any(isinstance(h, dict) and h.get("id") == "mlflow-naming" for h in r.get("hooks") or ()) for r in repos
    ):
        raise InitError(f"{path}: cannot tell where the hook goes; add it by hand:\n{PRE_COMMIT_HOOK}")


def one_line(error: object) -> str:
    """An exception's message on one line."""
    return " ".join(str(error).split())


def write_planned(planned: PlannedFile) -> None:
    """Write ``planned`` atomically: a new file is created whole or not at all."""
    data = planned.text.encode("utf-8")
    if planned.exists:
        atomic_write(planned.path, data)
        return
    temporary = planned.path.with_name(f".{planned.path.name}.mlflow-naming-tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, planned.path)  # fails if the file appeared meanwhile: never clobber it
    finally:
        os.unlink(temporary)

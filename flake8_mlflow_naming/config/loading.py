"""Finding and reading configuration files: pyproject.toml's ``[tool.mlflow-naming]`` and
flake8's ``[flake8]`` ``mlflow-*`` options, once per file, into a :class:`.model.Config`.

:class:`ConfigSource` (a file or the search, plus overrides) is the one way every front end
gets the ``Config`` of a path. Reading the files a configuration names is
:mod:`.wrapper_files`' business; checking values is :mod:`.validation`'s.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..flake8_options import FLAKE8_OPTIONS, LIST
from .model import CONFIG_FILE_ENV_VAR, TABLE, WRAPPER_FIELDS, Config, ConfigError
from .validation import is_integer_setting, parse_setting
from .wrapper_files import project_entry_points, with_wrapper_located

# tomllib is imported when a pyproject is first found: starting ``check`` on one file in a
# folder without one does not pay for it.


def config_from_table(table: Mapping[str, object], source: Path) -> Config:
    """Build a :class:`Config` from the ``[tool.mlflow-naming]`` table of ``source``, reading
    the files it names; a ConfigError names ``source``, the line of the key and the key."""
    with _located_in(source):
        values = dict(parse_setting(key, value, str(source)) for key, value in table.items())
        return with_wrapper_located(Config(root=source.parent, source=source, **values))


@contextmanager
def _located_in(source: Path) -> Iterator[None]:
    """Add the line of the offending key in ``source`` to a ConfigError raised inside."""
    try:
        yield
    except ConfigError as error:
        if error.key is None or error.line is not None or error.config_file != str(source):
            raise
        detail = error.detail
        if not _is_toml(source):  # name the setting as this file spells it
            detail = detail.replace(f"[tool.{TABLE}] {error.key}", f"[flake8] mlflow-{error.key}")
        raise ConfigError(detail, source, _line_of(source, error.key), error.key) from None


def _is_toml(source: Path) -> bool:
    return source.suffix == ".toml"


def _line_of(source: Path, key: str) -> int | None:
    """The line that sets ``key`` in ``source`` (1-based), found by reading it again.

    Only a bad configuration pays for this. TOML parsers give no positions, so the key is
    looked for inside the table: ``key =`` or ``"key" =`` in ``[tool.mlflow-naming]``, or
    ``mlflow-key =`` / ``mlflow_key:`` in a flake8 file's ``[flake8]`` section.
    """
    try:
        text = source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    names: tuple[str, ...]
    if _is_toml(source):
        section, names = f"tool.{TABLE}", (key, f'"{key}"', f"'{key}'")
    else:
        section = "flake8"
        option = f"mlflow-{key}"
        names = (option, option.replace("-", "_"))
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.fullmatch(r"\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            inside = header.group(1).replace('"', "") == section
            continue
        if inside and any(re.match(rf"{re.escape(name)}\s*[=:]", stripped) for name in names):
            return number
    return None


#: flake8's configuration files, in the order flake8 tries them.
FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")


def _read_flake8_options(folder: Path) -> tuple[Path, dict[str, object]] | None:
    """The ``mlflow-*`` options of the first of flake8's files in ``folder`` with a ``[flake8]`` section."""
    for name in FLAKE8_FILES:
        candidate = folder / name
        try:
            if not candidate.is_file():
                continue
        except OSError:  # a folder that may not be searched: the walk reports it
            continue
        import configparser

        parser = configparser.RawConfigParser()
        try:
            parser.read(candidate, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{candidate}: cannot read ({str(error).splitlines()[0]})") from None
        if not parser.has_section("flake8"):
            continue
        values: dict[str, object] = {}
        for option, text in parser.items("flake8"):
            known = FLAKE8_OPTIONS.get(option.replace("_", "-"))  # flake8 accepts either spelling
            if known is None:
                continue
            key, kind = known
            if kind == LIST:  # flake8's comma_separated_list
                values[key] = [item for item in re.split(r"[,\s]", text) if item]
            elif is_integer_setting(key):
                values[key] = int(text) if text.strip().isdigit() else text.strip()
            else:
                values[key] = text.strip()
        return candidate, values
    return None


def _read_table(pyproject: Path) -> Mapping[str, object] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]  # installed only there
    try:
        with pyproject.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{pyproject}: invalid TOML ({error})") from None
    except OSError as error:
        raise ConfigError(f"{pyproject}: cannot read ({error.strerror})") from None
    table = data.get("tool", {}).get(TABLE) if isinstance(data.get("tool"), dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.{TABLE}] must be a table")
    return table


class ConfigFinder:
    """Finds and parses the configuration for each checked file, once per folder."""

    def __init__(self, explicit: Path | None = None) -> None:
        self._explicit = explicit
        self._by_folder: dict[Path, Config] = {}
        self._by_raw_folder: dict[str | None, Config] = {}
        self._by_file: dict[Path, Config] = {}
        self._with_projects: dict[str | None, Config] = {}

    def for_path(self, path: str | Path | None) -> Config:
        """The configuration governing ``path`` (a file that may not exist, or None for stdin),
        with the folder's MLflow Project entry points (:func:`project_entry_points`)."""
        raw = os.path.dirname(os.path.abspath(path)) if path is not None else None
        cached = self._with_projects.get(raw)
        if cached is not None:
            return cached
        config = self._for_path(path)
        scripts = project_entry_points(Path(raw)) if raw is not None else frozenset()
        if scripts:
            config = replace(config, project_entry_points=scripts)
        self._with_projects[raw] = config
        return config

    def _for_path(self, path: str | Path | None) -> Config:
        if self._explicit is not None:
            explicit = self._load_file(self._explicit, required=True)
            assert explicit is not None  # required: a file without the table raised
            return explicit
        # Files of one folder share its configuration: look the folder up as written first,
        # so a walk over thousands of files resolves each folder once, not each file.
        raw = os.path.dirname(os.path.abspath(path)) if path is not None else None
        cached = self._by_raw_folder.get(raw)
        if cached is not None:
            return cached
        folder = Path.cwd() if path is None else Path(path).parent
        try:
            folder = folder.resolve()
        except OSError:
            folder = Path.cwd()
        if not folder.is_dir():
            folder = Path.cwd().resolve()
        config = self._for_folder(folder)
        self._by_raw_folder[raw] = config
        return config

    def _for_folder(self, folder: Path) -> Config:
        cached = self._by_folder.get(folder)
        if cached is not None:
            return cached
        candidate = folder / "pyproject.toml"
        try:
            present = candidate.is_file()
        except OSError:  # a folder the user may not search: its files are reported unreadable
            present = False
        config = self._load_file(candidate, required=False) if present else None
        if config is None:
            # No [tool.mlflow-naming] here: the plugin's flake8 options, so flake8 and check agree.
            found = _read_flake8_options(folder)
            if found is not None and found[1]:
                config = config_from_table(found[1], found[0])
        if config is None:
            config = Config(root=Path.cwd()) if folder.parent == folder else self._for_folder(folder.parent)
        self._by_folder[folder] = config
        return config

    def _load_file(self, pyproject: Path, required: bool) -> Config | None:
        if pyproject in self._by_file:
            return self._by_file[pyproject]
        table = _read_table(pyproject)
        if table is None:
            if required:
                raise ConfigError(f"{pyproject}: has no [tool.{TABLE}] table")
            return None
        config = config_from_table(table, pyproject)
        self._by_file[pyproject] = config
        return config


_SHARED_FINDERS: dict[Path | None, ConfigFinder] = {}


def shared_finder(config_file: str | Path | None = None) -> ConfigFinder:
    """One finder per process and ``--config`` file, so each pyproject is parsed once."""
    key = Path(config_file) if config_file else None
    if key not in _SHARED_FINDERS:
        _SHARED_FINDERS[key] = ConfigFinder(key)
    return _SHARED_FINDERS[key]


def forget_parsed_configurations() -> None:
    """Drop every cached parse, so the next ``for_path`` reads pyproject files again.

    A long-lived process (the language server) calls this when a pyproject.toml changes;
    one-shot commands never need it.
    """
    _SHARED_FINDERS.clear()
    _OVERRIDDEN.clear()


@dataclass(frozen=True)
class ConfigSource:
    """Where a front end's configuration comes from: the one way every front end gets a Config.

    ``config_file`` is an explicit pyproject.toml (``--config``), or None to search upwards
    from each checked path. ``overrides`` are settings that beat the file (flake8's
    ``--mlflow-*`` options, ``migrate --wrapper``), as ``(field name, value)`` pairs. The
    object is small and picklable: worker processes receive it and rebuild the very same
    configuration through their own per-process cache.
    """

    config_file: Path | None = None
    overrides: tuple[tuple[str, Any], ...] = ()

    def overriding(self, **values: Any) -> ConfigSource:
        """A copy whose overrides also set ``values`` (None values are ignored)."""
        merged = dict(self.overrides)
        merged.update({k: v for k, v in values.items() if v is not None})
        return replace(self, overrides=tuple(sorted(merged.items())))

    def for_path(self, path: str | Path | None) -> Config:
        """The configuration governing ``path`` (None: standard input, searched from cwd)."""
        config = shared_finder(self.config_file).for_path(path)
        if not self.overrides:
            return config
        key = (id(config), self.overrides)
        cached = _OVERRIDDEN.get(key)
        if cached is None or cached[0] is not config:
            overridden = config.with_overrides(**dict(self.overrides))
            if WRAPPER_FIELDS & {name for name, _ in self.overrides}:
                overridden = with_wrapper_located(overridden)  # another wrapper: read its source
            cached = _OVERRIDDEN[key] = (config, overridden)
        return cached[1]


#: (base config id, overrides) -> (base config, overridden copy): overrides are applied once per base.
_OVERRIDDEN: dict[tuple[int, tuple[tuple[str, Any], ...]], tuple[Config, Config]] = {}


def process_config() -> Config:
    """The configuration of a process that has no file at hand (the runtime gate, tracked_run).

    ``MLFLOW_NAMING_CONFIG`` names a pyproject.toml explicitly (a tracking server started
    outside the project); otherwise the nearest one above the current folder governs.
    """
    explicit = os.environ.get(CONFIG_FILE_ENV_VAR) or None
    # for_path wants a file; the folder searched first is its parent, the cwd.
    return ConfigSource(Path(explicit) if explicit else None).for_path(Path.cwd() / "pyproject.toml")

"""The one configuration: ``[tool.mlflow-naming]`` in the nearest pyproject.toml.

It is parsed once per pyproject into a frozen :class:`Config`. Every front end (the CLI and
its worker processes, fix, the codemod, the flake8 plugin with its ``--mlflow-*`` options,
the runtime wrapper, audit) describes where its configuration comes from with one small
picklable :class:`ConfigSource` (a file or the search, plus overrides) and asks it for the
``Config`` of each path. No other module reads configuration files.

The package is split along its seams, bottom to top:

- :mod:`.model`: the typed object :class:`Config`, its defaults, :class:`ConfigError`
  (built from data only; never reads a file);
- :mod:`.validation`: every key, its converter and its message ("did you mean");
- :mod:`.wrapper_files`: the one place that reads a file the configuration names (the
  team wrapper's source and its re-exports);
- :mod:`.loading`: finding and reading pyproject.toml and flake8's files, the per-process
  caches, :class:`ConfigSource`.

Import from here: the submodules are the package's own business.
"""

from .loading import (
    FLAKE8_FILES,
    ConfigFinder,
    ConfigSource,
    config_from_table,
    forget_parsed_configurations,
    process_config,
    shared_finder,
)
from .model import (
    CONFIG_FILE_ENV_VAR,
    DEFAULT_EXCLUDE,
    DEFAULT_EXPERIMENT_NAME_REGEX,
    DEFAULT_MAX_FIX_FILE_SIZE,
    DEFAULT_REGISTERED_MODEL_NAME_REGEX,
    DEFAULT_RUN_NAME_MAX_LENGTH,
    DEFAULT_RUN_NAME_REGEX,
    DEFAULT_RUN_NAME_TEMPLATE,
    GATE_MODES,
    MLFLOW_NAME_MAX_LENGTH,
    TABLE,
    Config,
    ConfigError,
    matches_any,
)
from .validation import _KEYS, parse_setting, unknown_key_message
from .wrapper_files import project_entry_points

__all__ = [
    "CONFIG_FILE_ENV_VAR",
    "DEFAULT_EXCLUDE",
    "DEFAULT_EXPERIMENT_NAME_REGEX",
    "DEFAULT_MAX_FIX_FILE_SIZE",
    "DEFAULT_REGISTERED_MODEL_NAME_REGEX",
    "DEFAULT_RUN_NAME_MAX_LENGTH",
    "DEFAULT_RUN_NAME_REGEX",
    "DEFAULT_RUN_NAME_TEMPLATE",
    "FLAKE8_FILES",
    "GATE_MODES",
    "MLFLOW_NAME_MAX_LENGTH",
    "TABLE",
    "_KEYS",  # the key table, for tests and docs that list every key
    "Config",
    "ConfigError",
    "ConfigFinder",
    "ConfigSource",
    "config_from_table",
    "forget_parsed_configurations",
    "matches_any",
    "parse_setting",
    "process_config",
    "project_entry_points",
    "shared_finder",
    "unknown_key_message",
]

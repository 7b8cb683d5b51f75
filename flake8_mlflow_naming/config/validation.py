"""Validation of ``[tool.mlflow-naming]`` settings: every key, its converter and its message.

Each converter takes the key and the raw value (from TOML, a flake8 file or a flake8 option)
and returns the typed value :class:`.model.Config` holds, or raises ValueError saying what is
wrong; :func:`parse_setting` turns that into one :class:`.model.ConfigError` line.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..codes import CodeListError, parse_code_list
from ..lifecycle_settings import parse_lifecycle
from ..patterns import PROBE_LENGTH, PROBE_TIMEOUT_SECONDS, PatternTimeout, compile_pattern, probe
from ..wrapper_signature import SignatureError, parse_signature
from .model import GATE_MODES, TABLE, ConfigError

# The regex package is imported when a regex is first validated: starting ``check`` on one
# file in a folder without configuration does not pay for it.


def _string(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {type(value).__name__}")
    return value


def _regex_error() -> type[Exception]:
    from regex import error

    return error


def _regex(key: str, value: object) -> str:
    text = _string(key, value)
    try:
        re.compile(text)
        compile_pattern(text)
    except (re.error, _regex_error()) as error:
        raise ValueError(f"is not a valid regular expression ({error})") from None
    try:
        probe(text, key)
    except PatternTimeout:
        raise ValueError(
            f"{text!r} backtracks catastrophically (a near-miss name of {PROBE_LENGTH} characters takes more than "
            f"{PROBE_TIMEOUT_SECONDS:g} s); simplify nested or overlapping repetitions such as (a|aa)+"
        ) from None
    return text


def _positive_int(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("must be a positive integer")
    return value


def _string_list(key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(
        isinstance(item, str) for item in value
    ):
        raise ValueError("must be a list of strings")
    return tuple(value)


def _bool(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _code_list(key: str, value: object) -> tuple[str, ...]:
    try:
        return parse_code_list(_string_list(key, value))
    except CodeListError as error:
        raise ValueError(str(error)) from None


def _per_file_ignores(key: str, value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, Mapping):
        raise ValueError("must be a table of glob = [codes]")
    return tuple((pattern, _code_list(key, codes)) for pattern, codes in value.items())


def _dotted_name(key: str, value: object) -> str:
    text = _string(key, value)
    if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", text):
        raise ValueError("must be a dotted path such as 'ml_platform.tracking.production_run'")
    return text


def _template(key: str, value: object) -> str:
    from ..naming import RUN_NAME_TEMPLATE_FIELDS, check_name_template

    text = _string(key, value)
    try:
        # The package's one template grammar: fallback chains ({class|module}) are allowed.
        return check_name_template(text, RUN_NAME_TEMPLATE_FIELDS)
    except ValueError as error:
        raise ValueError(
            f"is not a valid template; fields are {{module}}, {{function}}, {{class}}, {{package}}, {{path}} ({error})"
        ) from None


def _wrapper_names(key: str, value: object) -> str | tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        if not value:
            raise ValueError("must name at least one wrapper")
        return tuple(_dotted_name(key, item) for item in value)
    return _dotted_name(key, value)


def _signature(key: str, value: object) -> str:
    text = _string(key, value)
    try:
        parse_signature(text)
    except SignatureError as error:
        raise ValueError(str(error)) from None
    return text


def _wrapper_arguments(key: str, value: object) -> tuple[tuple[str, str, str], ...]:
    if not isinstance(value, Mapping):
        raise ValueError('must be a table of parameter = "module:expression"')
    arguments = []
    for parameter, spec in value.items():
        text = _string(key, spec)
        module, colon, expression = text.partition(":")
        if not re.fullmatch(r"[A-Za-z_]\w*", parameter):
            raise ValueError(f"has {parameter!r}, which is not a parameter name")
        if not colon or not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", module.strip()):
            raise ValueError(f'{parameter} must be "module:expression", such as "team.runs:RunConfig.from_env()"')
        head = re.match(r"\s*([A-Za-z_]\w*)", expression)
        try:
            # Only parsed, to check it is an expression: it is text the fix inserts into code,
            # never evaluated by the tool (tests/test_trust.py scans the package for that).
            ast.parse(expression.strip(), "<wrapper-arguments>", "eval")
        except (SyntaxError, ValueError):
            head = None
        if head is None:
            raise ValueError(f"{parameter}: {expression.strip()!r} is not an expression starting with a name from {module.strip()}")
        arguments.append((parameter, module.strip(), expression.strip()))
    return tuple(arguments)


def _expression_table(key: str, value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError('must be a table of tag = "Python expression"')
    for tag, expression in value.items():
        try:
            ast.parse(expression, mode="eval")
        except SyntaxError:
            raise ValueError(f"{tag} = {expression!r} is not a Python expression") from None
    return tuple(value.items())


def _rename_template(key: str, value: object) -> str:
    from ..naming import check_rename_template

    return check_rename_template(_string(key, value))


def _mlflow_version(key: str, value: object) -> str:
    # A bare integer (``mlflow-version = 3``) is unambiguous; a float is not (2.1 vs 2.10).
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else _string(key, value).strip()
    if not re.fullmatch(r"[0-9]+(\.[0-9]+){0,2}", text):
        raise ValueError(f'must be an MLflow release such as "3", "2.14" or "3.1.2", not {text!r}')
    return text


def _module_list(key: str, value: object) -> tuple[str, ...]:
    modules = _string_list(key, value)
    for module in modules:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", module):
            raise ValueError(f"must list module names such as 'mlflow_extend', not {module!r}")
    return modules


def _gate_mode(key: str, value: object) -> str:
    text = _string(key, value)
    if text not in GATE_MODES:
        raise ValueError(f"must be one of {', '.join(GATE_MODES)}, not {text!r}")
    return text


def _stage_aliases(key: str, value: object) -> tuple[tuple[str, str], ...]:
    # MLflow's stages, matched case-insensitively as MLflow does; an alias is [\w-]+ (MLflow's rule).
    stages = {"production": "Production", "staging": "Staging", "archived": "Archived"}
    if not isinstance(value, Mapping):
        raise ValueError('must be a table of stage = "alias", such as { Production = "champion" }')
    pairs = []
    for stage, alias in value.items():
        if str(stage).lower() not in stages:
            raise ValueError(f"has {stage!r}, which is not a stage ({', '.join(stages.values())})")
        if not isinstance(alias, str) or not re.fullmatch(r"[\w-]+", alias) or re.fullmatch(r"[vV]\d+|latest", alias):
            raise ValueError(f"{stage} = {alias!r} is not an alias MLflow accepts")
        pairs.append((stages[str(stage).lower()], alias))
    return tuple(pairs)


_KEYS: dict[str, tuple[str, Callable[[str, object], Any]]] = {
    "run-name-regex": ("run_name_regex", _regex),
    "run-name-max-length": ("run_name_max_length", _positive_int),
    "run-wrapper": ("run_wrapper", _wrapper_names),
    "wrapper-exempt": ("wrapper_exempt", _string_list),
    "tracked-artifact-roots": ("tracked_artifact_roots", _string_list),
    "select": ("select", _code_list),
    "ignore": ("ignore", _code_list),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", _string_list),
    "extend-exclude": ("extend_exclude", _string_list),
    "respect-gitignore": ("respect_gitignore", _bool),
    "cache-dir": ("cache_dir", _string),
    "run-name-template": ("run_name_template", _template),
    "required-tags": ("required_tags", _string_list),
    "rename-template": ("rename_template", _rename_template),
    "mlflow-version": ("mlflow_version", _mlflow_version),
    "mlflow-aliases": ("mlflow_aliases", _module_list),
    "gate-mode": ("gate_mode", _gate_mode),
    "max-fix-file-size": ("max_fix_file_size", _positive_int),
    "run-wrapper-signature": ("run_wrapper_signature", _signature),
    "wrapper-source": ("wrapper_source", _string),
    "wrapper-arguments": ("wrapper_arguments", _wrapper_arguments),
    "required-tags-defaults": ("required_tags_defaults", _expression_table),
    "experiment-name-regex": ("experiment_name_regex", _regex),
    "registered-model-name-regex": ("registered_model_name_regex", _regex),
    "required-experiment-tags": ("required_experiment_tags", _string_list),
    "required-experiment-tags-defaults": ("required_experiment_tags_defaults", _expression_table),
    "stage-aliases": ("stage_aliases", _stage_aliases),
    "promotion-tag": ("promotion_tag", _string),
    "promotion-version-tag": ("promotion_version_tag", _string),
    "lifecycle": ("lifecycle", parse_lifecycle),
}



def parse_setting(key: str, value: object, source: str) -> tuple[str, Any]:
    """Validate one ``key = value``; return (field name, typed value) or raise ConfigError.

    An unknown key is answered with the closest known one ("did you mean") and the list of
    valid keys, as Ruff does for an unknown option.
    """
    if key not in _KEYS:
        raise ConfigError(unknown_key_message(key), source, key=key)
    field_name, convert = _KEYS[key]
    try:
        return field_name, convert(key, value)
    except ValueError as error:
        raise ConfigError(f"[tool.{TABLE}] {key} {error}", source, key=key) from None


def unknown_key_message(key: str) -> str:
    """``unknown key 'x' in [tool.mlflow-naming]; did you mean 'y'? (valid keys: …)``."""
    known = sorted(_KEYS)
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown key {key!r} in [tool.{TABLE}]{hint} (valid keys: {', '.join(known)})"


def is_integer_setting(key: str) -> bool:
    """True for a key whose value is a whole number (flake8 files give every value as text)."""
    return _KEYS[key][1] is _positive_int

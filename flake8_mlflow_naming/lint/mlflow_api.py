"""Every fact about MLflow's API the rules rely on: dotted names, re-exports, signatures.

The linter never imports mlflow, so what MLflow's functions are called and which parameter
sits at which position is written down here, once. Rules ask "what was passed as ``run_name``?" and get the expression, :data:`MISSING`, or
:data:`UNKNOWN` when ``*args`` / ``**kwargs`` hide it (a rule never reports on an unknown).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Union


# --- names ---------------------------------------------------------------------------------

#: Modules whose public names MLflow re-exports at top level (``mlflow.tracking.fluent.start_run``
#: is ``mlflow.start_run``), longest first so the most specific prefix wins.
REEXPORTING_MODULES = (
    "mlflow.tracking.fluent",
    "mlflow.tracking.client",
    "mlflow.tracking",
    "mlflow.client",
)

#: The dotted name of the function that starts a run.
START_RUN = "mlflow.start_run"
CLIENT_CLASS = "mlflow.MlflowClient"
#: Client methods resolve to ``MlflowClient.<method>`` whatever expression holds the client.
CLIENT_PREFIX = "MlflowClient."
RUN_NAME_TAG = "mlflow.runName"
RUN_NAME_TAG_CONSTANT = "mlflow.utils.mlflow_tags.MLFLOW_RUN_NAME"


def canonical(dotted: str) -> str:
    """``mlflow.tracking.fluent.start_run`` → ``mlflow.start_run``; other names unchanged."""
    for module in REEXPORTING_MODULES:
        if dotted.startswith(module + "."):
            rest = dotted[len(module) + 1 :]
            if "." not in rest:
                return "mlflow." + rest
    return dotted


# --- signatures ----------------------------------------------------------------------------


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: The argument was not passed.
MISSING = _Sentinel("MISSING")
#: ``*args`` or ``**kwargs`` may carry the argument; nothing can be said about it.
UNKNOWN = _Sentinel("UNKNOWN")

Argument = Union[ast.expr, _Sentinel]

START_RUN_PARAMETERS = ("run_id", "experiment_id", "run_name", "nested", "parent_run_id", "tags", "description", "log_system_metrics")
CREATE_RUN_PARAMETERS = ("experiment_id", "start_time", "tags", "run_name")
#: The team wrapper's contract: ``wrapper(run_name=..., **start_run_keywords)``.
WRAPPER_PARAMETERS = ("run_name",)
FLUENT_SET_TAG_PARAMETERS = ("key", "value")
FLUENT_SET_TAGS_PARAMETERS = ("tags",)
CLIENT_SET_TAG_PARAMETERS = ("run_id", "key", "value")
CLIENT_UPDATE_RUN_PARAMETERS = ("run_id", "status", "end_time", "name")
FLUENT_LOG_ARTIFACT_PARAMETERS = ("local_path", "artifact_path", "run_id")
FLUENT_LOG_ARTIFACTS_PARAMETERS = ("local_dir", "artifact_path", "run_id")
CLIENT_LOG_ARTIFACT_PARAMETERS = ("run_id", "local_path", "artifact_path")
CLIENT_LOG_ARTIFACTS_PARAMETERS = ("run_id", "local_dir", "artifact_path")
CREATE_EXPERIMENT_PARAMETERS = ("name", "artifact_location", "tags")
FLAVOR_SAVE_MODEL_PARAMETERS = ("model", "path")
PYFUNC_SAVE_MODEL_PARAMETERS = ("path",)
FLAVOR_LOG_MODEL_PARAMETERS = ("model", "artifact_path")
PYFUNC_LOG_MODEL_PARAMETERS = ("artifact_path",)


@dataclass(frozen=True)
class BoundCall:
    """The arguments of one call, keyed by parameter name."""

    call: ast.Call
    parameters: tuple[str, ...]

    def get(self, name: str) -> Argument:
        """The expression passed for ``name``, or MISSING / UNKNOWN."""
        for keyword in self.call.keywords:
            if keyword.arg == name:
                return keyword.value
        index = self.parameters.index(name) if name in self.parameters else None
        if index is not None:
            for position, arg in enumerate(self.call.args):
                if isinstance(arg, ast.Starred):
                    return UNKNOWN
                if position == index:
                    return arg
        if self.forwards_kwargs:
            return UNKNOWN
        return MISSING

    def position_of(self, name: str) -> int | None:
        """The positional index ``name`` was passed at, or None if by keyword or not at all."""
        if any(k.arg == name for k in self.call.keywords) or name not in self.parameters:
            return None
        index = self.parameters.index(name)
        args = self.call.args
        if index < len(args) and not any(isinstance(a, ast.Starred) for a in args[: index + 1]):
            return index
        return None

    @property
    def forwards_kwargs(self) -> bool:
        """True when the call spreads ``**kwargs``."""
        return any(k.arg is None for k in self.call.keywords)


def bind(call: ast.Call, parameters: tuple[str, ...]) -> BoundCall:
    """Bind ``call``'s arguments to ``parameters`` (positional order, then keywords)."""
    return BoundCall(call, parameters)


def is_none_or_empty(arg: Argument) -> bool:
    """True for a literal ``None`` or ``""``: MLflow treats both as no value."""
    return isinstance(arg, ast.Constant) and (arg.value is None or arg.value == "")


def literal_true(arg: Argument) -> bool | None:
    """True/False for a literal boolean, None when not a literal (unknown)."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, bool):
        return arg.value
    return None

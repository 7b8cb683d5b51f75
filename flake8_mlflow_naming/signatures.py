"""Bind a call's arguments to the parameters of the MLflow function it calls.

Rules ask "what was passed as ``run_name``?" and get the expression, :data:`MISSING`, or
:data:`UNKNOWN` when ``*args`` / ``**kwargs`` hide it (a rule never reports on an unknown).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Union


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

START_RUN = ("run_id", "experiment_id", "run_name", "nested", "parent_run_id", "tags", "description", "log_system_metrics")
CREATE_RUN = ("experiment_id", "start_time", "tags", "run_name")
#: The team wrapper's contract: ``wrapper(run_name=..., **start_run_keywords)``.
WRAPPER = ("run_name",)
FLUENT_SET_TAG = ("key", "value")
FLUENT_SET_TAGS = ("tags",)
CLIENT_SET_TAG = ("run_id", "key", "value")
CLIENT_UPDATE_RUN = ("run_id", "status", "end_time", "name")
FLUENT_LOG_ARTIFACT = ("local_path", "artifact_path", "run_id")
FLUENT_LOG_ARTIFACTS = ("local_dir", "artifact_path", "run_id")
CLIENT_LOG_ARTIFACT = ("run_id", "local_path", "artifact_path")
CLIENT_LOG_ARTIFACTS = ("run_id", "local_dir", "artifact_path")
CREATE_EXPERIMENT = ("name", "artifact_location", "tags")
FLAVOR_SAVE_MODEL = ("model", "path")
PYFUNC_SAVE_MODEL = ("path",)
FLAVOR_LOG_MODEL = ("model", "artifact_path")
PYFUNC_LOG_MODEL = ("artifact_path",)


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

    @property
    def has_starred(self) -> bool:
        """True when the call spreads ``*args``."""
        return any(isinstance(a, ast.Starred) for a in self.call.args)


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

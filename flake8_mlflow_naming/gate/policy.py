"""What the gate decides about one run name or one set of tags: plain values in, a decision out.

Nothing here imports MLflow, so the decisions are the linter's and the audit's (the same
:class:`..naming.NameSchema`, the same synthesizer) and can be tested without a store.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass

from ..config import Config
from ..lint.mlflow_api import LOGGED_MODEL_NAME_FORBIDDEN
from ..naming import DEFAULT_RENAME_TEMPLATES, UnnamableError, looks_generated, replace_characters, run_fields, synthesize_name
from ..uris import mask_credentials

#: What the gate does with a bad run (config key ``gate-mode``).
RENAME, REJECT, WARN = "rename", "reject", "warn"


class GateRefusal(ValueError):
    """The gate refuses a write; the message is one line starting with the MLN code."""


@dataclass(frozen=True)
class NameDecision:
    """What to store as a run's name: ``name`` (maybe new), and the problem found, if any."""

    name: str | None
    problem: str | None = None
    renamed: bool = False


class GatePolicy:
    """The gate's decisions for one configuration."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.mode = config.gate_mode
        self.schema = config.schema
        self.templates: tuple[str, ...] = (config.rename_template,) if config.rename_template else DEFAULT_RENAME_TEMPLATES
        self._where = f" (configured in {config.source})" if config.source else ""

    def name_problem(self, name: str | None) -> str | None:
        """The one-line reason ``name`` is not acceptable (MLN001 or MLN003), else None."""
        if not name:
            return "MLN001: run created without a name; MLflow would call it something like 'clumsy-fish-158'"
        reason = self.schema.problem(name)
        if reason is None and looks_generated(name):
            reason = "looks like a name MLflow generates for unnamed runs"
        return None if reason is None else f"MLN003: run name {name!r} {reason}"

    def decide_name(
        self,
        name: str | None,
        fields: Callable[[], dict[str, object]],
        taken: Callable[[], Container[str]],
    ) -> NameDecision:
        """Keep a good name; for a bad one: a new name (rename), a refusal (reject), or the name (warn).

        ``fields`` and ``taken`` are called only when a name must be built, since reading the
        experiment and its names costs a round trip to the store.
        """
        problem = self.name_problem(name)
        if problem is None:
            return NameDecision(name)
        if self.mode == REJECT:
            raise GateRefusal(f"{problem}{self._where}")
        if self.mode == WARN:
            return NameDecision(name, problem)
        values = fields()
        if name and looks_generated(name):
            values["name"] = None  # clumsy_fish_158 would be no better
        else:
            values.setdefault("name", name or None)
        try:
            new = synthesize_name(self.templates, values, self.schema, taken())
        except UnnamableError as error:
            raise GateRefusal(f"{problem}, and no valid name can be built: {error}{self._where}") from None
        return NameDecision(new, problem, renamed=True)

    def decide_experiment_name(self, name: str) -> NameDecision:
        """Keep a name that fits ``experiment-name-regex``; else its normalised form, a refusal, or the name.

        An experiment is never given an invented name: rename mode only normalises
        (``Churn Model`` -> ``churn_model``), and refuses a name whose normalised form
        still breaks the schema.
        """
        schema = self.config.experiment_schema
        reason = schema.problem(name) if name else "is empty"
        if reason is None:
            return NameDecision(name)
        problem = f"MLN007: experiment name {name!r} {reason}"
        if self.mode == WARN:
            return NameDecision(name, problem)
        if self.mode == REJECT:
            raise GateRefusal(f"{problem}{self._where}")
        new = schema.normalise(name) if name else None
        if new is None:
            raise GateRefusal(
                f"{problem}, and its normalised form does not fit either "
                f"(the gate never invents an experiment name){self._where}"
            )
        return NameDecision(new, problem, renamed=True)

    def decide_logged_model_name(self, name: str | None) -> NameDecision:
        """Keep a LoggedModel name MLflow 3 can store; else ``_`` for each forbidden character, a refusal, or the name.

        No name is left alone: MLflow gives the model a generated one.
        """
        bad = [character for character in LOGGED_MODEL_NAME_FORBIDDEN if name and character in name]
        if not name or not bad:
            return NameDecision(name)
        listed = ", ".join(repr(character) for character in bad)
        shown = " ".join(LOGGED_MODEL_NAME_FORBIDDEN)
        problem = f"MLN009: LoggedModel name {name!r} contains {listed}: MLflow 3 rejects any of {shown}"
        if self.mode == WARN:
            return NameDecision(name, problem)
        if self.mode == REJECT:
            raise GateRefusal(f"{problem}{self._where}")
        return NameDecision(replace_characters(name, LOGGED_MODEL_NAME_FORBIDDEN), problem, renamed=True)

    def missing_tags(self, tags: Mapping[str, str], *, experiment: bool = False) -> str | None:
        """The one-line reason required tags are missing (refused in reject mode), else None.

        ``experiment``: the tags of a new experiment, against ``required-experiment-tags``
        (MLN013). No mode invents tag values, so rename mode warns like warn mode.
        """
        required = self.config.required_experiment_tags if experiment else self.config.required_tags
        missing = [tag for tag in required if tags.get(tag) in (None, "")]
        if not missing:
            return None
        listed = ", ".join(repr(tag) for tag in missing)
        if experiment:
            message = f"MLN013: experiment created without required tag(s) {listed} (required-experiment-tags){self._where}"
        else:
            message = f"required-tags: run created without tag(s) {listed}{self._where}"
        if self.mode == REJECT:
            raise GateRefusal(message)
        return message


def fields_for(
    experiment_id: str, experiment_name: str | None, start_time_ms: int | None, tags: Mapping[str, str]
) -> dict[str, object]:
    """The template fields of a run being created (it has no params and no id yet)."""
    from datetime import datetime, timezone

    start = datetime.fromtimestamp(start_time_ms / 1000, tz=timezone.utc) if start_time_ms else None
    values = {"experiment_id": experiment_id, "experiment_name": experiment_name, "start_time": start}
    return run_fields(values, tags)


def masked(uri: str) -> str:
    """``uri`` without credentials, for every line the gate logs."""
    return mask_credentials(uri)

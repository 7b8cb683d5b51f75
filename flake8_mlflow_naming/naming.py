"""The run-naming schema: one place that says whether a run name is acceptable.

The linter (MLN003), the fixes (which invent or normalise names) and the runtime wrapper
all ask this module, so a name the linter accepts is a name the wrapper accepts.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from .template_match import HOLE, could_fullmatch

#: Names MLflow generates for unnamed runs (adjective-animal-number, e.g. ``clumsy-fish-158``).
GENERATED_NAME = re.compile(r"^[a-z]+-[a-z]+-\d{1,4}$")


class RunNameError(ValueError):
    """A run name breaks the configured naming schema (rule MLN003)."""

    rule = "MLN003"


def looks_generated(name: str) -> bool:
    """True when ``name`` has the shape of a name MLflow invents for an unnamed run."""
    return GENERATED_NAME.match(name) is not None


@dataclass(frozen=True)
class NameSchema:
    """The configured schema: a regex every name must fullmatch, and a maximum length."""

    regex: str
    max_length: int
    #: The configuration keys the messages name (experiment and model schemas have their own).
    regex_key: str = "run-name-regex"
    length_key: str = "run-name-max-length"

    def problem(self, name: str) -> str | None:
        """Why ``name`` breaks the schema, or None when it is acceptable."""
        if len(name) > self.max_length:
            return f"is {len(name)} characters long, more than {self.length_key} ({self.max_length})"
        if re.fullmatch(self.regex, name) is None:
            if looks_generated(name):
                return (
                    "looks like a name MLflow generates for unnamed runs and does not match "
                    f"{self.regex_key} {self.regex!r}"
                )
            return f"does not match {self.regex_key} {self.regex!r}"
        return None

    def template_problem(self, parts: Sequence[str | None]) -> str | None:
        """Why no filling of a template (literal text and ``HOLE`` parts) can be acceptable."""
        shortest = sum(len(p) for p in parts if p is not HOLE)
        if shortest > self.max_length:
            return f"is at least {shortest} characters long, more than {self.length_key} ({self.max_length})"
        if not could_fullmatch(self.regex, parts):
            return f"cannot match {self.regex_key} {self.regex!r} whatever its fields hold"
        return None

    def normalise(self, text: str) -> str | None:
        """The snake_case form of ``text`` if that satisfies the schema, else None.

        ``"ResNet50 v1 lr=0.01"`` becomes ``"resnet50_v1_lr_0_01"``.
        """
        # "café" → "cafe": keep the letters of accented characters, drop only the accents.
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        words = re.findall(r"[a-z0-9]+", ascii_text.lower())
        if not words:
            return None
        if words[0][0].isdigit():
            words.insert(0, "run")
        if len(words) == 1:
            words.append("run")
        candidate = "_".join(words)[: self.max_length].rstrip("_")
        return candidate if self.problem(candidate) is None else None


def validate_run_name(name: object, schema: NameSchema) -> str:
    """Return ``name`` if it satisfies ``schema``; raise :class:`RunNameError` otherwise.

    This is the runtime twin of MLN003: the team wrapper calls it before creating a run.
    """
    if not isinstance(name, str) or not name:
        raise RunNameError(f"MLN001: a run needs a name; got {name!r}")
    reason = schema.problem(name)
    if reason is not None:
        raise RunNameError(f"MLN003: run name {name!r} {reason}")
    return name


# --- rename templates --------------------------------------------------------------------

#: Fields a ``rename-template`` may use besides ``tags.KEY`` and ``params.KEY``.
TEMPLATE_FIELDS = ("name", "run_id", "experiment_id", "experiment_name", "start_time")


class TemplateFieldError(ValueError):
    """A template field the run cannot fill (missing tag or param, unknown field)."""


class _RunFormatter(string.Formatter):
    """``str.format`` where ``{tags.KEY}``/``{params.KEY}`` take the whole rest as the key.

    Plain ``str.format`` would read ``{tags.mlflow.runName}`` as nested attributes.
    """

    def __init__(self, values: Mapping[str, Any], tags: Mapping[str, str], params: Mapping[str, str]) -> None:
        super().__init__()
        self._values, self._tags, self._params = values, tags, params

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> tuple[Any, str]:
        namespace, dot, key = field_name.partition(".")
        if dot and namespace in ("tags", "params") and key:
            source = self._tags if namespace == "tags" else self._params
            if key not in source:
                raise TemplateFieldError(f"the run has no {namespace[:-1]} {key!r} for {{{field_name}}}")
            return source[key], field_name
        if field_name in TEMPLATE_FIELDS:
            value = self._values.get(field_name)
            if value is None:
                raise TemplateFieldError(f"the run has no {field_name} for {{{field_name}}}")
            return value, field_name
        known = ", ".join(f"{{{name}}}" for name in (*TEMPLATE_FIELDS, "tags.KEY", "params.KEY"))
        raise TemplateFieldError(f"unknown field {{{field_name}}} (fields are {known})")


def fill_template(
    template: str, values: Mapping[str, object], tags: Mapping[str, str] = {}, params: Mapping[str, str] = {}
) -> str:
    """``template`` filled from plain ``values`` (see :data:`TEMPLATE_FIELDS`), ``tags`` and ``params``.

    Raises TemplateFieldError for a field the values cannot fill, ValueError for a bad spec.
    """
    return _RunFormatter(values, tags, params).format(template)


class _AnyKey(dict):
    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> str:
        return "x"


def check_rename_template(template: str) -> str:
    """``template`` if every field is known and formats; raise ValueError saying why not."""
    from datetime import datetime, timezone

    sample = {
        "name": "sample_run",
        "run_id": "0" * 32,
        "experiment_id": "0",
        "experiment_name": "sample",
        "start_time": datetime.fromtimestamp(0, tz=timezone.utc),
    }
    try:
        fill_template(template, sample, _AnyKey(), _AnyKey())
    except (ValueError, IndexError, KeyError) as error:
        raise ValueError(f"is not a valid rename template ({error})") from None
    return template

"""The run-naming schema: one place that says whether a run name is acceptable.

The linter (MLN003), the fixes (which invent or normalise names) and the runtime wrapper
all ask this module, so a name the linter accepts is a name the wrapper accepts.
"""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from collections.abc import Collection, Container, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .patterns import PatternTimeout, fullmatch
from .template_match import HOLE, could_fullmatch

__all__ = ["PatternTimeout"]  # re-exported: every consumer of the schema may see it

#: Names MLflow generates for unnamed runs (adjective-animal-number, e.g. ``clumsy-fish-158``).
GENERATED_NAME = re.compile(r"^[a-z]+-[a-z]+-\d{1,4}$")


class RunNameError(ValueError):
    """A run name breaks the configured naming schema (rule MLN003)."""

    rule = "MLN003"


class ExperimentNameError(ValueError):
    """An experiment name breaks ``experiment-name-regex`` (rule MLN007)."""

    rule = "MLN007"


def looks_generated(name: str) -> bool:
    """True when ``name`` has the shape of a name MLflow invents for an unnamed run."""
    return GENERATED_NAME.match(name) is not None


# --- words: the one normaliser every name fix uses -----------------------------------------
#
# Runs (MLN001's invented names, MLN003), experiments (MLN007), registered models (MLN008),
# ``audit --plan`` and the gate all turn text into snake_case words here, so ``XGBoostModel``
# becomes ``xgboost_model`` in every one of them.

#: Words written in CamelCase that are one word, kept whole the way Rails registers
#: ``inflect.acronym`` exceptions: brands and model families whose capitals do not start a new
#: word. Matched where a word starts, with its first letter in either case. The affix rules of
#: :func:`name_words` cover the regular families (``PyTorch``, ``ResNet``, ``CatBoost``), so only
#: irregular spellings are listed.
KNOWN_WORDS = (
    "MLflow", "MLFlow", "TensorFlow", "TensorBoard", "LightGBM", "OpenAI", "HuggingFace", "LangChain",
    "LlamaIndex", "DeepSpeed", "FastAI", "FastAPI", "OpenCV", "GitHub", "GitLab", "SageMaker",
    "BigQuery", "MongoDB", "DuckDB", "RoBERTa", "DeBERTa", "DistilBERT", "ConvNeXt", "ResNeXt",
    "GloVe", "Word2Vec", "Doc2Vec", "Seq2Seq", "ReLU", "AdamW", "LoRA", "QLoRA", "ViT", "MLlib",
    "AutoML",
)  # fmt: skip
#: A piece of a CamelCase word: a known word, an acronym before a capitalised word (``HTTP`` of
#: ``HTTPServer``), a word with its digits (``my``, ``Model``, ``Net50``, ``word2vec``), or an
#: acronym with at most one lowercase letter after it (``URLs``, ``YOLOv5``, ``GPT2``).
_PIECE = re.compile(
    "(?:" + "|".join(f"[{w[0].upper()}{w[0].lower()}]{re.escape(w[1:])}" for w in sorted(KNOWN_WORDS, key=len, reverse=True)) + ")(?![a-z])"
    r"|[A-Z]+(?=[A-Z][a-z]{2})"
    r"|[A-Z]?[a-z0-9]+"
    r"|[A-Z]+(?:[a-z](?![a-z]))?[0-9]*"
)
#: Capitalised pieces that end the name the piece before starts: ``ResNet``, ``MobileNetV2``,
#: ``XGBoost``, ``CatBoost``, ``AdaBoost`` are architectures and libraries, not two words.
_SUFFIX_PIECE = re.compile(r"(?:Net|Boost)[0-9]*")
#: ``Py`` is one word with its neighbour: ``PyTorch``, ``PySpark``, ``PyFunc``, ``NumPy``, ``SciPy``.
_PY = "Py"


def _ascii(text: str) -> str:
    # "café" → "cafe": keep the letters of accented characters, drop only the accents.
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def name_words(text: str) -> list[str]:
    """The lowercase words of ``text``, split at separators and CamelCase humps.

    A hump splits where a lowercase letter or digit meets a capital (``myModel``), and before
    the last capital of an acronym that a capitalised word follows (``HTTPServer`` → ``http``,
    ``server``). Digits stay with the word before them (``ResNet50`` → ``resnet50``), an
    acronym keeps one trailing lowercase letter (``URLs``, ``YOLOv5``), and brands stay one
    word: :data:`KNOWN_WORDS`, ``Py`` with its neighbour and ``…Net`` / ``…Boost`` with the word
    before (``PyTorch`` → ``pytorch``; ``XGBoostModel`` → ``xgboost``, ``model``).
    """
    words: list[str] = []
    for chunk in re.findall(r"[A-Za-z0-9]+", _ascii(text)):
        pieces: list[str] = []
        for piece in _PIECE.findall(chunk):
            if pieces and (_SUFFIX_PIECE.fullmatch(piece) or piece == _PY or pieces[-1] == _PY):
                pieces[-1] += piece
            else:
                pieces.append(piece)
        words += [piece.lower() for piece in pieces]
    return words


def _joined(words: list[str], filler: str, pad: bool) -> str | None:
    """``words`` in snake_case with a letter first (``filler`` before a digit); two words when ``pad``."""
    if not words:
        return None
    words = list(words)
    if words[0][0].isdigit():
        words.insert(0, filler)
    if pad and len(words) == 1:
        words.append(filler)
    return "_".join(words)


def snake_case(text: str) -> str | None:
    """``"ResNet50 v1 lr=0.01"`` → ``"resnet50_v1_lr_0_01"``: at least two words, a letter first; None if no word."""
    return _joined(name_words(text), "run", pad=True)


#: The kinds of names :meth:`NameSchema.normalise` builds; each keeps its own structure.
RUN, EXPERIMENT, REGISTERED_MODEL = "run", "experiment", "registered model"
#: Databricks workspace folders an experiment path starts with (``/Users/ana@corp.com/churn``).
#: The folders exist in the workspace (Databricks refuses a path whose parent is missing), so a
#: fix keeps them as written and normalises only the experiment's own last component.
WORKSPACE_ROOTS = re.compile(r"/(?:Workspace/)?(?:Users|Shared|Repos)/")
#: A Unity Catalog model name has three parts: ``catalog.schema.model``.
_UNITY_CATALOG_PARTS = 3


@dataclass(frozen=True)
class NameSchema:
    """The configured schema: a regex every name must fullmatch, and a maximum length."""

    regex: str
    max_length: int
    #: The configuration keys the messages name (experiment and model schemas have their own).
    regex_key: str = "run-name-regex"
    length_key: str = "run-name-max-length"
    #: What the schema names (:data:`RUN`, :data:`EXPERIMENT`, :data:`REGISTERED_MODEL`):
    #: :meth:`normalise` keeps an experiment's ``/`` segments and a model's ``.`` segments.
    kind: str = RUN

    def problem(self, name: str) -> str | None:
        """Why ``name`` breaks the schema, or None when it is acceptable.

        Raises :class:`PatternTimeout` when the regex takes too long on ``name``.
        """
        if len(name) > self.max_length:
            return f"is {len(name)} characters long, more than {self.length_key} ({self.max_length})"
        if not fullmatch(self.regex, name, self.regex_key):
            if self.names_runs and looks_generated(name):
                return f"looks like a name MLflow generates for unnamed runs and does not match {self.regex_key} {self.shown_regex}"
            return f"does not match {self.regex_key} {self.shown_regex}"
        return None

    @property
    def names_runs(self) -> bool:
        """True for the run-name schema: MLflow generates names for runs only, never for
        experiments or registered models, so only run names can look generated."""
        return self.regex_key == "run-name-regex"

    @property
    def shown_regex(self) -> str:
        """The regex as messages print it: in backticks, each backslash once (``repr`` doubles them)."""
        return f"`{self.regex}`"

    def template_problem(self, parts: Sequence[str | None]) -> str | None:
        """Why no filling of a template (literal text and ``HOLE`` parts) can be acceptable."""
        shortest = sum(len(p) for p in parts if p is not HOLE)
        if shortest > self.max_length:
            return f"is at least {shortest} characters long, more than {self.length_key} ({self.max_length})"
        if not could_fullmatch(self.regex, parts, self.regex_key):
            return f"cannot match {self.regex_key} {self.shown_regex} whatever its fields hold"
        return None

    def normalise(self, text: str) -> str | None:
        """The snake_case form of ``text`` (words of :func:`name_words`) if that satisfies the schema, else None.

        ``"ResNet50 v1 lr=0.01"`` becomes ``"resnet50_v1_lr_0_01"``. An experiment keeps its
        ``/`` segments, and a Databricks workspace folder as written (``/Shared/Churn Model``
        → ``/Shared/churn_model``); a registered model keeps its ``.`` segments, and a Unity
        Catalog ``catalog.schema.`` prefix is only lowercased (Unity Catalog folds the case of
        identifiers, so it still names the same catalog and schema).
        """
        candidate = self._normalised(text)
        if candidate is None:
            return None
        candidate = candidate[: self.max_length].rstrip("_")
        return candidate if self.problem(candidate) is None else None

    def _normalised(self, text: str) -> str | None:
        if self.kind == EXPERIMENT:
            if WORKSPACE_ROOTS.match(text):
                folder, _, leaf = text.rpartition("/")
                leaf_name = _joined(name_words(leaf), "experiment", pad=False)
                return None if leaf_name is None else f"{folder}/{leaf_name}"
            return _segments(text.split("/"), "/", "experiment", pad=False)
        if self.kind == REGISTERED_MODEL:
            parts = text.split(".")
            if len(parts) == _UNITY_CATALOG_PARTS and all(p.strip() for p in parts[:2]):
                model = _joined(name_words(parts[2]), "model", pad=True)
                return None if model is None else ".".join([*(p.lower() for p in parts[:2]), model])
            return _segments(parts, ".", "model", pad=True)
        return snake_case(text)


def _segments(pieces: list[str], separator: str, filler: str, pad: bool) -> str | None:
    """Each segment that has words in snake_case, joined by ``separator``; ``pad`` applies to the last."""
    segments = [words for words in map(name_words, pieces) if words]
    if not segments:
        return None
    if segments[0][0][0].isdigit():
        segments[0].insert(0, filler)
    if pad and len(segments[-1]) == 1:
        segments[-1].append(filler)
    return separator.join("_".join(words) for words in segments)


def replace_characters(text: str, characters: str | Sequence[str], replacement: str = "_") -> str:
    """``text`` with every run of ``characters`` (and the ``replacement`` next to it) as one ``replacement``.

    The LoggedModel fix (MLN009) and the gate both build a name MLflow 3 stores this way:
    ``"models/churn.v2"`` → ``"models_churn_v2"``, ``"a_/b"`` → ``"a_b"``, and nothing else of
    the name changes (a LoggedModel name has no schema to normalise to).
    """
    if not any(character in text for character in characters):
        return text
    pattern = "[" + re.escape("".join(characters)) + "]"
    return re.sub(f"{re.escape(replacement)}*(?:{pattern}{re.escape(replacement)}*)+", replacement, text)


# --- names invented for unnamed runs (the MLN001 fix) ---------------------------------------

#: Fields of ``run-name-template``.
RUN_NAME_TEMPLATE_FIELDS = ("module", "function", "class", "package", "path")
#: Hex digits of the digest that marks a shortened name (see :func:`shorten`).
DIGEST_LENGTH = 6


def module_fields(relative_path: str) -> dict[str, str]:
    """The file fields of ``run-name-template`` for a module at ``relative_path``.

    ``relative_path`` is POSIX and relative to the configuring pyproject's folder.
    ``{module}`` is the file's stem; ``{path}`` the path without its suffix
    (``src/team/jobs/train``); ``{package}`` the folders it sits in, without a leading
    ``src/`` (``team/jobs``; empty at the top). Templates are normalised afterwards, so
    ``/`` and ``.`` become ``_``.
    """
    parts = [p for p in relative_path.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or parts == ["-"]:
        return {"module": "stdin", "path": "stdin", "package": ""}
    stem = parts[-1].rsplit(".", 1)[0] if "." in parts[-1] else parts[-1]
    folders = parts[:-1]
    package = folders[1:] if folders and folders[0] == "src" else folders
    return {"module": stem, "path": "/".join([*folders, stem]), "package": "/".join(package)}


def shorten(name: str, limit: int) -> str:
    """``name`` cut to ``limit`` characters, deterministically and without collisions.

    A name that fits is returned unchanged. A longer one keeps its first characters and
    ends in ``_`` and the first :data:`DIGEST_LENGTH` hex digits of the SHA-1 of the whole
    name, the way Django shortens long identifiers: two long names that share a prefix stay
    distinct, and the same name always shortens the same way.
    """
    if len(name) <= limit:
        return name
    keep = limit - DIGEST_LENGTH - 1
    if keep < 1:
        return name[:limit]
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]
    return f"{name[:keep].rstrip('_')}_{digest}"


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


def validate_experiment_name(name: object, schema: NameSchema) -> str:
    """Return ``name`` if it satisfies the experiment ``schema``; raise :class:`ExperimentNameError`.

    The runtime twin of MLN007: the team wrapper calls it before it looks the experiment up.
    """
    if not isinstance(name, str) or not name:
        raise ExperimentNameError(f"MLN007: an experiment needs a name; got {name!r}")
    reason = schema.problem(name)
    if reason is not None:
        raise ExperimentNameError(f"MLN007: experiment name {name!r} {reason}")
    return name


# --- name templates and the one name synthesizer -----------------------------------------
#
# The MLN001 fix, ``audit --plan`` and the runtime gate all invent names the same way: fill a
# template whose fields may each be a fallback chain (``{tags.model_family|params.model|
# experiment}``), normalise the text to the schema, shorten it deterministically, and make it
# unique within a scope (a file, an experiment). The grammar is ``str.format``'s, read with
# ``string.Formatter.parse`` so braces, ``{{`` escapes and format specs behave as users know.

#: Fields a ``rename-template`` (and the gate's template) may use besides ``tags.KEY`` and
#: ``params.KEY``. ``experiment`` is a short alias of ``experiment_name``.
TEMPLATE_FIELDS = ("name", "run_id", "experiment_id", "experiment_name", "experiment", "start_time")
#: Namespaces whose whole rest is the key: ``{tags.mlflow.user}`` is the tag ``mlflow.user``.
RUN_NAMESPACES = ("tags", "params")
#: Names for runs whose configuration sets no ``rename-template``: the old name normalised when
#: it carries information, else the experiment and the start time (which every run has), and
#: for a run stored without a start time, its id.
DEFAULT_RENAME_TEMPLATES = (
    "{name}",
    "{experiment_name|experiment_id}_{start_time:%Y%m%d_%H%M%S}",
    "{experiment_name|experiment_id}_run_{run_id}",
)
#: Attempts at ``base_2``, ``base_3``, ... before a name is declared unbuildable.
MAX_UNIQUE_SUFFIX = 10_000


class TemplateFieldError(ValueError):
    """A template field the values cannot fill (every alternative of the chain is missing)."""


class UnnamableError(ValueError):
    """No template of the chain builds a schema-valid name; the message says why (which field)."""


@dataclass(frozen=True)
class _Field:
    """One ``{...}`` of a template: its alternatives in order, format spec and conversion."""

    alternatives: tuple[str, ...]
    spec: str
    conversion: str | None
    written: str

    def describe_missing(self) -> str:
        """``the run has no tag 'team' for {tags.team}``; a chain lists every alternative."""
        names = [_describe_field(a) for a in self.alternatives if _literal(a) is None]
        if len(names) == 1:
            return f"the run has no {names[0]} for {self.written}"
        return f"the run has none of {', '.join(names)} for {self.written}"


def _describe_field(name: str) -> str:
    namespace, dot, key = name.partition(".")
    if dot and namespace in RUN_NAMESPACES:
        return f"{namespace[:-1]} {key!r}"
    return name


def _literal(alternative: str) -> str | None:
    """The text of a quoted alternative (``'unknown'`` or ``"unknown"``), else None."""
    if len(alternative) >= 2 and alternative[0] == alternative[-1] and alternative[0] in "'\"":
        return alternative[1:-1]
    return None


def parse_name_template(template: str) -> tuple[str | _Field, ...]:
    """``template`` as literal text and fields; raise ValueError for a malformed one."""
    return _parse_cached(template)


@lru_cache(maxsize=256)
def _parse_cached(template: str) -> tuple[str | _Field, ...]:
    parts: list[str | _Field] = []
    for literal, field_name, spec, conversion in string.Formatter().parse(template):
        if literal:
            parts.append(literal)
        if field_name is None:
            continue
        written = "{" + field_name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if not field_name.strip():
            raise ValueError(f"empty field {written}: name a field")
        if spec and "{" in spec:
            raise ValueError(f"nested field in the format of {written}")
        alternatives = tuple(a.strip() for a in field_name.split("|"))
        if any(not a for a in alternatives):
            raise ValueError(f"empty alternative in {written}")
        parts.append(_Field(alternatives, spec or "", conversion, written))
    return tuple(parts)


def check_name_template(template: str, fields: Sequence[str], namespaces: Sequence[str] = (), samples: Mapping[str, object] = {}) -> str:
    """``template`` if it parses and every alternative is a known field; raise ValueError saying why not.

    ``fields`` are the plain field names, ``namespaces`` the prefixes whose keys are free
    (``tags``, ``params``); ``samples`` give typical values so a bad format spec is caught
    here (``{start_time:%Y}`` on a datetime is fine, ``{tags.x:%Y}`` on a string is not).
    """
    for part in parse_name_template(template):
        if isinstance(part, str):
            continue
        for alternative in part.alternatives:
            if _literal(alternative) is not None:
                continue
            namespace, dot, key = alternative.partition(".")
            if not (alternative in fields or (dot and key and namespace in namespaces)):
                known = ", ".join([*(f"{{{f}}}" for f in fields), *(f"{{{n}.KEY}}" for n in namespaces)])
                raise ValueError(f"unknown field {{{alternative}}} (fields are {known})")
            sample = samples.get(alternative, "x")
            _format_value(sample, part)
    return template


def _format_value(value: object, part: _Field) -> str:
    if part.conversion == "r":
        value = repr(value)
    elif part.conversion in ("s", "a"):
        value = str(value) if part.conversion == "s" else ascii(value)
    elif part.conversion is not None:
        raise ValueError(f"unknown conversion in {part.written}")
    try:
        return format(value, part.spec)
    except (ValueError, TypeError) as error:
        raise ValueError(f"cannot format {part.written} ({error})") from None


def fill_name_template(
    template: str, fields: Mapping[str, object], optional: Collection[str] = (), distinct_words: bool = False
) -> str:
    """``template`` filled from ``fields``, each ``{a|b|c}`` taking its first present alternative.

    A chain made only of ``optional`` fields fills as empty text when all are missing (the
    MLN001 fix's ``{class}`` outside a class), instead of raising. With ``distinct_words``, a
    field leaves out the words (with a letter) that the text before it already holds, so an
    invented name never repeats one: ``{module}_{function}`` of ``train`` in ``train.py`` is
    ``train_``, ``{experiment}_{tags.model}`` of ``churn`` and ``churn_gbm`` is ``churn_gbm``.

    A field is missing when it is absent, None or empty, and also when its text has no letter
    or digit (``"日本"``, ``"---"``): normalising it would leave only words the synthesizer
    invents, which would be a guess. Raises TemplateFieldError naming the missing field(s) when
    a whole chain is missing, ValueError for a malformed template.
    """
    pieces = []
    seen: set[str] = set()
    for part in parse_name_template(template):
        if isinstance(part, str):
            pieces.append(part)
            seen.update(name_words(part))
            continue
        nameless: tuple[str, object] | None = None
        for alternative in part.alternatives:
            value: object = _literal(alternative)
            if value is None:
                value = fields.get(alternative)
            if value is not None and value != "":
                text = _format_value(value, part)
                if has_name_characters(text):
                    if distinct_words:
                        text = _without_words(text, seen)
                    pieces.append(text)
                    seen.update(name_words(text))
                    break
                nameless = nameless or (alternative, value)
        else:
            if all(a in optional for a in part.alternatives if _literal(a) is None):
                continue
            if nameless is not None:
                raise TemplateFieldError(f"{{{nameless[0]}}} is {nameless[1]!r}, which has no letters or digits for a name")
            raise TemplateFieldError(part.describe_missing())
    return "".join(pieces)


def _without_words(text: str, seen: Container[str]) -> str:
    """``text`` without the words in ``seen`` that hold a letter (unchanged when none repeats)."""
    words = name_words(text)
    kept = [word for word in words if word not in seen or word.isdigit()]
    return text if len(kept) == len(words) else "_".join(kept)


def has_name_characters(value: object) -> bool:
    """True when ``value`` keeps at least one letter or digit once normalised (see ``NameSchema.normalise``)."""
    return re.search(r"[A-Za-z0-9]", _ascii(str(value))) is not None


def run_fields(values: Mapping[str, object], tags: Mapping[str, str] = {}, params: Mapping[str, str] = {}) -> dict[str, object]:
    """One flat field mapping for a run: ``values`` plus ``tags.KEY`` and ``params.KEY``.

    ``experiment`` defaults to ``experiment_name``.
    """
    fields: dict[str, object] = {f"tags.{k}": v for k, v in tags.items()}
    fields.update((f"params.{k}", v) for k, v in params.items())
    fields.update(values)
    fields.setdefault("experiment", values.get("experiment_name"))
    return fields


def check_rename_template(template: str) -> str:
    """``template`` if every field is known and formats; raise ValueError saying why not."""
    from datetime import datetime, timezone

    samples = {"start_time": datetime.fromtimestamp(0, tz=timezone.utc)}
    try:
        return check_name_template(template, TEMPLATE_FIELDS, RUN_NAMESPACES, samples)
    except ValueError as error:
        raise ValueError(f"is not a valid rename template ({error})") from None


def conform_name(text: str, schema: NameSchema) -> str | None:
    """``text`` if the schema accepts it, else its normalised and shortened form, else None."""
    if schema.problem(text) is None:
        return text
    snake = snake_case(text)
    if snake is None:
        return None
    for candidate in (shorten(snake, schema.max_length), snake[: schema.max_length].rstrip("_")):
        if schema.problem(candidate) is None:
            return candidate
    return None


def base_name(templates: str | Sequence[str], fields: Mapping[str, object], schema: NameSchema) -> str:
    """The schema-valid name the first workable template of the chain builds (not yet unique).

    Raises UnnamableError with every template's reason when none works.
    """
    chain = (templates,) if isinstance(templates, str) else tuple(templates)
    reasons = []
    for template in chain:
        try:
            text = fill_name_template(template, fields, distinct_words=True)
        except ValueError as error:
            reasons.append(str(error))
            continue
        name = conform_name(text, schema)
        if name is not None:
            return name
        reasons.append(f"{text!r} cannot be normalised to the naming schema")
    raise UnnamableError("; ".join(reasons) or "no template to build a name from")


def unique_name(base: str, taken: Container[str], schema: NameSchema) -> str | None:
    """``base``, or ``base_2``, ``base_3``, ... : the first not in ``taken`` that fits the schema."""
    if base not in taken:
        return base
    for number in range(2, MAX_UNIQUE_SUFFIX):
        suffix = f"_{number}"
        candidate = base[: schema.max_length - len(suffix)].rstrip("_") + suffix
        if schema.problem(candidate) is not None:
            return None  # the schema does not allow a numeric suffix here
        if candidate not in taken:
            return candidate
    return None


def synthesize_name(
    templates: str | Sequence[str],
    fields: Mapping[str, object],
    schema: NameSchema,
    taken: Container[str] = frozenset(),
) -> str:
    """A schema-valid name unique in ``taken``: the one name synthesizer of the package.

    ``templates`` is one template or a chain tried in order; each field may itself be a
    fallback chain ``{a|b|'literal'}``. The filled text is kept if the schema accepts it, else
    normalised to snake_case and shortened (:func:`shorten`); then ``_2``, ``_3``, ... make it
    unique among ``taken`` (a file's names for the fix, an experiment's for audit and gate;
    any container, so the gate can ask the store lazily). Raises UnnamableError saying which
    field was missing or why no name fits.
    """
    base = base_name(templates, fields, schema)
    name = unique_name(base, taken, schema)
    if name is None:
        raise UnnamableError(f"no unique name fits the schema (tried {base!r} with numeric suffixes)")
    return name

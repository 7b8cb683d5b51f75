"""From the names a team uses to the ``[tool.mlflow-naming]`` settings that describe its convention."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..config import (
    DEFAULT_EXPERIMENT_NAME_REGEX,
    DEFAULT_REGISTERED_MODEL_NAME_REGEX,
    DEFAULT_RUN_NAME_MAX_LENGTH,
    DEFAULT_RUN_NAME_REGEX,
    MLFLOW_NAME_MAX_LENGTH,
    ConfigError,
    parse_setting,
)
from ..lint.names_in_code import KINDS, NameInCode
from ..naming import NameSchema
from ..schema_inference import Inference, infer_schema
from .scan import RepositoryNames

#: Per kind of name: (what users call it, its regex key, the tool's default regex).
KIND_SETTINGS = {
    "run": ("run names", "run-name-regex", DEFAULT_RUN_NAME_REGEX),
    "experiment": ("experiment names", "experiment-name-regex", DEFAULT_EXPERIMENT_NAME_REGEX),
    "registered_model": ("registered-model names", "registered-model-name-regex", DEFAULT_REGISTERED_MODEL_NAME_REGEX),
}


#: Where a name read from the tracking server was found.
SERVER = "tracking server"


@dataclass
class KindProposal:
    """The schema proposed for one kind of name, and how the names found fare under it."""

    kind: str
    inference: Inference
    regex: str
    #: Where each literal name was found: ``path:line`` (as many as it occurs) or ``tracking server``.
    where: dict[str, list[str]]
    #: f-strings and other names with unknown fields, and those no filling could make match.
    templates: list[NameInCode] = field(default_factory=list)
    rejected_templates: list[NameInCode] = field(default_factory=list)
    #: Generated names read from the tracking server (unnamed runs): not part of any convention.
    generated: int = 0
    #: Why an inferred regex was not kept (the tool's own check of the key refused it).
    refused: str | None = None

    @property
    def label(self) -> str:
        """``run names``, ``experiment names``, ``registered-model names``."""
        return KIND_SETTINGS[self.kind][0]

    @property
    def key(self) -> str:
        """The configuration key the regex goes to."""
        return KIND_SETTINGS[self.kind][1]

    @property
    def is_default(self) -> bool:
        """True when the tool's default regex already describes the names (nothing to write)."""
        return self.regex == KIND_SETTINGS[self.kind][2]


@dataclass
class Proposal:
    """Everything ``init`` proposes: the settings in the order they are written, and the reasons."""

    settings: dict[str, object]
    kinds: list[KindProposal]
    repository: RepositoryNames


def propose(repository: RepositoryNames, server_names: dict[str, Sequence[str]] | None = None, generated_runs: int = 0) -> Proposal:
    """The settings that fit the names in ``repository`` and, if given, those on a tracking server.

    ``server_names`` holds no generated run names (MLflow's names for unnamed runs are no
    one's convention); ``generated_runs`` says how many were set aside.
    """
    server_names = server_names or {}
    settings: dict[str, object] = {}
    if repository.wrapper_path:
        settings["run-wrapper"] = repository.wrapper_path
    kinds = []
    for kind in KINDS:
        proposal = _propose_kind(kind, repository.names, server_names.get(kind, ()), generated_runs if kind == "run" else 0)
        kinds.append(proposal)
        if not proposal.is_default:
            settings[proposal.key] = proposal.regex
        if kind == "run" and proposal.inference.longest > DEFAULT_RUN_NAME_MAX_LENGTH:
            settings["run-name-max-length"] = proposal.inference.longest
    return Proposal(settings, kinds, repository)


def _propose_kind(kind: str, in_code: Iterable[NameInCode], on_server: Sequence[str], generated: int) -> KindProposal:
    where: dict[str, list[str]] = {}
    templates = []
    for name in in_code:
        if name.kind != kind:
            continue
        if name.literal is None:
            templates.append(name)
        else:
            where.setdefault(name.literal, []).append(name.location)
    for text in on_server:
        places = where.setdefault(text, [])
        if SERVER not in places:
            places.append(SERVER)
    _label, key, default = KIND_SETTINGS[kind]
    parts = [t.parts for t in templates]
    inference = infer_schema(kind, where, default, templates=parts)
    regex = inference.candidate.regex if inference.candidate is not None else default
    refused = None
    try:
        parse_setting(key, regex, "inferred")
    except ConfigError as error:
        refused, regex = str(error), default
        inference = infer_schema(kind, where, default, only_default=True, templates=parts)
    max_length = max(DEFAULT_RUN_NAME_MAX_LENGTH, inference.longest) if kind == "run" else MLFLOW_NAME_MAX_LENGTH
    schema = NameSchema(regex, max_length)
    rejected_templates = [t for t in templates if schema.template_problem(t.parts) is not None]
    return KindProposal(kind, inference, regex, where, templates, rejected_templates, generated, refused)

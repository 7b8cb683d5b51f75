"""The tracking-store plugin: ``mlflow-naming+<inner URI>`` gates every write of a run name.

MLflow looks a store up by URI scheme in the entry-point group ``mlflow.tracking_store`` and
calls ``builder(store_uri=..., artifact_uri=...)``. :func:`build_gated_tracking_store` strips the
``mlflow-naming+`` prefix, builds the inner store with the builder MLflow's own registry has
for that scheme (SQLite, PostgreSQL, MySQL, file, http(s), and any other plugin), and gives the
object a subclass of its own class that checks names first:

- ``create_run`` (the name, an ``mlflow.runName`` tag, required tags),
- ``update_run_info`` with a run name, ``set_tag`` and ``log_batch`` tags that set
  ``mlflow.runName``,
- ``create_experiment`` and ``rename_experiment`` (``experiment-name-regex``, MLN007; a new
  experiment's ``required-experiment-tags``, MLN013),
- ``create_logged_model`` (the characters MLflow 3 cannot store in a LoggedModel name, MLN009).

Subclassing the store's real class, instead of wrapping it, keeps every other method the
store's own at full speed, and keeps ``isinstance(store, SqlAlchemyStore)`` true, which
``mlflow server`` relies on for some endpoints. The inner store is built fresh, never taken
from MLflow's cache, so the same store reached without the prefix stays ungated.

``gate-mode`` decides what happens to a bad name: ``rename`` (default) stores a synthesized
schema-valid name and keeps the original in the ``mlflow_naming.original_name`` tag;
``reject`` raises ``MlflowException`` (HTTP 400 on a server) before anything is stored;
``warn`` logs one line and stores the name unchanged.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from ..config import Config, ConfigError, process_config
from ..naming import looks_generated
from ..runtime import TAG_PREFIX
from .policy import RENAME, GatePolicy, GateRefusal, fields_for, masked
from .scheme import SCHEME_PREFIX, is_gated

__all__ = [
    "NAMED_BY_TAG",
    "ORIGINAL_NAME_TAG",
    "build_gated_tracking_store",
    "build_inner_registry_store",
    "gated",
]

_logger = logging.getLogger("flake8_mlflow_naming.gate")

if TYPE_CHECKING:  # the store class the mixin goes before, as far as a type checker can know it
    from mlflow.store.tracking.abstract_store import AbstractStore as _StoreBase
else:
    _StoreBase = object

#: The name a run was given before the gate renamed it (absent when it had none).
ORIGINAL_NAME_TAG = TAG_PREFIX + "original_name"
#: Set to ``gate`` on every run the gate renamed, so they can be found.
NAMED_BY_TAG = TAG_PREFIX + "named_by"
#: MLflow's tag for the run name; a run's name and this tag are the same thing to MLflow.
RUN_NAME_TAG = "mlflow.runName"


def _inner_uri(store_uri: str) -> str:
    if not is_gated(store_uri):
        raise ValueError(f"a gated store URI looks like {SCHEME_PREFIX}sqlite:///mlruns.db, not {masked(store_uri)!r}")
    return store_uri[len(SCHEME_PREFIX) :]


def build_gated_tracking_store(store_uri: str, artifact_uri: str | None = None, config: Config | None = None) -> Any:
    """The inner store of ``store_uri``, gated (``gate.build_tracking_store``, MLflow's builder, calls it).

    ``config`` defaults to the process configuration (``MLFLOW_NAMING_CONFIG``, else the
    nearest pyproject.toml above the current folder).
    """
    from mlflow.tracking._tracking_service.utils import _tracking_store_registry

    inner_uri = _inner_uri(store_uri)
    if config is None:
        try:
            config = process_config()
        except ConfigError as error:
            # MLflow shows its own exception's message; a broken pyproject must read as one line.
            from mlflow.exceptions import MlflowException

            raise MlflowException(f"mlflow-naming gate: {error}") from None
    builder = _tracking_store_registry.get_store_builder(inner_uri)
    store = builder(store_uri=inner_uri, artifact_uri=artifact_uri)
    return gated(store, config, inner_uri)


def build_inner_registry_store(store_uri: str, tracking_uri: str | None = None) -> Any:
    """The inner registry store of ``store_uri``, unchanged (for ``gate.build_registry_store``).

    ``mlflow server`` uses the backend store URI for the model registry too, so the prefix
    must be understood there as well; registered-model names are not the gate's business.
    """
    import inspect

    from mlflow.tracking._model_registry.utils import _get_store_registry

    inner_uri = _inner_uri(store_uri)
    inner_tracking = _inner_uri(tracking_uri) if is_gated(tracking_uri) else tracking_uri
    # The builder, not get_store: MLflow calls this builder holding its store-building lock,
    # which is not reentrant. Registry builders differ in taking tracking_uri; ask as MLflow does.
    builder = _get_store_registry().get_store_builder(inner_uri)
    if "tracking_uri" in inspect.signature(builder).parameters:
        return builder(store_uri=inner_uri, tracking_uri=inner_tracking)
    return builder(store_uri=inner_uri)


def gated(store: Any, config: Config, inner_uri: str = "") -> Any:
    """``store`` (any MLflow tracking store) with the gate in front of its name-setting methods."""
    store.__class__ = _gated_class(type(store))
    store._naming_gate = _Gate(GatePolicy(config), masked(inner_uri))
    return store


_GATED_CLASSES: dict[type, type] = {}


def _gated_class(store_class: type) -> type:
    if issubclass(store_class, _GatedStore):
        return store_class
    gated_class = _GATED_CLASSES.get(store_class)
    if gated_class is None:
        name = f"Gated{store_class.__name__}"
        gated_class = type(name, (_GatedStore, store_class), {"__module__": __name__, "__qualname__": name})
        _GATED_CLASSES[store_class] = gated_class
    return gated_class


class _Gate:
    """The policy of one gated store and the MLflow pieces it needs (imported once)."""

    def __init__(self, policy: GatePolicy, uri: str) -> None:
        from mlflow.entities import RunTag, ViewType
        from mlflow.exceptions import MlflowException
        from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE

        self.policy, self.uri = policy, uri
        #: Held while a new name is built and stored (reentrant: a rename is built inside it).
        self.renaming = threading.RLock()
        #: Experiment id -> name, for names built from ``{experiment_name}``: one read per
        #: experiment, not per run. A rename through this store forgets the old name.
        self.experiment_names: dict[str, str] = {}
        self.run_tag, self.view_all = RunTag, ViewType.ALL
        self._exception, self._code = MlflowException, INVALID_PARAMETER_VALUE

    def refuse(self, refusal: GateRefusal) -> Exception:
        """The MlflowException for a refusal: ``INVALID_PARAMETER_VALUE``, which servers answer with 400."""
        _logger.warning("mlflow-naming gate (%s) refused: %s", self.uri, refusal)
        return self._exception(str(refusal), error_code=self._code)

    def warn(self, problem: str, what: str) -> None:
        """One log line for a problem stored anyway."""
        _logger.warning("mlflow-naming gate (%s): %s%s", self.uri, problem, what)


class _ExperimentNames:
    """The run names of one experiment, asked of the store only when a name is being built.

    The first question about ``base`` fetches every name that starts with it (one query,
    paged), so trying ``base_2``, ``base_3``, ... costs nothing more: runs started in the
    same second share a base.
    """

    PAGE = 1000

    def __init__(self, store: Any, experiment_id: str, view_all: Any) -> None:
        self._store, self._experiment_id, self._view_all = store, experiment_id, view_all
        self._prefix: str | None = None
        self._names: set[str] = set()

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        if self._prefix is not None and name.startswith(self._prefix):
            return name in self._names
        if any(c in name for c in "'\"%\\"):
            # Not expressible in MLflow's filter syntax; the default schema forbids these anyway.
            return bool(self._search(f"attributes.run_name = '{name}'")) if "'" not in name else False
        self._prefix = name
        self._names = set(self._search(f"attributes.run_name LIKE '{name}%'"))
        return name in self._names

    def _search(self, filter_string: str) -> list[str]:
        names: list[str] = []
        token = None
        while True:
            page = self._store.search_runs(
                [self._experiment_id], filter_string, self._view_all, max_results=self.PAGE, page_token=token
            )
            names.extend(run.info.run_name for run in page)
            token = getattr(page, "token", None)
            if not token:
                return names


class _GatedStore(_StoreBase):
    """Mixed in before a store class: checks names, then calls the store's own method."""

    _naming_gate: _Gate

    def create_run(self, experiment_id, user_id, start_time, tags, run_name):  # noqa: D102 - MLflow's docs apply
        gate = self._naming_gate
        tags = list(tags or [])
        tag_values = {tag.key: tag.value for tag in tags}
        original = run_name or tag_values.get(RUN_NAME_TAG) or None
        start_time = start_time or int(time.time() * 1000)
        if gate.policy.mode == RENAME and gate.policy.name_problem(original) is not None:
            # A new name is unique only against runs already stored: autolog creates a
            # search's child runs from several threads at once, so renamed runs are created
            # one at a time per process.
            with gate.renaming:
                return self._create_run_gated(experiment_id, user_id, start_time, tags, tag_values, original, run_name)
        return self._create_run_gated(experiment_id, user_id, start_time, tags, tag_values, original, run_name)

    def _create_run_gated(self, experiment_id, user_id, start_time, tags, tag_values, original, run_name):
        gate = self._naming_gate
        try:
            missing = gate.policy.missing_tags(tag_values)
            decision = gate.policy.decide_name(
                original,
                lambda: fields_for(str(experiment_id), self._experiment_name(experiment_id), start_time, tag_values),
                lambda: _ExperimentNames(self, str(experiment_id), gate.view_all),
            )
        except GateRefusal as refusal:
            raise gate.refuse(refusal) from None
        if missing:
            gate.warn(missing, f" in experiment {experiment_id}")
        if decision.problem and not decision.renamed:
            gate.warn(decision.problem, f" in experiment {experiment_id}")
        if decision.renamed:
            tags = [tag for tag in tags if tag.key not in (RUN_NAME_TAG, ORIGINAL_NAME_TAG, NAMED_BY_TAG)]
            tags.append(gate.run_tag(NAMED_BY_TAG, "gate"))
            if original:
                tags.append(gate.run_tag(ORIGINAL_NAME_TAG, original))
            run_name = decision.name
            tags.append(gate.run_tag(RUN_NAME_TAG, run_name))
        return super().create_run(experiment_id, user_id, start_time, tags, run_name)

    def update_run_info(self, run_id, run_status, end_time, run_name):  # noqa: D102
        if not run_name or self._naming_gate.policy.name_problem(run_name) is None:
            return super().update_run_info(run_id, run_status, end_time, run_name)
        with self._naming_gate.renaming:
            return super().update_run_info(run_id, run_status, end_time, self._checked_rename(run_id, run_name))

    def set_tag(self, run_id, tag):  # noqa: D102
        if tag.key != RUN_NAME_TAG or self._naming_gate.policy.name_problem(tag.value) is None:
            return super().set_tag(run_id, tag)
        with self._naming_gate.renaming:
            new_tag = self._naming_gate.run_tag(RUN_NAME_TAG, self._checked_rename(run_id, tag.value))
            return super().set_tag(run_id, new_tag)

    def log_batch(self, run_id, metrics, params, tags):  # noqa: D102
        if not tags or not any(tag.key == RUN_NAME_TAG for tag in tags):
            return super().log_batch(run_id, metrics, params, tags)
        with self._naming_gate.renaming:
            tags = [
                self._naming_gate.run_tag(RUN_NAME_TAG, self._checked_rename(run_id, tag.value))
                if tag.key == RUN_NAME_TAG
                else tag
                for tag in tags
            ]
            return super().log_batch(run_id, metrics, params, tags)

    # --- helpers -----------------------------------------------------------------------

    def _checked_rename(self, run_id: str, new_name: str) -> str:
        """The name to store when an existing run is renamed to ``new_name`` (call holding ``renaming``)."""
        gate = self._naming_gate
        if gate.policy.name_problem(new_name) is None:
            return new_name
        run = self.get_run(run_id)
        experiment_id = run.info.experiment_id
        try:
            decision = gate.policy.decide_name(
                new_name,
                lambda: fields_for(
                    str(experiment_id), self._experiment_name(experiment_id), run.info.start_time, dict(run.data.tags)
                ),
                lambda: _Except(_ExperimentNames(self, str(experiment_id), gate.view_all), run.info.run_name),
            )
        except GateRefusal as refusal:
            raise gate.refuse(refusal) from None
        if not decision.renamed:
            gate.warn(decision.problem or "", f" (run {run_id})")
            return new_name
        if not looks_generated(new_name):
            super().set_tag(run_id, gate.run_tag(ORIGINAL_NAME_TAG, new_name))
        super().set_tag(run_id, gate.run_tag(NAMED_BY_TAG, "gate"))
        return decision.name or new_name

    def _experiment_name(self, experiment_id: Any) -> str | None:
        names = self._naming_gate.experiment_names
        key = str(experiment_id)
        if key not in names:
            try:
                names[key] = self.get_experiment(experiment_id).name
            except Exception:  # a missing experiment fails in create_run itself, with MLflow's message
                return None
        return names[key]

    def create_experiment(self, name, artifact_location=None, tags=None):  # noqa: D102
        name = self._checked_experiment_name(name, "")
        gate = self._naming_gate
        try:
            missing = gate.policy.missing_tags({tag.key: tag.value for tag in tags or ()}, experiment=True)
        except GateRefusal as refusal:
            raise gate.refuse(refusal) from None
        if missing:
            gate.warn(missing, f" (experiment {name!r})")
        return super().create_experiment(name, artifact_location, tags)

    def rename_experiment(self, experiment_id, new_name):  # noqa: D102
        new_name = self._checked_experiment_name(new_name, f" (experiment {experiment_id})")
        self._naming_gate.experiment_names.pop(str(experiment_id), None)
        return super().rename_experiment(experiment_id, new_name)

    def _checked_experiment_name(self, name: Any, where: str) -> Any:
        """The experiment name to store for ``name`` (MLN007), or a refusal; MLflow validates the rest."""
        if not isinstance(name, str):
            return name  # MLflow's own validation answers a non-string with its message
        gate = self._naming_gate
        try:
            decision = gate.policy.decide_experiment_name(name)
        except GateRefusal as refusal:
            raise gate.refuse(refusal) from None
        if decision.problem:
            gate.warn(decision.problem, f"; stored as {decision.name!r}{where}" if decision.renamed else where)
        return decision.name

    def create_logged_model(  # noqa: D102
        self, experiment_id, name=None, source_run_id=None, tags=None, params=None, model_type=None
    ):
        gate = self._naming_gate
        try:
            decision = gate.policy.decide_logged_model_name(name)
        except GateRefusal as refusal:
            raise gate.refuse(refusal) from None
        if decision.problem:
            stored = f"; stored as {decision.name!r}" if decision.renamed else ""
            gate.warn(decision.problem, f"{stored} in experiment {experiment_id}")
        return super().create_logged_model(experiment_id, decision.name, source_run_id, tags, params, model_type)


class _Except:
    """``taken`` without the run's own current name (renaming a run must not dodge itself)."""

    def __init__(self, names: Any, own: str | None) -> None:
        self._names, self._own = names, own

    def __contains__(self, name: object) -> bool:
        return name != self._own and name in self._names


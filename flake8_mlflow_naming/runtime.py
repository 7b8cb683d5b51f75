"""The runtime wrapper: ``tracked_run`` starts an MLflow run the way the linter expects.

Linting catches the names it can see; names built at run time only this wrapper can check.
It validates the name (and the configured ``required-tags``) against the same
``[tool.mlflow-naming]`` configuration as the linter *before* anything is created in MLflow,
stamps provenance tags (git commit, branch, dirty flag, user, host, entry point, our
version) and records how the run ended in a ``status`` tag.

MLflow is an optional extra (``flake8-mlflow-naming[runtime]``), so it is imported only when
a run is actually started: importing this module, or the linter, never imports MLflow.
"""

from __future__ import annotations

import getpass
import importlib
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from .config import Config, process_config
from .naming import ExperimentNameError, RunNameError, validate_experiment_name, validate_run_name
from .uris import mask_credentials

if TYPE_CHECKING:  # pragma: no cover - for type checkers only; never imported at run time
    from mlflow import ActiveRun

__all__ = [
    "FAILURE_REASON_TAG",
    "STATUS_KILLED",
    "STATUS_TAG",
    "TAG_PREFIX",
    "ExperimentNameError",
    "GitState",
    "MissingRequiredTagsError",
    "MlflowNotInstalledError",
    "RunNameError",
    "TrackedRun",
    "failure_reason",
    "git_state",
    "package_version",
    "provenance_tags",
    "tracked_run",
]

_logger = logging.getLogger(__name__)

#: Namespace of the tags this wrapper stamps, so they never collide with a team's own tags.
TAG_PREFIX = "mlflow_naming."
#: Lifecycle tag: ``in_progress`` while the body runs, then ``completed`` or ``failed``.
STATUS_TAG = "status"
#: Set when the body raised: exception type and message, cut to FAILURE_REASON_MAX_LENGTH.
FAILURE_REASON_TAG = "failure_reason"
STATUS_IN_PROGRESS = "in_progress"
STATUS_COMPLETED = "completed"
STATUS_FAILED = "failed"
#: The body was interrupted (Ctrl-C, SIGTERM turned into KeyboardInterrupt): MLflow's KILLED.
STATUS_KILLED = "killed"
#: A traceback-sized message makes the run table unreadable; the type and first words are enough.
FAILURE_REASON_MAX_LENGTH = 500
#: A hung git (network filesystem, credential prompt) must not hold up a training job.
GIT_TIMEOUT_SECONDS = 5.0
#: MLflow's name for the tag that carries the run name; MLN001 accepts it instead of run_name.
_RUN_NAME_TAG = "mlflow.runName"
#: How to get MLflow; every message about a missing MLflow says it.
INSTALL_HINT = "pip install 'flake8-mlflow-naming[runtime]'"


class MlflowNotInstalledError(ImportError):
    """``tracked_run`` was called but MLflow cannot be imported (the ``runtime`` extra is missing)."""


class MissingRequiredTagsError(ValueError):
    """A run would start without a tag listed in ``required-tags``."""

    rule = "required-tags"


def _import_mlflow() -> Any:
    # Imported here, not at module level, so the linter and CLI work without the extra.
    try:
        import mlflow
    except ImportError as error:
        raise MlflowNotInstalledError(
            f"tracked_run needs MLflow, which cannot be imported ({error}); install it with: {INSTALL_HINT}"
        ) from error
    return mlflow


def tracked_run(run_name: str | None = None, *, config: Config | None = None, **start_run_kwargs: Any) -> TrackedRun:
    """Start an MLflow run whose name and tags follow the team's configuration.

    Use it exactly like ``mlflow.start_run``::

        with tracked_run(run_name="resnet50_baseline", experiment_id=exp_id, tags={"owner": "ml"}) as run:
            mlflow.log_metric("loss", 0.1)

    The name is checked here, at the call, so a bad name raises before MLflow creates
    anything: :class:`RunNameError` (MLN001 for a missing, None or empty name; MLN003 when it
    breaks ``run-name-regex`` / ``run-name-max-length``) or
    :class:`MissingRequiredTagsError` when a ``required-tags`` entry is absent from
    ``tags=``. When resuming (``run_id=``) the name may be omitted.

    ``config`` overrides the configuration, which is otherwise the pyproject.toml that
    ``MLFLOW_NAMING_CONFIG`` names, or the nearest one with ``[tool.mlflow-naming]``
    searching upward from the current working directory. Every
    other keyword (``experiment_id``, ``nested``, ``run_id``, ``parent_run_id``, ``tags``,
    ``description``, ``log_system_metrics``, ...) goes to ``mlflow.start_run`` unchanged,
    except that ``tags`` is merged over the stamped tags (yours win).

    ``experiment_name=`` (instead of ``experiment_id=``) puts the run in that experiment,
    created if it does not exist yet; a name that breaks ``experiment-name-regex`` raises
    :class:`ExperimentNameError` (MLN007) before anything is created.

    Entering the returned context manager starts the run and gives the ``mlflow.ActiveRun``.
    Raises :class:`MlflowNotInstalledError` (an ImportError) when MLflow is not installed.
    """
    mlflow = _import_mlflow()
    if config is None:
        config = process_config()  # MLFLOW_NAMING_CONFIG or the cwd's pyproject, as for the gate
    experiment_name = start_run_kwargs.pop("experiment_name", None)
    if experiment_name is not None:
        if start_run_kwargs.get("experiment_id") is not None:
            raise ValueError("tracked_run takes experiment_name= or experiment_id=, not both")
        _validate_experiment_name(experiment_name, config)
    tags = dict(start_run_kwargs.pop("tags", None) or {})
    run_id = start_run_kwargs.get("run_id")
    name = run_name if run_name not in (None, "") else tags.get(_RUN_NAME_TAG, run_name)
    if not run_id or name not in (None, ""):
        _validate_name(name, config)
    missing = _missing_required_tags(config, tags, run_id, mlflow)
    if missing:
        listed = ", ".join(repr(tag) for tag in missing)
        which = f"run {name!r}" if name not in (None, "") else f"run {run_id!r}"
        where = f" (configured in {config.source})" if config.source else ""
        raise MissingRequiredTagsError(f"required-tags: {which} is missing tag(s) {listed}{where}; pass them in tags=")
    stamped = {} if run_id else provenance_tags()
    start_tags = {**stamped, **tags, STATUS_TAG: STATUS_IN_PROGRESS}
    if run_name is not None:
        start_run_kwargs["run_name"] = run_name
    return TrackedRun(mlflow, start_tags, start_run_kwargs, experiment_name)


def _validate_experiment_name(name: object, config: Config) -> None:
    try:
        validate_experiment_name(name, config.experiment_schema)
    except ExperimentNameError as error:
        if config.source is None:
            raise
        raise ExperimentNameError(f"{error} (configured in {config.source})") from None


def _validate_name(name: object, config: Config) -> None:
    try:
        validate_run_name(name, config.schema)
    except RunNameError as error:
        if config.source is None:
            raise
        # Say which file set the schema: the regex may not be the one the reader expects.
        raise RunNameError(f"{error} (configured in {config.source})") from None


def _missing_required_tags(config: Config, tags: Mapping[str, object], run_id: str | None, mlflow: Any) -> list[str]:
    missing = [tag for tag in config.required_tags if tags.get(tag) in (None, "")]
    if missing and run_id:
        # A resumed run keeps the tags it was created with; only a read, nothing is created.
        existing = mlflow.MlflowClient().get_run(run_id).data.tags
        missing = [tag for tag in missing if existing.get(tag) in (None, "")]
    return missing


class TrackedRun:
    """Context manager returned by :func:`tracked_run`; entering it starts the MLflow run.

    On a clean exit it sets ``status=completed`` and ends the run FINISHED; when the body
    raises it sets ``status=failed`` and ``failure_reason``, ends the run FAILED and lets the
    exception propagate; a KeyboardInterrupt sets ``status=killed`` and ends the run KILLED. Each object starts one run and can be entered once.
    """

    def __init__(
        self, mlflow: Any, tags: dict[str, Any], start_run_kwargs: dict[str, Any], experiment_name: str | None = None
    ) -> None:
        self._mlflow = mlflow
        self._tags = tags
        self._kwargs = start_run_kwargs
        self._experiment_name = experiment_name
        self._active: ActiveRun | None = None
        self._client: Any = None

    def __enter__(self) -> ActiveRun:
        """Start the run through ``mlflow.start_run`` and return its ``ActiveRun``."""
        if self._active is not None:
            raise RuntimeError("a tracked_run(...) object starts one run; call tracked_run again for another")
        mlflow = self._mlflow
        # Bound now: if the body switches tracking URI, the closing tags must still reach this run.
        self._client = mlflow.MlflowClient(tracking_uri=mlflow.get_tracking_uri())
        if self._experiment_name is not None:
            self._kwargs["experiment_id"] = self._experiment_id(self._experiment_name)
        self._active = mlflow.start_run(tags=self._tags, **self._kwargs)
        if self._kwargs.get("run_id") and FAILURE_REASON_TAG in self._active.data.tags:
            # A resumed run that failed before must not keep reporting the old failure.
            self._client.delete_tag(self._active.info.run_id, FAILURE_REASON_TAG)
        return self._active

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        """Record the outcome in the status tags, end the run, never swallow the exception."""
        active = self._active
        if active is None:
            return False
        run_id = active.info.run_id
        if exc is None:
            try:
                self._set_tags(run_id, {STATUS_TAG: STATUS_COMPLETED})
            finally:
                # MLflow's own exit ends the run FINISHED, and only if it is still active.
                active.__exit__(None, None, None)
            return False
        # The body's exception is the one the user needs: an MLflow error must not replace it.
        killed = isinstance(exc, KeyboardInterrupt)
        try:
            status = STATUS_KILLED if killed else STATUS_FAILED
            self._set_tags(run_id, {STATUS_TAG: status, FAILURE_REASON_TAG: failure_reason(exc)})
        except Exception:
            _logger.warning("could not record the failure of MLflow run %s", run_id, exc_info=True)
        try:
            if killed and self._mlflow.active_run() is not None and self._mlflow.active_run().info.run_id == run_id:
                self._mlflow.end_run(status="KILLED")  # MLflow's status for an interrupted run
            else:
                active.__exit__(exc_type, exc, tb)  # ends the run FAILED
        except Exception:
            _logger.warning("could not end MLflow run %s", run_id, exc_info=True)
        return False

    def _experiment_id(self, name: str) -> str:
        """The id of experiment ``name``, created (like ``mlflow.set_experiment`` does) if absent."""
        experiment = self._client.get_experiment_by_name(name)
        if experiment is not None:
            return experiment.experiment_id
        return self._client.create_experiment(name)

    def _set_tags(self, run_id: str, tags: Mapping[str, str]) -> None:
        run_tag = importlib.import_module("mlflow.entities").RunTag
        self._client.log_batch(run_id, tags=[run_tag(key, value) for key, value in tags.items()])


def failure_reason(exc: BaseException) -> str:
    """``Type: message`` of an exception, credentials masked, cut to FAILURE_REASON_MAX_LENGTH characters.

    Exception texts often quote a URI with its password or SAS token; a tag is readable by
    everyone with access to the experiment, so they are masked as everything we print is.
    """
    message = mask_credentials(str(exc).strip())
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    if len(text) > FAILURE_REASON_MAX_LENGTH:
        text = text[: FAILURE_REASON_MAX_LENGTH - 3] + "..."
    return text


# --- provenance --------------------------------------------------------------------------


@dataclass(frozen=True)
class GitState:
    """Where the working directory's code came from."""

    commit: str | None
    branch: str | None
    dirty: bool


def git_state(folder: str | Path | None = None) -> GitState | None:
    """The git commit, branch and dirty flag of ``folder`` (default: cwd), or None.

    None when git is not installed, ``folder`` is not in a work tree, or git fails or hangs:
    provenance is best effort and must never stop a run. ``commit`` is None before the first
    commit and ``branch`` is None on a detached HEAD. Like MLflow, untracked files do not make
    the tree dirty.
    """
    try:
        completed = subprocess.run(
            ["git", "status", "--porcelain=v2", "--branch", "--untracked-files=no"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_SECONDS,
            stdin=subprocess.DEVNULL,
            # Reading status must not take the index lock a concurrent git command may need.
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode != 0:
        return None
    commit = branch = None
    dirty = False
    for line in completed.stdout.splitlines():
        if line.startswith("# branch.oid "):
            value = line.removeprefix("# branch.oid ").strip()
            commit = None if value == "(initial)" else value
        elif line.startswith("# branch.head "):
            value = line.removeprefix("# branch.head ").strip()
            branch = None if value == "(detached)" else value
        elif line and not line.startswith("#"):
            dirty = True
    return GitState(commit=commit, branch=branch, dirty=dirty)


def package_version() -> str:
    """This package's version, for the ``mlflow_naming.version`` tag ("unknown" if not found)."""
    from importlib import metadata

    import flake8_mlflow_naming

    # __version__ is the source of truth when the package defines it; metadata covers the rest.
    version = getattr(flake8_mlflow_naming, "__version__", None)
    if isinstance(version, str):
        return version
    try:
        return metadata.version("flake8-mlflow-naming")
    except metadata.PackageNotFoundError:
        return "unknown"


def _user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # no login name and no passwd entry, as in some containers
        return None


def provenance_tags(folder: str | Path | None = None) -> dict[str, str]:
    """The tags stamped on every new run: ours under ``mlflow_naming.`` plus MLflow's own.

    MLflow's standard keys (``mlflow.source.git.commit``, ``mlflow.source.git.branch``,
    ``mlflow.source.git.dirty``, ``mlflow.user``, ``mlflow.source.name``) are filled too, so
    the MLflow UI shows the same commit; they are read from ``mlflow.utils.mlflow_tags`` and
    skipped when MLflow is not installed or does not define one. Values that cannot be found
    (no git, no login name) are left out rather than guessed.
    """
    git = git_state(folder)
    entry_point = sys.argv[0] if sys.argv and sys.argv[0] else "<console>"
    ours: dict[str, str | None] = {
        "git_commit": git.commit if git else None,
        "git_branch": git.branch if git else None,
        "git_dirty": str(git.dirty).lower() if git and git.commit else None,
        "user": _user(),
        "host": socket.gethostname() or None,
        "entry_point": entry_point,
        "version": package_version(),
    }
    tags = {TAG_PREFIX + key: value for key, value in ours.items() if value is not None}
    for mlflow_key, our_key in _mlflow_standard_keys().items():
        value = ours[our_key]
        if value is not None:
            tags[mlflow_key] = value
    return tags


def _mlflow_standard_keys() -> dict[str, str]:
    """MLflow's tag key -> the name of our value that fills it, for the keys MLflow defines."""
    try:
        mlflow_tags = importlib.import_module("mlflow.utils.mlflow_tags")
    except ImportError:
        return {}
    wanted = {
        "MLFLOW_GIT_COMMIT": "git_commit",
        "MLFLOW_GIT_BRANCH": "git_branch",
        "MLFLOW_GIT_DIRTY": "git_dirty",
        "MLFLOW_USER": "user",
        "MLFLOW_SOURCE_NAME": "entry_point",
    }
    return {getattr(mlflow_tags, constant): ours for constant, ours in wanted.items() if hasattr(mlflow_tags, constant)}

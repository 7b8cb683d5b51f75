"""What is wrong with one run already in a tracking store, and the counts per experiment.

The linter only sees names written in code; the 2,000 runs already logged are only visible
to the tracking server. Names are judged by :mod:`..naming` only (``NameSchema.problem``,
``looks_generated``), so the audit agrees with MLN003 and the runtime wrapper. MLflow is
never imported in this package: the caller passes an ``MlflowClient``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..config import Config
from ..lint.mlflow_api import DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME
from ..naming import looks_generated
from ..uris import mask_credentials

#: The kinds of problem, in report order.
KINDS = ("name", "generated", "tags", "stale")
#: The kind of an experiment's own problem (its name breaks ``experiment-name-regex``).
EXPERIMENT_KIND = "experiment"


def mask_uri(text: str) -> str:
    """``text`` with the ``user:password@`` part of every URI in it (and token-like query
    values) replaced by ``***``.

    Applied to every URI and every error message the audit prints: MLflow and requests
    errors may quote the tracking URI, credentials included. The masking itself is
    :func:`..uris.mask_credentials`, shared with the linter's messages.
    """
    return mask_credentials(text)


def one_line(error: BaseException | str, limit: int = 400) -> str:
    """An error message as one masked line, cut to ``limit`` characters."""
    text = str(error).strip()
    text = " ".join(text.split()) or type(error).__name__
    text = mask_uri(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- one run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunRecord:
    """What the audit reads of one run (an ``mlflow.entities.Run`` flattened)."""

    run_id: str
    experiment_id: str
    name: str
    status: str
    start_time: int | None  # milliseconds since the epoch
    tags: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)

    def template_fields(self, experiment_name: str) -> dict[str, object]:
        """The plain fields a ``rename-template`` may use, for :func:`.naming.run_fields`."""
        start = None
        if self.start_time is not None:
            start = datetime.fromtimestamp(self.start_time / 1000, tz=timezone.utc)
        return {
            "name": self.name or None,
            "run_id": self.run_id,
            "experiment_id": self.experiment_id,
            "experiment_name": experiment_name,
            "start_time": start,
        }

    @classmethod
    def from_run(cls, run: Any) -> RunRecord:
        """Flatten an ``mlflow.entities.Run``."""
        info, data = run.info, run.data
        return cls(
            run_id=info.run_id,
            experiment_id=str(info.experiment_id),
            name=info.run_name or "",
            status=str(info.status),
            start_time=info.start_time,
            tags=dict(data.tags),
            params=dict(data.params),
        )


@dataclass(frozen=True)
class RunProblem:
    """One problem with one run: its kind (one of :data:`KINDS`) and a readable reason."""

    kind: str
    reason: str


def run_findings(record: RunRecord, config: Config, stale_after_ms: int | None, now_ms: int) -> list[RunProblem]:
    """Everything wrong with one run, at most one finding per kind."""
    found = []
    if looks_generated(record.name):
        found.append(RunProblem("generated", f"name {record.name!r} looks like a name MLflow generates for unnamed runs"))
    elif not record.name:
        found.append(RunProblem("name", "the run has no name"))
    else:
        problem = config.schema.problem(record.name)
        if problem is not None:
            found.append(RunProblem("name", f"name {record.name!r} {problem}"))
    missing = [tag for tag in config.required_tags if record.tags.get(tag) in (None, "")]
    if missing:
        listed = ", ".join(repr(tag) for tag in missing)
        found.append(RunProblem("tags", f"missing required tag(s) {listed}"))
    if stale_after_ms is not None and record.status == "RUNNING" and record.start_time is not None:
        age = now_ms - record.start_time
        if age > stale_after_ms:
            found.append(
                RunProblem("stale", f"RUNNING for {age / 3_600_000:.1f} hours (more than {stale_after_ms / 3_600_000:g})")
            )
    return found


#: The experiment MLflow creates in every store; nobody on the team named it.
DEFAULT_EXPERIMENT = (DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME)


def experiment_findings(experiment_id: str, name: str, config: Config) -> list[RunProblem]:
    """What is wrong with an experiment itself: its name against ``experiment-name-regex`` (MLN007)."""
    if (experiment_id, name) == DEFAULT_EXPERIMENT:
        return []
    problem = config.experiment_schema.problem(name)
    if problem is None:
        return []
    return [RunProblem(EXPERIMENT_KIND, f"experiment name {name!r} {problem}")]


@dataclass
class Summary:
    """Counters for one experiment (or the total): runs seen, runs with findings, per kind."""

    experiment_id: str
    experiment_name: str
    runs: int = 0
    runs_with_findings: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    #: Experiments (of those summed here) whose own name breaks the schema.
    experiments_with_findings: int = 0

    def add(self, findings: list[RunProblem]) -> None:
        """Count one run."""
        self.runs += 1
        if findings:
            self.runs_with_findings += 1
        for finding in findings:
            self.counts[finding.kind] += 1

    def merge(self, other: Summary) -> None:
        """Add another summary's counters to this one."""
        self.runs += other.runs
        self.runs_with_findings += other.runs_with_findings
        self.experiments_with_findings += other.experiments_with_findings
        for kind, count in other.counts.items():
            self.counts[kind] += count

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "experiment_id": self.experiment_id,
            "experiment_name": self.experiment_name,
            "runs": self.runs,
            "runs_with_findings": self.runs_with_findings,
            "counts": dict(self.counts),
            "experiments_with_findings": self.experiments_with_findings,
        }

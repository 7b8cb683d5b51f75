"""Audit the runs already in an MLflow tracking store, plan renames, apply and undo them.

The linter only sees names written in code; the 2,000 runs already logged are only visible
to the tracking server. This module pages through them with ``MlflowClient.search_runs``
(one page in memory at a time, counters per experiment), reports names that break the
schema or look MLflow-generated, runs without ``required-tags`` and runs stuck in RUNNING,
and can propose (``--plan``), apply (``--apply``) and undo (``--undo``) renames.

Names are judged by :mod:`.naming` only (``NameSchema.problem``, ``looks_generated``,
``NameSchema.normalise``), so the audit agrees with MLN003 and the runtime wrapper.
MLflow is never imported here: the caller passes an ``MlflowClient``.
"""

from __future__ import annotations

import csv
import os
import string
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, TextIO

from .config import Config
from .naming import NameSchema, looks_generated
from .uris import mask_credentials

#: The kinds of finding, in report order.
KINDS = ("name", "generated", "tags", "stale")
#: Columns of the plan CSV written by ``--plan`` and read by ``--apply``.
PLAN_COLUMNS = ("run_id", "experiment_id", "old_name", "new_name", "reason")
#: Columns of the undo CSV written by ``--apply`` and read by ``--undo``.
UNDO_COLUMNS = ("run_id", "experiment_id", "old_name", "new_name")
#: Fields a ``rename-template`` may use besides ``tags.KEY`` and ``params.KEY``.
TEMPLATE_FIELDS = ("name", "run_id", "experiment_id", "experiment_name", "start_time")
#: Attempts at ``base_2``, ``base_3``, ... before a name is declared unbuildable.
MAX_UNIQUE_SUFFIX = 10_000


def mask_uri(text: str) -> str:
    """``text`` with the ``user:password@`` part of every URI in it (and token-like query
    values) replaced by ``***``.

    Applied to every URI and every error message the audit prints: MLflow and requests
    errors may quote the tracking URI, credentials included. The masking itself is
    :func:`.uris.mask_credentials`, shared with the linter's messages.
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

    @classmethod
    def from_run(cls, run: Any) -> "RunRecord":
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
class Finding:
    """One problem with one run: its kind (one of :data:`KINDS`) and a readable reason."""

    kind: str
    reason: str


def run_findings(record: RunRecord, config: Config, stale_after_ms: int | None, now_ms: int) -> list[Finding]:
    """Everything wrong with one run, at most one finding per kind."""
    found = []
    if looks_generated(record.name):
        found.append(Finding("generated", f"name {record.name!r} looks like a name MLflow generates for unnamed runs"))
    elif not record.name:
        found.append(Finding("name", "the run has no name"))
    else:
        problem = config.schema.problem(record.name)
        if problem is not None:
            found.append(Finding("name", f"name {record.name!r} {problem}"))
    missing = [tag for tag in config.required_tags if record.tags.get(tag) in (None, "")]
    if missing:
        listed = ", ".join(repr(tag) for tag in missing)
        found.append(Finding("tags", f"missing required tag(s) {listed}"))
    if stale_after_ms is not None and record.status == "RUNNING" and record.start_time is not None:
        age = now_ms - record.start_time
        if age > stale_after_ms:
            found.append(
                Finding("stale", f"RUNNING for {age / 3_600_000:.1f} hours (more than {stale_after_ms / 3_600_000:g})")
            )
    return found


# --- rename templates --------------------------------------------------------------------


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


def fill_template(template: str, record: RunRecord, experiment_name: str) -> str:
    """``template`` filled from one run; raises TemplateFieldError or ValueError (bad spec)."""
    start = None
    if record.start_time is not None:
        start = datetime.fromtimestamp(record.start_time / 1000, tz=timezone.utc)
    values = {
        "name": record.name or None,
        "run_id": record.run_id,
        "experiment_id": record.experiment_id,
        "experiment_name": experiment_name,
        "start_time": start,
    }
    return _RunFormatter(values, record.tags, record.params).format(template)


def check_rename_template(template: str) -> str:
    """``template`` if every field is known and formats; raise ValueError saying why not."""

    class _AnyKey(dict):
        def __contains__(self, key: object) -> bool:
            return True

        def __getitem__(self, key: str) -> str:
            return "x"

    sample = RunRecord("0" * 32, "0", "sample_run", "FINISHED", 0, _AnyKey(), _AnyKey())
    try:
        fill_template(template, sample, "sample")
    except (ValueError, IndexError, KeyError) as error:
        raise ValueError(f"is not a valid rename template ({error})") from None
    return template


def propose_name(record: RunRecord, experiment_name: str, template: str | None, schema: NameSchema) -> tuple[str | None, str]:
    """A schema-valid new name for one run (not yet unique), or None and why not."""
    if template is None:
        if looks_generated(record.name) or not record.name:
            return None, "the old name carries no information; set rename-template to build one"
        text = record.name
    else:
        try:
            text = fill_template(template, record, experiment_name)
        except ValueError as error:
            return None, str(error)
    name = schema.normalise(text)
    if name is None:
        return None, f"{text!r} cannot be normalised to the naming schema"
    return name, ""


def unique_name(base: str, taken: set[str], schema: NameSchema) -> str | None:
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


class PlanWriter:
    """Writes the plan CSV one experiment at a time, names unique within each experiment.

    Uniqueness needs every valid name of the experiment, including runs audited after the
    bad one, so proposals wait in a temporary file until the experiment is finished; only
    the set of valid names of the current experiment is held in memory.
    """

    def __init__(self, handle: TextIO, config: Config) -> None:
        self._writer = csv.writer(handle, lineterminator="\n")
        self._writer.writerow(PLAN_COLUMNS)
        self._config = config
        self._taken: set[str] = set()
        self._pending: Any = None
        self._pending_writer: Any = None
        self.rows = 0
        self.unbuildable = 0

    def start_experiment(self) -> None:
        """Forget the previous experiment's names; open a fresh spill file."""
        self._taken = set()
        self._pending = tempfile.TemporaryFile("w+", newline="", encoding="utf-8")
        self._pending_writer = csv.writer(self._pending, lineterminator="\n")

    def add(self, record: RunRecord, experiment_name: str, findings: list[Finding]) -> None:
        """Record one audited run: its name is taken, or (if the name is bad) it needs a new one."""
        name_findings = [f for f in findings if f.kind in ("name", "generated")]
        if not name_findings:
            if record.name:
                self._taken.add(record.name)
            return
        proposed, why_not = propose_name(record, experiment_name, self._config.rename_template, self._config.schema)
        reason = "; ".join(f.reason for f in name_findings)
        self._pending_writer.writerow((record.run_id, record.experiment_id, record.name, proposed or "", reason, why_not))

    def finish_experiment(self) -> None:
        """Make the waiting proposals unique and write them to the plan."""
        pending = self._pending
        pending.seek(0)
        schema = self._config.schema
        for run_id, experiment_id, old_name, proposed, reason, why_not in csv.reader(pending):
            new_name = unique_name(proposed, self._taken, schema) if proposed else None
            if proposed and new_name is None:
                why_not = f"no unique name fits the schema (tried {proposed!r} with numeric suffixes)"
            if new_name is None:
                self.unbuildable += 1
                reason = f"{reason}; no new name: {why_not}"
            else:
                self._taken.add(new_name)
            self._writer.writerow((run_id, experiment_id, old_name, new_name or "", reason))
            self.rows += 1
        pending.close()
        self._taken = set()


# --- the audit ---------------------------------------------------------------------------


@dataclass
class Summary:
    """Counters for one experiment (or the total): runs seen, runs with findings, per kind."""

    experiment_id: str
    experiment_name: str
    runs: int = 0
    runs_with_findings: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def add(self, findings: list[Finding]) -> None:
        """Count one run."""
        self.runs += 1
        if findings:
            self.runs_with_findings += 1
        for finding in findings:
            self.counts[finding.kind] += 1

    def merge(self, other: "Summary") -> None:
        """Add another summary's counters to this one."""
        self.runs += other.runs
        self.runs_with_findings += other.runs_with_findings
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
        }


class AuditError(Exception):
    """The audit cannot go on (unknown experiment, unreadable file); one line for the user."""


def resolve_experiments(client: Any, names_or_ids: Iterable[str], page_size: int) -> list[tuple[str, str]]:
    """(id, name) of the experiments asked for; every active one when none is named."""
    wanted = list(names_or_ids)
    if not wanted:
        found, token = [], None
        while True:
            page = client.search_experiments(max_results=page_size, page_token=token)
            found.extend((str(e.experiment_id), e.name) for e in page)
            token = page.token
            if not token:
                return found
    resolved = []
    for text in wanted:
        experiment = client.get_experiment_by_name(text)
        if experiment is None and text.isdigit():
            experiment = _get_experiment_or_none(client, text)
        if experiment is None:
            raise AuditError(f"no experiment named or numbered {text!r}")
        resolved.append((str(experiment.experiment_id), experiment.name))
    return resolved


def _get_experiment_or_none(client: Any, experiment_id: str) -> Any:
    try:
        return client.get_experiment(experiment_id)
    except Exception as error:
        if getattr(error, "error_code", None) == "RESOURCE_DOES_NOT_EXIST":
            return None
        raise


def iter_runs(client: Any, experiment_id: str, page_size: int) -> Iterator[list[Any]]:
    """The runs of one experiment, one page (a list) at a time."""
    token = None
    while True:
        page = client.search_runs([experiment_id], max_results=page_size, page_token=token)
        yield list(page)
        token = page.token
        if not token:
            return


def audit(
    client: Any,
    experiments: list[tuple[str, str]],
    config: Config,
    *,
    stale_after_hours: float | None,
    page_size: int,
    now_ms: int,
    on_finding: Callable[[RunRecord, str, Finding], None],
    plan: PlanWriter | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Summary]:
    """Audit every run of ``experiments``; call ``on_finding`` per finding; one Summary each."""
    stale_after_ms = None if stale_after_hours is None else int(stale_after_hours * 3_600_000)
    summaries = []
    for experiment_id, experiment_name in experiments:
        summary = Summary(experiment_id, experiment_name)
        if plan is not None:
            plan.start_experiment()
        for page in iter_runs(client, experiment_id, page_size):
            for run in page:
                record = RunRecord.from_run(run)
                findings = run_findings(record, config, stale_after_ms, now_ms)
                summary.add(findings)
                for finding in findings:
                    on_finding(record, experiment_name, finding)
                if plan is not None:
                    plan.add(record, experiment_name, findings)
            if progress is not None:
                progress(f"experiment {experiment_name!r}: {summary.runs} runs audited")
        if plan is not None:
            plan.finish_experiment()
        summaries.append(summary)
    return summaries


# --- apply and undo ----------------------------------------------------------------------


@dataclass
class RenameCounts:
    """What ``--apply`` or ``--undo`` did."""

    renamed: int = 0
    already: int = 0
    skipped: int = 0
    no_new_name: int = 0


def read_csv(path: Path, columns: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """The rows of a plan or undo file, checking that it has ``columns``."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as error:
        raise AuditError(f"{path}: cannot read ({error.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise AuditError(f"{path}: not a file of this kind; missing column(s) {', '.join(missing)}")
        yield from reader


def _done_run_ids(undo_path: Path) -> set[str]:
    if not undo_path.is_file() or undo_path.stat().st_size == 0:
        return set()
    return {row["run_id"] for row in read_csv(undo_path, UNDO_COLUMNS)}


def _current_name(client: Any, run_id: str) -> str | None:
    """The run's name now, or None when the run no longer exists."""
    try:
        run = client.get_run(run_id)
    except Exception as error:
        if getattr(error, "error_code", None) == "RESOURCE_DOES_NOT_EXIST":
            return None
        raise
    if run.info.lifecycle_stage == "deleted":
        return None
    return run.info.run_name or ""


class _UndoLog:
    """The undo CSV, appended and flushed to disk after every rename, so a crash loses nothing."""

    def __init__(self, path: Path) -> None:
        new = not path.is_file() or path.stat().st_size == 0
        self._handle = path.open("a", newline="", encoding="utf-8")
        self._writer = csv.writer(self._handle, lineterminator="\n")
        if new:
            self._writer.writerow(UNDO_COLUMNS)
            self._sync()

    def record(self, run_id: str, experiment_id: str, old_name: str, new_name: str) -> None:
        """Append one done rename."""
        self._writer.writerow((run_id, experiment_id, old_name, new_name))
        self._sync()

    def _sync(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        """Close the file."""
        self._handle.close()


def _rename_if_unchanged(
    client: Any, run_id: str, expected: str, target: str, *, dry_run: bool, say: Callable[[str], None], undo: bool
) -> str:
    """Rename ``run_id`` to ``target`` only if its name is still ``expected``.

    The one safety check of both ``--apply`` and ``--undo``: a run renamed by someone else
    since the file was written is skipped and reported. Returns "renamed", "already" (it
    already carries ``target``) or "skipped".
    """
    current = _current_name(client, run_id)
    if current is None:
        say(f"skipped {run_id}: the run no longer exists")
        return "skipped"
    if current == expected:
        verb, done = ("restore", "restored") if undo else ("rename", "renamed")
        if dry_run:
            say(f"would {verb} {run_id}: {expected!r} -> {target!r}")
        else:
            client.update_run(run_id, name=target)
            say(f"{done} {run_id}: {expected!r} -> {target!r}")
        return "renamed"
    if current == target:
        return "already"
    say(f"skipped {run_id}: its name is now {current!r}, the {'undo file' if undo else 'plan'} expected {expected!r}")
    return "skipped"


def apply_plan(
    client: Any, plan_path: Path, undo_path: Path, schema: NameSchema, *, dry_run: bool, say: Callable[[str], None]
) -> RenameCounts:
    """Rename the runs of a plan whose name is still the planned ``old_name``.

    Rows already in the undo file are skipped, so an interrupted apply is resumed by running
    it again. A run renamed before the interruption but missing from the undo file (its name
    is already ``new_name``) is recorded there now.
    """
    counts = RenameCounts()
    done = _done_run_ids(undo_path)
    log = None  # opened at the first rename: a bad plan file must not leave an undo file
    try:
        for row in read_csv(plan_path, PLAN_COLUMNS):
            run_id, old, new = row["run_id"], row["old_name"], row["new_name"]
            if not new:
                counts.no_new_name += 1
                continue
            if run_id in done:
                counts.already += 1
                continue
            problem = schema.problem(new)
            if problem is not None:
                counts.skipped += 1
                say(f"skipped {run_id}: new name {new!r} {problem}")
                continue
            outcome = _rename_if_unchanged(client, run_id, old, new, dry_run=dry_run, say=say, undo=False)
            setattr(counts, outcome, getattr(counts, outcome) + 1)
            if outcome != "skipped" and not dry_run:
                if log is None:
                    log = _UndoLog(undo_path)
                log.record(run_id, row["experiment_id"], old, new)
    finally:
        if log is not None:
            log.close()
    return counts


def undo_renames(client: Any, undo_path: Path, *, dry_run: bool, say: Callable[[str], None]) -> RenameCounts:
    """Give back the old names of an undo file, for runs still carrying the name we gave them."""
    counts = RenameCounts()
    for row in read_csv(undo_path, UNDO_COLUMNS):
        run_id, old, new = row["run_id"], row["old_name"], row["new_name"]
        if not old:
            counts.skipped += 1  # update_run ignores an empty name
            say(f"skipped {run_id}: it had no name, and MLflow cannot set an empty one")
            continue
        outcome = _rename_if_unchanged(client, run_id, new, old, dry_run=dry_run, say=say, undo=True)
        setattr(counts, outcome, getattr(counts, outcome) + 1)
    return counts

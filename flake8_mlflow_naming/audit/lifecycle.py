"""``audit --policy``: the archival policy and the promotion tags, as a plan, its apply and its undo.

The same three steps as renames (:mod:`.rename`): the policy is evaluated against the store
into a plan CSV (every action and why), ``apply`` re-reads every run before it acts and
appends what it changed to an undo file (flushed per row), ``undo`` reverses it. A run a
model version references, or one carrying a protected tag, is never retired or ended, at
plan time and again at apply time. MLflow is never imported here: the caller passes an
``MlflowClient`` (and, for artifact deletion, a function deleting a run's artifacts).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from ..config import Config
from ..lifecycle_settings import DELETE, LifecyclePolicy
from .rename import UndoLog, read_csv
from .store import AuditError, iter_runs

#: Columns of the policy plan (``--policy --plan``) and of its undo file.
POLICY_PLAN_COLUMNS = ("run_id", "experiment_id", "action", "detail", "reason")
POLICY_UNDO_COLUMNS = ("run_id", "action", "detail", "previous")
#: Plan actions. ``delete_artifacts`` is the only one undo cannot reverse.
ARCHIVE, DELETE_RUN, KILL, DELETE_ARTIFACTS, TAG_PROMOTION = "archive", "delete", "kill", "delete_artifacts", "tag_promotion"
#: The tags an archived run carries (``status=archived``, ``archived_at=<UTC ISO time>``).
ARCHIVE_STATUS_TAG, ARCHIVED_AT_TAG, ARCHIVED = "status", "archived_at", "archived"
_FALSE = ("", "false", "0", "no")
_DAY_MS, _HOUR_MS = 86_400_000, 3_600_000


def is_protected(tags: dict[str, str], policy: LifecyclePolicy) -> str | None:
    """The protected tag ``tags`` carries (with a value other than "", "false", "0", "no"), else None."""
    return next((t for t in policy.protected_tags if str(tags.get(t, "")).strip().lower() not in _FALSE), None)


def registered_run_ids(client: Any, page_size: int) -> tuple[set[str], list[Any]]:
    """Run ids any model version references, and every model version (paged search_model_versions)."""
    run_ids, versions, token = set(), [], None
    while True:
        page = client.search_model_versions(max_results=page_size, page_token=token)
        for version in page:
            versions.append(version)
            if version.run_id:
                run_ids.add(version.run_id)
        token = page.token
        if not token:
            return run_ids, versions


def _promoted_versions(client: Any, versions: list[Any], page_size: int) -> dict[tuple[str, str], list[str]]:
    """(model, version) -> why it counts as promoted: an alias points at it, or its stage is Production."""
    promoted: dict[tuple[str, str], list[str]] = {}
    token = None
    while True:
        page = client.search_registered_models(max_results=min(page_size, 1000), page_token=token)
        for model in page:
            for alias, version in (getattr(model, "aliases", None) or {}).items():
                promoted.setdefault((model.name, str(version)), []).append(f"alias {alias!r}")
        token = page.token
        if not token:
            break
    for version in versions:
        if str(getattr(version, "current_stage", "")).lower() == "production":
            promoted.setdefault((version.name, str(version.version)), []).append("stage Production")
    return promoted


@dataclass
class PolicyCounts:
    """What the policy found (or an apply/undo did), per action and per reason a run was kept."""

    actions: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    runs: int = 0

    def add(self, bucket: dict[str, int], key: str) -> None:
        """Count one under ``key``."""
        bucket[key] = bucket.get(key, 0) + 1


def plan_policy(
    client: Any,
    experiments: list[tuple[str, str]],
    config: Config,
    *,
    page_size: int,
    now_ms: int,
    write: Callable[[tuple[str, str, str, str, str]], None],
    report: Callable[[str], None],
) -> PolicyCounts:
    """Evaluate the lifecycle policy and the promotion tags; ``write`` each plan row, ``report`` other findings."""
    policy = config.lifecycle
    counts = PolicyCounts()
    referenced, versions = registered_run_ids(client, page_size)
    for experiment_id, _experiment_name in experiments:
        ranked: list[tuple[float, str, bool]] = []  # (metric value, run_id, may be retired)
        for page in iter_runs(client, experiment_id, page_size):
            for run in page:
                counts.runs += 1
                for row in _run_actions(run, policy, referenced, now_ms, counts, ranked):
                    write(row)
                    counts.add(counts.actions, row[2])
        for row in _rank_actions(ranked, experiment_id, policy):
            write(row)
            counts.add(counts.actions, row[2])
    for row in _promotion_rows(client, versions, config, page_size, report, counts):
        write(row)
        counts.add(counts.actions, row[2])
    return counts


def _retire(run_id: str, experiment_id: str, policy: LifecyclePolicy, reason: str) -> Iterator[tuple[str, str, str, str, str]]:
    yield (run_id, experiment_id, DELETE_RUN if policy.action == DELETE else ARCHIVE, "", reason)
    if policy.delete_artifacts:
        yield (run_id, experiment_id, DELETE_ARTIFACTS, "", f"{reason}; IRREVERSIBLE: undo cannot restore deleted artifact files")


def _run_actions(
    run: Any, policy: LifecyclePolicy, referenced: set[str], now_ms: int, counts: PolicyCounts, ranked: list
) -> Iterator[tuple[str, str, str, str, str]]:
    info, tags = run.info, dict(run.data.tags)
    run_id, experiment_id, status = info.run_id, str(info.experiment_id), str(info.status)
    started = info.start_time or 0
    ended = info.end_time or started
    days = (now_ms - ended) / _DAY_MS
    kept = None
    if tags.get(ARCHIVE_STATUS_TAG) == ARCHIVED:
        kept = "already archived"
    elif is_protected(tags, policy) is not None:
        kept = "protected tag"
    elif run_id in referenced:
        kept = "referenced by a model version"
    if status == "FINISHED" and policy.keep_top_metric is not None:
        # Every finished run is ranked, kept ones too: archiving the bottom must not make the
        # next audit's top 10% a smaller set of runs (and archive again, run after run).
        value = run.data.metrics.get(policy.keep_top_metric)
        number = float(value) if value is not None and not math.isnan(value) else None
        ranked.append((number, run_id, kept is None and bool(ended) and days > (policy.others_after_days or 0)))
    if kept is not None:
        counts.add(counts.kept, kept)
        return
    if status == "RUNNING" and policy.stale_running_after_hours is not None and started:
        hours = (now_ms - started) / _HOUR_MS
        if hours > policy.stale_running_after_hours:
            yield (run_id, experiment_id, KILL, "", f"RUNNING for {hours:.1f} hours (stale-running-after-hours = {policy.stale_running_after_hours:g})")
            return
    if status in ("FAILED", "KILLED") and policy.failed_after_days is not None and ended and days > policy.failed_after_days:
        yield from _retire(run_id, experiment_id, policy, f"{status} {days:.1f} days ago (failed-after-days = {policy.failed_after_days:g})")


def _rank_actions(ranked: list, experiment_id: str, policy: LifecyclePolicy) -> Iterator[tuple[str, str, str, str, str]]:
    """Retire the old FINISHED runs outside the experiment's top ``keep-top-percent`` by the metric."""
    if not ranked:
        return
    metric, percent = policy.keep_top_metric, policy.keep_top_percent or 0
    with_metric = [r for r in ranked if r[0] is not None]
    with_metric.sort(key=lambda r: r[0], reverse=policy.keep_top_direction == "max")
    keep = math.ceil(len(with_metric) * percent / 100)
    best = "highest" if policy.keep_top_direction == "max" else "lowest"
    for rank, (value, run_id, old) in enumerate(with_metric, 1):
        if rank > keep and old:
            reason = (
                f"{metric} = {value:g} ranks {rank} of {len(with_metric)}, outside the top {percent:g}% ({best} first, "
                f"{keep} kept); older than {policy.others_after_days:g} days"
            )
            yield from _retire(run_id, experiment_id, policy, reason)
    for value, run_id, old in ranked:
        if value is None and old:
            yield from _retire(run_id, experiment_id, policy, f"has no metric {metric!r}, so it is not in the top {percent:g}%; older than {policy.others_after_days:g} days")


def _promotion_rows(
    client: Any, versions: list[Any], config: Config, page_size: int, report: Callable[[str], None], counts: PolicyCounts
) -> Iterator[tuple[str, str, str, str, str]]:
    """A ``tag_promotion`` row per promoted version whose run lacks the tags; versions without a run reported."""
    for version in versions:
        if not version.run_id:
            counts.add(counts.kept, "model version without run_id")
            report(f"model {version.name!r} version {version.version} has no run_id: registered from {version.source!r}, so it cannot be traced to a run")
    promoted = _promoted_versions(client, versions, page_size)
    by_key = {(v.name, str(v.version)): v for v in versions}
    wanted: dict[str, list[tuple[str, str]]] = {}
    for key, why in sorted(promoted.items()):
        version = by_key.get(key)
        if version is None or not version.run_id:
            continue
        wanted.setdefault(version.run_id, []).append((f"{key[0]}/{key[1]}", ", ".join(why)))
    for run_id, items in wanted.items():
        run = _get_run(client, run_id)
        if run is None:
            report(f"run {run_id} behind {items[0][0]} no longer exists")
            continue
        detail = ",".join(sorted(name for name, _ in items))
        tags = dict(run.data.tags)
        if str(tags.get(config.promotion_tag, "")).lower() == "true" and tags.get(config.promotion_version_tag) == detail:
            continue
        reasons = "; ".join(f"{name} is promoted ({why})" for name, why in items)
        yield (run_id, str(run.info.experiment_id), TAG_PROMOTION, detail, f"{reasons}; the run lacks {config.promotion_tag}=true, {config.promotion_version_tag}={detail}")


def _get_run(client: Any, run_id: str) -> Any:
    """The run, or None when it is gone."""
    try:
        return client.get_run(run_id)
    except Exception as error:
        if getattr(error, "error_code", None) == "RESOURCE_DOES_NOT_EXIST":
            return None
        raise


class PolicyPlanWriter:
    """The plan CSV, written row by row."""

    def __init__(self, handle: TextIO) -> None:
        self._writer = csv.writer(handle, lineterminator="\n")
        self._writer.writerow(POLICY_PLAN_COLUMNS)
        self.rows = 0

    def write(self, row: tuple[str, str, str, str, str]) -> None:
        """Append one action."""
        self._writer.writerow(row)
        self.rows += 1


# --- apply and undo ----------------------------------------------------------------------


def apply_policy_plan(
    client: Any,
    plan_path: Path,
    undo_path: Path,
    config: Config,
    *,
    dry_run: bool,
    allow_artifact_deletion: bool,
    delete_artifacts: Callable[[Any], None],
    page_size: int,
    now_ms: int,
    say: Callable[[str], None],
) -> PolicyCounts:
    """Carry out a policy plan, re-checking every run first; record each change in ``undo_path``.

    A ``delete_artifacts`` row needs ``allow_artifact_deletion`` (``--delete-artifacts``):
    the files are gone for good. Rows already in the undo file are skipped, so an
    interrupted apply is resumed by running it again.
    """
    counts = PolicyCounts()
    referenced, _ = registered_run_ids(client, page_size)
    done = {(row["run_id"], row["action"]) for row in read_csv(undo_path, POLICY_UNDO_COLUMNS)} if _nonempty(undo_path) else set()
    log = None
    try:
        for row in read_csv(plan_path, POLICY_PLAN_COLUMNS):
            run_id, action, detail = row["run_id"], row["action"], row["detail"]
            if (run_id, action) in done:
                counts.add(counts.actions, "already done")
                continue
            outcome, previous = _apply_one(
                client, run_id, action, detail, config, referenced, allow_artifact_deletion, delete_artifacts, dry_run, now_ms
            )
            counts.add(counts.actions, outcome.split(":", 1)[0])
            say(f"{'would ' if dry_run and outcome == 'done' else ''}{action} {run_id}: {outcome if outcome != 'done' else row['reason']}")
            if outcome != "done" or dry_run:
                continue
            if log is None:
                log = UndoLog(undo_path, POLICY_UNDO_COLUMNS)
            log.record(run_id, action, detail, json.dumps(previous, sort_keys=True))
    finally:
        if log is not None:
            log.close()
    return counts


def _nonempty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def _apply_one(
    client: Any, run_id: str, action: str, detail: str, config: Config, referenced: set[str],
    allow_artifact_deletion: bool, delete_artifacts: Callable[[Any], None], dry_run: bool, now_ms: int,
) -> tuple[str, dict[str, Any]]:  # fmt: skip
    """("done", what undo needs) or ("skipped: why", {})."""
    run = _get_run(client, run_id)
    if run is None:
        return "skipped: the run no longer exists", {}
    tags = dict(run.data.tags)
    deleted = run.info.lifecycle_stage == "deleted"
    if action == TAG_PROMOTION:
        if deleted:
            return "skipped: the run is deleted", {}
        keys = (config.promotion_tag, config.promotion_version_tag)
        previous = {key: tags.get(key) for key in keys}
        if not dry_run:
            client.set_tag(run_id, config.promotion_tag, "true")
            client.set_tag(run_id, config.promotion_version_tag, detail)
        return "done", {"tags": previous, "set": {config.promotion_tag: "true", config.promotion_version_tag: detail}}
    # Everything else retires or ends a run: the plan may be stale, so the guards run again.
    if run_id in referenced:
        return "skipped: a model version references the run now", {}
    protected = is_protected(tags, config.lifecycle)
    if protected is not None:
        return f"skipped: the run carries the protected tag {protected!r} now", {}
    if action == KILL:
        if str(run.info.status) != "RUNNING":
            return f"skipped: the run is {run.info.status} now, not RUNNING", {}
        if not dry_run:
            client.set_terminated(run_id, "KILLED")
        return "done", {"status": "RUNNING"}
    if action == ARCHIVE:
        if deleted:
            return "skipped: the run is deleted", {}
        if tags.get(ARCHIVE_STATUS_TAG) == ARCHIVED:
            return "skipped: already archived", {}
        keys = (ARCHIVE_STATUS_TAG, ARCHIVED_AT_TAG)
        stamp = datetime.fromtimestamp(now_ms / 1000, tz=timezone.utc).isoformat(timespec="seconds")
        previous = {key: tags.get(key) for key in keys}
        if not dry_run:
            client.set_tag(run_id, ARCHIVE_STATUS_TAG, ARCHIVED)
            client.set_tag(run_id, ARCHIVED_AT_TAG, stamp)
        return "done", {"tags": previous, "set": {ARCHIVE_STATUS_TAG: ARCHIVED, ARCHIVED_AT_TAG: stamp}}
    if action == DELETE_RUN:
        if deleted:
            return "skipped: already deleted", {}
        if not dry_run:
            client.delete_run(run_id)
        return "done", {"lifecycle_stage": "active"}
    if action == DELETE_ARTIFACTS:
        if not allow_artifact_deletion:
            return "skipped: deleting artifact files cannot be undone; pass --delete-artifacts to do it", {}
        if not dry_run:
            delete_artifacts(run)
        return "done", {"irreversible": True}
    return f"skipped: unknown action {action!r}", {}


def undo_policy(client: Any, undo_path: Path, *, dry_run: bool, say: Callable[[str], None]) -> PolicyCounts:
    """Reverse an applied policy plan, newest change first, where the run still shows that change."""
    counts = PolicyCounts()
    rows = list(read_csv(undo_path, POLICY_UNDO_COLUMNS))
    for row in reversed(rows):
        run_id, action = row["run_id"], row["action"]
        try:
            previous = json.loads(row["previous"] or "{}")
        except ValueError:
            raise AuditError(f"{undo_path}: row for run {run_id} has an unreadable 'previous' column") from None
        outcome = _undo_one(client, run_id, action, previous, dry_run)
        kind, _, why = outcome.partition(": ")
        counts.add(counts.actions, kind)
        verb = "would restore" if dry_run and kind == "restored" else kind
        say(f"{verb} {action} {run_id}" + (f" ({why})" if why else ""))
    return counts


def _undo_one(client: Any, run_id: str, action: str, previous: dict[str, Any], dry_run: bool) -> str:
    if action == DELETE_ARTIFACTS:
        return "not restorable: deleted artifact files are gone"
    run = _get_run(client, run_id)
    if run is None:
        return "skipped: the run no longer exists"
    if action == DELETE_RUN:
        if run.info.lifecycle_stage != "deleted":
            return "already done"
        if not dry_run:
            client.restore_run(run_id)
        return "restored"
    if action == KILL:
        if str(run.info.status) != "KILLED":
            return f"skipped: the run is {run.info.status} now"
        if not dry_run:
            client.update_run(run_id, status=previous.get("status", "RUNNING"))
        return "restored"
    if action in (ARCHIVE, TAG_PROMOTION):
        tags = dict(run.data.tags)
        ours = previous.get("set", {})
        if all(tags.get(key) != value for key, value in ours.items()):
            return "already done"
        if any(tags.get(key) != value for key, value in ours.items()):
            return "skipped: its tags were changed since"
        if not dry_run:
            for key, value in previous.get("tags", {}).items():
                if value is None:
                    client.delete_tag(run_id, key)
                else:
                    client.set_tag(run_id, key, value)
        return "restored"
    return f"skipped: unknown action {action!r}"

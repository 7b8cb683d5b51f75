"""``mlflow-naming audit --policy``: the archival policy and promotion tags, planned, applied, undone.

Called by :mod:`.audit` (which owns MLflow's import, the client and error handling); the
work is :mod:`..audit.lifecycle`. Exit codes: 0 nothing to do (or everything done), 1
actions planned (or rows skipped), 2 errors.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from ..audit.lifecycle import DELETE_ARTIFACTS, PolicyCounts, PolicyPlanWriter, apply_policy_plan, plan_policy, undo_policy
from ..audit.store import AuditError, resolve_experiments
from ..config import Config
from .options import EXIT_CLEAN, EXIT_FINDINGS


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {key}" for key, n in sorted(counts.items())) or "nothing"


def policy_command(client: Any, uri: str, config: Config, args: argparse.Namespace) -> int:
    """Plan (report, or ``--plan FILE``), ``--apply FILE`` or ``--undo FILE`` the lifecycle policy."""
    now_ms = int(time.time() * 1000)
    if args.apply:
        undo_path = args.undo_file or Path(f"{args.apply}.undo.csv")
        counts = apply_policy_plan(
            client, args.apply, undo_path, config, dry_run=args.dry_run,
            allow_artifact_deletion=args.delete_artifacts, delete_artifacts=lambda run: _delete_artifacts(run, uri),
            page_size=args.page_size, now_ms=now_ms, say=_say,
        )  # fmt: skip
        tail = "" if args.dry_run else f"; undo file {undo_path}"
        _say(f"{'would apply' if args.dry_run else 'applied'}: {_counted(counts.actions)}{tail}")
        return EXIT_FINDINGS if counts.actions.get("skipped") else EXIT_CLEAN
    if args.undo:
        counts = undo_policy(client, args.undo, dry_run=args.dry_run, say=_say)
        _say(f"undo: {_counted(counts.actions)}")
        return EXIT_FINDINGS if counts.actions.get("skipped") or counts.actions.get("not restorable") else EXIT_CLEAN
    if not config.lifecycle.configured:
        _say("lifecycle: no age rule configured in [tool.mlflow-naming.lifecycle]; only promotion tags are checked")
    experiments = resolve_experiments(client, args.experiment, args.page_size)
    writer, handle, tmp = None, None, None
    if args.plan is not None:
        tmp = args.plan.with_name(args.plan.name + ".tmp")  # renamed at the end: no half plan
        handle = tmp.open("w", newline="", encoding="utf-8")
        writer = PolicyPlanWriter(handle)

    def write(row: tuple[str, str, str, str, str]) -> None:
        run_id, experiment_id, action, detail, reason = row
        _say(f"{action} {run_id} (experiment {experiment_id}){' ' + detail if detail else ''}: {reason}")
        if writer is not None:
            writer.write(row)

    try:
        counts = plan_policy(
            client, experiments, config, page_size=args.page_size, now_ms=now_ms, write=write,
            report=lambda line: _say(f"registry: {line}"),
        )  # fmt: skip
    except BaseException:
        if handle is not None and tmp is not None:
            handle.close()
            tmp.unlink(missing_ok=True)
        raise
    if handle is not None and tmp is not None:
        handle.close()
        os.replace(tmp, args.plan)
    _summary(counts, args.plan)
    return EXIT_FINDINGS if counts.actions else EXIT_CLEAN


def _summary(counts: PolicyCounts, plan: Path | None) -> None:
    _say(f"policy: {counts.runs} runs; actions: {_counted(counts.actions)}; kept: {_counted(counts.kept)}")
    if counts.actions.get(DELETE_ARTIFACTS):
        _say("note: delete_artifacts rows cannot be undone; --apply does them only with --delete-artifacts")
    if plan is not None:
        _say(f"plan: {sum(counts.actions.values())} action(s) in {plan}")


def _delete_artifacts(run: Any, uri: str) -> None:
    """Delete every artifact file of ``run`` through MLflow's artifact repository for its artifact URI."""
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

    artifact_uri = run.info.artifact_uri
    if not artifact_uri:
        raise AuditError(f"run {run.info.run_id} has no artifact URI")
    get_artifact_repository(artifact_uri, tracking_uri=uri).delete_artifacts()

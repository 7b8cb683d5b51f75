"""``mlflow-naming audit``: the command line side of :mod:`..audit`.

Imported only when ``audit`` runs (``check`` never imports MLflow). Exit codes: 0 clean,
1 findings (or, for ``--apply``/``--undo``, rows skipped), 2 errors, each error one line
with any credentials in the tracking URI masked.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from ..audit.checks import KINDS, RunProblem, RunRecord, Summary, mask_uri, one_line
from ..audit.plan import PlanWriter
from ..audit.rename import RenameCounts, apply_plan, undo_renames
from ..audit.store import AuditError, audit, resolve_experiments
from ..config import Config
from ..naming import PatternTimeout
from ..runtime import INSTALL_HINT
from .options import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, config_source
from .progress import Progress

#: MLflow retries a refused connection 7 times with exponential backoff (minutes); an audit
#: of an unreachable server should fail in seconds. Explicit environment settings win.
_HTTP_DEFAULTS = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2", "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1"}
CSV_COLUMNS = ("experiment_id", "experiment_name", "run_id", "run_name", "kind", "reason")


def _error(message: str) -> int:
    sys.stderr.write(f"mlflow-naming: error: audit: {mask_uri(message)}\n")
    return EXIT_ERROR


def audit_command(args: argparse.Namespace) -> int:
    """Audit, plan, apply or undo, as the arguments say; return the exit code."""
    uri = args.tracking_uri
    if args.dry_run and not (args.apply or args.undo):
        return _error("--dry-run works only with --apply or --undo")
    if getattr(args, "delete_artifacts", False) and not (args.policy and args.apply):
        return _error("--delete-artifacts works only with --policy --apply")
    if args.undo_file and not args.apply:
        return _error("--undo-file works only with --apply")
    try:
        import mlflow
    except ImportError as error:
        return _error(f"needs MLflow, which cannot be imported ({error}); install it with: {INSTALL_HINT}")
    config = config_source(args).for_path(Path.cwd() / "pyproject.toml")
    for key, value in _HTTP_DEFAULTS.items():
        os.environ.setdefault(key, value)
    missing = _missing_local_store(uri)
    if missing is not None:
        return _error(f"no tracking store at {missing} (tracking URI {uri}); check the path")
    try:
        client = mlflow.MlflowClient(tracking_uri=uri)
        if getattr(args, "policy", False):
            from .audit_policy import policy_command

            return policy_command(client, uri, config, args)
        if args.apply:
            undo_path = args.undo_file or Path(f"{args.apply}.undo.csv")
            counts = apply_plan(client, args.apply, undo_path, config.schema, dry_run=args.dry_run, say=_say)
            return _rename_summary("would rename" if args.dry_run else "renamed", counts, undo_path, args.dry_run)
        if args.undo:
            counts = undo_renames(client, args.undo, dry_run=args.dry_run, say=_say)
            return _rename_summary("would restore" if args.dry_run else "restored", counts, None, args.dry_run)
        return _audit(client, uri, config, args)
    except AuditError as error:
        return _error(f"{error} (tracking URI {uri})")
    except PatternTimeout as error:
        return _error(str(error))
    except OSError as error:
        return _error(f"{error} (tracking URI {uri})")
    except Exception as error:  # MlflowException, requests errors: the server's problem, one line
        return _error(f"cannot audit tracking URI {uri}: {one_line(error)}")


def _missing_local_store(uri: str) -> str | None:
    """The path of a local store the URI names that does not exist, else None.

    MLflow creates an empty SQLite database (or ``mlruns`` folder) for a path that does not
    exist, so a typo would audit nothing and report a clean store.
    """
    from urllib.parse import unquote, urlparse

    if uri.startswith("sqlite:"):
        # SQLAlchemy: sqlite:///relative.db, sqlite:////absolute.db; sqlite:// is in memory.
        rest = uri[len("sqlite:") :]
        if not rest.startswith("///"):
            return None
        path = unquote(rest[3:].split("?", 1)[0])
        if not path or path == ":memory:":
            return None
    elif uri.startswith("file:"):
        path = unquote(urlparse(uri).path)
    elif "://" in uri or uri in ("databricks", "databricks-uc") or uri.startswith(("databricks:", "databricks-uc:")):
        return None
    else:
        path = uri  # a plain path is a file store
    return None if os.path.exists(path) else path


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


def _rename_summary(verb: str, counts: RenameCounts, undo_path: Path | None, dry_run: bool) -> int:
    parts = [f"{counts.renamed} {verb}", f"{counts.already} already done", f"{counts.skipped} skipped"]
    if counts.no_new_name:
        parts.append(f"{counts.no_new_name} without a new name")
    tail = f"; undo file {undo_path}" if undo_path is not None and not dry_run else ""
    _say(", ".join(parts) + tail)
    return EXIT_FINDINGS if counts.skipped else EXIT_CLEAN


class _Report:
    """Writes findings as they arrive and the summaries at the end, in one output format."""

    def __init__(self, out: TextIO, output_format: str, uri: str, progress: Progress) -> None:
        self._out, self._format, self._progress = out, output_format, progress
        self._first = True
        if output_format == "json":
            out.write(f'{{"tracking_uri": {json.dumps(mask_uri(uri))}, "findings": [')
        elif output_format == "csv":
            self._csv = csv.writer(out, lineterminator="\n")
            self._csv.writerow(CSV_COLUMNS)

    def finding(self, record: RunRecord, experiment_name: str, finding: RunProblem) -> None:
        """One run's problem: a row, or ``experiment: run_id kind: reason``."""
        row = (record.experiment_id, experiment_name, record.run_id, record.name, finding.kind, finding.reason)
        self._write(row, f"{experiment_name}: {record.run_id} {finding.kind}: {finding.reason}\n")

    def experiment_finding(self, experiment_id: str, experiment_name: str, finding: RunProblem) -> None:
        """An experiment's own problem: a row with no run, or ``experiment 'x' (id) kind: reason``."""
        row = (experiment_id, experiment_name, "", "", finding.kind, finding.reason)
        self._write(row, f"experiment {experiment_name!r} ({experiment_id}) {finding.kind}: {finding.reason}\n")

    def _write(self, row: tuple[str, ...], text_line: str) -> None:
        self._progress.clear()
        if self._format == "json":
            self._out.write(("\n  " if self._first else ",\n  ") + json.dumps(dict(zip(CSV_COLUMNS, row))))
            self._first = False
        elif self._format == "csv":
            self._csv.writerow(row)
        else:
            self._out.write(text_line)

    def end(self, summaries: list[Summary], total: Summary, plan: dict[str, Any] | None) -> None:
        if self._format == "json":
            totals = {k: v for k, v in total.as_dict().items() if not k.startswith("experiment_")}
            body = {"experiments": [s.as_dict() for s in summaries], "total": {"experiments": len(summaries), **totals}}
            if plan is not None:
                body["plan"] = plan
            tail = json.dumps(body, indent=2)[1:]
            self._out.write("\n]," + tail + "\n")
            return
        if self._format == "csv":
            if plan is not None:
                sys.stderr.write(_plan_line(plan) + "\n")
            return
        for summary in summaries:
            self._out.write(_summary_line(f"experiment {summary.experiment_name!r} ({summary.experiment_id})", summary))
        self._out.write(_summary_line(f"total: {len(summaries)} experiment(s)", total))
        if plan is not None:
            self._out.write(_plan_line(plan) + "\n")


def _summary_line(label: str, summary: Summary) -> str:
    kinds = ", ".join(f"{kind} {summary.counts[kind]}" for kind in KINDS)
    return f"{label}: {summary.runs} runs, {summary.runs_with_findings} with findings ({kinds})\n"


def _plan_line(plan: dict[str, Any]) -> str:
    return f"plan: {plan['rows']} run(s) to rename in {plan['file']} ({plan['without_new_name']} without a new name)"


def _audit(client: Any, uri: str, config: Config, args: argparse.Namespace) -> int:
    progress = Progress(sys.stderr)
    experiments = resolve_experiments(client, args.experiment, args.page_size)
    report = _Report(sys.stdout, args.output_format, uri, progress)
    plan_writer, plan_handle, plan_tmp = None, None, None
    if args.plan is not None:
        # Written beside the target and renamed at the end: a failed audit leaves no half plan.
        plan_tmp = args.plan.with_name(args.plan.name + ".tmp")
        plan_handle = plan_tmp.open("w", newline="", encoding="utf-8")
        plan_writer = PlanWriter(plan_handle, config)
    try:
        summaries = audit(
            client,
            experiments,
            config,
            stale_after_hours=args.stale_after if args.stale_after > 0 else None,
            page_size=args.page_size,
            now_ms=int(time.time() * 1000),
            on_finding=report.finding,
            plan=plan_writer,
            progress=progress.show if progress.on_terminal else None,
            on_experiment_finding=report.experiment_finding,
        )
    except BaseException:
        if plan_handle is not None and plan_tmp is not None:
            plan_handle.close()
            plan_tmp.unlink(missing_ok=True)
        raise
    finally:
        progress.clear()
    plan = None
    if plan_writer is not None:
        assert plan_handle is not None and plan_tmp is not None  # opened together with plan_writer
        plan_handle.close()
        os.replace(plan_tmp, args.plan)
        plan = {"file": str(args.plan), "rows": plan_writer.rows, "without_new_name": plan_writer.unbuildable}
    total = Summary("", "")
    for summary in summaries:
        total.merge(summary)
    report.end(summaries, total, plan)
    return EXIT_FINDINGS if total.runs_with_findings or total.experiments_with_findings else EXIT_CLEAN

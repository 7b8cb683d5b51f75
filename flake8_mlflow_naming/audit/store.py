"""Paging through a tracking store: the experiments asked for, their runs a page at a time, the audit loop."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..config import Config
from .checks import RunProblem, RunRecord, Summary, experiment_findings, run_findings
from .plan import PlanWriter


class AuditError(Exception):
    """The audit cannot go on (unknown experiment, unreadable file); one line for the user."""


def resolve_experiments(client: Any, names_or_ids: Iterable[str], page_size: int) -> list[tuple[str, str]]:
    """(id, name) of the experiments asked for; every active one when none is named."""
    wanted = list(names_or_ids)
    if not wanted:
        found: list[tuple[str, str]] = []
        token = None
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
    on_finding: Callable[[RunRecord, str, RunProblem], None],
    plan: PlanWriter | None = None,
    progress: Callable[[str], None] | None = None,
    on_experiment_finding: Callable[[str, str, RunProblem], None] | None = None,
) -> list[Summary]:
    """Audit every run of ``experiments``; call ``on_finding`` per finding; one Summary each.

    ``on_experiment_finding(experiment_id, experiment_name, problem)`` hears of experiments
    whose own name breaks ``experiment-name-regex``.
    """
    stale_after_ms = None if stale_after_hours is None else int(stale_after_hours * 3_600_000)
    summaries = []
    for experiment_id, experiment_name in experiments:
        summary = Summary(experiment_id, experiment_name)
        problems = experiment_findings(experiment_id, experiment_name, config)
        if problems:
            summary.experiments_with_findings = 1
        for problem in problems:
            if on_experiment_finding is not None:
                on_experiment_finding(experiment_id, experiment_name, problem)
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

"""Rename plans: a schema-valid, unique new name for every badly named run, written as CSV."""

from __future__ import annotations

import csv
import tempfile
from typing import Any, TextIO

from ..config import Config
from ..naming import NameSchema, fill_template, looks_generated
from .checks import RunProblem, RunRecord

#: Columns of the plan CSV written by ``--plan`` and read by ``--apply``.
PLAN_COLUMNS = ("run_id", "experiment_id", "old_name", "new_name", "reason")
#: Attempts at ``base_2``, ``base_3``, ... before a name is declared unbuildable.
MAX_UNIQUE_SUFFIX = 10_000


def propose_name(record: RunRecord, experiment_name: str, template: str | None, schema: NameSchema) -> tuple[str | None, str]:
    """A schema-valid new name for one run (not yet unique), or None and why not."""
    if template is None:
        if looks_generated(record.name) or not record.name:
            return None, "the old name carries no information; set rename-template to build one"
        text = record.name
    else:
        try:
            text = fill_template(template, record.template_fields(experiment_name), record.tags, record.params)
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

    def add(self, record: RunRecord, experiment_name: str, findings: list[RunProblem]) -> None:
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

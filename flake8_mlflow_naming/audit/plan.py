"""Rename plans: a schema-valid, unique new name for every badly named run, written as CSV."""

from __future__ import annotations

import csv
import tempfile
from typing import Any, TextIO

from ..config import Config
from ..naming import (
    DEFAULT_RENAME_TEMPLATES,
    NameSchema,
    UnnamableError,
    base_name,
    looks_generated,
    run_fields,
    unique_name,
)
from .checks import RunProblem, RunRecord

__all__ = ["PLAN_COLUMNS", "PlanWriter", "propose_name", "unique_name"]

#: Columns of the plan CSV written by ``--plan`` and read by ``--apply``.
PLAN_COLUMNS = ("run_id", "experiment_id", "old_name", "new_name", "reason")


def propose_name(record: RunRecord, experiment_name: str, template: str | None, schema: NameSchema) -> tuple[str | None, str]:
    """A schema-valid new name for one run (not yet unique), or None and why not.

    The names come from the package's one synthesizer (:func:`..naming.base_name`). Without
    a ``rename-template`` the chain is :data:`..naming.DEFAULT_RENAME_TEMPLATES`: the old name
    normalised when it carries information, else the experiment and start time, so every
    run gets a name. A configured template is used alone: its own ``{a|b}`` fallbacks are
    the only ones, and a run it cannot fill is listed with the missing field.
    """
    fields = record.template_fields(experiment_name)
    if template is None:
        if looks_generated(record.name):
            fields["name"] = None  # normalising clumsy-fish-158 gives an equally meaningless name
        templates: tuple[str, ...] = DEFAULT_RENAME_TEMPLATES
    else:
        templates = (template,)
    try:
        return base_name(templates, run_fields(fields, record.tags, record.params), schema), ""
    except UnnamableError as error:
        return None, str(error)


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
        self._pending = tempfile.TemporaryFile("w+", newline="", encoding="utf-8")  # noqa: SIM115 - spans calls, closed by finish_experiment
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

"""Apply a rename plan and undo it, renaming a run only while it still has the expected name.

A plan or undo file is input the user hands over, possibly from a repository or a colleague,
possibly edited (``docs/audit.md`` invites editing a plan). So the whole file is checked
before the first rename (:func:`_validated`): every row has the header's fields, names a run
once, gives a new name that fits the schema and is unique in its experiment, and names a
run that the store says is in the experiment the row says. A file that fails any of this is
refused with one line naming the row, and nothing is renamed: a plan is never half applied
because of a bad row. What may legitimately change between planning and applying (a run
renamed or deleted since) is still decided run by run, right before each rename.

Why not an HMAC over the plan (as the findings cache has): a plan is meant to be reviewed and
edited by people, and a signature would refuse every legitimate edit, while it would not make
a hostile but signed plan any safer. The checks above and ``--dry-run`` are what protect.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..naming import NameSchema
from .plan import PLAN_COLUMNS
from .store import AuditError

#: Columns of the undo CSV written by ``--apply`` and read by ``--undo``.
UNDO_COLUMNS = ("run_id", "experiment_id", "old_name", "new_name")



class PlanRefused(AuditError):
    """A plan or undo file that does not hold up as a whole; nothing was renamed."""


@dataclass
class RenameCounts:
    """What ``--apply`` or ``--undo`` did."""

    renamed: int = 0
    already: int = 0
    skipped: int = 0
    no_new_name: int = 0


def read_csv(path: Path, columns: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """The rows of a plan or undo file, checking that it has ``columns``."""
    for _, row in _numbered_rows(path, columns):
        yield row


def _numbered_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a plan or undo file; AuditError for a file that is not one."""
    try:
        # utf-8-sig: a plan saved from Excel starts with a byte order mark.
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise AuditError(f"{path}: cannot read ({error.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            missing = [c for c in columns if c not in (reader.fieldnames or ())]
            if missing:
                raise AuditError(f"{path}: not a file of this kind; missing column(s) {', '.join(missing)}")
            for row in reader:
                if None in row or None in row.values():
                    raise PlanRefused(f"{path}: line {reader.line_num}: {_field_count(row)} fields, the header has {len(reader.fieldnames or ())}; nothing renamed")
                yield reader.line_num, row
        except (csv.Error, UnicodeDecodeError) as error:
            raise AuditError(f"{path}: not a valid CSV file ({error})") from None


def _field_count(row: dict) -> int:
    extra = row.get(None) or []
    return sum(1 for key, value in row.items() if key is not None and value is not None) + len(extra)


def _validated(
    client: Any, path: Path, columns: tuple[str, ...], target: str, schema: NameSchema | None
) -> list[dict[str, str]]:
    """Every row of the file, once the whole file is known to hold up; :class:`PlanRefused` otherwise.

    ``target`` is the column holding the name a run will get (``new_name`` for a plan,
    ``old_name`` for an undo file). A plan (``schema`` given) must name each run once, with a
    name the schema accepts and no other row of the experiment gives; an undo file may list
    a run again (an apply after an undo appends it once more).
    """
    rows: list[tuple[int, dict[str, str]]] = list(_numbered_rows(path, columns))
    seen: dict[str, int] = {}
    given: dict[tuple[str, str], int] = {}

    def refuse(line: int, why: str) -> PlanRefused:
        return PlanRefused(f"{path}: line {line}: {why}; nothing renamed")

    for line, row in rows:
        run_id = row["run_id"]
        if not run_id or not run_id.isprintable() or run_id != run_id.strip() or "/" in run_id:
            raise refuse(line, f"{run_id!r} is not a run id")
        if run_id in seen and schema is not None:
            raise refuse(line, f"run {run_id} is listed twice (also line {seen[run_id]})")
        seen[run_id] = line
        name = row[target]
        if not name or schema is None:
            continue
        problem = schema.problem(name)
        if problem is not None:
            raise refuse(line, f"new name {name!r} {problem}")
        key = (row["experiment_id"], name)
        if key in given:
            raise refuse(line, f"new name {name!r} is also given on line {given[key]} in the same experiment")
        given[key] = line
    for line, row in rows:
        if not row[target]:
            continue
        experiment_id = _experiment_of(client, row["run_id"])
        if experiment_id is not None and experiment_id != row["experiment_id"]:
            raise refuse(line, f"run {row['run_id']} is in experiment {experiment_id}, not {row['experiment_id']!r} (a file of another store?)")
    return [row for _, row in rows]


def _experiment_of(client: Any, run_id: str) -> str | None:
    """The experiment of the run, or None when the run no longer exists."""
    try:
        run = client.get_run(run_id)
    except Exception as error:
        if getattr(error, "error_code", None) in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
            return None
        raise
    return str(run.info.experiment_id)


def _done_run_ids(undo_path: Path) -> set[str]:
    if os.path.islink(undo_path):
        raise AuditError(f"undo file {undo_path} is a symbolic link; nothing renamed")
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


class UndoLog:
    """An undo CSV, appended and flushed to disk after every change, so a crash loses nothing."""

    def __init__(self, path: Path, columns: tuple[str, ...] = UNDO_COLUMNS) -> None:
        try:
            # Never through a link: a planted `plan.csv.undo.csv -> ~/.bashrc` must not be appended to.
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as error:
            why = "is a symbolic link" if os.path.islink(path) else f"cannot be written ({error.strerror})"
            raise AuditError(f"undo file {path} {why}; nothing renamed") from None
        new = os.fstat(descriptor).st_size == 0
        self._handle = os.fdopen(descriptor, "a", newline="", encoding="utf-8")
        self._writer = csv.writer(self._handle, lineterminator="\n")
        if new:
            self._writer.writerow(columns)
            self._sync()

    def record(self, *values: str) -> None:
        """Append one done change (a rename: run_id, experiment_id, old_name, new_name)."""
        self._writer.writerow(values)
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

    Every row is checked against the run's current name, so an interrupted apply is resumed
    by running it again, and an apply after ``--undo`` renames the runs again. A run already
    carrying ``new_name`` counts as already done; it is recorded in the undo file unless the
    undo file lists it already.
    """
    counts = RenameCounts()
    rows = _validated(client, plan_path, PLAN_COLUMNS, "new_name", schema)
    done = _done_run_ids(undo_path)
    # Opened before the first rename, so an undo file that cannot be written stops the apply
    # before it changes anything (and a plan with nothing to rename leaves no undo file).
    log = UndoLog(undo_path) if not dry_run and any(row["new_name"] for row in rows) else None
    try:
        for row in rows:
            run_id, old, new = row["run_id"], row["old_name"], row["new_name"]
            if not new:
                counts.no_new_name += 1
                continue
            outcome = _rename_if_unchanged(client, run_id, old, new, dry_run=dry_run, say=say, undo=False)
            setattr(counts, outcome, getattr(counts, outcome) + 1)
            if outcome == "skipped" or log is None or (outcome == "already" and run_id in done):
                continue
            log.record(run_id, row["experiment_id"], old, new)
            done.add(run_id)
    finally:
        if log is not None:
            log.close()
    return counts


def undo_renames(client: Any, undo_path: Path, *, dry_run: bool, say: Callable[[str], None]) -> RenameCounts:
    """Give back the old names of an undo file, for runs still carrying the name we gave them."""
    counts = RenameCounts()
    for row in _validated(client, undo_path, UNDO_COLUMNS, "old_name", None):
        run_id, old, new = row["run_id"], row["old_name"], row["new_name"]
        if not old:
            counts.skipped += 1  # update_run ignores an empty name
            say(f"skipped {run_id}: it had no name, and MLflow cannot set an empty one")
            continue
        outcome = _rename_if_unchanged(client, run_id, new, old, dry_run=dry_run, say=say, undo=True)
        setattr(counts, outcome, getattr(counts, outcome) + 1)
    return counts

"""Apply a rename plan and undo it, renaming a run only while it still has the expected name."""

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
        # utf-8-sig: a plan saved from Excel starts with a byte order mark.
        handle = path.open(newline="", encoding="utf-8-sig")
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


class UndoLog:
    """An undo CSV, appended and flushed to disk after every change, so a crash loses nothing."""

    def __init__(self, path: Path, columns: tuple[str, ...] = UNDO_COLUMNS) -> None:
        new = not path.is_file() or path.stat().st_size == 0
        self._handle = path.open("a", newline="", encoding="utf-8")
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
    done = _done_run_ids(undo_path)
    log = None  # opened at the first rename: a bad plan file must not leave an undo file
    try:
        for row in read_csv(plan_path, PLAN_COLUMNS):
            run_id, old, new = row["run_id"], row["old_name"], row["new_name"]
            if not new:
                counts.no_new_name += 1
                continue
            problem = schema.problem(new)
            if problem is not None:
                counts.skipped += 1
                say(f"skipped {run_id}: new name {new!r} {problem}")
                continue
            outcome = _rename_if_unchanged(client, run_id, old, new, dry_run=dry_run, say=say, undo=False)
            setattr(counts, outcome, getattr(counts, outcome) + 1)
            if outcome == "skipped" or dry_run or (outcome == "already" and run_id in done):
                continue
            if log is None:
                log = UndoLog(undo_path)
            log.record(run_id, row["experiment_id"], old, new)
            done.add(run_id)
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

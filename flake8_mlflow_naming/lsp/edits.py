"""A document's old and new text as the smallest LSP text edits that turn one into the other.

The narrowing itself (:mod:`..text_diff`) is shared with SARIF's ``fixes``; this module only
turns its replacements into LSP ranges in the client's position units, so a quick fix that
adds ``run_name="train_main"`` is one insertion of exactly that text, and the cursor, marks
and folds elsewhere in the buffer stay put.
"""

from __future__ import annotations

from lsprotocol import types

from ..text_diff import replacements
from .documents import Positions, UnitCounter


def text_edits(before: str, after: str, units: UnitCounter) -> list[types.TextEdit]:
    """Non-overlapping edits, in document order, that turn ``before`` into ``after``."""
    if before == after:
        return []
    positions = Positions(before, units)
    return [
        types.TextEdit(range=types.Range(positions.at_offset(r.start), positions.at_offset(r.end)), new_text=r.text)
        for r in replacements(before, after)
    ]

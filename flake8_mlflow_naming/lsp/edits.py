"""A document's old and new text as the smallest LSP text edits that turn one into the other.

Fixes are applied by the fix layer to whole modules; an editor wants edits. The texts are
compared line by line (:mod:`difflib`), and each changed block is narrowed to the characters
that really differ, so a quick fix that adds ``run_name="train_main"`` is one insertion of
exactly that text, and the cursor, marks and folds elsewhere in the buffer stay put.
"""

from __future__ import annotations

import difflib

from lsprotocol import types

from .documents import Positions, UnitCounter, split_lines


def text_edits(before: str, after: str, units: UnitCounter) -> list[types.TextEdit]:
    """Non-overlapping edits, in document order, that turn ``before`` into ``after``."""
    if before == after:
        return []
    old, new = split_lines(before), split_lines(after)
    positions = Positions(before, units)
    edits: list[types.TextEdit | None] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 - i1 == j2 - j1:  # lines changed in place: one edit per line, each as narrow as it can be
            pairs = [(i, i + 1, j, j + 1) for i, j in zip(range(i1, i2), range(j1, j2))]
        else:
            pairs = [(i1, i2, j1, j2)]
        edits.extend(_narrowed(positions, old, new, *pair) for pair in pairs)
    return [edit for edit in edits if edit is not None]


def _narrowed(positions: Positions, old: list[str], new: list[str], i1: int, i2: int, j1: int, j2: int) -> types.TextEdit | None:
    """The edit replacing lines ``old[i1:i2]`` by ``new[j1:j2]``, without the characters they share."""
    removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
    if removed == added:
        return None
    start, end = positions.starts[i1], positions.starts[i2]
    prefix = _common_prefix(removed, added)
    suffix = _common_suffix(removed[prefix:], added[prefix:])
    # Never split a "\r\n" line break: LSP positions cannot point between its two characters.
    if prefix and removed[prefix - 1 : prefix + 1] == "\r\n":
        prefix -= 1
    if suffix and removed[len(removed) - suffix - 1 : len(removed) - suffix + 1] == "\r\n":
        suffix -= 1
    return types.TextEdit(
        range=types.Range(positions.at_offset(start + prefix), positions.at_offset(end - suffix)),
        new_text=added[prefix : len(added) - suffix],
    )


def _common_prefix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    index = 0
    while index < limit and a[index] == b[index]:
        index += 1
    return index


def _common_suffix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    index = 0
    while index < limit and a[-1 - index] == b[-1 - index]:
        index += 1
    return index

"""The smallest replacements that turn one text into another.

Fixes are applied by the fix layer to whole modules; an editor (LSP text edits) and a
code-scanning tool (SARIF ``fixes``) want edits. The texts are compared line by line
(:mod:`difflib`), and each changed block is narrowed to the characters that really differ,
so a fix that adds ``run_name="train_main"`` is one insertion of exactly that text.
"""

from __future__ import annotations

import bisect
import difflib
import io
from dataclasses import dataclass


@dataclass(frozen=True)
class Replacement:
    """Replace ``before[start:end]`` (code point offsets) by ``text``."""

    start: int
    end: int
    text: str


def split_lines(text: str) -> list[str]:
    """``text``'s lines with their endings, broken at ``\\n``, ``\\r\\n`` and ``\\r`` (as LSP and SARIF do)."""
    return io.StringIO(text, newline="").readlines()


def replacements(before: str, after: str) -> list[Replacement]:
    """Non-overlapping replacements, in text order, that turn ``before`` into ``after``."""
    if before == after:
        return []
    old, new = split_lines(before), split_lines(after)
    starts = line_starts(old)
    found: list[Replacement | None] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 - i1 == j2 - j1:  # lines changed in place: one replacement per line, each as narrow as it can be
            pairs = [(i, i + 1, j, j + 1) for i, j in zip(range(i1, i2), range(j1, j2))]
        else:
            pairs = [(i1, i2, j1, j2)]
        found.extend(_narrowed(starts, old, new, *pair) for pair in pairs)
    return [r for r in found if r is not None]


def line_starts(lines: list[str]) -> list[int]:
    """The offset where each of ``lines`` starts, and one past the end."""
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def line_and_column(starts: list[int], offset: int) -> tuple[int, int]:
    """The 1-based line and 1-based code point column of ``offset`` (``starts`` from :func:`line_starts`)."""
    index = max(bisect.bisect_right(starts, offset) - 1, 0)
    if index >= len(starts) - 1 and len(starts) > 1 and offset == starts[-1]:
        index = len(starts) - 1  # the very end of a text that ends with a line break: a new line
    return index + 1, offset - starts[index] + 1


def _narrowed(starts: list[int], old: list[str], new: list[str], i1: int, i2: int, j1: int, j2: int) -> Replacement | None:
    """The replacement of lines ``old[i1:i2]`` by ``new[j1:j2]``, without the characters they share."""
    removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
    if removed == added:
        return None
    start, end = starts[i1], starts[i2]
    prefix = _common_prefix(removed, added)
    suffix = _common_suffix(removed[prefix:], added[prefix:])
    # Never split a "\r\n" line break: positions cannot point between its two characters.
    if prefix and removed[prefix - 1 : prefix + 1] == "\r\n":
        prefix -= 1
    if suffix and removed[len(removed) - suffix - 1 : len(removed) - suffix + 1] == "\r\n":
        suffix -= 1
    return Replacement(start + prefix, end - suffix, added[prefix : len(added) - suffix])


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

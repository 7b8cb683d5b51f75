"""Configured regular expressions, matched with a time bound so a pathological one cannot hang.

A ``run-name-regex`` such as ``^(a|aa)+$`` backtracks exponentially on a long name that
almost matches: Python's ``re`` would hang ``check``, flake8, the runtime wrapper and
``audit`` forever. Every configured pattern is matched here with the ``regex`` package and
its ``timeout`` (it keeps ``re``'s syntax, lookarounds and backreferences included, which
``google-re2`` rejects; measurements in docs/robustness.md). A match that runs out of time
raises :class:`PatternTimeout`, which names the configuration key.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

#: A name is matched in microseconds; a second means the pattern backtracks catastrophically.
MATCH_TIMEOUT_SECONDS = 1.0
#: At load time a pattern is tried on a few near-miss strings, each given this long.
PROBE_TIMEOUT_SECONDS = 0.25
#: Length of the near-miss strings tried at load time (long enough to expose exponential time).
PROBE_LENGTH = 40


class PatternTimeout(ValueError):
    """Matching a configured pattern took too long; the message names the key and the text."""


@lru_cache(maxsize=128)
def compile_pattern(pattern: str) -> Any:
    """``pattern`` compiled by ``regex`` (VERSION0: the semantics of ``re``); raises ``regex.error``."""
    import regex  # imported when a name is first judged: it costs ~15 ms of every start-up

    return regex.compile(pattern, regex.VERSION0)


def fullmatch(pattern: str, text: str, key: str, timeout: float = MATCH_TIMEOUT_SECONDS) -> bool:
    """True when ``pattern`` matches all of ``text``; :class:`PatternTimeout` after ``timeout`` seconds."""
    try:
        return compile_pattern(pattern).fullmatch(text, timeout=timeout) is not None
    except TimeoutError:
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise PatternTimeout(
            f"{key} {pattern!r} took more than {timeout:g} s to match {shown!r}; "
            "it backtracks catastrophically: simplify nested or overlapping repetitions"
        ) from None


def probe(pattern: str, key: str) -> None:
    """Raise :class:`PatternTimeout` when ``pattern`` takes exponential time on a near-miss string.

    The strings tried repeat each character the pattern names (and a few common ones) and
    end in one that breaks the match, the shape that makes backtracking explode.
    """
    characters = {c for c in pattern if c.isalnum() or c in "_-."} | set("a0_")
    for character in sorted(characters):
        for ending in ("!", "\n"):
            fullmatch(pattern, character * PROBE_LENGTH + ending, key, timeout=PROBE_TIMEOUT_SECONDS)

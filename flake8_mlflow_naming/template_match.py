"""Decide whether a regex can fully match *some* filling of a template with holes.

An f-string such as ``f"trial_{i:04d}"`` is a template: literal text with holes whose
runtime value is unknown. MLN003 may only report an f-string when *no* filling of the
holes can match the naming schema, so this module answers "could it match?" soundly:
it builds a small NFA from the regex (via the standard library's own regex parser) and
runs it over the template, letting each hole consume any string.

Every approximation here errs towards "could match": assertions (anchors, ``\\b``,
lookarounds) are treated as always true, back-references as any string, and very long
bounded repeats as unbounded. So a template is reported only when it truly cannot match,
which is what "never report an f-string that some filling could match" requires.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

from .patterns import fullmatch

try:  # Python 3.11+
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants
    import sre_parse

#: A hole in a template: any string may stand there.
HOLE = None

#: Bounded repeats longer than this are treated as unbounded (a sound over-approximation).
_MAX_EXPANDED_REPEAT = 24

CharTest = Callable[[str], bool]


@dataclass
class _State:
    epsilon: list[int] = field(default_factory=list)
    edges: list[tuple[CharTest, int]] = field(default_factory=list)


class _Unsupported(Exception):
    """The regex uses a construct this module does not model."""


class _NFA:
    def __init__(self) -> None:
        self.states: list[_State] = []

    def new(self) -> int:
        self.states.append(_State())
        return len(self.states) - 1

    def closure(self, states: set[int]) -> set[int]:
        todo = list(states)
        seen = set(states)
        while todo:
            for nxt in self.states[todo.pop()].epsilon:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen


def _category_test(category: object) -> CharTest:
    c = sre_constants
    table: dict[object, CharTest] = {
        c.CATEGORY_DIGIT: str.isdigit,
        c.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdigit(),
        c.CATEGORY_SPACE: str.isspace,
        c.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
        c.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
        c.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
    }
    if category not in table:
        raise _Unsupported(category)
    return table[category]


def _class_test(items: Sequence[tuple[object, object]], ignore_case: bool) -> CharTest:
    c = sre_constants
    negate = False
    tests: list[CharTest] = []
    for op, arg in items:
        if op is c.NEGATE:
            negate = True
        elif op is c.LITERAL:
            tests.append(_literal_test(arg, ignore_case))  # type: ignore[arg-type]
        elif op is c.RANGE:
            low, high = cast("tuple[int, int]", arg)
            tests.append(_range_test(low, high, ignore_case))
        elif op is c.CATEGORY:
            tests.append(_category_test(arg))
        else:
            raise _Unsupported(op)

    def test(ch: str) -> bool:
        hit = any(t(ch) for t in tests)
        return hit != negate

    return test


def _literal_test(code: int, ignore_case: bool) -> CharTest:
    target = chr(code)
    if ignore_case:
        folded = target.casefold()
        return lambda ch: ch.casefold() == folded
    return lambda ch: ch == target


def _negated(test: CharTest) -> CharTest:
    return lambda ch: not test(ch)


def _range_test(low: int, high: int, ignore_case: bool) -> CharTest:
    if ignore_case:
        return lambda ch: any(low <= ord(v) <= high for v in {ch, ch.lower(), ch.upper()})
    return lambda ch: low <= ord(ch) <= high


def _build(nfa: _NFA, pattern: object, start: int, ignore_case: bool) -> int:
    """Add ``pattern`` (a parsed subpattern) to ``nfa`` from ``start``; return its end state."""
    c = sre_constants
    current = start
    for op, arg in pattern:  # type: ignore[attr-defined]
        if op is c.LITERAL:
            nxt = nfa.new()
            nfa.states[current].edges.append((_literal_test(arg, ignore_case), nxt))
            current = nxt
        elif op is c.NOT_LITERAL:
            nxt = nfa.new()
            literal = _literal_test(arg, ignore_case)
            nfa.states[current].edges.append((_negated(literal), nxt))
            current = nxt
        elif op is c.ANY:
            nxt = nfa.new()
            nfa.states[current].edges.append((lambda ch: ch != "\n", nxt))
            current = nxt
        elif op is c.IN:
            nxt = nfa.new()
            nfa.states[current].edges.append((_class_test(arg, ignore_case), nxt))
            current = nxt
        elif op is c.SUBPATTERN:
            sub = arg[-1]
            current = _build(nfa, sub, current, ignore_case)
        elif op is c.BRANCH:
            end = nfa.new()
            for alternative in arg[1]:
                alt_start = nfa.new()
                nfa.states[current].epsilon.append(alt_start)
                nfa.states[_build(nfa, alternative, alt_start, ignore_case)].epsilon.append(end)
            current = end
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", object())):
            low, high, sub = arg
            current = _build_repeat(nfa, sub, current, low, high, ignore_case)
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # an assertion only narrows matches; ignoring it over-approximates
        elif op in (c.GROUPREF, c.GROUPREF_EXISTS):
            current = _any_string(nfa, current)
        elif op is getattr(c, "ATOMIC_GROUP", object()):
            current = _build(nfa, arg, current, ignore_case)
        else:
            raise _Unsupported(op)
    return current


def _any_string(nfa: _NFA, start: int) -> int:
    loop = nfa.new()
    nfa.states[start].epsilon.append(loop)
    nfa.states[loop].edges.append((lambda ch: True, loop))
    return loop


def _build_repeat(nfa: _NFA, sub: object, start: int, low: int, high: int, ignore_case: bool) -> int:
    unbounded = high is sre_constants.MAXREPEAT or high > _MAX_EXPANDED_REPEAT
    if low > _MAX_EXPANDED_REPEAT:
        low, unbounded = 0, True
    current = start
    for _ in range(low):
        current = _build(nfa, sub, current, ignore_case)
    if unbounded:
        loop_start = nfa.new()
        nfa.states[current].epsilon.append(loop_start)
        loop_end = _build(nfa, sub, loop_start, ignore_case)
        nfa.states[loop_end].epsilon.append(loop_start)
        return loop_start
    end = nfa.new()
    nfa.states[current].epsilon.append(end)
    for _ in range(high - low):
        current = _build(nfa, sub, current, ignore_case)
        nfa.states[current].epsilon.append(end)
    return end


@dataclass(frozen=True)
class _Compiled:
    nfa: _NFA
    start: int
    accept: int


@lru_cache(maxsize=64)
def _compile(pattern: str) -> _Compiled | None:
    try:
        compiled = re.compile(pattern)
        parsed = sre_parse.parse(pattern, compiled.flags)
        nfa = _NFA()
        start = nfa.new()
        accept = _build(nfa, parsed, start, bool(compiled.flags & re.IGNORECASE))
    except (_Unsupported, re.error, RecursionError):
        return None
    return _Compiled(nfa, start, accept)


def could_fullmatch(pattern: str, parts: Sequence[str | None], key: str = "run-name-regex") -> bool:
    """Return True unless no filling of the ``HOLE`` parts lets ``pattern`` fullmatch.

    ``parts`` alternates literal text and ``HOLE`` (``None``) in any order. A regex this
    module cannot model is assumed to match (never a false report). Without holes the text is
    matched with a time bound (see :mod:`.patterns`; ``key`` names the pattern in the error);
    the NFA walk itself takes time linear in the text.
    """
    if HOLE not in parts:
        return fullmatch(pattern, "".join(p for p in parts if p), key)
    compiled = _compile(pattern)
    if compiled is None:
        return True
    nfa = compiled.nfa
    current = nfa.closure({compiled.start})
    for part in parts:
        if part is HOLE:
            current = _reachable(nfa, current)
            continue
        for ch in part:
            stepped = {nxt for s in current for test, nxt in nfa.states[s].edges if test(ch)}
            current = nfa.closure(stepped)
            if not current:
                return False
    return compiled.accept in current


def _reachable(nfa: _NFA, states: set[int]) -> set[int]:
    """States reachable from ``states`` by reading any string (each edge taken as passable)."""
    seen = set(states)
    todo = list(states)
    while todo:
        state = nfa.states[todo.pop()]
        for nxt in state.epsilon + [nxt for _, nxt in state.edges]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen

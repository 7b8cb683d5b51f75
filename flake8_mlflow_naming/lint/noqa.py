"""``# noqa`` and ``# flake8: noqa``, honoured exactly as flake8 honours them."""

from __future__ import annotations

import re
import tokenize
from collections.abc import Sequence

from .findings import Finding

# The same patterns flake8 uses, so ``check`` honours exactly the comments flake8 honours.
NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
NOQA_FILE = re.compile(r"\s*# flake8[:=]\s*noqa(?P<codes>:\s?(.*))?", re.IGNORECASE)


def without_noqa(findings: Sequence[Finding], lines: Sequence[str]) -> list[Finding]:
    """Drop findings silenced by ``# noqa`` / ``# flake8: noqa``, exactly as flake8 does."""
    if not any("noqa" in line.lower() for line in lines):
        return list(findings)  # nothing to honour: skip tokenizing the file
    for line in lines:
        match = NOQA_FILE.match(line)
        if match is not None and not match.group("codes"):
            return []
    mapping = _noqa_line_mapping(lines)
    kept = []
    for finding in findings:
        text = mapping.get(finding.line)
        if text is None and 0 < finding.line <= len(lines):
            text = lines[finding.line - 1]
        match = NOQA_INLINE.search(text) if text else None
        if match is None:
            kept.append(finding)
            continue
        codes_text = match.group("codes")
        if codes_text is None:
            continue
        codes = {c for c in re.split(r"[,\s]+", codes_text) if c}
        if not (finding.code in codes or finding.code.startswith(tuple(codes))):
            kept.append(finding)
    return kept


def _noqa_line_mapping(lines: Sequence[str]) -> dict[int, str]:
    """flake8's mapping: each line → the text of the token run (multi-line strings joined) it is in."""
    mapping: dict[int, str] = {}
    low, high = len(lines) + 2, -1
    try:
        tokens = list(tokenize.generate_tokens(iter(lines).__next__))
    except (tokenize.TokenError, SyntaxError):
        return {}
    for token in tokens:
        if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        low, high = min(low, token.start[0]), max(high, token.end[0])
        if token.type in (tokenize.NL, tokenize.NEWLINE):
            joined = "".join(lines[low - 1 : high])
            for number in range(low, high + 1):
                mapping[number] = joined
            low, high = len(lines) + 2, -1
    return mapping


def noqa_comment_line(lines: Sequence[str], line: int) -> int:
    """The physical line where a ``# noqa`` silencing a finding on ``line`` must go.

    flake8 reads the lines of one token run (a multi-line string, a backslash continuation)
    as one, the way :func:`_noqa_line_mapping` joins them, so the comment goes after the
    run's last line; elsewhere it is ``line`` itself.
    """
    try:
        tokens = tokenize.generate_tokens(iter(lines).__next__)
        low = None
        for token in tokens:
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            low = token.start[0] if low is None else low
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                if low <= line <= token.end[0]:
                    return token.end[0]
                low = None
    except (tokenize.TokenError, SyntaxError):
        pass
    return line


def with_noqa_codes(lines: Sequence[str], codes_by_line: dict[int, set[str]]) -> tuple[list[str], int]:
    """``lines`` with ``# noqa: CODE`` where flake8 and ``check`` honour it for each finding line; and how many lines changed.

    ``codes_by_line`` maps a finding's line to the codes to silence there. Lines of one token
    run (a multi-line string) share the comment after its last line (:func:`noqa_comment_line`).
    An existing ``# noqa: OTHER`` gets the codes added to its list (a second ``# noqa`` comment
    would not be read); a bare ``# noqa`` already silences everything and is left alone.
    """
    wanted: dict[int, set[str]] = {}
    for line, codes in codes_by_line.items():
        wanted.setdefault(noqa_comment_line(lines, line), set()).update(codes)
    result, changed = list(lines), 0
    for number, codes in sorted(wanted.items()):
        if not 1 <= number <= len(result):
            continue
        text = result[number - 1]
        content = text.rstrip("\r\n")
        ending = text[len(content) :]
        match = NOQA_INLINE.search(content)
        if match is not None and not match.group("codes"):
            continue
        if match is not None:
            present = {c for c in re.split(r"[,\s]+", match.group("codes")) if c}
            missing = sorted(codes - present)
            if not missing:
                continue
            end = match.start("codes") + len(match.group("codes").rstrip(", \t"))
            content = f"{content[:end]}, {', '.join(missing)}{content[end:]}"
        else:
            content = f"{content.rstrip()}  # noqa: {', '.join(sorted(codes))}"
        result[number - 1] = content + ending
        changed += 1
    return result, changed

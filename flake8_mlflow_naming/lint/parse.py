"""Bytes to an ``ast`` module the way the interpreter reads them, or one :class:`SourceError` line."""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceError(Exception):
    """A file that cannot be analysed (unreadable, undecodable or not valid Python)."""

    message: str
    line: int = 1
    col: int = 0

    def __str__(self) -> str:
        return self.message


def parse(source: bytes | str, path: str) -> ast.Module:
    """Parse ``source`` (bytes honour the coding cookie and BOM); SourceError if impossible."""
    try:
        return ast.parse(source, filename=path, type_comments=False)
    except SyntaxError as error:
        newer = newer_syntax(source)
        if newer is not None:
            feature, version, line, col = newer
            needed = ".".join(map(str, version))
            running = ".".join(map(str, sys.version_info[:2]))
            return _raise(
                f"cannot parse: {feature} needs Python {needed} or newer, and this is Python {running}; "
                f"run mlflow-naming under Python {needed}+ to check this file",
                line,
                col,
            )
        line = error.lineno or 1
        col = max((error.offset or 1) - 1, 0)
        return _raise(f"cannot parse: {error.msg}", line, col)
    except (ValueError, UnicodeDecodeError) as error:  # null bytes, bad encodings
        return _raise(f"cannot parse: {error}", 1, 0)
    except (RecursionError, MemoryError):
        return _raise("cannot parse: too deeply nested for Python's parser", 1, 0)


def _raise(message: str, line: int, col: int) -> ast.Module:
    raise SourceError(message, line, col)


def decode(source: bytes) -> str:
    """Decode Python source the way the interpreter does (BOM, coding cookie, else UTF-8)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        text = source.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        raise SourceError(f"cannot decode: {error}") from None
    return text[1:] if text.startswith("\ufeff") else text


_STATEMENT_START = frozenset({tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING})
_TEMPLATE_PREFIXES = frozenset({"t", "T", "tr", "tR", "Tr", "TR", "rt", "rT", "Rt", "RT"})


def newer_syntax(source: bytes | str) -> tuple[str, tuple[int, int], int, int] | None:
    """The first syntax in ``source`` newer than the running Python: (what, Python needed, line, col).

    Only asked after a SyntaxError, so a file that uses ``def f[T]()`` under Python 3.11 gets
    told which Python can check it instead of a bare "invalid syntax".
    """
    try:
        text = decode(source) if isinstance(source, bytes) else source
    except SourceError:
        return None
    tokens: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            tokens.append(token)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass  # judge what was read before the tokenizer gave up
    significant = [t for t in tokens if t.type not in (tokenize.COMMENT,)]
    for index, token in enumerate(significant):
        found = _feature_at(significant, index)
        if found is not None and sys.version_info[:2] < found[1]:
            return found[0], found[1], token.start[0], token.start[1]
    return None


def _feature_at(tokens: list[tokenize.TokenInfo], index: int) -> tuple[str, tuple[int, int]] | None:
    token = tokens[index]
    after = tokens[index + 1 : index + 3]
    at_statement_start = index == 0 or tokens[index - 1].type in _STATEMENT_START or tokens[index - 1].string == ";"
    if token.type != tokenize.NAME:
        return None
    if token.string in ("def", "class") and len(after) == 2 and after[0].type == tokenize.NAME and after[1].string == "[":
        return "type parameters (PEP 695, `def f[T]()` / `class C[T]`)", (3, 12)
    if token.string == "type" and at_statement_start and len(after) == 2 and after[0].type == tokenize.NAME and after[1].string in ("=", "["):
        return "a `type` alias statement (PEP 695)", (3, 12)
    if token.string == "except" and after and after[0].string == "*":
        return "`except*` (PEP 654)", (3, 11)
    if token.string in _TEMPLATE_PREFIXES and after and after[0].type == tokenize.STRING and after[0].start == token.end:
        return "a template string (PEP 750, `t\"…\"`)", (3, 14)
    if token.string == "except" and at_statement_start and _unparenthesised_exception_list(tokens, index + 1):
        return "`except A, B:` without parentheses (PEP 758)", (3, 14)
    return None


def _unparenthesised_exception_list(tokens: list[tokenize.TokenInfo], index: int) -> bool:
    depth = 0
    for token in tokens[index:]:
        if token.string in ("(", "[", "{"):
            depth += 1
        elif token.string in (")", "]", "}"):
            depth -= 1
        elif (depth == 0 and token.string in (":", "as")) or token.type == tokenize.NEWLINE:
            return False
        elif depth == 0 and token.string == ",":
            return True
    return False

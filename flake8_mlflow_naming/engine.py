"""The one detection engine: source in, findings out.

flake8 (through :mod:`.plugin`), ``check``, ``fix`` and ``migrate`` all call this module,
so every consumer sees the same findings. It imports only the standard library and this
package's pure-``ast`` modules: never libcst, never mlflow.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence

from .config import Config
from .context import ModuleContext
from .findings import Finding
from .rules import ALL_CODES, ALL_RULES

# The same patterns flake8 uses, so ``check`` honours exactly the comments flake8 honours.
NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
NOQA_FILE = re.compile(r"\s*# flake8[:=]\s*noqa(?P<codes>:\s?(.*))?", re.IGNORECASE)


@dataclass(frozen=True)
class SourceError(Exception):
    """A file that cannot be analysed (unreadable, undecodable or not valid Python)."""

    message: str
    line: int = 1
    col: int = 0

    def __str__(self) -> str:
        return self.message


def lint_tree(tree: ast.Module, path: str, config: Config, codes: Iterable[str] | None = None) -> list[Finding]:
    """Run every enabled rule over a parsed module; findings sorted by position then code.

    ``codes`` narrows the rules further (the CLI's ``--select``); configuration filters
    (``select``, ``ignore``, ``per-file-ignores``) always apply.
    """
    enabled = config.enabled_codes(ALL_CODES, path)
    if codes is not None:
        enabled = enabled & frozenset(codes)
    if not enabled:
        return []
    ctx = ModuleContext(tree, path, config)
    findings: list[Finding] = []
    try:
        for rule in ALL_RULES:
            if rule.code in enabled:
                findings.extend(rule().check(ctx))
    except RecursionError:
        raise SourceError("cannot analyse: nested too deeply") from None
    findings.sort()
    return findings


def parse(source: bytes | str, path: str) -> ast.Module:
    """Parse ``source`` (bytes honour the coding cookie and BOM); SourceError if impossible."""
    try:
        return ast.parse(source, filename=path, type_comments=False)
    except SyntaxError as error:
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


#: The last name of every API a rule matches. A call resolves to one only if that name is
#: written in the file (in the call, or in the import that brought it in).
API_NAMES = (
    "start_run",
    "create_run",
    "set_tag",  # also set_tags
    "update_run",
    "log_artifact",  # also log_artifacts
    "save_model",
    "log_model",
    "create_experiment",
)


def candidate_names(config: Config) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Two lists of text a file able to hold a finding contains one of each.

    Roots: every rule matches calls resolving to MLflow (through an import of ``mlflow``, a
    bare ``mlflow``, or an ``MlflowClient`` annotation) or to the configured wrapper (through
    an import naming its top-level package). APIs: the last name of what is called.
    """
    roots = ["mlflow", "MlflowClient"]
    apis = list(API_NAMES)
    if config.run_wrapper:
        roots.append(config.run_wrapper.split(".", 1)[0])
        apis.append(config.run_wrapper.rsplit(".", 1)[-1])
    return tuple(roots), tuple(apis)


def could_have_findings(source: bytes | str, config: Config) -> bool:
    """The exact prefilter: False only when no rule can report anything in ``source``.

    Python normalises identifiers with NFKC (``ｍｌｆｌｏｗ`` is ``mlflow``), so a file with
    non-ASCII text is normalised before searching; undecodable ones are parsed (and reported).
    """
    roots, apis = candidate_names(config)
    if isinstance(source, bytes):
        if source.isascii():
            return any(r.encode() in source for r in roots) and any(a.encode() in source for a in apis)
        try:
            source = decode(source)
        except SourceError:
            return True
    if not source.isascii():
        source = unicodedata.normalize("NFKC", source)
    return any(r in source for r in roots) and any(a in source for a in apis)


def lint_source(
    source: bytes, path: str, config: Config, codes: Iterable[str] | None = None, prefilter: bool = True
) -> list[Finding]:
    """Parse and lint one file's bytes, dropping findings silenced by ``# noqa``.

    With ``prefilter`` (the default), a file that cannot hold a finding is not even parsed;
    like ``flake8 --select MLN``, a syntax error in such a file is then not reported.
    """
    if prefilter and not could_have_findings(source, config):
        return []
    tree = parse(source, path)
    findings = lint_tree(tree, path, config, codes)
    if not findings:
        return findings
    return without_noqa(findings, decode(source).splitlines(keepends=True))


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

"""The one detection engine: source in, findings out.

flake8 (through :mod:`..plugin`), ``check``, ``fix``, ``migrate``, the language server and
the gate all call this module, so every consumer sees the same findings. It imports only the
standard library and this package's pure-``ast`` modules: never libcst, never mlflow, and
it never touches the file system.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ..codes import ALL_CODES
from ..config import Config
from .context import ModuleContext
from .findings import Finding
from .noqa import without_noqa
from .parse import SourceError, decode, parse
from .prefilter import could_have_findings
from .rules import ALL_RULES, api_names_of

__all__ = ["SourceError", "could_have_findings", "decode", "lint_source", "lint_tree", "parse"]


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
    rules = [rule for rule in ALL_RULES if rule.code in enabled]
    ctx = ModuleContext(tree, path, config, api_names_of(rules))
    findings: list[Finding] = []
    try:
        for rule in rules:
            findings.extend(rule().check(ctx))
    except RecursionError:
        raise SourceError("cannot analyse: nested too deeply") from None
    findings.sort()
    return findings


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

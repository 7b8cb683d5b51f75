"""What text an expression can hold, and judging names against a schema: shared by every name rule.

MLN003 (run names) and the other name rules report the same way: a string literal is judged
as it is (with the normalised form as an unsafe fix), an f-string only when no filling of its
fields could fit, and a name that refers to a module constant is judged at the constant.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from ..naming import NameSchema
from .context import ModuleContext, literal_string, template_parts
from .findings import Applicability, Finding, Fix, ReplaceString, Span
from .resolve import CallSite

#: Schemes of storage MLflow does not track as a run's artifacts (MLN004, and loading models).
REMOTE_URI = re.compile(r"(?:(?:s3|s3a|s3n|gs|wasbs?|abfss?|hdfs|viewfs|r2|b2|ftp|sftp|https?)://|dbfs:/)", re.IGNORECASE)
_PATH_JOINS = frozenset({"os.path.join", "posixpath.join"})


def name_nodes(ctx: ModuleContext, site: CallSite, value: ast.expr) -> list[ast.expr]:
    """The expressions whose text is the name passed as ``value``: itself, or the module constant it names."""
    if isinstance(value, ast.Name):
        constant = ctx.index.module_constant(value, site.scope)
        return [constant] if literal_string(constant) is not None else []  # type: ignore[list-item]
    return [value]


def name_findings(
    ctx: ModuleContext, code: str, values: Iterable[tuple[CallSite, ast.expr]], schema: NameSchema, noun: str
) -> Iterator[Finding]:
    """One finding per distinct expression among ``values`` whose text breaks ``schema``."""
    reported: set[int] = set()
    for site, value in values:
        for node in name_nodes(ctx, site, value):
            if id(node) in reported:
                continue
            finding = name_finding(ctx, code, node, schema, noun)
            if finding is not None:
                reported.add(id(node))
                yield finding


def name_finding(ctx: ModuleContext, code: str, node: ast.expr, schema: NameSchema, noun: str) -> Finding | None:
    """The finding for one name expression (``noun``: "run name", "experiment name"...), or None."""
    text = literal_string(node)
    if text is not None:
        problem = schema.problem(text)
        if problem is None:
            return None
        better = schema.normalise(text)
        fix = None
        message = f"{noun} {text!r} {problem}"
        if better is not None and better != text:
            message += f"; use {better!r}"
            fix = Fix(f"Rename to {better!r}", Applicability.UNSAFE, (ReplaceString(Span.of(node), better),))
        return ctx.report(code, node, message, fix)
    parts = template_parts(node)
    if parts is None:
        return None
    problem = schema.template_problem(parts)
    if problem is None:
        return None
    shown = "".join("{…}" if p is None else p for p in parts)
    return ctx.report(code, node, f'{noun} f"{shown}" {problem}')


# --- remote paths --------------------------------------------------------------------------


@dataclass(frozen=True)
class RemoteValue:
    """The known start of a value that begins with a remote URI."""

    prefix: str
    complete: bool  # the whole value is known, not only its start


def remote_value(ctx: ModuleContext, site: CallSite, expr: ast.expr, depth: int = 0) -> RemoteValue | None:
    """The known start of ``expr`` when it begins with a remote URI, else None."""
    if depth > 8:
        return None
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return RemoteValue(expr.value, True) if REMOTE_URI.match(expr.value) else None
    if isinstance(expr, ast.JoinedStr):
        first = expr.values[0] if expr.values else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str) and REMOTE_URI.match(first.value):
            return RemoteValue(first.value, len(expr.values) == 1)
        return None
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left = remote_value(ctx, site, expr.left, depth + 1)
        return RemoteValue(left.prefix, False) if left is not None else None
    if isinstance(expr, ast.Call) and expr.args and not isinstance(expr.args[0], ast.Starred):
        if ctx.index.qualified_name(expr.func, site.scope) in _PATH_JOINS:
            first = remote_value(ctx, site, expr.args[0], depth + 1)
            return RemoteValue(first.prefix, False) if first is not None else None
        return None
    if isinstance(expr, ast.Name):
        value = ctx.index.module_constant(expr, site.scope)
        return remote_value(ctx, site, value, depth + 1) if value is not None else None
    return None

"""Apply the edits of findings' fixes to source code with LibCST.

Edits name their targets by ``ast`` position (UTF-8 byte columns); LibCST counts columns
in code points, so positions are converted with the decoded lines before matching. Imports
are added and removed through LibCST's ``AddImportsVisitor`` / ``RemoveImportsVisitor``,
never by string surgery. Everything LibCST does not touch (comments, blank lines, quotes,
the encoding cookie, a BOM, line endings) comes back exactly as it was.
"""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Iterable, Sequence

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import PositionProvider

from ..lint.findings import (
    AddImport,
    Edit,
    Finding,
    Fix,
    PositionalToKeyword,
    RemoveImportIfUnused,
    ReplaceCallee,
    ReplaceString,
    SetKeyword,
    Span,
)

CharSpan = tuple[int, int, int, int]
_TIGHT_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


def choose_compatible(findings: Iterable[Finding]) -> list[Finding]:
    """The findings whose fixes one pass can apply together: at most one fix per target node.

    A second fix aimed at a node another fix already edits waits for the next pass, when
    its finding is recomputed on the edited code (as Ruff does).
    """
    taken: set[Span] = set()
    chosen = []
    for finding in findings:
        assert finding.fix is not None
        targets = {_target(edit) for edit in finding.fix.edits} - {None}
        if targets & taken:
            continue
        taken |= targets  # type: ignore[arg-type]
        chosen.append(finding)
    return chosen


def _target(edit: Edit) -> Span | None:
    if isinstance(edit, (SetKeyword, PositionalToKeyword, ReplaceCallee)):
        return edit.call
    if isinstance(edit, ReplaceString):
        return edit.node
    return None


def apply_fixes(module: cst.Module, text: str, fixes: Sequence[Fix], filename: str) -> cst.Module:
    """Return ``module`` with every edit of ``fixes`` applied (``text`` is its decoded source)."""
    converter = _ColumnConverter(text)
    command = _ApplyEdits(CodemodContext(filename=filename), [e for f in fixes for e in f.edits], converter)
    return command.transform_module(module)


class _ColumnConverter:
    """Convert ``ast`` byte columns to LibCST code-point columns, line by line."""

    def __init__(self, text: str) -> None:
        self.lines = io.StringIO(text, newline="").readlines()

    def column(self, line: int, byte_col: int) -> int:
        if not 0 < line <= len(self.lines):
            return byte_col
        return len(self.lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def span(self, span: Span) -> CharSpan:
        return (span.line, self.column(span.line, span.col), span.end_line, self.column(span.end_line, span.end_col))


class _ApplyEdits(VisitorBasedCodemodCommand):
    DESCRIPTION = "Apply flake8-mlflow-naming fixes."
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, context: CodemodContext, edits: list[Edit], converter: _ColumnConverter) -> None:
        super().__init__(context)
        self.call_edits: dict[CharSpan, list[Edit]] = defaultdict(list)
        self.string_edits: dict[CharSpan, ReplaceString] = {}
        for edit in edits:
            if isinstance(edit, ReplaceString):
                self.string_edits[converter.span(edit.node)] = edit
            elif isinstance(edit, AddImport):
                AddImportsVisitor.add_needed_import(context, edit.module, edit.name)
            elif isinstance(edit, RemoveImportIfUnused):
                RemoveImportsVisitor.remove_unused_import(context, edit.module, edit.obj, edit.asname)
            else:
                self.call_edits[converter.span(edit.call)].append(edit)

    def _span(self, node: cst.CSTNode) -> CharSpan:
        where = self.get_metadata(PositionProvider, node)
        return (where.start.line, where.start.column, where.end.line, where.end.column)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        edits = self.call_edits.get(self._span(original_node))
        if not edits:
            return updated_node
        order = {PositionalToKeyword: 0, SetKeyword: 1, ReplaceCallee: 2}
        for edit in sorted(edits, key=lambda e: order[type(e)]):
            if isinstance(edit, PositionalToKeyword):
                updated_node = _positional_to_keyword(updated_node, edit)
            elif isinstance(edit, SetKeyword):
                updated_node = _set_keyword(updated_node, edit.keyword, cst.parse_expression(edit.value))
            elif isinstance(edit, ReplaceCallee):
                updated_node = updated_node.with_changes(func=cst.parse_expression(edit.name))
        return updated_node

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.BaseExpression:
        edit = self.string_edits.get(self._span(original_node))
        return _requote(updated_node, edit.value) if edit else updated_node

    def leave_ConcatenatedString(
        self, original_node: cst.ConcatenatedString, updated_node: cst.ConcatenatedString
    ) -> cst.BaseExpression:
        edit = self.string_edits.get(self._span(original_node))
        if edit is None:
            return updated_node
        first = updated_node.left
        while isinstance(first, cst.ConcatenatedString):
            first = first.left
        if not isinstance(first, cst.SimpleString):
            return updated_node
        return _requote(first, edit.value).with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)


def _requote(node: cst.SimpleString, value: str) -> cst.SimpleString:
    """The same literal style (prefix, quote) holding ``value`` (run names need no escaping)."""
    quote = node.quote
    escaped = value.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
    return node.with_changes(value=f"{node.prefix}{quote}{escaped}{quote}")


def _positional_to_keyword(call: cst.Call, edit: PositionalToKeyword) -> cst.Call:
    args = list(call.args)
    for index, arg in enumerate(args):
        if index < edit.start or arg.keyword is not None or arg.star or index >= len(edit.parameters):
            continue
        args[index] = arg.with_changes(keyword=cst.Name(edit.parameters[index]), equal=_TIGHT_EQUAL)
    return call.with_changes(args=args)


def _set_keyword(call: cst.Call, keyword: str, value: cst.BaseExpression) -> cst.Call:
    args = list(call.args)
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == keyword:
            args[index] = arg.with_changes(value=value)
            return call.with_changes(args=args)
    new = cst.Arg(value=value, keyword=cst.Name(keyword), equal=_TIGHT_EQUAL)
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    separator = _separator(call, args)
    if isinstance(last.comma, cst.Comma):
        # Keep a trailing comma (and the line break before ``)`` it carries) at the end.
        args[-1] = last.with_changes(comma=separator)
        args.append(new.with_changes(comma=last.comma))
    else:
        args[-1] = last.with_changes(comma=separator, whitespace_after_arg=cst.SimpleWhitespace(""))
        args.append(new.with_changes(whitespace_after_arg=last.whitespace_after_arg))
    return call.with_changes(args=args)


def _separator(call: cst.Call, args: list[cst.Arg]) -> cst.Comma:
    """The comma between arguments in this call's own layout (one line or one per line)."""
    if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
        return args[-2].comma
    if isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=call.whitespace_before_args)
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))

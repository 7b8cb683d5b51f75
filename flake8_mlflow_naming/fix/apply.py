"""Apply the edits of findings' fixes to source code with LibCST, in one transform per pass.

Edits name their targets by ``ast`` position (UTF-8 byte columns); LibCST counts columns
in code points, so positions are converted with the decoded lines before matching.
Everything LibCST does not touch (comments, blank lines, quotes, the encoding cookie, a
BOM, line endings) comes back exactly as it was.

Speed matters here (``migrate`` rewrites thousands of files), so this module does only what
the edits need, and no more than LibCST's own parse and print:

- Positions come from one ``MetadataWrapper(..., unsafe_skip_copy=True)``: the tree is not
  deep-copied, since nothing else holds it.
- The transformer does not descend into statements that hold no edit: they are returned as
  they are, not rebuilt.
- Imports are added and removed on the module's top-level statements directly. Whether an
  import becomes unused is decided from data the ``ast`` lint already gathered (every use of
  the imported name, see :class:`~..lint.findings.RemoveImportIfUnused`), so no scope
  analysis runs. LibCST's ``AddImportsVisitor`` layout is kept: new imports go after the
  leading import block, followed by a blank line.
"""

from __future__ import annotations

import ast
import bisect
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..lint.findings import (
    AddDictEntries,
    AddImport,
    Edit,
    EnumerateLoop,
    Finding,
    Fix,
    PositionalToKeyword,
    PrependArguments,
    RemoveImportIfUnused,
    RenameKeyword,
    ReplaceCallee,
    ReplaceString,
    SetKeyword,
    Span,
    WrapInWith,
)
from ..sources.notebook import CELL_MARKER

CharSpan = tuple[int, int, int, int]
_TIGHT_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


def choose_compatible(findings: Iterable[Finding]) -> list[Finding]:
    """The findings whose fixes one pass can apply together.

    Edits of different fixes on one call compose (MLN001 names it, MLN006 adds
    ``nested=True``, MLN002 moves it onto the wrapper, all in one pass) unless they set the
    same thing: the same keyword, the callee, the same string, the same loop, or positional
    arguments named differently. Such a second fix waits for the next pass, when its finding
    is recomputed on the edited code (as Ruff does). Blocks moved into a ``with`` may not
    overlap each other; edits inside them compose.
    """
    taken: set[tuple[object, ...]] = set()
    blocks: list[Span] = []
    chosen = []
    for finding in findings:
        assert finding.fix is not None
        slots = {slot for edit in finding.fix.edits if (slot := _slot(edit)) is not None}
        ranges = [Span(e.start.line, e.start.col, e.end.end_line, e.end.end_col) for e in finding.fix.edits if isinstance(e, WrapInWith)]
        if _clash(slots, taken) or any(_overlap(r, b) for r in ranges for b in blocks):
            continue
        taken |= slots
        blocks += ranges
        chosen.append(finding)
    return chosen


def _clash(slots: set[tuple[object, ...]], taken: set[tuple[object, ...]]) -> bool:
    if {s for s in slots if s[0] != "positional"} & taken:
        return True
    # Positional arguments turned into keywords must be named the same way by both fixes.
    renames = {(s[1], s[2]) for s in slots if s[0] == "positional"}
    return any(t[0] == "positional" and t[1] == span and t[2] != names for t in taken for span, names in renames)


def _overlap(a: Span, b: Span) -> bool:
    return (a.line, a.col) <= (b.end_line, b.end_col) and (b.line, b.col) <= (a.end_line, a.end_col)


def _slot(edit: Edit) -> tuple[object, ...] | None:
    """What an edit sets: two fixes may not set the same slot in one pass."""
    if isinstance(edit, SetKeyword):
        return ("keyword", edit.call, edit.keyword)
    if isinstance(edit, PositionalToKeyword):
        return ("positional", edit.call, edit.parameters)
    if isinstance(edit, (ReplaceCallee, PrependArguments)):
        return (type(edit).__name__, edit.call)
    if isinstance(edit, ReplaceString):
        return ("string", edit.node)
    if isinstance(edit, EnumerateLoop):
        return ("loop", edit.loop)
    if isinstance(edit, RenameKeyword):
        return ("rename", edit.call, edit.old)
    if isinstance(edit, AddDictEntries):
        return ("dict", edit.node)
    return None


def apply_fixes(module: cst.Module, text: str, fixes: Sequence[Fix], filename: str) -> cst.Module:
    """Return ``module`` with every edit of ``fixes`` applied (``text`` is its decoded source).

    ``module`` itself is consumed: its unchanged subtrees are shared with the result.
    """
    converter = _ColumnConverter(text)
    edits = [e for f in fixes for e in f.edits]
    positions = _Positions(module, text, converter, _edit_lines(edits))
    transformer = _ApplyEdits(edits, converter, positions)
    result = module.visit(transformer)
    return _manage_imports(result, edits, transformer.replaced_callees)


def _edit_lines(edits: Sequence[Edit]) -> list[int]:
    """The sorted lines that hold an edit's target."""
    lines: set[int] = set()
    for edit in edits:
        if isinstance(edit, ReplaceString):
            lines.update((edit.node.line, edit.node.end_line))
        elif isinstance(edit, EnumerateLoop):
            lines.add(edit.loop.line)
        elif isinstance(edit, WrapInWith):
            lines.update((edit.start.line, edit.end.line))
        elif isinstance(edit, AddDictEntries):
            lines.update((edit.node.line, edit.node.end_line))
        elif isinstance(edit, (SetKeyword, PositionalToKeyword, ReplaceCallee, PrependArguments, RenameKeyword)):
            lines.update((edit.call.line, edit.call.end_line))
    return sorted(lines)


class _Positions:
    """Where the nodes that may hold an edit are, without a PositionProvider pass over the module.

    LibCST's ``PositionProvider`` prints the whole module once more, recording every node,
    which costs more than parsing it. Here the module's statements are paired with the
    ``ast`` statements of the same source (``a; b`` is one LibCST line holding two ``ast``
    statements), which already carry their lines. Only a statement that holds an edit is
    printed on its own, inside one block indented as its real blocks are, and its nodes'
    positions are moved down to where it starts; columns come out right
    (LibCST stores their whitespace verbatim, but for the block's indentation, which is
    reproduced). A compound statement is printed only for its
    header (its body replaced by ``pass``) and entered statement by statement. When the two
    trees do not pair up, the whole module's positions are computed the usual way.
    """

    def __init__(self, module: cst.Module, text: str, converter: _ColumnConverter, lines: list[int]) -> None:
        self.converter = converter
        self.lines = lines
        self.ranges: dict[cst.CSTNode, CharSpan] = {}
        #: (line, code-point column) of each small statement and ``for`` statement on the way to an edit.
        self.starts: dict[cst.CSTNode, tuple[int, int]] = {}
        #: Statements that hold an edit; None when every node is to be visited.
        self.entered: set[int] | None = set()
        self.default_indent = module.default_indent
        try:
            tree = ast.parse(text)
            paired = self._block(module.body, tree.body, "")
        except (SyntaxError, ValueError, RecursionError):
            paired = False
        if not paired:
            self._everything(module)

    def get(self, node: cst.CSTNode) -> CharSpan | None:
        return self.ranges.get(node)

    def _holds_edit(self, first: int, last: int) -> bool:
        index = bisect.bisect_left(self.lines, first)
        return index < len(self.lines) and self.lines[index] <= last

    def _start(self, node: ast.stmt) -> tuple[int, int]:
        return (node.lineno, self.converter.column(node.lineno, node.col_offset))

    def _block(self, statements: Sequence[cst.BaseStatement], nodes: Sequence[ast.stmt], indent: str) -> bool:
        index = 0
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                smalls = nodes[index : index + len(statement.body)]
                index += len(statement.body)
                if len(smalls) != len(statement.body):
                    return False
                for small, node in zip(statement.body, smalls):
                    self.starts[small] = self._start(node)
                if self._holds_edit(smalls[0].lineno, smalls[-1].end_lineno or smalls[-1].lineno):
                    self._record(statement.with_changes(leading_lines=()), smalls[0].lineno, indent)
                continue
            if index >= len(nodes):
                return False
            node = nodes[index]
            index += 1
            if not self._compound(statement, node, indent):
                return False
        return index == len(nodes)

    def _compound(self, statement: cst.BaseStatement, node: ast.stmt, indent: str, elif_: bool = False) -> bool:
        expected = _PAIRS.get(type(statement))
        if expected is None or not isinstance(node, expected):
            return False
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
        if not self._holds_edit(first, node.end_lineno or node.lineno):
            return True
        assert self.entered is not None
        self.entered.add(id(statement))
        if isinstance(statement, cst.For):
            self.starts[statement] = self._start(node)
        body = getattr(statement, "body", None)
        if isinstance(statement, (cst.With, cst.For, cst.While, cst.If)):
            # ``with x: f(x)`` sits on one line: print it whole. An ``elif`` prints as ``if``.
            header = _header_only(statement, keep_suite=isinstance(body, cst.SimpleStatementSuite))
            self._record(header, node.lineno, indent, 2 if elif_ else 0)
        if isinstance(body, cst.SimpleStatementSuite):
            return True
        blocks = _bodies(statement, node)
        if blocks is None:
            return False
        for cst_block, ast_block in blocks:
            if isinstance(cst_block, cst.If):
                if not (len(ast_block) == 1 and self._compound(cst_block, ast_block[0], indent, elif_=True)):
                    return False
            elif isinstance(cst_block, cst.IndentedBlock):
                inner = indent + (cst_block.indent if cst_block.indent is not None else self.default_indent)
                if not self._block(cst_block.body, ast_block, inner):
                    return False
            elif isinstance(cst_block, cst.SimpleStatementSuite):
                continue
            else:
                return False
        return True

    def _record(self, statement: cst.SimpleStatementLine | cst.BaseCompoundStatement, line: int, indent: str, shift: int = 0) -> None:
        """Positions of ``statement``'s nodes, printed alone at ``indent``, moved down to ``line``.

        ``shift`` moves the first line's columns (an ``elif`` printed as ``if``).
        """
        if indent:
            holder = cst.If(cst.Name("True"), cst.IndentedBlock([statement], indent=indent))
            mini, first = cst.Module(body=[holder]), 2
        else:
            mini, first = cst.Module(body=[statement]), 1
        wrapper = MetadataWrapper(mini, unsafe_skip_copy=True)
        for node, where in wrapper.resolve(PositionProvider).items():
            start, end = where.start, where.end
            if start.line < first:
                continue  # the holder ``if True:``
            self.ranges[node] = (
                start.line - first + line,
                start.column + (shift if start.line == first else 0),
                end.line - first + line,
                end.column + (shift if end.line == first else 0),
            )

    def _everything(self, module: cst.Module) -> None:
        self.entered = None
        self.ranges.clear()
        self.starts.clear()
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        for node, where in wrapper.resolve(PositionProvider).items():
            self.ranges[node] = (where.start.line, where.start.column, where.end.line, where.end.column)
            if isinstance(node, (cst.BaseSmallStatement, cst.For)):
                self.starts[node] = (where.start.line, where.start.column)


_PAIRS: dict[type, tuple[type, ...]] = {
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    cst.ClassDef: (ast.ClassDef,),
    cst.If: (ast.If,),
    cst.For: (ast.For, ast.AsyncFor),
    cst.While: (ast.While,),
    cst.With: (ast.With, ast.AsyncWith),
    cst.Try: (ast.Try,),
    cst.Match: (ast.Match,),
}
if hasattr(cst, "TryStar") and hasattr(ast, "TryStar"):
    _PAIRS[cst.TryStar] = (ast.TryStar,)


def _header_only(statement: cst.BaseCompoundStatement, keep_suite: bool = False) -> cst.BaseCompoundStatement:
    """``statement`` without what follows its header line(s): ``pass`` for a body, no ``else``."""
    changes: dict[str, object] = {"leading_lines": ()}
    if not keep_suite:
        changes["body"] = cst.IndentedBlock([cst.SimpleStatementLine([cst.Pass()])])
    if getattr(statement, "orelse", None) is not None:
        changes["orelse"] = None
    return statement.with_changes(**changes)


def _bodies(statement: cst.BaseStatement, node: ast.stmt) -> list[tuple[cst.CSTNode, list[ast.stmt]]] | None:
    """The blocks of a compound statement paired with the ``ast`` statement lists they hold."""
    pairs: list[tuple[cst.CSTNode, list[ast.stmt]]] = [(statement.body, node.body)]  # type: ignore[attr-defined]
    if isinstance(statement, (cst.If, cst.For, cst.While)):
        orelse = statement.orelse
        if orelse is None:
            return pairs if not node.orelse else None  # type: ignore[attr-defined]
        pairs.append((orelse if isinstance(orelse, cst.If) else orelse.body, node.orelse))  # type: ignore[attr-defined]
    elif isinstance(statement, cst.Try) or (hasattr(cst, "TryStar") and isinstance(statement, cst.TryStar)):
        handlers = statement.handlers
        if len(handlers) != len(node.handlers):  # type: ignore[attr-defined]
            return None
        pairs += [(h.body, a.body) for h, a in zip(handlers, node.handlers)]  # type: ignore[attr-defined]
        if statement.orelse is not None:
            pairs.append((statement.orelse.body, node.orelse))  # type: ignore[attr-defined]
        if statement.finalbody is not None:
            pairs.append((statement.finalbody.body, node.finalbody))  # type: ignore[attr-defined]
    elif isinstance(statement, cst.Match):
        pairs = []
        if len(statement.cases) != len(node.cases):  # type: ignore[attr-defined]
            return None
        pairs += [(c.body, a.body) for c, a in zip(statement.cases, node.cases)]  # type: ignore[attr-defined]
    return pairs


class _ColumnConverter:
    """Convert ``ast`` byte columns to LibCST code-point columns, line by line."""

    def __init__(self, text: str) -> None:
        self.lines = io.StringIO(text, newline="").readlines()

    def column(self, line: int, byte_col: int) -> int:
        if not 0 < line <= len(self.lines):
            return byte_col
        text = self.lines[line - 1]
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def span(self, span: Span) -> CharSpan:
        return (span.line, self.column(span.line, span.col), span.end_line, self.column(span.end_line, span.end_col))

    def start(self, span: Span) -> tuple[int, int]:
        return (span.line, self.column(span.line, span.col))

    def text_between(self, first_line: int, last_line: int) -> str:
        return "".join(self.lines[first_line - 1 : last_line])


class _ApplyEdits(cst.CSTTransformer):
    def __init__(self, edits: list[Edit], converter: _ColumnConverter, positions: _Positions) -> None:
        super().__init__()
        self.positions = positions
        self.call_edits: dict[CharSpan, list[Edit]] = defaultdict(list)
        self.string_edits: dict[CharSpan, ReplaceString] = {}
        self.loop_edits: dict[tuple[int, int], EnumerateLoop] = {}
        self.wrap_starts: dict[tuple[int, int], WrapInWith] = {}
        self.wrap_ends: dict[tuple[int, int], WrapInWith] = {}
        self.dict_edits: dict[CharSpan, AddDictEntries] = {}
        #: Start positions (ast coordinates) of calls whose callee was replaced.
        self.replaced_callees: set[tuple[int, int]] = set()
        self._ast_start: dict[CharSpan, tuple[int, int]] = {}
        lines: list[int] = []
        for edit in edits:
            if isinstance(edit, ReplaceString):
                self.string_edits[converter.span(edit.node)] = edit
                lines += [edit.node.line, edit.node.end_line]
            elif isinstance(edit, AddDictEntries):
                self.dict_edits[converter.span(edit.node)] = edit
                lines += [edit.node.line, edit.node.end_line]
            elif isinstance(edit, EnumerateLoop):
                self.loop_edits[converter.start(edit.loop)] = edit
                lines.append(edit.loop.line)
            elif isinstance(edit, WrapInWith):
                between = converter.text_between(edit.start.line, edit.end.end_line)
                if CELL_MARKER in between:
                    continue  # a notebook cell boundary: each cell is its own block
                self.wrap_starts[converter.start(edit.start)] = edit
                self.wrap_ends[converter.start(edit.end)] = edit
                lines += [edit.start.line, edit.end.line]
            elif isinstance(edit, (AddImport, RemoveImportIfUnused)):
                continue
            else:
                span = converter.span(edit.call)
                self.call_edits[span].append(edit)
                self._ast_start[span] = (edit.call.line, edit.call.col)
                lines += [edit.call.line, edit.call.end_line]

    def _where(self, node: cst.CSTNode) -> CharSpan | None:
        return self.positions.get(node)

    def on_visit(self, node: cst.CSTNode) -> bool:
        entered = self.positions.entered
        if entered is not None and isinstance(node, cst.BaseCompoundStatement) and id(node) not in entered:
            return False  # holds no edit: returned as it is, not rebuilt
        if entered is not None and isinstance(node, cst.SimpleStatementLine) and not self._holds_edit(node):
            return False
        return super().on_visit(node)

    def _holds_edit(self, line: cst.SimpleStatementLine) -> bool:
        return any(self.positions.get(small) is not None for small in line.body)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        span = self._where(original_node)
        edits = self.call_edits.get(span) if span is not None else None
        if not edits or span is None:
            return updated_node
        order = {PositionalToKeyword: 0, RenameKeyword: 1, SetKeyword: 2, PrependArguments: 3, ReplaceCallee: 4}
        for edit in sorted(edits, key=lambda e: order[type(e)]):
            if isinstance(edit, PositionalToKeyword):
                updated_node = _positional_to_keyword(updated_node, edit)
            elif isinstance(edit, SetKeyword):
                updated_node = _set_keyword(updated_node, edit.keyword, cst.parse_expression(edit.value))
            elif isinstance(edit, PrependArguments):
                updated_node = _prepend(updated_node, [cst.parse_expression(v) for v in edit.values])
            elif isinstance(edit, ReplaceCallee):
                updated_node = updated_node.with_changes(func=cst.parse_expression(edit.name))
                self.replaced_callees.add(self._ast_start[span])
            elif isinstance(edit, RenameKeyword):
                updated_node = _rename_keyword(updated_node, edit.old, edit.new)
        return updated_node

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.Dict:
        where = self._where(original_node)
        edit = self.dict_edits.get(where) if where is not None else None
        return _add_dict_entries(updated_node, edit.entries) if edit else updated_node

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.BaseExpression:
        where = self._where(original_node)
        edit = self.string_edits.get(where) if where is not None else None
        return _requote(updated_node, edit.value) if edit else updated_node

    def leave_ConcatenatedString(
        self, original_node: cst.ConcatenatedString, updated_node: cst.ConcatenatedString
    ) -> cst.BaseExpression:
        where = self._where(original_node)
        edit = self.string_edits.get(where) if where is not None else None
        if edit is None:
            return updated_node
        first = updated_node.left
        while isinstance(first, cst.ConcatenatedString):
            first = first.left
        if not isinstance(first, cst.SimpleString):
            return updated_node
        return _requote(first, edit.value).with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        where = self.positions.starts.get(original_node)
        edit = self.loop_edits.get(where) if where is not None else None
        if edit is None or updated_node.asynchronous is not None:
            return updated_node
        target = updated_node.target
        if isinstance(target, cst.Tuple) and not target.lpar:
            target = target.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        pair = cst.Tuple(
            [cst.Element(cst.Name(edit.counter), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), cst.Element(target)],
            lpar=[],
            rpar=[],
        )
        iterable = cst.Call(cst.Name("enumerate"), [cst.Arg(updated_node.iter.with_changes(lpar=[], rpar=[]))])
        return updated_node.with_changes(target=pair, iter=iterable)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        body = self._wrap(original_node.body, updated_node.body)
        return updated_node if body is None else updated_node.with_changes(body=body)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._wrap(original_node.body, updated_node.body)
        return updated_node if body is None else updated_node.with_changes(body=body)

    def _wrap(self, original: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement] | None:
        """``updated`` with each start ... end_run() range turned into a ``with`` block, or None."""
        if not self.wrap_starts:
            return None
        starts = [self._statement_start(s) for s in original]
        if not any(start in self.wrap_starts for start in starts):
            return None
        result: list[cst.BaseStatement] = []
        index = 0
        while index < len(updated):
            start = starts[index]
            edit = self.wrap_starts.get(start) if start is not None else None
            end = None
            if edit is not None:
                end = next((j for j in range(index + 1, len(updated)) if (s := starts[j]) is not None and self.wrap_ends.get(s) is edit), None)
            if edit is None or end is None:
                result.append(updated[index])
                index += 1
                continue
            result.append(_with_block(updated[index], list(updated[index + 1 : end]), updated[end], edit))
            index = end + 1
        return result

    def _statement_start(self, statement: cst.BaseStatement) -> tuple[int, int] | None:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        return self.positions.starts.get(statement.body[0])


def _with_block(start: cst.BaseStatement, body: list[cst.BaseStatement], end: cst.BaseStatement, edit: WrapInWith) -> cst.With:
    assert isinstance(start, cst.SimpleStatementLine) and isinstance(end, cst.SimpleStatementLine)
    small = start.body[0]
    call = small.value if isinstance(small, (cst.Expr, cst.Assign)) else None
    assert call is not None
    item = cst.WithItem(call, asname=cst.AsName(cst.Name(edit.target)) if edit.target else None)
    # Comments before and on the end_run() line stay, at the end of the block.
    footer = [line for line in end.leading_lines if line.comment is not None]
    if end.trailing_whitespace.comment is not None:
        footer.append(cst.EmptyLine(comment=end.trailing_whitespace.comment))
    if not body:
        body = [cst.SimpleStatementLine([cst.Pass()])]
    return cst.With(
        [item],
        cst.IndentedBlock(body, header=start.trailing_whitespace, footer=footer),
        leading_lines=start.leading_lines,
    )


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


def _prepend(call: cst.Call, values: list[cst.BaseExpression]) -> cst.Call:
    separator = _separator(call, list(call.args)) if call.args else None
    new = [cst.Arg(value=v, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for v in values]
    if not call.args:
        new[-1] = new[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    elif separator is not None:
        new = [a.with_changes(comma=separator) for a in new]
    return call.with_changes(args=[*new, *call.args])


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


def _rename_keyword(call: cst.Call, old: str, new: str) -> cst.Call:
    args = [
        arg.with_changes(keyword=cst.Name(new)) if arg.keyword is not None and arg.keyword.value == old else arg
        for arg in call.args
    ]
    return call.with_changes(args=args)


def _add_dict_entries(node: cst.Dict, entries: tuple[tuple[str, str], ...]) -> cst.Dict:
    """``node`` with ``entries`` appended in the dict's own layout (one line, or one entry per line)."""
    elements = list(node.elements)
    new = [
        cst.DictElement(cst.parse_expression(key), cst.parse_expression(value), whitespace_before_colon=cst.SimpleWhitespace(""))
        for key, value in entries
    ]
    if not elements:
        return node.with_changes(elements=[*(e.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for e in new[:-1]), new[-1]])
    last = elements[-1]
    if len(elements) >= 2 and isinstance(elements[-2].comma, cst.Comma):
        separator = elements[-2].comma
    elif isinstance(node.lbrace.whitespace_after, cst.ParenthesizedWhitespace):
        separator = cst.Comma(whitespace_after=node.lbrace.whitespace_after)
    else:
        separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    trailing = last.comma if isinstance(last.comma, cst.Comma) else cst.MaybeSentinel.DEFAULT
    elements[-1] = last.with_changes(comma=separator)
    for element in new[:-1]:
        elements.append(element.with_changes(comma=separator))
    elements.append(new[-1].with_changes(comma=trailing))
    return node.with_changes(elements=elements)


def _separator(call: cst.Call, args: list[cst.Arg]) -> cst.Comma:
    """The comma between arguments in this call's own layout (one line or one per line)."""
    if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
        return args[-2].comma
    if isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=call.whitespace_before_args)
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


# --- imports -------------------------------------------------------------------------------


def _manage_imports(module: cst.Module, edits: list[Edit], replaced: set[tuple[int, int]]) -> cst.Module:
    adds = list(dict.fromkeys(e for e in edits if isinstance(e, AddImport)))
    removals = [
        e for e in dict.fromkeys(e for e in edits if isinstance(e, RemoveImportIfUnused)) if e.uses and set(e.uses) <= replaced
    ]
    if not adds and not removals:
        return module
    body: list[cst.BaseStatement] = list(module.body)
    insert_at = _after_leading_imports(body)
    new_lines: list[cst.SimpleStatementLine] = []
    for add in sorted(adds, key=lambda a: (a.module, a.name, a.asname or "")):
        if _merge_into_existing(body, add):
            continue
        alias = cst.ImportAlias(_dotted(add.name), asname=cst.AsName(cst.Name(add.asname)) if add.asname else None)
        new_lines.append(cst.SimpleStatementLine([cst.ImportFrom(module=_dotted(add.module), names=[alias])]))
    if new_lines:
        following = body[insert_at] if insert_at < len(body) else None
        if isinstance(following, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) and not (following.leading_lines and following.leading_lines[0].comment is None):
            body[insert_at] = following.with_changes(leading_lines=[cst.EmptyLine(), *following.leading_lines])
        body[insert_at:insert_at] = new_lines
    for removal in removals:
        body = _remove_import(body, removal)
    return module.with_changes(body=body)


def _dotted(name: str) -> cst.Attribute | cst.Name:
    expression = cst.parse_expression(name)
    assert isinstance(expression, (cst.Attribute, cst.Name))
    return expression


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def _after_leading_imports(body: list[cst.BaseStatement]) -> int:
    """Where new imports go: after the docstring and the imports at the top of the module."""
    index = 0
    if (
        body
        and isinstance(body[0], cst.SimpleStatementLine)
        and isinstance(body[0].body[0], cst.Expr)
        and isinstance(body[0].body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    ):
        index = 1
    last = None
    for position in range(index, len(body)):
        if _is_import_line(body[position]):
            last = position
        else:
            break
    return index if last is None else last + 1


def _module_name(node: cst.ImportFrom) -> str | None:
    if node.relative or node.module is None:
        return None
    return cst.Module([]).code_for_node(node.module)


def _merge_into_existing(body: list[cst.BaseStatement], add: AddImport) -> bool:
    """True when ``add`` is already imported, or was added to a ``from module import ...`` here."""
    for position, statement in enumerate(body):
        if not _is_import_line(statement):
            continue
        assert isinstance(statement, cst.SimpleStatementLine)
        for small_index, small in enumerate(statement.body):
            if not isinstance(small, cst.ImportFrom) or _module_name(small) != add.module or isinstance(small.names, cst.ImportStar):
                continue
            for alias in small.names:
                asname = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None
                if alias.evaluated_name == add.name and asname == add.asname:
                    return True
            names = list(small.names)
            last = names[-1]
            if isinstance(last.comma, cst.Comma):
                new_alias = cst.ImportAlias(cst.Name(add.name), asname=cst.AsName(cst.Name(add.asname)) if add.asname else None, comma=last.comma)
                names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            else:
                new_alias = cst.ImportAlias(cst.Name(add.name), asname=cst.AsName(cst.Name(add.asname)) if add.asname else None)
                names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            names.append(new_alias)
            smalls = list(statement.body)
            smalls[small_index] = small.with_changes(names=names)
            body[position] = statement.with_changes(body=smalls)
            return True
    return False


def _remove_import(body: list[cst.BaseStatement], removal: RemoveImportIfUnused) -> list[cst.BaseStatement]:
    """``body`` without the top-level import that ``removal`` names (the statement goes if emptied)."""
    for position, statement in enumerate(body):
        if not _is_import_line(statement):
            continue
        assert isinstance(statement, cst.SimpleStatementLine)
        smalls = list(statement.body)
        for small_index, small in enumerate(smalls):
            names = _without_alias(small, removal)
            if names is None:
                continue
            if names:
                smalls[small_index] = small.with_changes(names=names)
            else:
                del smalls[small_index]
            if smalls:
                last = smalls[-1]
                smalls[-1] = last.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                return [*body[:position], statement.with_changes(body=smalls), *body[position + 1 :]]
            rest = body[position + 1 :]
            if rest and statement.leading_lines:
                # The removed line's comments and blank lines stay with what follows it.
                assert isinstance(rest[0], (cst.SimpleStatementLine, cst.BaseCompoundStatement))
                rest[0] = rest[0].with_changes(leading_lines=[*statement.leading_lines, *rest[0].leading_lines])
            return [*body[:position], *rest]
    return body


def _without_alias(small: cst.BaseSmallStatement, removal: RemoveImportIfUnused) -> list[cst.ImportAlias] | None:
    """The import's aliases minus the one ``removal`` names, or None if it is not there."""
    if isinstance(small, cst.Import) and removal.obj is None:
        candidates = list(small.names)
    elif isinstance(small, cst.ImportFrom) and removal.obj is not None and _module_name(small) == removal.module:
        if isinstance(small.names, cst.ImportStar):
            return None
        candidates = list(small.names)
    else:
        return None
    for index, alias in enumerate(candidates):
        asname = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None
        name = alias.evaluated_name
        if name == (removal.module if removal.obj is None else removal.obj) and asname == removal.asname:
            rest = candidates[:index] + candidates[index + 1 :]
            if rest:
                rest[-1] = rest[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return rest
    return None

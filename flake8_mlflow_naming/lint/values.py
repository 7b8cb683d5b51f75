"""What text an expression can hold, and judging names against a schema: shared by every name rule.

Every rule that judges a name or a path asks this module what text an argument can hold, so
all of them see through the same code: a string literal; an f-string, ``"…%s…" % x``,
``"…{}…".format(x)`` or ``+`` concatenation, whose unknown fields are holes that may hold
anything; both branches of ``a if c else b``; and a name assigned exactly once (at module
level, or in the function that uses it), which holds its value. An f-string field that is a
``bool`` literal or a comparison holds ``True`` or ``False``.

MLN003 (run names) and the other name rules report at the text itself (a module constant or
a local at its assignment), with the normalised form as an unsafe fix for a plain literal; a
template only when no filling of its holes could fit, or when one of its possible texts does
not. MLN004 reports remote paths at the argument.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import product

from ..naming import NameSchema
from .context import ModuleContext
from .findings import Applicability, Finding, Fix, NoFix, ReplaceString, Span
from .resolve import Binding, CallSite, Scope

#: Schemes of storage MLflow does not track as a run's artifacts (MLN004, and loading models).
REMOTE_URI = re.compile(r"(?:(?:s3|s3a|s3n|gs|wasbs?|abfss?|hdfs|viewfs|r2|b2|ftp|sftp|https?)://|dbfs:/)", re.IGNORECASE)
_PATH_JOINS = frozenset({"os.path.join", "posixpath.join"})

#: A hole in a template: text nobody can know before the code runs.
HOLE = None
Template = tuple[str | None, ...]
#: More alternatives than this (``f"{a<b}{c<d}…"``) and a field counts as a hole instead.
_MAX_FORMS = 16
_MAX_DEPTH = 8
#: printf-style conversion specifiers: ``%s``, ``%(name)s``, ``%-5.2f``, ``%%``.
_PERCENT_FIELD = re.compile(r"%(?:\((?P<key>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])")


# --- text forms ----------------------------------------------------------------------------


def text_forms(ctx: ModuleContext, scope: Scope, expr: ast.expr, depth: int = 0) -> list[Template] | None:
    """The texts ``expr`` can hold, as templates of literal text and :data:`HOLE` parts.

    None when ``expr`` is not a text expression this module understands (a call, a
    parameter, a number…). Several templates mean several possible texts (``a if c else b``,
    ``f"{flag}"`` with a bool).
    """
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, ast.Constant):
        return [(expr.value,)] if isinstance(expr.value, str) else None
    if isinstance(expr, ast.JoinedStr):
        return _joined(ctx, scope, [_field_forms(ctx, scope, value, depth) for value in expr.values])
    if isinstance(expr, ast.IfExp):
        body, orelse = (text_forms(ctx, scope, e, depth + 1) for e in (expr.body, expr.orelse))
        if body is None and orelse is None:
            return None
        forms = (body or [(HOLE,)]) + (orelse or [(HOLE,)])
        return forms if len(forms) <= _MAX_FORMS else [(HOLE,)]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left, right = (text_forms(ctx, scope, e, depth + 1) for e in (expr.left, expr.right))
        if left is None and right is None:
            return None
        return _joined(ctx, scope, [left or [(HOLE,)], right or [(HOLE,)]])
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        pattern = _known_text(ctx, scope, expr.left, depth)
        return None if pattern is None else _percent_template(pattern)
    if isinstance(expr, ast.Call):
        return _call_forms(ctx, scope, expr, depth)
    if isinstance(expr, ast.Name):
        resolved = ctx.index.constant_value(expr, scope)
        if resolved is None:
            return None
        value, value_scope = resolved
        return text_forms(ctx, value_scope, value, depth + 1)
    return None


def _call_forms(ctx: ModuleContext, scope: Scope, call: ast.Call, depth: int) -> list[Template] | None:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "format":
        pattern = _known_text(ctx, scope, func.value, depth)
        return None if pattern is None else _format_template(pattern)
    if (
        call.args
        and not isinstance(call.args[0], ast.Starred)
        and isinstance(func, (ast.Name, ast.Attribute))
        and ctx.index.qualified_name(func, scope) in _PATH_JOINS
    ):
        first = text_forms(ctx, scope, call.args[0], depth + 1)
        return None if first is None else [(*form, HOLE) for form in first]
    return None


def _known_text(ctx: ModuleContext, scope: Scope, expr: ast.expr, depth: int) -> str | None:
    """The one fully known text of ``expr`` (a format pattern), or None."""
    forms = text_forms(ctx, scope, expr, depth + 1)
    if forms is None or len(forms) != 1 or HOLE in forms[0]:
        return None
    return "".join(part for part in forms[0] if part is not None)


def _field_forms(ctx: ModuleContext, scope: Scope, value: ast.expr, depth: int) -> list[Template]:
    """The texts one f-string part can produce."""
    if isinstance(value, ast.Constant):
        return [(str(value.value),)]
    if not isinstance(value, ast.FormattedValue):
        return [(HOLE,)]
    if value.format_spec is not None or value.conversion == ord("a"):
        return [(HOLE,)]
    inner = value.value
    if isinstance(inner, ast.Constant) and isinstance(inner.value, (bool, str, int)) and inner.value is not None:
        text = repr(inner.value) if value.conversion == ord("r") else str(inner.value)
        return [(text,)]
    if isinstance(inner, ast.Name):
        resolved = ctx.index.constant_value(inner, scope)
        if resolved is not None and _is_bool_literal(resolved[0]):
            return [(str(resolved[0].value),)]  # type: ignore[attr-defined]
    if _is_bool(ctx, scope, inner, depth):
        return [("True",), ("False",)]
    if value.conversion in (-1, ord("s")):
        forms = text_forms(ctx, scope, inner, depth + 1)
        if forms is not None:
            return forms
    return [(HOLE,)]


def _is_bool(ctx: ModuleContext, scope: Scope, expr: ast.expr, depth: int) -> bool:
    """True for a comparison, a ``not``, and a name holding one (or a ``bool`` literal), or a
    parameter annotated ``bool``: its text is ``True`` or ``False``."""
    if isinstance(expr, ast.Compare) or (isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not)):
        return True
    if not isinstance(expr, ast.Name) or depth > _MAX_DEPTH:
        return False
    resolved = ctx.index.constant_value(expr, scope)
    if resolved is not None:
        value, value_scope = resolved
        return (isinstance(value, ast.Constant) and isinstance(value.value, bool)) or _is_bool(ctx, value_scope, value, depth + 1)
    binding = ctx.index.lookup(expr.id, scope, (expr.lineno, expr.col_offset))
    if binding is None or binding.value is not None or binding.imported is not None:
        return False
    if isinstance(binding.annotation, ast.Name) and binding.annotation.id == "bool":
        return True
    return _flag_parameter(ctx, scope, expr.id, binding)


def _flag_parameter(ctx: ModuleContext, scope: Scope, name: str, binding: Binding) -> bool:
    """True for a parameter of a module-level function that every call in the module passes a
    ``bool`` literal (``_test_tune(is_autolog=True, …)``), its default, if any, a ``bool`` too."""
    function_scope: Scope | None = scope
    while function_scope is not None and name not in function_scope.bindings:
        function_scope = function_scope.parent
    function = function_scope.node if function_scope is not None else None
    if function_scope is None or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function_scope.parent is not ctx.index.module_scope:
        return False
    if len(function_scope.bindings[name]) != 1 or len(ctx.index.module_scope.bindings.get(function.name, ())) != 1:
        return False
    arguments = function.args
    positional = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
    defaults = dict(zip(positional[len(positional) - len(arguments.defaults) :], arguments.defaults))
    defaults.update((a.arg, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None)
    if name not in positional and name not in defaults and name not in (a.arg for a in arguments.kwonlyargs):
        return False
    default = defaults.get(name)
    if default is not None and not _is_bool_literal(default):
        return False
    calls = [site.node for site in ctx.index.calls if isinstance(site.node.func, ast.Name) and site.node.func.id == function.name]
    if not calls:
        return False
    for call in calls:
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            return False
        passed = next((k.value for k in call.keywords if k.arg == name), None)
        if passed is None and name in positional and positional.index(name) < len(call.args):
            passed = call.args[positional.index(name)]
        if passed is None:
            passed = default
        if passed is None or not _is_bool_literal(passed):
            return False
    return True


def _is_bool_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, bool)


def _joined(ctx: ModuleContext, scope: Scope, pieces: Sequence[list[Template]]) -> list[Template]:
    """Every concatenation of one form per piece (too many: the ambiguous pieces become holes)."""
    count = 1
    for forms in pieces:
        count *= len(forms)
    if count > _MAX_FORMS:
        pieces = [forms if len(forms) == 1 else [(HOLE,)] for forms in pieces]
    return [_merge(combination) for combination in product(*pieces)]


def _merge(templates: Iterable[Template]) -> Template:
    """One template from several: adjacent literal text joined, adjacent holes collapsed."""
    parts: list[str | None] = []
    for template in templates:
        for part in template:
            if part is HOLE:
                if not parts or parts[-1] is not HOLE:
                    parts.append(HOLE)
            elif part:
                if parts and parts[-1] is not HOLE:
                    parts[-1] += part
                else:
                    parts.append(part)
    return tuple(parts) if parts else ("",)


def _percent_template(pattern: str) -> list[Template]:
    parts: list[str | None] = []
    position = 0
    for match in _PERCENT_FIELD.finditer(pattern):
        parts.append(pattern[position : match.start()])
        parts.append("%" if match.group("type") == "%" else HOLE)
        position = match.end()
    parts.append(pattern[position:])
    return [_merge([tuple(parts)])]


def _format_template(pattern: str) -> list[Template] | None:
    try:
        fields = list(string.Formatter().parse(pattern))
    except ValueError:
        return None  # ``"{".format(x)`` raises at run time; nothing to judge
    parts: list[str | None] = []
    for literal, field, _spec, _conversion in fields:
        parts.append(literal)
        if field is not None:
            parts.append(HOLE)
    return [_merge([tuple(parts)])]


def leading_text(template: Template) -> str:
    """The literal text before a template's first hole."""
    text = ""
    for part in template:
        if part is HOLE:
            break
        text += part
    return text


# --- names ---------------------------------------------------------------------------------


def name_nodes(ctx: ModuleContext, site: CallSite, value: ast.expr) -> list[ast.expr]:
    """The expressions whose text is the name passed as ``value``, where a finding belongs.

    ``value`` itself; the value of a name assigned once (a module constant or a local),
    followed further; each branch of ``a if c else b``. ``None`` and ``""`` branches hold no
    name and are left out.
    """
    return [node for node, _scope in _name_sources(ctx, site.scope, value, 0)]


def _name_sources(ctx: ModuleContext, scope: Scope, value: ast.expr, depth: int) -> list[tuple[ast.expr, Scope]]:
    if depth > _MAX_DEPTH:
        return []
    if isinstance(value, ast.Name):
        resolved = ctx.index.constant_value(value, scope)
        return [] if resolved is None else _name_sources(ctx, resolved[1], resolved[0], depth + 1)
    if isinstance(value, ast.IfExp):
        return [*_name_sources(ctx, scope, value.body, depth + 1), *_name_sources(ctx, scope, value.orelse, depth + 1)]
    if isinstance(value, ast.Constant) and (value.value is None or value.value == ""):
        return []
    return [(value, scope)]


#: Why a name literal that breaks its schema gets no fix (MLN003, MLN007, MLN008 declare it).
NOT_NORMALISABLE = NoFix("no snake_case form of the name matches {key}; choose one by hand")

#: Adds a sentence about a name's known text (MLN008: MLflow itself refuses '/' and ':'), or None.
Hint = Callable[[str], "str | None"]


def name_findings(
    ctx: ModuleContext,
    code: str,
    values: Iterable[tuple[CallSite, ast.expr]],
    schema: NameSchema,
    noun: str,
    hint: Hint | None = None,
    accepted: Collection[str] = (),
) -> Iterator[Finding]:
    """One finding per distinct expression among ``values`` whose text breaks ``schema``;
    a literal whose text is in ``accepted`` (MLflow's own ``Default`` experiment) is never one."""
    reported: set[int] = set()
    for site, value in values:
        for node, scope in _name_sources(ctx, site.scope, value, 0):
            if id(node) in reported or (isinstance(node, ast.Constant) and node.value in accepted):
                continue
            finding = _judge(ctx, code, node, scope, schema, noun, hint)
            if finding is not None:
                reported.add(id(node))
                yield finding


def _hinted(message: str, hint: Hint | None, known: str) -> str:
    note = hint(known) if hint is not None else None
    return f"{message}; {note}" if note else message


def _judge(
    ctx: ModuleContext, code: str, node: ast.expr, scope: Scope, schema: NameSchema, noun: str, hint: Hint | None = None
) -> Finding | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        problem = schema.problem(text)
        if problem is None:
            return None
        better = schema.normalise(text)
        fix: Fix | NoFix = NOT_NORMALISABLE.because(key=schema.regex_key)
        message = _hinted(f"{noun} {text!r} {problem}", hint, text)
        if better is not None and better != text:
            message += f"; use {better!r}"
            fix = Fix(f"Rename to {better!r}", Applicability.UNSAFE, (ReplaceString(Span.of(node), better),))
        return ctx.report(code, node, message, fix)
    forms = text_forms(ctx, scope, node)
    if forms is None:
        return None
    for form in forms:
        if HOLE not in form:
            text = "".join(form)  # type: ignore[arg-type]
            problem = schema.problem(text)
            if problem is not None:
                return ctx.report(code, node, _hinted(f"{noun} {text!r} (from {_shown(node, forms)}) {problem}", hint, text))
        else:
            problem = schema.template_problem(form)
            if problem is not None:
                shown = "".join("{…}" if p is HOLE else p for p in form)
                prefix = "f" if isinstance(node, ast.JoinedStr) else ""
                known = "".join(p for p in form if p is not HOLE)
                return ctx.report(code, node, _hinted(f'{noun} {prefix}"{shown}" {problem}', hint, known))
    return None


def _shown(node: ast.expr, forms: list[Template]) -> str:
    """The source of an expression whose possible texts are all known, for messages."""
    source = ast.unparse(node)
    return source if len(source) <= 80 else source[:79] + "…"


# --- remote paths --------------------------------------------------------------------------


@dataclass(frozen=True)
class RemoteValue:
    """The known start of a value that begins with a remote URI."""

    prefix: str
    complete: bool  # the whole value is known, not only its start


def remote_value(ctx: ModuleContext, site: CallSite, expr: ast.expr, depth: int = 0) -> RemoteValue | None:
    """The known start of ``expr`` when one text it can hold begins with a remote URI, else None."""
    forms = text_forms(ctx, site.scope, expr, depth)
    for form in forms or ():
        prefix = leading_text(form)
        if REMOTE_URI.match(prefix):
            return RemoteValue(prefix, HOLE not in form)
    return None

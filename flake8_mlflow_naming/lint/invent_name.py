"""Inventing a run name for a call that has none: the MLN001 fix, and any fix that names a run.

A name is ``run-name-template`` filled from the file and the enclosing function with the
package's one template grammar (:func:`..naming.fill_name_template`, the grammar of
``rename-template`` and the gate), normalised by the one normaliser
(:func:`..naming.snake_case`), without a word twice, shortened to fit
(:func:`..naming.shorten`) and made unique in the file with ``_2``, ``_3``.

Inside a loop each loop adds a field, so the runs of a sweep get distinct names; a field is
used only when every value it can take fits the schema: the variable of a ``range`` or a
literal list of fitting words, an ``enumerate`` counter, a ``while`` loop's own counter
(``n = 0`` before it, ``n += 1`` in it), or else a counter this fix adds to a ``for``
(``for i, lr in enumerate(rates):``). Where no field can be found or added (an ``async for``,
a comprehension over unknown values, a ``while`` without a counter) no name is invented, and
the reason says which field to add.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass

from ..naming import (
    NameSchema,
    TemplateFieldError,
    fill_name_template,
    module_fields,
    name_words,
    shorten,
    snake_case,
)
from .context import ModuleContext, literal_string
from .findings import Edit, EnumerateLoop, Span
from .resolve import CallSite

#: A counter or ``range`` value is assumed to have at most this many digits (ten billion runs).
COUNTER_DIGITS = 10
#: Names for a new loop counter, tried in order (the first one free in the module is used).
COUNTER_NAMES = ("i", "j", "k", "n", "run_index", "run_index_2", "run_index_3")
#: A loop whose body runs the call once per iteration: a statement, or a comprehension's ``for``.
Loop = ast.For | ast.AsyncFor | ast.While | ast.comprehension
#: Nodes that start a new body of code: loops outside them do not repeat the call inside.
_BOUNDARIES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass(frozen=True)
class _Field:
    """One replacement field of an invented f-string name: ``_{label}_{expression}``."""

    label: str
    expression: str
    #: Texts the field can take, the widest included: every one is checked against the schema.
    samples: tuple[str, ...]

    @property
    def separator(self) -> str:
        return f"_{self.label}_" if self.label else "_"

    @property
    def width(self) -> int:
        return max(len(sample) for sample in self.samples)


def _digits(width: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(("0", "7", "10"[: max(width, 1)], "9" * width)))


class RunNamer:
    """Invents schema-valid names, unique within one file (see the module's docstring)."""

    def __init__(self, ctx: ModuleContext) -> None:
        self.ctx = ctx
        self.used: set[str] = set()
        for site in ctx.run_starts():
            for keyword in site.node.keywords:
                value = literal_string(keyword.value) if keyword.arg == "run_name" else None
                if value:
                    self.used.add(json.dumps(value))
        relative = "-" if ctx.path in ("", "-") else ctx.config.relative(ctx.path)
        self.file_fields = module_fields(relative)
        self._parents: dict[int, ast.AST] | None = None

    def name_for(self, site: CallSite) -> tuple[str, tuple[Edit, ...]] | str:
        """(Python source of a new name, extra edits) for ``site``, or why no name can be invented."""
        config = self.ctx.config
        schema = config.schema
        values = {**self.file_fields, "function": site.function or "main", "class": site.class_name}
        try:
            raw = fill_name_template(config.run_name_template, values, optional=("class",), distinct_words=True)
        except TemplateFieldError as error:
            return f"run-name-template {config.run_name_template!r} cannot be filled here: {error}"
        words = name_words(raw)
        if not words:
            return f"run-name-template {config.run_name_template!r} gives no words here"
        # A digit first gets the filler word (``2024_job`` → ``run_2024_job``), as snake_case does.
        base = "_".join(words if words[0][0].isalpha() else ["run", *words])
        fields: list[_Field] = []
        edits: list[Edit] = []
        counters: set[str] = set()
        seen = set(name_words(base))
        for loop in self.loops(site):
            found = self._loop_field(site, loop, counters)
            if isinstance(found, str):
                return found.replace("{name}", shorten(base, schema.max_length))
            field_, field_edits = found
            label_words = [word for word in name_words(field_.label) if word not in seen]
            seen.update(label_words)
            fields.append(_Field("_".join(label_words), field_.expression, field_.samples))
            edits.extend(field_edits)
        # One word is padded (``train`` → ``train_run``) only when the schema needs a second
        # word that no loop field gives: ``f"train_lr_{i}"`` already has three.
        padded = snake_case(raw) or base
        problem: str | None = None
        for candidate in dict.fromkeys((base, padded)):
            unique = self._unique(candidate, fields, schema)
            if unique is None:
                return f"the loop fields leave no room within run-name-max-length ({schema.max_length})"
            static, source = unique
            problem = _schema_problem(schema, static, fields)
            if problem is None:
                self.used.add(source)
                return source, tuple(edits)
        return problem or "no invented name fits the schema"

    def _unique(self, base: str, fields: list[_Field], schema: NameSchema) -> tuple[str, str] | None:
        """(static text, Python source) of the first numbering of ``base`` not used in the file."""
        budget = schema.max_length - sum(len(f.separator) + f.width for f in fields)
        number = 1
        while True:
            suffix = "" if number == 1 else f"_{number}"
            if budget - len(suffix) < 2:
                return None
            static = shorten(base, budget - len(suffix)) + suffix
            text = static + "".join(f.separator + "{" + f.expression + "}" for f in fields)
            source = json.dumps(text) if not fields else "f" + json.dumps(text)
            if source not in self.used:
                return static, source
            number += 1

    # --- loops ----------------------------------------------------------------------------

    def loops(self, site: CallSite) -> list[Loop]:
        """The loops (same function) that run ``site`` once per iteration, outermost first.

        ``for``, ``async for`` and ``while`` bodies, and the ``for`` clauses of a comprehension
        whose element (or a later clause) holds the call.
        """
        parents = self._parent_map()
        found: list[Loop] = []
        child: ast.AST = site.node
        parent = parents.get(id(child))
        while parent is not None and not isinstance(child, _BOUNDARIES):
            if (isinstance(parent, (ast.For, ast.AsyncFor, ast.While)) and any(s is child for s in parent.body)) or (
                isinstance(parent, ast.comprehension) and any(c is child for c in parent.ifs)
            ):
                found.append(parent)
            elif isinstance(parent, _COMPREHENSIONS):
                generators = parent.generators
                index = next((n for n, g in enumerate(generators) if g is child), len(generators))
                found.extend(reversed(generators[:index]))
            child, parent = parent, parents.get(id(parent))
        return found[::-1]

    def _parent_map(self) -> dict[int, ast.AST]:
        if self._parents is None:
            self._parents = {id(child): node for node in ast.walk(self.ctx.tree) for child in ast.iter_child_nodes(node)}
        return self._parents

    def _loop_field(self, site: CallSite, loop: Loop, counters: set[str]) -> tuple[_Field, list[Edit]] | str:
        """The field a loop adds to the name, with the edits it needs, or why there is none.

        A reason may hold ``{name}``, the name without its loop fields, to show the fix to make.
        """
        if isinstance(loop, ast.While):
            return self._while_field(loop)
        target, iterable = loop.target, loop.iter
        is_async = isinstance(loop, ast.AsyncFor) or (isinstance(loop, ast.comprehension) and loop.is_async)
        known = None if is_async else self._known_values(site, target, iterable)
        if known is not None:
            return known, []
        names = _target_names(target)
        label = _label(names[0]) if names else "run"
        counter = next((c for c in COUNTER_NAMES if c not in self.ctx.identifiers and c not in counters), "i")
        if is_async:
            return (
                f"an `async for` cannot be numbered with `enumerate`; count its iterations "
                f"(`{counter} = 0` before it, `{counter} += 1` in it) and name the run "
                f'f"{{name}}_{label}_{{{counter}}}"'
            )
        if isinstance(loop, ast.comprehension):
            shown = ast.unparse(target)
            return (
                f"a comprehension's `for` gets no counter from this fix; write "
                f"`for {counter}, {shown} in enumerate(...)` and name the run "
                f'f"{{name}}_{label}_{{{counter}}}"'
            )
        if names is None:
            return "the loop target is not a name or a tuple of names, so no counter can be added; name the run by hand"
        if self.ctx.index.lookup("enumerate", site.scope, (loop.lineno, loop.col_offset)) is not None:
            return "`enumerate` is rebound in this module, so no counter can be added; name the run by hand"
        if counter in self.ctx.identifiers or counter in counters:
            return "no free name for a loop counter; name the run by hand"
        counters.add(counter)
        return _Field(label, counter, _digits(COUNTER_DIGITS)), [EnumerateLoop(Span.of(loop), counter)]

    def _known_values(self, site: CallSite, target: ast.expr, iterable: ast.expr) -> _Field | None:
        """The field for a loop over values known to fit: ``range``, a literal list, ``enumerate``."""
        if isinstance(target, ast.Name) and self._builtin_call(site, iterable, "range"):
            width = _range_width(iterable)  # type: ignore[arg-type]
            if width is not None:
                return _Field(_label(target.id), target.id, _digits(width))
        if isinstance(iterable, ast.Name):
            # ``ARCHS = ["resnet50", "mobilenet"]`` assigned once at module level counts as the literal.
            iterable = self.ctx.index.module_constant(iterable, site.scope) or iterable
        if isinstance(target, ast.Name) and isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
            values = [e.value for e in iterable.elts if isinstance(e, ast.Constant)]
            if values and len(values) == len(iterable.elts) and all(
                isinstance(v, (str, int)) and not isinstance(v, bool) and re.fullmatch(r"[a-z0-9]+", str(v)) for v in values
            ):
                return _Field(_label(target.id), target.id, tuple(str(v) for v in values))
        if (
            isinstance(target, ast.Tuple)
            and len(target.elts) == 2
            and isinstance(target.elts[0], ast.Name)
            and self._builtin_call(site, iterable, "enumerate")
            and _counts_from_zero_up(iterable)  # type: ignore[arg-type]
        ):
            item = target.elts[1]
            return _Field(_label(item.id) if isinstance(item, ast.Name) else "", target.elts[0].id, _digits(COUNTER_DIGITS))
        return None

    def _while_field(self, loop: ast.While) -> tuple[_Field, list[Edit]] | str:
        """The field of a ``while`` loop's own counter, or what to add (no counter is added here)."""
        counter = _while_counter(loop, self._parent_map(), self.ctx.tree)
        if counter is not None:
            return _Field(_label(counter), counter, _digits(COUNTER_DIGITS)), []
        free = next((c for c in COUNTER_NAMES if c not in self.ctx.identifiers), "run_index")
        return (
            f"this `while` loop has no counter the name can use; count its iterations "
            f"(`{free} = 0` before it, `{free} += 1` as the first line of its body) and name the run "
            f'f"{{name}}_{{{free}}}"'
        )

    def _builtin_call(self, site: CallSite, node: ast.expr, name: str) -> bool:
        """True for a call of the builtin ``name`` (not rebound anywhere on the way)."""
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name):
            return False
        return self.ctx.index.lookup(name, site.scope, (node.lineno, node.col_offset)) is None


def _label(name: str) -> str:
    return "_".join(name_words(name))


def _while_counter(loop: ast.While, parents: dict[int, ast.AST], tree: ast.Module) -> str | None:
    """The name a ``while`` loop counts with, when its values are distinct non-negative ints.

    That is a name set to an int literal >= 0 by the last statement before the loop that binds
    it, and bound inside the loop only by one ``name += <int literal > 0>`` among the body's own
    statements, in a loop without ``continue`` (which could skip the step) and never declared
    ``global`` or ``nonlocal`` (another function could change it).
    """
    for statement in loop.body:
        if not (
            isinstance(statement, ast.AugAssign)
            and isinstance(statement.op, ast.Add)
            and isinstance(statement.target, ast.Name)
            and _int_literal(statement.value, minimum=1)
        ):
            continue
        name = statement.target.id
        if sum(_binds(node, name) for node in ast.walk(loop)) != 1 or _has_continue(loop.body):
            continue
        if any(isinstance(n, (ast.Global, ast.Nonlocal)) and name in n.names for n in ast.walk(tree)):
            continue
        if _starts_non_negative(loop, name, parents):
            return name
    return None


def _int_literal(node: ast.AST, minimum: int) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value >= minimum


def _binds(node: ast.AST, name: str) -> bool:
    """True when ``node`` (re)binds or deletes ``name``."""
    if isinstance(node, ast.Name):
        return node.id == name and not isinstance(node.ctx, ast.Load)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name == name
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any((alias.asname or alias.name).split(".")[0] == name for alias in node.names)
    if isinstance(node, ast.ExceptHandler):
        return node.name == name
    return False


def _has_continue(body: list[ast.stmt]) -> bool:
    """True when a ``continue`` of this loop (not of an inner loop or function) is in ``body``."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Continue):
            return True
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            stack.extend(node.orelse)  # an inner loop's ``else`` continues this loop
            continue
        if isinstance(node, (*_BOUNDARIES, *_COMPREHENSIONS)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _starts_non_negative(loop: ast.While, name: str, parents: dict[int, ast.AST]) -> bool:
    """True when the last statement before ``loop`` (same block) that binds ``name`` sets it to an int >= 0."""
    parent = parents.get(id(loop))
    block = next(
        (value for value in vars(parent).values() if isinstance(value, list) and any(s is loop for s in value)), None
    ) if parent is not None else None
    if block is None:
        return False
    before = block[: next(n for n, s in enumerate(block) if s is loop)]
    for statement in reversed(before):
        if not any(_binds(node, name) for node in ast.walk(statement)):
            continue
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            return False
        return isinstance(target, ast.Name) and target.id == name and _int_literal(value, minimum=0)
    return False


def _range_width(call: ast.Call) -> int | None:
    """Digits of the widest value a ``range`` yields when it yields only non-negative ints, else None."""
    if call.keywords or not 1 <= len(call.args) <= 3 or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    literals = [a.value if isinstance(a, ast.Constant) and type(a.value) is int else None for a in call.args]
    if len(call.args) == 1:
        stop = literals[0]
        return len(str(max(stop - 1, 0))) if stop is not None else COUNTER_DIGITS
    start, stop = literals[0], literals[1]
    step = literals[2] if len(call.args) == 3 else 1
    if start is None or start < 0 or step is None or step <= 0:
        return None  # a negative value would put "-" in the name
    return len(str(max(stop - 1, start))) if stop is not None else COUNTER_DIGITS


def _counts_from_zero_up(call: ast.Call) -> bool:
    """True when ``enumerate(...)``'s counter is never negative (``start`` absent or a literal >= 0)."""
    start = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "start"), None)
    if start is None:
        return len(call.args) == 1 and not call.keywords
    return _int_literal(start, minimum=0)


def _target_names(target: ast.expr) -> list[str] | None:
    """The names a plain loop target binds (``x``, ``a, b``, ``(a, (b, c))``), or None."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple):
        names: list[str] = []
        for element in target.elts:
            inner = _target_names(element)
            if inner is None:
                return None
            names += inner
        return names
    return None


def _schema_problem(schema: NameSchema, static: str, fields: list[_Field]) -> str | None:
    """Why some value of the fields would make the name break the schema, or None."""
    if not fields:
        problem = schema.problem(static)
        return None if problem is None else f"the invented name {static!r} {problem}"
    fillings: list[list[str]] = [[f.samples[0] for f in fields]]
    for index, field_ in enumerate(fields):
        for sample in field_.samples:
            filling = [f.samples[0] for f in fields]
            filling[index] = sample
            fillings.append(filling)
    fillings.append([max(f.samples, key=len) for f in fields])
    for filling in fillings:
        name = static + "".join(f.separator + value for f, value in zip(fields, filling))
        problem = schema.problem(name)
        if problem is not None:
            return f"with the loop values filled in, the name {name!r} {problem}"
    return None

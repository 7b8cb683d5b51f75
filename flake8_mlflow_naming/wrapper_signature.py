"""The team wrapper's call signature, learnt from its ``def`` or declared in the configuration.

Teams write wrappers of many shapes (``tracked_run(run_name=None, **kwargs)``,
``production_run(config, run_name, **kwargs)``, ...). Every rule binds wrapper calls with
the one :class:`WrapperSignature`, and the MLN002 fix never writes a call it rejects. The
signature is read with ``ast`` from the wrapper's source, never by importing it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


class SignatureError(ValueError):
    """A declared signature is not valid Python parameter syntax."""


@dataclass(frozen=True)
class WrapperSignature:
    """The parameters of the team wrapper, in ``inspect.Signature`` terms."""

    positional_only: tuple[str, ...] = ()
    #: Positional-or-keyword parameters, in order.
    positional: tuple[str, ...] = ("run_name",)
    keyword_only: tuple[str, ...] = ()
    #: Parameters without a default: a call must pass them.
    required: frozenset[str] = frozenset()
    var_positional: bool = False
    var_keyword: bool = True
    #: Where the signature came from, for messages: "default", "run-wrapper-signature" or a path.
    origin: str = "default"

    @property
    def positional_parameters(self) -> tuple[str, ...]:
        """Parameter names in the order positional arguments bind to them."""
        return self.positional_only + self.positional

    def accepts_keyword(self, name: str) -> bool:
        """True when ``name=...`` is a valid keyword argument of the wrapper."""
        return name in self.positional or name in self.keyword_only or (self.var_keyword and name not in self.positional_only)

    def takes(self, name: str) -> bool:
        """True when the wrapper has a parameter called ``name`` (not counting ``**kwargs``)."""
        return name in self.positional_only or name in self.positional or name in self.keyword_only

    def describe(self) -> str:
        """The signature as Python source, ``(config, run_name, **kwargs)``."""
        parts = [*self.positional_only]
        if self.positional_only:
            parts.append("/")
        parts += list(self.positional)
        if self.var_positional:
            parts.append("*args")
        elif self.keyword_only:
            parts.append("*")
        parts += list(self.keyword_only)
        if self.var_keyword:
            parts.append("**kwargs")
        shown = [p if p in ("/", "*") or p.startswith("*") or p in self.required else f"{p}=..." for p in parts]
        return "(" + ", ".join(shown) + ")"


#: ``tracked_run``'s contract, used when nothing better is known: ``wrapper(run_name=None, **kwargs)``.
DEFAULT_SIGNATURE = WrapperSignature()


def signature_of(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, origin: str) -> WrapperSignature:
    """The signature of a parsed ``def`` (a method's ``self``/``cls`` is not dropped: wrappers are functions)."""
    args = function.args
    positional_all = [a.arg for a in (*args.posonlyargs, *args.args)]
    # Defaults belong to the last positional parameters.
    without_default = positional_all[: len(positional_all) - len(args.defaults)]
    required = set(without_default)
    required |= {a.arg for a, default in zip(args.kwonlyargs, args.kw_defaults) if default is None}
    return WrapperSignature(
        positional_only=tuple(a.arg for a in args.posonlyargs),
        positional=tuple(a.arg for a in args.args),
        keyword_only=tuple(a.arg for a in args.kwonlyargs),
        required=frozenset(required),
        var_positional=args.vararg is not None,
        var_keyword=args.kwarg is not None,
        origin=origin,
    )


def parse_signature(text: str, origin: str = "run-wrapper-signature") -> WrapperSignature:
    """``"(config, run_name, **kwargs)"`` as a :class:`WrapperSignature`; raise SignatureError."""
    body = text.strip()
    if not (body.startswith("(") and body.endswith(")")):
        raise SignatureError("must be a parenthesised parameter list such as '(config, run_name, **kwargs)'")
    try:
        tree = ast.parse(f"def _wrapper{body}: pass")
    except SyntaxError as error:
        raise SignatureError(f"is not a valid parameter list ({error.msg})") from None
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    return signature_of(function, origin)


def find_definition(tree: ast.Module, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The module-level ``def name`` (decorated or not; the last one wins, as at run time)."""
    found = None
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
            found = statement
        elif isinstance(statement, (ast.If, ast.Try)):
            # ``if TYPE_CHECKING`` / ``try: ... except ImportError`` guards keep definitions at module level.
            inner = find_definition(ast.Module(body=_guarded_body(statement), type_ignores=[]), name)
            found = inner or found
    return found


def _guarded_body(statement: ast.If | ast.Try) -> list[ast.stmt]:
    if isinstance(statement, ast.If):
        return [*statement.body, *statement.orelse]
    return [*statement.body, *(s for handler in statement.handlers for s in handler.body), *statement.orelse]


def find_reexport(tree: ast.Module, name: str, package: str) -> str | None:
    """The dotted module ``from X import name`` brings ``name`` from, in ``package``'s ``__init__``.

    Relative imports are resolved against ``package`` (the ``__init__``'s own package).
    """
    for statement in tree.body:
        if not isinstance(statement, ast.ImportFrom):
            continue
        for alias in statement.names:
            if (alias.asname or alias.name) != name:
                continue
            if statement.level:
                parts = package.split(".")
                base = parts[: len(parts) - statement.level + 1]
                module = ".".join([*base, *([statement.module] if statement.module else [])])
            else:
                module = statement.module or ""
            return f"{module}.{alias.name}" if module else None
    return None

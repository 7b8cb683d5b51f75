"""What the engine produces: findings, and the fixes attached to them as plain data.

A fix never touches text here. It lists *edits* that name their target by its ``ast``
position (line, and column in UTF-8 bytes, as ``ast`` and flake8 count them); the LibCST
layer (:mod:`flake8_mlflow_naming.fix`) finds the same nodes and applies the edits. This
keeps the lint path pure ``ast`` while every fix goes through LibCST.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from enum import Enum


class Applicability(str, Enum):
    """Ruff's fix safety: safe fixes keep behaviour; unsafe ones may change it."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Span:
    """Start and end of a node, in ``ast`` coordinates (1-based lines, 0-based byte columns)."""

    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def of(cls, node: ast.AST) -> Span:
        """The span of an ``ast`` node."""
        return cls(node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SetKeyword:
    """Give ``call`` the keyword argument ``keyword=value`` (replacing one already there)."""

    call: Span
    keyword: str
    value: str  # Python source of the expression


@dataclass(frozen=True)
class PositionalToKeyword:
    """Turn ``call``'s positional arguments from index ``start`` on into keywords named by ``parameters``."""

    call: Span
    parameters: tuple[str, ...]
    start: int = 0


@dataclass(frozen=True)
class ReplaceCallee:
    """Call ``name`` instead of what ``call`` calls now."""

    call: Span
    name: str


@dataclass(frozen=True)
class ReplaceString:
    """Give the string literal at ``node`` the new ``value``, keeping its prefix and quotes."""

    node: Span
    value: str


@dataclass(frozen=True)
class PrependArguments:
    """Insert the positional arguments ``values`` (Python source) before ``call``'s first argument."""

    call: Span
    values: tuple[str, ...]


@dataclass(frozen=True)
class EnumerateLoop:
    """Turn ``for target in iterable:`` at ``loop`` into ``for counter, target in enumerate(iterable):``."""

    loop: Span
    counter: str


@dataclass(frozen=True)
class WrapInWith:
    """Turn a run start and its ``end_run()`` into a ``with`` block over the statements between.

    ``start`` is the statement ``[target =] start_run(...)``; ``end`` is the ``end_run()``
    statement of the same block. The statements strictly between them become the body.
    """

    start: Span
    end: Span
    target: str | None = None


@dataclass(frozen=True)
class RenameKeyword:
    """Rename ``call``'s keyword argument ``old=`` to ``new=``, keeping its value."""

    call: Span
    old: str
    new: str


@dataclass(frozen=True)
class AddDictEntries:
    """Append ``key: value`` entries (Python source of each) to the dict literal at ``node``."""

    node: Span
    entries: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AddImport:
    """Ensure ``from module import name`` (``as asname``) is present."""

    module: str
    name: str
    asname: str | None = None


@dataclass(frozen=True)
class RemoveImportIfUnused:
    """Remove the import ``module`` / ``from module import obj`` (as ``asname``) once unused."""

    module: str
    obj: str | None = None
    asname: str | None = None
    #: Where (line, byte column) the imported name is used anywhere in the module. The import
    #: goes only when every use is a callee this pass replaces, so no scope analysis is needed;
    #: empty means "keep it" (e.g. the module has ``__all__``).
    uses: tuple[tuple[int, int], ...] = ()


Edit = (
    SetKeyword
    | PositionalToKeyword
    | ReplaceCallee
    | ReplaceString
    | PrependArguments
    | EnumerateLoop
    | WrapInWith
    | AddImport
    | RemoveImportIfUnused
    | RenameKeyword
    | AddDictEntries
)


@dataclass(frozen=True)
class Fix:
    """How to resolve a finding: a description, its safety, and the edits."""

    description: str
    applicability: Applicability
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class NoFix:
    """Why a finding comes without a fix, as data every rule shares.

    A rule declares the reasons it can give (``Rule.no_fix``); a finding's message ends with
    ``(no fix: …)`` (:meth:`ModuleContext.report`) and the rule's page lists the reasons, so
    a person reading either learns what to do by hand. ``template`` is a clause with
    ``{field}`` holes that :meth:`because` fills for one finding.
    """

    template: str
    fields: tuple[tuple[str, str], ...] = ()

    def because(self, **fields: object) -> NoFix:
        """This reason with its ``{field}`` holes filled for one finding."""
        return NoFix(self.template, tuple((name, str(value)) for name, value in fields.items()))

    @property
    def text(self) -> str:
        """The reason as the message says it (unfilled holes shown as ``<field>``)."""
        filled = dict(self.fields)
        return _HOLE.sub(lambda m: filled.get(m.group(1), f"<{m.group(1)}>"), self.template)


_HOLE = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place. Columns are 0-based UTF-8 byte offsets, like ``ast``."""

    line: int
    col: int
    code: str
    message: str
    end_line: int = field(default=0, compare=False)
    end_col: int = field(default=0, compare=False)
    fix: Fix | None = field(default=None, compare=False)

    @property
    def text(self) -> str:
        """``MLN001 message`` as flake8 prints it."""
        return f"{self.code} {self.message}"

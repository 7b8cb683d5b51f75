"""The shape every rule has: code, name, documentation, examples, and one ``check``.

Like Fixit's rules, the examples are both documentation and tests: the test suite runs
every ``VALID`` example expecting no finding of the rule and every ``INVALID`` example
expecting exactly one (at ``line``/``message`` when the example pins them), and that its
fix produces ``fixed``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from ..context import ModuleContext
from ..findings import Finding, NoFix

#: Reasons several rules give for a finding without a fix.
VERSION_DEPENDENT_SLOT = NoFix(
    "which parameter a positional argument is depends on the MLflow version (mlflow-version); pass it by keyword"
)
WRAPPER_TAKES_NO = NoFix("the wrapper {signature} takes no {parameter}=")


@dataclass(frozen=True)
class Valid:
    """Code the rule must accept (with optional ``[tool.mlflow-naming]`` settings)."""

    code: str
    config: Mapping[str, object] = field(default_factory=dict)
    path: str = "example.py"


@dataclass(frozen=True)
class Invalid:
    """Code the rule must report once; ``fixed`` is the code after its fix (None: no fix)."""

    code: str
    fixed: str | None = None
    config: Mapping[str, object] = field(default_factory=dict)
    path: str = "example.py"
    unsafe: bool = False
    #: When set, the finding must be on this 1-based line.
    line: int | None = None
    #: When set, the finding's message must contain this text.
    message: str | None = None


class Rule:
    """Base class. Subclasses set the class attributes and implement :meth:`check`."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    what_it_does: ClassVar[str]
    why_bad: ClassVar[str]
    example: ClassVar[str]
    use_instead: ClassVar[str]
    fix_safety: ClassVar[str]
    options: ClassVar[str] = "None."
    #: Last names of the MLflow APIs the rule's ``check`` asks the context for
    #: (``"start_run"``, ``"log_model"``): the prefilter and the call index are built from them.
    apis: ClassVar[tuple[str, ...]] = ()
    #: True when the rule also matches calls of the configured ``run-wrapper``.
    matches_wrapper: ClassVar[bool] = False
    #: False when the rule's fix renames something runs share (an experiment, a registered
    #: model): ``migrate`` then leaves it out unless ``--select`` names the rule, since moving a
    #: script's runs into a new experiment is not part of moving it onto the wrapper.
    migrates: ClassVar[bool] = True
    #: Every reason a finding of the rule can come without a fix; its page lists them and a
    #: test holds each message's ``(no fix: …)`` to one of them.
    no_fix: ClassVar[tuple[NoFix, ...]] = ()
    VALID: ClassVar[list[Valid]] = []
    INVALID: ClassVar[list[Invalid]] = []

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        """Yield the findings of this rule in ``ctx``'s module."""
        raise NotImplementedError

    @classmethod
    def documentation(cls) -> str:
        """The rule's documentation page, in Ruff's fixed sections (Markdown)."""
        sections = [
            f"# {cls.code} {cls.name}",
            cls.summary,
            "## What it does\n" + _clean(cls.what_it_does),
            "## Why is this bad?\n" + _clean(cls.why_bad),
            "## Example\n```python\n" + _clean(cls.example) + "\n```",
            "## Use instead\n```python\n" + _clean(cls.use_instead) + "\n```",
            "## Fix safety\n" + _clean(cls.fix_safety) + _no_fix_list(cls.no_fix),
            "## Options\n" + _clean(cls.options),
        ]
        return "\n\n".join(sections) + "\n"


def _no_fix_list(reasons: tuple[NoFix, ...]) -> str:
    """The "no fix" reasons as a Markdown list (empty when the rule declares none)."""
    if not reasons:
        return ""
    return "\n\nNo fix, and the message says why, when:\n\n" + "\n".join(f"- {reason.text}" for reason in reasons)


def _clean(text: str) -> str:
    import textwrap  # documentation only: linting never needs it

    return textwrap.dedent(text).strip("\n")

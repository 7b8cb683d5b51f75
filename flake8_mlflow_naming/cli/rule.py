"""``mlflow-naming rule``: a rule's documentation, by code or by name; without one, the list."""

from __future__ import annotations

import argparse
import sys

from ..codes import ALL_CODES, code_for
from ..lint.rules import ALL_RULES, RULES_BY_CODE
from .options import EXIT_CLEAN, EXIT_ERROR


def rule_command(args: argparse.Namespace) -> int:
    """``mlflow-naming rule CODE`` (or ``rule NAME``): print a rule's documentation (``--all``: every rule)."""
    if args.all:
        sys.stdout.write("\n".join(rule.documentation() for rule in ALL_RULES))
        return EXIT_CLEAN
    if not args.code:
        for each in ALL_RULES:
            sys.stdout.write(f"{each.code}  {each.name:<28} {each.summary}\n")
        return EXIT_CLEAN
    code = code_for(args.code)
    rule = RULES_BY_CODE.get(code) if code else None
    if rule is None:
        sys.stderr.write(f"mlflow-naming: error: unknown rule {args.code!r}; known: {', '.join(ALL_CODES)}\n")
        return EXIT_ERROR
    sys.stdout.write(rule.documentation())
    return EXIT_CLEAN

"""Which required tags a ``tags=`` argument lacks, and the fix that adds them from defaults.

Shared by MLN012 (runs) and MLN013 (experiments): the same reading of a dict literal (a
``**`` spread, a computed key or a variable is unknown, never reported) and the same fix.
"""

from __future__ import annotations

import ast
import json
from typing import Iterable

from .context import ModuleContext, literal_string
from .findings import AddDictEntries, Applicability, Fix, SetKeyword, Span
from .mlflow_api import MISSING, UNKNOWN, Argument
from .resolve import CallSite


def missing_tags(ctx: ModuleContext, site: CallSite, tags: Argument, required: Iterable[str]) -> list[str] | None:
    """The required tags ``tags`` (a bound argument) lacks, in ``required``'s order; None when unknown."""
    call = site.node
    if any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
        return None  # ``**kwargs`` may carry tags=
    if tags is UNKNOWN:
        return None  # the configured versions disagree on which positional argument is tags
    if tags is MISSING or (isinstance(tags, ast.Constant) and tags.value is None):
        present: set[str] = set()
    elif isinstance(tags, ast.Dict):
        keys = [_key_text(ctx, site, key) for key in tags.keys]
        if any(key is None for key in keys):
            return None  # a ``**`` spread or a computed key may hold the missing tag
        present = set(keys)  # type: ignore[arg-type]
    else:
        return None  # a variable or an expression: its keys are unknown
    return [tag for tag in required if tag not in present]


def _key_text(ctx: ModuleContext, site: CallSite, key: ast.expr | None) -> str | None:
    if key is None:
        return None
    text = literal_string(key)
    if text is None and isinstance(key, ast.Name):
        text = literal_string(ctx.index.module_constant(key, site.scope))  # type: ignore[arg-type]
    return text


def add_tags_fix(site: CallSite, tags: Argument, missing: list[str], defaults: Iterable[tuple[str, str]]) -> Fix | None:
    """An unsafe fix adding ``missing`` from ``defaults`` (tag -> expression), or None when one has none."""
    table = dict(defaults)
    if not all(tag in table for tag in missing):
        return None
    entries = tuple((json.dumps(tag), table[tag]) for tag in missing)
    description = "Add required tag(s) " + ", ".join(missing)
    if isinstance(tags, ast.Dict):
        return Fix(description, Applicability.UNSAFE, (AddDictEntries(Span.of(tags), entries),))
    source = "{" + ", ".join(f"{key}: {value}" for key, value in entries) + "}"
    return Fix(description, Applicability.UNSAFE, (SetKeyword(Span.of(site.node), "tags", source),))

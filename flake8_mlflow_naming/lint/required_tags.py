"""Which required tags a ``tags=`` argument lacks, and the fix that adds them from defaults.

Shared by MLN012 (runs) and MLN013 (experiments): the same reading of a dict literal (a
``**`` spread, a computed key or a variable is unknown, never reported) and the same fix.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable

from .context import ModuleContext
from .findings import AddDictEntries, Applicability, Fix, NoFix, SetKeyword, Span
from .mlflow_api import MISSING, UNKNOWN, Argument
from .resolve import CallSite


def missing_tags(
    ctx: ModuleContext, site: CallSite, tags: Argument, required: Iterable[str], *, read_body: bool = False
) -> list[str] | None:
    """The required tags ``tags`` (a bound argument) lacks, in ``required``'s order; None when unknown.

    ``tags`` may be a dict literal or a name holding one (:meth:`ModuleContext.known_dict`);
    with ``read_body`` the tags a ``with`` block sets on its run count as given (runs only)."""
    call = site.node
    if any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
        return None  # ``**kwargs`` may carry tags=
    if tags is UNKNOWN:
        return None  # the configured versions disagree on which positional argument is tags
    if tags is MISSING or (isinstance(tags, ast.Constant) and tags.value is None):
        present: set[str] = set()
    else:
        known = ctx.known_dict(tags, site.scope) if isinstance(tags, ast.expr) else None
        if known is None:
            return None  # a parameter, a call, a dict changed in place: its keys are unknown
        keys = [ctx.key_text(key, site) if key is not None else None for key in known.keys]
        if any(key is None for key in keys):
            return None  # a ``**`` spread or a computed key may hold the missing tag
        present = set(keys)  # type: ignore[arg-type]
    if read_body:
        in_body = ctx.tags_set_in_body(site)
        if in_body is None:
            return None  # the with block sets a tag whose key is unknown: it may be a required one
        present |= in_body
    return [tag for tag in required if tag not in present]


def add_tags_fix(
    ctx: ModuleContext, site: CallSite, tags: Argument, missing: list[str], defaults: Iterable[tuple[str, str]], no_default: NoFix
) -> Fix | NoFix:
    """An unsafe fix adding ``missing`` from ``defaults`` (tag -> expression), or ``no_default``
    (filled with the tags that have no default) when one has none. A dict the argument names
    (a local assigned once) is extended where it is written."""
    table = dict(defaults)
    undefined = [tag for tag in missing if tag not in table]
    if undefined:
        return no_default.because(
            tags=", ".join(repr(tag) for tag in undefined),
            example=" ".join(f"{tag} = '\"...\"'" for tag in undefined[:1]),
        )
    entries = tuple((json.dumps(tag), table[tag]) for tag in missing)
    description = "Add required tag(s) " + ", ".join(missing)
    known = ctx.known_dict(tags, site.scope) if isinstance(tags, ast.expr) else None
    if known is not None:
        return Fix(description, Applicability.UNSAFE, (AddDictEntries(Span.of(known), entries),))
    source = "{" + ", ".join(f"{key}: {value}" for key, value in entries) + "}"
    return Fix(description, Applicability.UNSAFE, (SetKeyword(Span.of(site.node), "tags", source),))

"""Apply exactly one finding's fix: what an editor's quick fix does.

``fix`` and ``migrate`` apply every applicable fix in a loop (:mod:`.loop`); a quick fix must
change only what its own finding names, so it applies that one :class:`Fix` in one LibCST
pass, with the same checks: the result must parse, or nothing changes.
"""

from __future__ import annotations

import libcst as cst

from ..lint.findings import Fix
from ..lint.parse import SourceError, decode, parse
from .apply import apply_fixes
from .loop import FixError


def apply_one_fix(source: bytes, path: str, fix: Fix) -> bytes:
    """``source`` with the edits of ``fix`` applied; FixError (file unchanged) if that is unsafe or impossible."""
    try:
        module = cst.parse_module(source)
        fixed = apply_fixes(module, decode(source), [fix], path).bytes
    except cst.ParserSyntaxError as error:
        raise FixError(f"LibCST cannot parse this file ({str(error).splitlines()[0]})") from None
    except RecursionError:
        raise FixError("too deeply nested for LibCST to fix") from None
    try:
        parse(fixed, path)
    except SourceError as error:
        raise FixError(f"the fix would produce code that does not parse ({error})") from None
    return fixed

"""The editor's actions on findings: one finding's quick fix, ``# noqa`` for a line, fix all safe fixes.

Each action computes the document's new text with the fix layer (never by editing text
itself, except the ``# noqa`` comment, which is a comment) and turns it into a workspace
edit with :func:`.edits.text_edits`. A notebook's edit changes each cell that changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from ..config import ConfigSource
from ..lint.findings import Finding
from ..lint.noqa import NOQA_INLINE, noqa_comment_line, with_noqa_codes
from ..lint.parse import SourceError
from ..sources.kinds import ReassemblyError, open_source
from .documents import SOURCE, Linted, UnitCounter, split_lines
from .edits import text_edits

FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"
FIX_ALL_TITLE = "Fix all safe MLN fixes"
#: ``workspace/executeCommand`` names: arguments are the document URI and, but for fix-all, the finding's key.
APPLY_FIX_COMMAND = f"{SOURCE}.applyFix"
DISABLE_FOR_LINE_COMMAND = f"{SOURCE}.disableForLine"
FIX_ALL_COMMAND = f"{SOURCE}.fixAll"


class ActionError(Exception):
    """The action cannot be computed for this version of the document; the message says why."""


@dataclass(frozen=True)
class EditOptions:
    """How the client wants workspace edits: versioned document changes, or a plain map."""

    document_changes: bool = True


def quick_fix_title(finding: Finding) -> str:
    """``Name the run "train_main" (unsafe)``: the fix and its safety."""
    assert finding.fix is not None
    return f"{finding.fix.description} ({finding.fix.applicability.value})"


def noqa_title(finding: Finding) -> str:
    """``Disable MLN001 for this line``."""
    return f"Disable {finding.code} for this line"


def quick_fix_texts(linted: Linted, finding: Finding) -> dict[str, str]:
    """The new text of each document after applying exactly ``finding``'s fix."""
    if finding.fix is None:
        raise ActionError(f"{finding.code} has no fix here")
    # The fix layer (and LibCST) loads with the first fix asked for, not with the server.
    from ..fix.loop import FixError
    from ..fix.single import apply_one_fix

    snapshot = linted.snapshot
    try:
        kind = open_source(snapshot.path, snapshot.raw)
        python = kind.python
        if python is None:
            raise ActionError("nothing to fix")
        fixed = apply_one_fix(python, snapshot.path, finding.fix)
        return snapshot.texts_of_raw(kind.rebuild(fixed).raw)
    except (FixError, SourceError, ReassemblyError) as error:
        raise ActionError(str(error)) from None


def fix_all_texts(linted: Linted, config_source: ConfigSource) -> dict[str, str]:
    """The new text of each document after every safe fix (the ``fix`` command's loop, writing nothing)."""
    from ..fix.loop import FixOptions, fix_file

    snapshot = linted.snapshot
    result = fix_file(snapshot.path, FixOptions(write=False), config_source, source=snapshot.raw)
    if result.error is not None:
        raise ActionError(result.error.message)
    if result.fixed is None:
        return snapshot.texts()
    return snapshot.texts_of_raw(result.fixed)


def noqa_texts(linted: Linted, finding: Finding) -> dict[str, str]:
    """The new text of the finding's document with ``# noqa: CODE`` where flake8 and ``check`` honour it.

    An existing ``# noqa: OTHER`` on that line gets the code added to its list: a second
    ``# noqa`` comment would not be read.
    """
    snapshot = linted.snapshot
    uri = snapshot.document_of(finding)
    lines = split_lines(snapshot.texts()[uri])
    number = noqa_comment_line(lines, finding.line)
    if not 1 <= number <= len(lines):
        raise ActionError("the line is gone")
    match = NOQA_INLINE.search(lines[number - 1].rstrip("\r\n"))
    if match is not None and not match.group("codes"):  # a bare noqa comment already silences everything
        raise ActionError("the line already has # noqa")
    lines, _changed = with_noqa_codes(lines, {finding.line: {finding.code}})
    return {**snapshot.texts(), uri: "".join(lines)}


def workspace_edit(linted: Linted, texts: dict[str, str], units: UnitCounter, options: EditOptions) -> types.WorkspaceEdit:
    """The edit that turns the snapshot's documents into ``texts``."""
    old, versions = linted.snapshot.texts(), linted.snapshot.versions()
    changes = {uri: text_edits(old[uri], text, units) for uri, text in texts.items() if uri in old}
    changes = {uri: edits for uri, edits in changes.items() if edits}
    if not options.document_changes:
        return types.WorkspaceEdit(changes=changes)
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=versions.get(uri)),
                edits=edits,
            )
            for uri, edits in changes.items()
        ]
    )


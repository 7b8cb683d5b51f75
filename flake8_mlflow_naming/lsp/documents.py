"""Open documents as the engine reads them, and their findings as LSP diagnostics.

A Python document is its own module. A notebook document arrives as a list of cell
documents; it is handed to the engine as the notebook JSON those cells make, so notebooks
go through :class:`..sources.kinds.NotebookFile` exactly as ``check`` reads a ``.ipynb``
file (one module, IPython lines skipped) and each finding comes back in its cell.

Positions: the engine counts lines from 1 and columns in UTF-8 bytes; LSP counts both from 0,
columns in the units the client negotiated (UTF-16 unless it chose otherwise). Every
conversion goes through :class:`Positions`, which splits lines the way LSP does (``\\n``,
``\\r\\n`` and ``\\r``).
"""

from __future__ import annotations

import bisect
import io
import json
import os
import tokenize
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lsprotocol import types

from ..check import FileError, FileResult, check_file
from ..codes import RULE_NAMES
from ..config import ConfigSource
from ..lint.findings import Finding
from ..text_diff import split_lines  # re-exported: LSP breaks lines where SARIF does

#: The ``source`` of every diagnostic, and the prefix of every command and action kind.
SOURCE = "mlflow-naming"

#: Counts the client's position units in a string (pygls' ``PositionCodec.client_num_units``).
UnitCounter = Callable[[str], int]


@dataclass(frozen=True)
class Cell:
    """One cell of a notebook document: its own text document."""

    uri: str
    text: str
    version: int | None
    is_python: bool


@dataclass(frozen=True)
class Snapshot:
    """One open document at one version, as the engine reads it.

    ``uri`` is the text document's URI, or the notebook's; ``path`` chooses the configuration
    and the per-file settings (``per-file-ignores``, the wrapper's own module).
    """

    uri: str
    path: str
    version: int | None
    text: str = ""
    cells: tuple[Cell, ...] = ()
    is_notebook: bool = False

    @property
    def raw(self) -> bytes:
        """The bytes :func:`..check.check_file` reads: the file's, or the notebook JSON of the cells."""
        if not self.is_notebook:
            return source_bytes(self.text)
        cells: list[dict[str, object]] = [
            {"cell_type": "code", "metadata": {}, "source": cell.text, "outputs": [], "execution_count": None}
            if cell.is_python
            else {"cell_type": "markdown", "metadata": {}, "source": cell.text}
            for cell in self.cells
        ]
        return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}, indent=1).encode()

    def texts(self) -> dict[str, str]:
        """The text of each document diagnostics and edits go to: the file, or each cell."""
        if self.is_notebook:
            return {cell.uri: cell.text for cell in self.cells}
        return {self.uri: self.text}

    def versions(self) -> dict[str, int | None]:
        """The version of each of those documents."""
        if self.is_notebook:
            return {cell.uri: cell.version for cell in self.cells}
        return {self.uri: self.version}

    def document_of(self, finding: Finding | FileError) -> str:
        """The URI of the document ``finding`` is in (a notebook's finding: its cell's)."""
        if not self.is_notebook:
            return self.uri
        cell = getattr(finding, "cell", None)
        if cell is not None and 1 <= cell <= len(self.cells):
            return self.cells[cell - 1].uri
        python = [c for c in self.cells if c.is_python] or list(self.cells)
        return python[0].uri if python else self.uri

    def texts_of_raw(self, raw: bytes) -> dict[str, str]:
        """The document texts that bytes like :attr:`raw` (after a fix) stand for."""
        if not self.is_notebook:
            return {self.uri: decode_document(raw)}
        cells = json.loads(raw.decode("utf-8-sig"))["cells"]
        texts = {}
        for cell, data in zip(self.cells, cells):
            source = data.get("source", "")
            texts[cell.uri] = "".join(source) if isinstance(source, list) else source
        return texts


def source_bytes(text: str) -> bytes:
    """A document's text as file bytes, in the encoding its coding cookie names (UTF-8 without one)."""
    raw = text.encode("utf-8", errors="surrogatepass")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError:  # a cookie naming an unknown encoding: the engine reports it
        return raw
    if encoding in ("utf-8", "utf-8-sig"):
        return raw
    try:
        return text.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return raw


def decode_document(raw: bytes) -> str:
    """The text of file bytes the way :func:`source_bytes` encoded them."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        return raw.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return raw.decode("utf-8", errors="surrogatepass")


@dataclass
class Linted:
    """A snapshot and what the engine found in it."""

    snapshot: Snapshot
    result: FileResult

    def findings_in(self, uri: str) -> list[Finding]:
        """The findings placed in document ``uri``."""
        return [f for f in self.result.findings if self.snapshot.document_of(f) == uri]

    def find(self, key: dict) -> Finding | None:
        """The finding :func:`finding_key` described (extra entries, as in a diagnostic's ``data``, are ignored)."""
        wanted = {name: key.get(name) for name in ("code", "line", "col", "cell")}
        return next((f for f in self.result.findings if finding_key(f) == wanted), None)


def lint(snapshot: Snapshot, config_source: ConfigSource) -> Linted:
    """Run the engine on ``snapshot``, as ``check`` does on a file (never raises for bad input)."""
    return Linted(snapshot, check_file(snapshot.path, config_source, source=snapshot.raw))


def finding_key(finding: Finding) -> dict:
    """What names a finding within one document version (kept in diagnostics' and actions' ``data``)."""
    return {"code": finding.code, "line": finding.line, "col": finding.col, "cell": getattr(finding, "cell", None)}


@dataclass
class Positions:
    """Positions in one document's text, in the client's units."""

    text: str
    units: UnitCounter
    lines: list[str] = field(init=False)
    starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = split_lines(self.text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def _content(self, index: int) -> str:
        return self.lines[index].rstrip("\r\n") if 0 <= index < len(self.lines) else ""

    def at(self, line: int, character: int) -> types.Position:
        """The position of code point ``character`` of 0-based ``line`` (clamped to the text)."""
        if line >= len(self.lines):
            if not self.lines or self.lines[-1].endswith(("\n", "\r")):
                return types.Position(len(self.lines), 0)
            line, character = len(self.lines) - 1, len(self._content(len(self.lines) - 1))
        content = self._content(line)
        return types.Position(line, self.units(content[: min(character, len(content))]))

    def at_byte_column(self, line: int, byte_col: int) -> types.Position:
        """The position of an engine column: 1-based ``line``, ``byte_col`` UTF-8 bytes into it."""
        content = self._content(line - 1)
        characters = len(content.encode("utf-8", errors="surrogatepass")[:byte_col].decode("utf-8", errors="ignore"))
        return self.at(line - 1, characters)

    def line_end(self, line: int) -> types.Position:
        """The end of 1-based ``line``'s content (before its line break)."""
        return self.at(line - 1, len(self._content(line - 1)))

    def at_offset(self, offset: int) -> types.Position:
        """The position of code point ``offset`` of the whole text."""
        line = bisect.bisect_right(self.starts, offset) - 1
        if line >= len(self.lines):
            return self.at(len(self.lines), 0)
        return self.at(line, offset - self.starts[line])

    def range_of(self, finding: Finding) -> types.Range:
        """The range of a finding: its node, or the rest of its line when the end is unknown."""
        start = self.at_byte_column(finding.line, finding.col)
        if finding.end_line and (finding.end_line, finding.end_col) >= (finding.line, finding.col):
            end = self.at_byte_column(finding.end_line, finding.end_col)
        else:
            end = self.line_end(finding.line)
        return types.Range(start, end)


@cache
def rule_documentation_url(code: str) -> str | None:
    """Where the rule's documentation page is: the package's ``Rule documentation`` URL, else the checkout's file.

    The project URL (``[project.urls]``, a template with ``{code}``) is what a published
    package links to; a checkout or an editable install links to ``docs/rules/CODE.md``. A
    normal install without such a URL has neither, so the page is written once per release
    from the rule's own text (what ``mlflow-naming rule CODE`` prints, the same text as
    ``docs/rules/CODE.md``) into the user's cache folder, and the link points there: it works
    offline and stays the same for every diagnostic of that release.
    """
    if code not in RULE_NAMES:
        return None
    template = _published_template()
    if template:
        return template.replace("{code}", code)
    page = Path(__file__).resolve().parents[2] / "docs" / "rules" / f"{code}.md"
    if page.is_file():
        return page.as_uri()
    return _cached_page(code)


def rule_pages_folder() -> Path:
    """Where an installed release keeps its rule pages: ``$XDG_CACHE_HOME/mlflow-naming/VERSION/rules``."""
    from .. import __version__

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlflow-naming" / __version__ / "rules"


def _cached_page(code: str) -> str | None:
    """The ``file:`` URI of the rule's page in :func:`rule_pages_folder`, written there if missing."""
    from ..lint.rules import RULES_BY_CODE

    page = rule_pages_folder() / f"{code}.md"
    try:
        if not page.is_file():
            page.parent.mkdir(parents=True, exist_ok=True)
            temporary = page.with_name(f".{page.name}.{os.getpid()}.tmp")
            temporary.write_text(RULES_BY_CODE[code].documentation(), encoding="utf-8")
            os.replace(temporary, page)  # whole or absent: another server may write it at once
    except OSError:
        return None  # a read-only home: no link rather than a broken one
    return page.as_uri()


_TEMPLATE: list[str | None] = []


def _published_template() -> str | None:
    if not _TEMPLATE:
        from importlib import metadata

        found = None
        try:
            for entry in metadata.metadata("flake8-mlflow-naming").get_all("Project-URL") or []:
                label, _, url = entry.partition(",")
                if label.strip().lower() == "rule documentation" and "{code}" in url:
                    found = url.strip()
        except metadata.PackageNotFoundError:
            pass
        _TEMPLATE.append(found)
    return _TEMPLATE[0]


def diagnostics(linted: Linted, units: UnitCounter) -> dict[str, list[types.Diagnostic]]:
    """Every document of ``linted`` (each cell of a notebook) and its diagnostics, empty lists included."""
    snapshot, result = linted.snapshot, linted.result
    texts = snapshot.texts()
    positions = {uri: Positions(text, units) for uri, text in texts.items()}
    published: dict[str, list[types.Diagnostic]] = {uri: [] for uri in texts}
    if result.error is not None:
        uri = snapshot.document_of(result.error)
        where = positions.get(uri) or Positions("", units)
        published.setdefault(uri, []).append(
            types.Diagnostic(
                range=types.Range(where.at_byte_column(result.error.line, result.error.col), where.line_end(result.error.line)),
                message=result.error.message,
                severity=types.DiagnosticSeverity.Error,
                source=SOURCE,
            )
        )
    for finding in result.findings:
        uri = snapshot.document_of(finding)
        href = rule_documentation_url(finding.code)
        published.setdefault(uri, []).append(
            types.Diagnostic(
                range=(positions.get(uri) or Positions("", units)).range_of(finding),
                message=finding.message,
                severity=types.DiagnosticSeverity.Warning,
                code=finding.code,
                code_description=types.CodeDescription(href=href) if href else None,
                source=SOURCE,
                data={**finding_key(finding), "fixable": finding.fix is not None},
            )
        )
    return published


def overlapping(linted: Linted, uri: str, wanted: types.Range, keys: Iterable[dict], units: UnitCounter) -> list[Finding]:
    """The findings of document ``uri`` inside ``wanted`` (touching counts) or named by ``keys``.

    ``keys`` are the ``data`` of the diagnostics the client sent with its request: some
    clients send the diagnostics under the cursor, others only the cursor's range.
    """
    named = [dict(key) for key in keys]
    positions = Positions(linted.snapshot.texts().get(uri, ""), units)
    chosen = []
    for finding in linted.findings_in(uri):
        where = positions.range_of(finding)
        touches = not (_before(where.end, wanted.start) or _before(wanted.end, where.start))
        if touches or finding_key(finding) in named:
            chosen.append(finding)
    return chosen


def _before(a: types.Position, b: types.Position) -> bool:
    return (a.line, a.character) < (b.line, b.character)

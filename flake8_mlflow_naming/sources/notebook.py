"""Jupyter notebooks (``.ipynb``): decode their code cells into one Python module, and encode a fixed module back.

This module only reads and writes notebooks; linting and fixing them go through the same
path as a ``.py`` file (see :mod:`.kinds`).

A notebook runs top to bottom in one namespace, so its code cells are analysed together:
an ``import mlflow`` in cell 1 resolves a ``mlflow.start_run()`` in cell 5. The cells are
joined into one module, each preceded by a marker comment line (``# %% mlflow-naming-cell
N``) that LibCST keeps untouched, so a fixed module splits back into its cells even when a
fix adds an import line or removes one.

IPython syntax is not Python: line magics (``%time``), shell lines (``!pip``, ``x = !ls``)
and help lines (``obj?``, ``?obj``) are replaced by a ``pass`` statement at the same
indentation that carries a numbered comment, and a cell magic (``%%bash``) masks its whole
cell. Line numbers therefore stay those of the cell, and the original lines are put back
after fixing.

Positions: ``cell`` is the 1-based index of the cell among *all* cells of the notebook
(markdown cells count), as a reader counts them from the top; ``line`` is 1-based within
that cell, and the column is the engine's (UTF-8 bytes, 0-based).

Only the standard library is imported here: checking a notebook never loads libcst.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..lint.findings import Finding
from ..lint.parse import SourceError

SUFFIX = ".ipynb"
_MARKER = "# %% mlflow-naming-cell "
#: The line that starts each cell in a notebook's joined module (a fix never moves code across it).
CELL_MARKER = _MARKER
_MARKER_LINE = re.compile(r"^# %% mlflow-naming-cell (\d+)\n", re.MULTILINE)
_MASK = "# mlflow-naming-ipython "
_MASK_LINE = re.compile(r"^[ \t]*(?:pass  )?# mlflow-naming-ipython (\d+)$")
_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u[0-9a-fA-F]{4}")
#: Lines IPython rewrites before Python sees them: magics, shell escapes, help.
_IPYTHON_LINE = re.compile(
    r"""^[ \t]*(?:
        [%!]                                                    # %magic, !shell, %%cell (first line)
      | \?                                                      # ?obj, ??obj
      | [A-Za-z_][\w.]*(?:\[[^\]]*\])?\?{1,2}[ \t]*$            # obj?, obj.attr??
      | [A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*[ \t]*=[ \t]*[%!]   # x = !ls, y = %time f()
    )""",
    re.VERBOSE,
)


def is_notebook(path: str) -> bool:
    """True for a path ``check``/``fix`` treat as a Jupyter notebook."""
    return path.lower().endswith(SUFFIX)


@dataclass(frozen=True)
class NotebookError(SourceError):
    """A notebook that cannot be checked: not JSON, not nbformat 4, or a cell that does not parse.

    ``cell`` is the 1-based index of the cell among all cells, when the problem is in one.
    """

    cell: int | None = None


@dataclass(frozen=True, order=True)
class CellFinding(Finding):
    """A finding in a notebook: ``line``/``end_line`` count within ``cell`` (1-based, all cells counted)."""

    cell: int = field(default=0, compare=False)


@dataclass
class _CodeCell:
    index: int  # 1-based among all cells
    text: str
    as_list: bool
    masked: dict[int, str]  # mask number -> original line (without its newline)
    has_code: bool = False  # any Python statement, not just magics and comments


@dataclass
class Notebook:
    """A parsed notebook, its code cells, and the Python module they make."""

    data: dict
    layout: dict
    cells: list[_CodeCell]
    python: str = ""
    #: Module line (1-based) -> (cell, line in cell); marker lines map to (cell, 0).
    lines: list[tuple[int, int]] = field(default_factory=list)

    @property
    def source(self) -> bytes:
        """The module the engine analyses (a lone surrogate from a ``\\ud800`` escape makes it unparsable, not a crash)."""
        return self.python.encode("utf-8", errors="surrogatepass")

    def where(self, line: int) -> tuple[int, int]:
        """``(cell, line in cell)`` of a module line."""
        if 1 <= line <= len(self.lines):
            cell, in_cell = self.lines[line - 1]
            return cell, max(in_cell, 1)
        last = self.cells[-1].index if self.cells else 1
        return last, max(line, 1)


def load(raw: bytes) -> Notebook:
    """Parse a notebook's bytes; NotebookError if it is not an nbformat 4 notebook."""
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text)
    except UnicodeDecodeError as error:
        raise NotebookError(f"not a Jupyter notebook: not UTF-8 ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise NotebookError(f"not a Jupyter notebook: invalid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    except RecursionError:
        raise NotebookError("not a Jupyter notebook: JSON nested too deeply") from None
    if not isinstance(data, dict) or "cells" not in data or "nbformat" not in data:
        raise NotebookError("not a Jupyter notebook: no 'cells' and 'nbformat' at the top level")
    if data.get("nbformat") != 4:
        raise NotebookError(f"unsupported notebook format {data.get('nbformat')!r}: only nbformat 4 is supported")
    cells = data["cells"]
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise NotebookError("not a Jupyter notebook: 'cells' is not a list of cells")
    notebook = Notebook(data, _layout(text, raw), [])
    if _language(data) not in ("python", ""):
        return notebook  # an R or Julia notebook: nothing here is Python
    masks = 0
    for index, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            text_of_cell, as_list = "".join(source), True
        elif isinstance(source, str):
            text_of_cell, as_list = source, False
        else:
            raise NotebookError(f"not a Jupyter notebook: cell {index} has a 'source' that is not text", cell=index)
        notebook.cells.append(_CodeCell(index, text_of_cell, as_list, {}))
    chunks: list[str] = []
    for code in notebook.cells:
        if _MARKER in code.text or "mlflow-naming-ipython" in code.text:
            raise NotebookError("cell contains this tool's own marker comments; not checked", cell=code.index)
        chunks.append(f"{_MARKER}{code.index}\n")
        notebook.lines.append((code.index, 0))
        lines = code.text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()  # the text ended with a newline
        whole_cell = bool(lines) and lines[0].lstrip().startswith("%%")
        continued, indent = False, ""
        for line in lines:
            if whole_cell or continued or _IPYTHON_LINE.match(line):
                masks += 1
                code.masked[masks] = line
                if not continued:  # a continuation line keeps the indentation of the magic it continues
                    indent = "" if whole_cell else line[: len(line) - len(line.lstrip(" \t"))]
                continued = not whole_cell and line.rstrip().endswith("\\")
                # A comment where it is enough; ``pass`` where the line may be a block's only statement.
                line = f"{indent}pass  {_MASK}{masks}" if indent else f"{_MASK}{masks}"
            elif line.strip() and not line.lstrip().startswith("#"):
                code.has_code = True
            chunks.append(line + "\n")
    notebook.python = "".join(chunks)
    notebook.lines = line_map(notebook.python)
    return notebook


def line_map(python: str) -> list[tuple[int, int]]:
    """``(cell, line in cell)`` of each line of a joined module (a marker line: line 0 of its cell).

    Lines above the first marker (an import a fix put there) are the first cell's first lines.
    """
    lines = python.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    first = _MARKER_LINE.search(python)
    cell, in_cell, seen = (int(first.group(1)) if first else 1), 0, False
    placed = []
    for line in lines:
        marker = _MARKER_LINE.match(line + "\n")
        if marker:
            cell = int(marker.group(1))
            if seen:
                in_cell = 0
            seen = True
            placed.append((cell, in_cell))
            continue
        in_cell += 1
        placed.append((cell, in_cell))
    return placed


def to_cells(notebook: Notebook, findings: Iterable[Finding]) -> list[CellFinding]:
    """Module positions to cell positions (the fix travels along, unchanged)."""
    placed = []
    for finding in findings:
        cell, line = notebook.where(finding.line)
        end_line = 0
        if finding.end_line:
            end_cell, end_line = notebook.where(finding.end_line)
            if end_cell != cell:
                end_line = 0
        end_col = finding.end_col if end_line else 0
        placed.append(CellFinding(line, finding.col, finding.code, finding.message, end_line, end_col, finding.fix, cell=cell))
    return placed


def at_cell(notebook: Notebook, error: SourceError) -> NotebookError:
    """A module parse error, re-positioned in its cell."""
    cell, line = notebook.where(error.line)
    return NotebookError(error.message, line, error.col, cell)


def imports_to_first_cell(notebook: Notebook, texts: list[str]) -> bool:
    """Move imports a fix added to the first code cell; True if any were moved.

    LibCST adds an import next to the module's first imports or above its first statement.
    When the cells before that statement hold only magics and comments, it lands at the top
    of a later cell; a notebook reader expects it in the first one.
    """
    target = next((i for i, code in enumerate(notebook.cells) if code.has_code), 0)
    if target == 0:
        return False
    old, new = notebook.cells[target].text.split("\n"), texts[target].split("\n")
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    if any(_is_import(line) for line in old[:start]) or (start < len(old) and _is_import(old[start])):
        return False  # the cell had imports of its own: the new one sits next to them
    end = start
    while end < len(new) and (_is_import(new[end]) or not new[end].strip()):
        end += 1
    imports = [line for line in new[start:end] if line.strip()]
    if not imports:
        return False
    texts[target] = "\n".join(new[:start] + new[end:])
    first = texts[0]
    if not first:
        texts[0] = "\n".join(imports)
    elif first.endswith("\n"):
        texts[0] = first + "\n".join(imports) + "\n"
    else:
        texts[0] = first + "\n" + "\n".join(imports)
    return True


def split(fixed: str, notebook: Notebook) -> list[str] | None:
    """The fixed module cut back into cell texts (None if the markers are not all there, in order)."""
    found = list(_MARKER_LINE.finditer(fixed))
    if [int(m.group(1)) for m in found] != [c.index for c in notebook.cells]:
        return None
    texts = []
    for position, (code, marker) in enumerate(zip(notebook.cells, found)):
        end = found[position + 1].start() if position + 1 < len(found) else len(fixed)
        body = fixed[marker.end() : end]
        if position == 0:
            body = fixed[: marker.start()] + body  # lines a fix put above the first marker
        lines = body.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        restored = []
        for line in lines:
            mask = _MASK_LINE.match(line)
            if mask:
                original = code.masked.get(int(mask.group(1)))
                if original is None:
                    return None
                line = original
            restored.append(line)
        # A fix may leave blank lines after an import it added at a cell's end; a cell keeps its own.
        keep = _trailing_blanks(code.text)
        while len(restored) > 1 and restored[-1].strip() == "" and _blank_tail(restored) > keep:
            restored.pop()
        text = "\n".join(restored)
        if restored and (code.text.endswith("\n") or not code.text):
            text += "\n"
        texts.append(text)
    return texts


def _trailing_blanks(text: str) -> int:
    """How many blank lines end a cell's text."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return _blank_tail(lines)


def _blank_tail(lines: list[str]) -> int:
    count = 0
    while count < len(lines) and lines[-1 - count].strip() == "":
        count += 1
    return count


def cell_lines(text: str) -> list[str]:
    """nbformat's list form of a cell source: one string per line, each keeping its newline."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def dump(notebook: Notebook) -> bytes:
    """Serialise ``notebook.data`` in the layout the file was read in."""
    layout = notebook.layout
    text = json.dumps(notebook.data, indent=layout["indent"], separators=layout["separators"], ensure_ascii=layout["ensure_ascii"])
    try:
        return (layout["bom"] + text + layout["newline"]).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (an output's ``\ud800`` escape) must stay escaped
        text = json.dumps(notebook.data, indent=layout["indent"], separators=layout["separators"], ensure_ascii=True)
        return (layout["bom"] + text + layout["newline"]).encode("utf-8")


def _is_import(line: str) -> bool:
    return line.startswith(("import ", "from "))


def exact_layout(notebook: Notebook, raw: bytes) -> dict:
    """The first layout that reproduces ``raw`` exactly (call before changing ``data``), else the guess."""
    guess = notebook.layout
    for separators in (guess["separators"], (",", ": "), (",", ":"), (", ", ": "), (", ", ":")):
        for ensure_ascii in (guess["ensure_ascii"], not guess["ensure_ascii"]):
            layout = {**guess, "separators": separators, "ensure_ascii": ensure_ascii}
            if dump(replace_layout(notebook, layout)) == raw:
                return layout
    return guess


def replace_layout(notebook: Notebook, layout: dict) -> Notebook:
    """The same notebook, to be written in ``layout``."""
    return Notebook(notebook.data, layout, notebook.cells, notebook.python, notebook.lines)


def _layout(text: str, raw: bytes) -> dict:
    """Indentation, separators, escaping and final newline of a notebook's JSON text."""
    body = text.rstrip("\r\n")
    newline = text[len(body) :]
    second = body.split("\n", 2)[1] if body.count("\n") >= 1 else ""
    prefix = second[: len(second) - len(second.lstrip(" \t"))] if "\n" in body else None
    indent: str | int | None = prefix
    if prefix is not None and prefix == " " * len(prefix):
        indent = len(prefix)
    key_sep = ": " if re.search(r'"\s*: ', body) else ":"
    item_sep = "," if indent is not None else (", " if re.search(r'", "|\d, ', body) else ",")
    ensure_ascii = raw.isascii() and _ESCAPE.search(body) is not None
    return {
        "indent": indent,
        "separators": (item_sep, key_sep),
        "ensure_ascii": ensure_ascii,
        "newline": newline,
        "bom": "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else "",
    }


def _language(data: dict) -> str:
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        return ""
    for key, name in (("language_info", "name"), ("kernelspec", "language")):
        info = metadata.get(key)
        if isinstance(info, dict) and isinstance(info.get(name), str):
            return info[name].lower()
    return ""


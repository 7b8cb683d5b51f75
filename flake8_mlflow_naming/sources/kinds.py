"""What kind of source a file is: a Python file, or a notebook whose cells make one module.

Checking and fixing see only the :class:`Source` interface, so a notebook goes through the
very same lint and fix path as a ``.py`` file: the engine reads :attr:`Source.python`,
findings are moved to the file's own positions with :meth:`Source.place`, and a fixed module
becomes the file's new bytes with :meth:`Source.rebuild`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ..lint.parse import SourceError

if TYPE_CHECKING:
    from ..lint.findings import Finding

#: Notebooks are decoded by :mod:`.notebook`, imported only when a notebook is opened (it
#: brings json), so checking plain files starts faster.
NOTEBOOK_SUFFIX = ".ipynb"


class ReassemblyError(Exception):
    """A fixed module cannot be written back into the file's own form; the file is left as it was."""


@dataclass(frozen=True)
class Rebuilt:
    """A fixed file's bytes, and whether findings placed in the fixed module still hold for them."""

    raw: bytes
    positions_hold: bool = True


class Source(Protocol):
    """One file as the engine sees it."""

    raw: bytes

    @property
    def python(self) -> bytes | None:
        """The Python module to analyse (None: the file holds no Python at all)."""

    def place(self, findings: Iterable[Finding], python: bytes | None = None) -> list[Finding]:
        """Findings in ``python`` (default: :attr:`python`) moved to the file's own positions."""

    def place_error(self, error: SourceError) -> SourceError:
        """A parse error in the module, re-positioned in the file."""

    def rebuild(self, fixed: bytes) -> Rebuilt:
        """The file's bytes once its module is ``fixed``; ReassemblyError if impossible."""


@dataclass
class PythonFile:
    """A ``.py``/``.pyi`` file: the module is the file."""

    raw: bytes

    @property
    def python(self) -> bytes:
        return self.raw

    def place(self, findings: Iterable[Finding], python: bytes | None = None) -> list[Finding]:
        return list(findings)

    def place_error(self, error: SourceError) -> SourceError:
        return error

    def rebuild(self, fixed: bytes) -> Rebuilt:
        return Rebuilt(fixed)


class NotebookFile:
    """A Jupyter notebook: its code cells joined into one module (see :mod:`.notebook`)."""

    def __init__(self, raw: bytes) -> None:
        from . import notebook  # the notebook codec

        self._codec = notebook
        self.raw = raw
        self.notebook = notebook.load(raw)  # NotebookError (a SourceError) if it is not a notebook

    @property
    def python(self) -> bytes | None:
        return self.notebook.source if self.notebook.cells else None

    def place(self, findings: Iterable[Finding], python: bytes | None = None) -> list[Finding]:
        notebook = self.notebook
        if python is not None and python != notebook.source:
            notebook = self._codec.replace_layout(notebook, notebook.layout)
            notebook.lines = self._codec.line_map(python.decode("utf-8", errors="surrogatepass"))
        return list(self._codec.to_cells(notebook, findings))

    def place_error(self, error: SourceError) -> SourceError:
        return self._codec.at_cell(self.notebook, error)

    def rebuild(self, fixed: bytes) -> Rebuilt:
        """Replace only the ``source`` of cells that changed; outputs, metadata and layout stay.

        A notebook whose cells come out unchanged is returned as the very same bytes.
        """
        notebook = self.notebook
        fixed_text = fixed.decode("utf-8", errors="surrogatepass")
        if fixed_text == notebook.python:
            return Rebuilt(self.raw)
        texts = self._codec.split(fixed_text, notebook)
        if texts is None:
            raise ReassemblyError("a fix moved code across a cell boundary; left unchanged")
        moved = self._codec.imports_to_first_cell(notebook, texts)
        notebook.layout = self._codec.exact_layout(notebook, self.raw)
        changed = False
        for code, text in zip(notebook.cells, texts):
            if text == code.text:
                continue
            changed = True
            cell = notebook.data["cells"][code.index - 1]
            cell["source"] = self._codec.cell_lines(text) if code.as_list else text
        if not changed:
            return Rebuilt(self.raw)
        return Rebuilt(self._codec.dump(notebook), positions_hold=not moved)


def open_source(path: str, raw: bytes) -> PythonFile | NotebookFile:
    """The kind of source ``path`` holds, by its suffix; SourceError if it cannot be decoded as that kind."""
    return NotebookFile(raw) if path.lower().endswith(NOTEBOOK_SUFFIX) else PythonFile(raw)


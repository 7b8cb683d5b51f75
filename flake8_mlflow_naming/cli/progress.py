"""The one progress display: a bar on standard error for runs over many files, or a status line.

``\\r[#####               ] 120/1000 files``, redrawn at most ten times a second and erased
when the run ends or before other text is written to the terminal. When standard error is
not a terminal (a pipe, a file, CI logs) nothing at all is written.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import IO, TypeVar

T = TypeVar("T")

#: Fewer files than this finish before a bar would be worth reading.
MIN_FILES = 2
WIDTH = 20
INTERVAL = 0.1  # seconds between redraws


class Progress:
    """Counts finished files and draws the bar; a no-op when ``stream`` is not a terminal."""

    def __init__(self, stream: IO[str] | None = None, clock=time.monotonic) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._clock = clock
        self._total = 0
        self._done = 0
        self._drawn = 0  # length of the bar on screen (0: nothing shown)
        self._last = float("-inf")
        try:
            self._enabled = self._stream.isatty()
        except (AttributeError, ValueError, OSError):
            self._enabled = False

    @property
    def enabled(self) -> bool:
        """Whether this run draws a bar."""
        return self._enabled and self._total >= MIN_FILES

    @property
    def on_terminal(self) -> bool:
        """Whether anything is drawn at all (a status line needs no file count)."""
        return self._enabled

    def show(self, text: str) -> None:
        """Draw a free-form status line instead of the bar (``audit``'s runs audited so far)."""
        if self._enabled:
            self._write("\r" + text + " " * max(0, self._drawn - len(text)))
            self._drawn = max(len(text), self._drawn)

    def start(self, total: int) -> None:
        """Begin counting towards ``total`` files and show the empty bar."""
        self._total, self._done = total, 0
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        """``count`` more files are done; redraw if the last redraw is old enough."""
        self._done += count
        self._draw(force=self._done >= self._total)

    def clear(self) -> None:
        """Erase the bar (before other text goes to the terminal, and at the end)."""
        if self._drawn:
            self._write("\r" + " " * self._drawn + "\r")
            self._drawn = 0
            self._last = float("-inf")

    def track(self, items: Iterable[T], total: int) -> Iterator[T]:
        """Yield ``items``, counting each as a finished file; the bar is erased when they run out."""
        self.start(total)
        try:
            for item in items:
                self.advance()
                yield item
        finally:
            self.clear()

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = self._clock()
        if not force and now - self._last < INTERVAL:
            return
        self._last = now
        filled = WIDTH * self._done // self._total
        text = f"[{'#' * filled}{' ' * (WIDTH - filled)}] {self._done}/{self._total} files"
        self._write("\r" + text + " " * max(0, self._drawn - len(text)))
        self._drawn = max(len(text), self._drawn)

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):
            self._enabled = False

"""The one worker pool: ``check`` and ``fix`` both spread files over processes with it.

An interrupt (SIGINT, or SIGTERM, which the command line turns into one) never cuts a file
in half and never loses the news of a file already written: the first signal asks every
process to stop *after the file it is working on*; the files already done are still yielded,
in order, and then KeyboardInterrupt is raised. A second signal interrupts at once.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: Set in each worker process by :func:`_start_worker`: the run's shared stop flag.
_worker_stop: Any = None


class _StopRequest:
    """The parent's record of a signal: the first one asks to stop, a second one interrupts."""

    def __init__(self, shared_event: Any = None) -> None:
        self.requested = False
        self._shared_event = shared_event

    def handle(self, signum: int, frame: object) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        if self._shared_event is not None:
            self._shared_event.set()


@contextmanager
def _stop_on_signal(request: _StopRequest) -> Iterator[None]:
    """Route SIGINT/SIGTERM to ``request`` while the block runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in _STOP_SIGNALS}
    for signum in _STOP_SIGNALS:
        signal.signal(signum, request.handle)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _start_worker(stop: Any) -> None:
    """Worker initializer: a signal (or the parent) sets ``stop``; the current file is finished."""
    global _worker_stop  # noqa: PLW0603 - one per worker process, and only its initializer can set it
    _worker_stop = stop
    for signum in _STOP_SIGNALS:
        signal.signal(signum, lambda signum, frame: stop.set())


def _run_unless_stopped(function: Callable[..., Result], item: Item, *shared: object) -> tuple[bool, Result | None]:
    """``(True, function(item, *shared))``, or ``(False, None)`` once a stop was requested."""
    if _worker_stop is not None and _worker_stop.is_set():
        return False, None
    return True, function(item, *shared)


def map_in_order(function: Callable[..., Result], items: Sequence[Item], jobs: int, *shared: object) -> Iterator[Result]:
    """``function(item, *shared)`` for each item, in order, in ``jobs`` processes when more than one.

    ``function`` must be a module-level function and ``shared`` picklable (a
    :class:`..config.ConfigSource`, options): each worker receives the work, never a cache.
    On SIGINT/SIGTERM every item already started is finished and yielded, no new one is
    started, and KeyboardInterrupt is raised once they are all yielded. The signal handlers
    are this generator's from its first item to its end, also while the consumer handles a
    result, so no finished item goes unreported.
    """
    if jobs <= 1 or len(items) < 2:
        request = _StopRequest()
        with _stop_on_signal(request):
            for item in items:
                yield function(item, *shared)
                if request.requested:
                    raise KeyboardInterrupt
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    context = multiprocessing.get_context()
    stop = context.Event()
    request = _StopRequest(stop)
    with _stop_on_signal(request):
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker, initargs=(stop,))
        try:
            chunk = max(1, len(items) // (jobs * 16))
            columns = [[value] * len(items) for value in shared]
            for done, result in pool.map(partial(_run_unless_stopped, function), items, *columns, chunksize=chunk):
                if done:
                    yield result  # type: ignore[misc]
            if request.requested:
                raise KeyboardInterrupt
        finally:
            stop.set()  # a consumer that stops early (or an error) lets the workers go at once
            pool.shutdown(wait=True, cancel_futures=True)

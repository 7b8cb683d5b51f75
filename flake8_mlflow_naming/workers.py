"""The one worker pool: ``check`` and ``fix`` both spread files over processes with it."""

from __future__ import annotations

from typing import Callable, Iterator, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_in_order(function: Callable[..., Result], items: Sequence[Item], jobs: int, *shared: object) -> Iterator[Result]:
    """``function(item, *shared)`` for each item, in order, in ``jobs`` processes when more than one.

    ``function`` must be a module-level function and ``shared`` picklable (a
    :class:`..config.ConfigSource`, options): each worker receives the work, never a cache.
    """
    if jobs <= 1 or len(items) < 2:
        for item in items:
            yield function(item, *shared)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunk = max(1, len(items) // (jobs * 16))
        columns = [[value] * len(items) for value in shared]
        yield from pool.map(function, items, *columns, chunksize=chunk)

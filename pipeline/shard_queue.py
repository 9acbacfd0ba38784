"""Handing shards to a pool of workers: largest first, a few at a time.

Shard boundaries are content-defined (so that an unchanged stretch of the archive maps to the same
shard next night), hence shard sizes vary fourfold. Handed out in archive order, a large shard
planned last runs alone at the end while the other workers idle: on 2 workers and 20,000 reports
that tail was several seconds. :class:`ShardQueue` keeps at most ``in_flight`` shards submitted
and, each time one finishes, submits the largest shard still waiting (longest-processing-time-first
scheduling), so the run ends on small shards. Planning is much faster than extraction, so by the
time the first shards finish every shard is known and the order is by size.

Works with any future that has ``add_done_callback`` (``concurrent.futures``, Prefect's futures);
it does not care what a task is beyond its ``key`` and ``n_records``.
"""
from __future__ import annotations

import heapq
import queue
from collections import deque
from typing import Any, Callable, Iterator, Protocol


class _Shard(Protocol):
    key: str
    n_records: int


class ShardQueue:
    """Submit shards through ``submit`` (returns a future), at most ``in_flight`` at a time
    (``None``: no limit, everything is submitted as soon as it is added), largest first."""

    def __init__(self, submit: Callable[[Any], Any], in_flight: int | None = None) -> None:
        if in_flight is not None and in_flight < 1:
            raise ValueError("in_flight must be at least 1")
        self._submit = submit
        self._limit = in_flight
        self._waiting: list[tuple[int, str, Any]] = []  # heap: largest shard first, then by key
        self._running: dict[str, Any] = {}  # submitted, not finished (as far as we know)
        self._ready: deque[Any] = deque()  # finished, not yet returned by completed()
        self._seen: set[str] = set()
        self._finished: "queue.SimpleQueue[str]" = queue.SimpleQueue()  # keys, from the callbacks

    def add(self, shard: _Shard) -> bool:
        """Queue a shard (submitted at once if a slot is free); False if its key was added before."""
        if shard.key in self._seen:
            return False
        self._seen.add(shard.key)
        heapq.heappush(self._waiting, (-shard.n_records, shard.key, shard))
        self._fill()
        return True

    def __len__(self) -> int:
        """Shards added and not yet returned by :meth:`completed`."""
        return len(self._waiting) + len(self._running) + len(self._ready)

    def completed(self) -> Iterator[Any]:
        """Yield each submitted shard's future as it finishes, submitting waiting shards as slots
        free, until every shard added so far is done."""
        while len(self):
            self._fill()
            if not self._ready:
                self._finish(self._finished.get())
            yield self._ready.popleft()

    def _finish(self, key: str) -> None:
        self._ready.append(self._running.pop(key))

    def _fill(self) -> None:
        """Collect what finished meanwhile, then submit the largest waiting shards into free slots."""
        while True:
            try:
                self._finish(self._finished.get_nowait())
            except queue.Empty:
                break
        while self._waiting and (self._limit is None or len(self._running) < self._limit):
            _, key, shard = heapq.heappop(self._waiting)
            future = self._submit(shard)
            self._running[key] = future
            future.add_done_callback(lambda _future, key=key: self._finished.put(key))

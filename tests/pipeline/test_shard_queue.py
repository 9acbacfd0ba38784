"""ShardQueue: largest shard first, at most `in_flight` submitted, every shard done exactly once."""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from pipeline.shard_queue import ShardQueue


@dataclass
class Shard:
    key: str
    n_records: int


class Recorder:
    """A submit function over a thread pool that records the submission order and peak concurrency."""

    def __init__(self, workers: int = 1, seconds: float = 0.0):
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.order: list[str] = []
        self.active = 0
        self.peak = 0
        self.seconds = seconds
        self.lock = threading.Lock()

    def submit(self, shard: Shard) -> Future:
        with self.lock:
            self.order.append(shard.key)
            self.active += 1
            self.peak = max(self.peak, self.active)
        return self.pool.submit(self._work, shard)

    def _work(self, shard: Shard) -> str:
        time.sleep(self.seconds)
        with self.lock:
            self.active -= 1
        return shard.key


@pytest.mark.parametrize("sizes, in_flight, expected", [
    # one slot: the first shard goes at once, then the largest of those waiting
    ([300, 2000, 500, 1200], 1, ["a", "b", "d", "c"]),
    # two slots: the first two go at once, then largest first; ties by key
    ([300, 2000, 500, 500, 1200], 2, ["a", "b", "e", "c", "d"]),
    # no limit: archive order
    ([300, 2000, 500], None, ["a", "b", "c"]),
])
def test_shard_queue_submits_largest_first_within_the_limit(sizes, in_flight, expected):
    recorder = Recorder(workers=1, seconds=0.01)
    gate = threading.Event()
    keys = "abcdefgh"
    original = recorder._work

    def blocked(shard):  # nothing finishes before every shard is added: the order is then by size
        gate.wait(5)
        return original(shard)

    recorder._work = blocked
    queue = ShardQueue(recorder.submit, in_flight)
    for key, size in zip(keys, sizes):
        assert queue.add(Shard(key, size))
    gate.set()
    done = sorted(future.result() for future in queue.completed())
    assert done == sorted(keys[:len(sizes)])
    assert recorder.order == expected
    assert len(queue) == 0


def test_shard_queue_never_exceeds_in_flight_and_refills_while_shards_are_added():
    recorder = Recorder(workers=4, seconds=0.02)
    queue = ShardQueue(recorder.submit, in_flight=3)
    for i in range(20):
        queue.add(Shard(f"s{i:02d}", 100 + i))
        time.sleep(0.01)  # planning goes on while shards finish: freed slots are refilled by add()
    submitted_while_planning = len(recorder.order)
    done = [future.result() for future in queue.completed()]
    assert sorted(done) == [f"s{i:02d}" for i in range(20)]
    assert recorder.peak <= 3
    assert submitted_while_planning > 3  # slots freed during planning were used at once


def test_shard_queue_ignores_a_shard_added_twice():
    recorder = Recorder()
    queue = ShardQueue(recorder.submit, in_flight=2)
    assert queue.add(Shard("a", 10))
    assert not queue.add(Shard("a", 10))  # e.g. yielded again by a retry of the plan task
    assert [future.result() for future in queue.completed()] == ["a"]
    assert recorder.order == ["a"]


def test_shard_queue_returns_failed_futures_too():
    def submit(shard):
        future = Future()
        future.set_exception(RuntimeError(shard.key))
        return future

    queue = ShardQueue(submit, in_flight=1)
    queue.add(Shard("x", 1))
    queue.add(Shard("y", 2))
    futures = list(queue.completed())
    assert sorted(str(f.exception()) for f in futures) == ["x", "y"]


def test_shard_queue_with_nothing_added_completes_at_once():
    assert list(ShardQueue(lambda shard: None, in_flight=2).completed()) == []


def test_shard_queue_rejects_a_zero_limit():
    with pytest.raises(ValueError):
        ShardQueue(lambda shard: None, in_flight=0)

"""Sharing one reading of a remote source between the jobs of a batch."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from clipdesk.media.source_info import FAILED_TTL_S, READY_TTL_S, SourceInfoCache

VIDEO = {"_type": "video", "id": "x", "formats": [{"url": "http://127.0.0.1/x.mp4"}]}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def writer(calls: list[Path], content: object = VIDEO, outcome: str = "ok", delay: float = 0.0):
    def resolve(path: Path) -> str:
        calls.append(path)
        time.sleep(delay)  # a slow extraction, so that other jobs arrive meanwhile
        path.write_text(json.dumps(content))
        return outcome

    return resolve


def test_one_reading_for_concurrent_jobs() -> None:
    cache = SourceInfoCache()
    calls: list[Path] = []
    got: list[Path | None] = []
    resolve = writer(calls, delay=0.3)
    threads = [
        threading.Thread(target=lambda: got.append(cache.get("u", resolve, lambda: False)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert len(calls) == 1
    assert len(got) == 4 and len(set(got)) == 1 and got[0] == calls[0]
    assert json.loads(got[0].read_text()) == VIDEO
    folder = got[0].parent
    cache.close()
    assert not folder.exists()


def test_failures_are_remembered_briefly() -> None:
    clock = Clock()
    cache = SourceInfoCache(clock)
    calls: list[Path] = []
    assert cache.get("u", writer(calls, outcome="failed"), lambda: False) is None
    assert not calls[0].exists()
    assert cache.get("u", writer(calls), lambda: False) is None  # the batch goes on without
    assert len(calls) == 1
    clock.now += FAILED_TTL_S + 1
    assert cache.get("u", writer(calls), lambda: False) == calls[1]


def test_ready_entries_expire_and_can_be_forgotten() -> None:
    clock = Clock()
    cache = SourceInfoCache(clock)
    calls: list[Path] = []
    first = cache.get("u", writer(calls), lambda: False)
    assert cache.get("u", writer(calls), lambda: False) == first
    cache.forget("u", first)
    second = cache.get("u", writer(calls), lambda: False)
    assert second != first and len(calls) == 2
    clock.now += READY_TTL_S + 1
    assert cache.get("u", writer(calls), lambda: False) not in (first, second)
    assert cache.get("other", writer(calls), lambda: False) is not None
    assert len(calls) == 4


def test_a_playlist_is_not_used() -> None:
    cache = SourceInfoCache()
    calls: list[Path] = []
    playlist = {"_type": "playlist", "entries": [VIDEO, VIDEO]}
    assert cache.get("u", writer(calls, playlist), lambda: False) is None
    assert cache.get("v", writer(calls, "not json {"), lambda: False) is None


def test_cancel_while_waiting_and_while_reading() -> None:
    cache = SourceInfoCache()
    release = threading.Event()
    started = threading.Event()

    def slow(path: Path) -> str:
        started.set()
        release.wait(5)
        return "cancelled"

    owner = threading.Thread(target=lambda: cache.get("u", slow, lambda: False))
    owner.start()
    assert started.wait(5)
    stop = threading.Event()
    result: list[Path | None] = []
    waiter = threading.Thread(target=lambda: result.append(cache.get("u", slow, stop.is_set)))
    waiter.start()
    stop.set()
    waiter.join(2)
    assert result == [None]  # the waiting job was cancelled and did not hang
    release.set()
    owner.join(5)
    # The owner was cancelled: nothing remembered, the next job reads the source itself.
    calls: list[Path] = []
    assert cache.get("u", writer(calls), lambda: False) == calls[0]

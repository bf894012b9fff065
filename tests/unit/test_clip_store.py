"""The clip store announces structural changes before and after, changes after."""

from __future__ import annotations

from tests.support.episodes import build_episode, clip

from clipdesk.core.clip_store import ClipStore


def store_and_log(before: bool) -> tuple[ClipStore, list[tuple[str, int, int]]]:
    store = ClipStore(build_episode([clip("h1", 0, 1_000), clip("h2", 2_000, 3_000)]))
    log: list[tuple[str, int, int]] = []
    store.subscribe(
        lambda kind, index, _c, _f: log.append((kind, index, len(store))), before=before
    )
    return store, log


def test_before_and_after_each_structural_change() -> None:
    store, log = store_and_log(before=True)
    store.insert(1, clip("k1", 500, 700))
    store.update("k1", title="Renamed")
    store.remove("h1")
    store.reset([])
    assert log == [
        ("inserting", 1, 2), ("inserted", 1, 3), ("changed", 1, 3),
        ("removing", 0, 3), ("removed", 0, 2), ("resetting", -1, 2), ("reset", -1, 0),
    ]  # fmt: skip


def test_listeners_that_do_not_ask_hear_only_what_happened() -> None:
    store, log = store_and_log(before=False)
    store.insert(0, clip("k1", 500, 700))
    store.remove("k1")
    assert [kind for kind, _i, _n in log] == ["inserted", "removed"]


def test_unsubscribing_stops_both() -> None:
    store = ClipStore(build_episode([clip("h1", 0, 1_000)]))
    log: list[str] = []
    stop = store.subscribe(lambda kind, *_: log.append(kind), before=True)
    stop()
    store.remove("h1")
    assert log == []

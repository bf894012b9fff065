"""The clip table model, its filter proxy and the transcript model."""

from __future__ import annotations

from PySide6.QtCore import Qt
from tests.support.episodes import make_episode

from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Clip, ClipKind, ReviewStatus
from clipdesk.ui.review.clip_table_model import (
    CLIP_ID_ROLE,
    SORT_ROLE,
    ClipFilterProxy,
    ClipTableModel,
    Column,
)
from clipdesk.ui.review.transcript_model import START_MS_ROLE, TranscriptModel


def _texts(model, row: int) -> list[str]:
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_clip_model_passes_modeltester_through_store_edits(qtmodeltester) -> None:
    store = ClipStore(make_episode())
    model = ClipTableModel(store)
    qtmodeltester.check(model)
    store.insert(1, Clip("c1", ClipKind.CLIP, "Made here", 3_000, 4_000))
    store.update("h2", title="Renamed", review=ReviewStatus.APPROVED)
    store.remove("k1")
    store.reset(list(store)[:2])
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_clip_model_shows_numbered_rows_per_kind() -> None:
    store = ClipStore(make_episode())
    model = ClipTableModel(store)
    assert _texts(model, 0) == [
        "Highlight", "1", "First highlight", "0:00:02.000", "0:00:05.000", "0:00:03.000",
        "Unreviewed", "",
    ]  # fmt: skip
    assert _texts(model, 1)[:3] == ["Highlight", "2", "Second highlight"]
    assert _texts(model, 2)[1] == "1"  # the first key point
    assert model.index(2, Column.END).data() == "–"  # no end in the document
    # Inserting a highlight in front renumbers the highlights after it.
    store.insert(0, Clip("h0", ClipKind.HIGHLIGHT, "Earlier", 0, 1_000))
    assert [model.index(r, Column.NUMBER).data() for r in range(3)] == ["1", "2", "3"]


def test_clip_model_follows_store_changes_and_export_status(qtbot) -> None:
    store = ClipStore(make_episode())
    model = ClipTableModel(store)
    with qtbot.waitSignal(model.dataChanged):
        store.update("h1", review=ReviewStatus.REJECTED)
    assert model.index(0, Column.REVIEW).data() == "Rejected"
    with qtbot.waitSignal(model.dataChanged):
        model.set_export_status("h1", "Exported")
    assert model.index(0, Column.EXPORT).data() == "Exported"


def test_current_clip_is_drawn_highlighted(qtbot) -> None:
    model = ClipTableModel(ClipStore(make_episode()))
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.set_current_clip("h2")
    assert blocker.args[0].row() == 1
    assert model.index(1, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None


def test_proxy_filters_by_kind_and_text(qtmodeltester) -> None:
    model = ClipTableModel(ClipStore(make_episode()))
    proxy = ClipFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 4
    proxy.set_kinds({ClipKind.HIGHLIGHT})
    assert [proxy.clip_id_at(r) for r in range(proxy.rowCount())] == ["h1", "h2"]
    proxy.set_text("SOUND")  # the quote of h2, case-insensitive
    assert [proxy.clip_id_at(r) for r in range(proxy.rowCount())] == ["h2"]
    proxy.set_kinds(set(ClipKind))
    proxy.set_text("notes drift")  # the summary of k1
    assert [proxy.clip_id_at(r) for r in range(proxy.rowCount())] == ["k1"]
    assert proxy.row_of("k1") == 0 and proxy.row_of("h1") == -1
    proxy.set_text("")
    qtmodeltester.check(proxy)


def test_proxy_sorts_by_time_not_text() -> None:
    store = ClipStore(make_episode())
    store.insert(0, Clip("late", ClipKind.HIGHLIGHT, "Late", 100_000, 110_000))
    proxy = ClipFilterProxy()
    proxy.setSourceModel(ClipTableModel(store))
    proxy.sort(Column.START, Qt.SortOrder.AscendingOrder)
    ids = [proxy.index(r, 0).data(CLIP_ID_ROLE) for r in range(proxy.rowCount())]
    assert ids == ["h1", "h2", "k1", "s1", "late"]  # "0:01:40" < "0:00:02" as text
    assert proxy.index(4, Column.START).data(SORT_ROLE) == 100_000


def test_transcript_model(qtmodeltester, qtbot) -> None:
    ep = make_episode()
    model = TranscriptModel(ep.transcript)
    qtmodeltester.check(model)
    assert model.index(1, 0).data() == "0:00:02"
    assert model.index(1, 1).data() == "Line at 2 seconds"
    assert model.index(3, 0).data(START_MS_ROLE) == 6_000
    with qtbot.waitSignal(model.dataChanged):
        model.set_current_row(3)
    assert model.index(3, 1).data(Qt.ItemDataRole.FontRole).bold()
    model.set_lines(ep.transcript[:2])
    assert model.current_row == -1
    qtmodeltester.check(model)


def test_clip_model_reads_the_store_and_brackets_each_change(qtmodeltester) -> None:
    """No copy of the rows: rowsAboutToBeX arrives before the store changes, rowsX after."""
    store = ClipStore(make_episode())
    model = ClipTableModel(store)
    qtmodeltester.check(model)
    seen: list[tuple[str, int]] = []
    model.rowsAboutToBeInserted.connect(lambda *_: seen.append(("inserting", len(store))))
    model.rowsInserted.connect(lambda *_: seen.append(("inserted", len(store))))
    model.rowsAboutToBeRemoved.connect(lambda *_: seen.append(("removing", len(store))))
    model.rowsRemoved.connect(lambda *_: seen.append(("removed", len(store))))
    model.modelAboutToBeReset.connect(lambda: seen.append(("resetting", len(store))))
    model.modelReset.connect(lambda: seen.append(("reset", len(store))))
    store.insert(0, Clip("c1", ClipKind.CLIP, "Made here", 1_000, 2_000))
    assert model.clip_at_row(0) is store[0]  # the store's own object
    store.remove("h1")
    store.reset(list(store)[:1])
    assert seen == [("inserting", 4), ("inserted", 5), ("removing", 5), ("removed", 4),
                    ("resetting", 4), ("reset", 1)]  # fmt: skip
    assert model.rowCount() == 1 and model.index(0, Column.TITLE).data() == "Made here"

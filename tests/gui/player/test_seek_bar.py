"""The seek bar's hover tip names the clips under the pointer."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QToolTip
from tests.support.episodes import make_episode

from clipdesk.ui.player.seek_bar import SeekBar


def test_hovering_a_clip_names_it_in_the_tip(qtbot) -> None:
    bar = SeekBar()
    qtbot.addWidget(bar)
    bar.resize(600, 40)
    bar.set_length(60_000)
    bar.set_clips(make_episode().clips)
    bar.set_offset(1_000)  # clips are drawn (and named) one second later in the media
    bar.show()
    qtbot.waitExposed(bar)
    x = round(bar.x_for(3_500))  # media 3.5 s: document 2.5 s, inside the first highlight
    qtbot.mouseMove(bar, QPoint(x, 20))
    qtbot.waitUntil(QToolTip.isVisible)
    assert "First highlight" in QToolTip.text()
    assert bar.titles_at(21_500) == ["A key point"]  # open-ended: drawn for 15 s
    assert bar.titles_at(36_500) == ["Later segment"]  # the key point ended at 35 s
    assert bar.titles_at(51_000) == []

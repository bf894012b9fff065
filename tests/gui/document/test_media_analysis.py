"""Thumbnail bookkeeping of MediaAnalysis: the spacing ladder, chunks of a view, what is
drawn while the right spacing is still being made."""

from __future__ import annotations

from PySide6.QtGui import QImage

from clipdesk.ui.document import media_analysis as ma


def test_spacing_fits_a_thumbnail_in_its_slot() -> None:
    assert ma.spacing_for(10.0, 71) == 1_000  # 710 ms a thumbnail: 1 s
    assert ma.spacing_for(100.0, 71) == 10_000
    assert ma.spacing_for(15_000.0, 71) == ma.SPACINGS_MS[-1]  # 4 h in 960 px: the top


def test_chunks_cover_the_view() -> None:
    size = 1_000 * ma.CHUNK_THUMBS
    chunks = ma.chunks_for(1_000, size - 10, 2 * size + 5)
    assert [c.index for c in chunks] == [0, 1, 2]
    assert chunks[1].span() == (size, 2 * size)
    whole = ma.chunks_for(ma.WHOLE_SOURCE_SPACING_MS, 0, 4 * 3_600_000)
    assert [c.span() for c in whole] == [(0, None)]


def _analysis() -> ma.MediaAnalysis:
    # The thumbnail half alone: MediaAnalysis's own __init__ wires a document and media.
    obj = ma.MediaAnalysis.__new__(ma.MediaAnalysis)
    obj._thumbs = {}
    return obj


def test_other_spacing_is_drawn_until_the_right_one_comes(qtbot) -> None:
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    analysis = _analysis()
    coarse = ma._Chunk(60_000, -1)
    analysis._thumbs[coarse] = [(t, image) for t in range(0, 600_000, 60_000)]
    shown = analysis.thumbnails(1_000, 100_000, 150_000)
    assert [t for t, _ in shown] == [60_000, 120_000]  # the one before the view too
    fine = ma._Chunk(1_000, 2)  # 96-144 s
    analysis._thumbs[fine] = [(t, image) for t in range(96_000, 144_000, 1_000)]
    shown = analysis.thumbnails(1_000, 100_000, 150_000)
    assert shown[0][0] == 99_000 and len(shown) == 45
    # A chunk away from the view is not even looked at.
    assert analysis.thumbnails(1_000, 300_000, 310_000)[0][0] == 240_000

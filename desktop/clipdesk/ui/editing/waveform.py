"""The timeline's sound track drawn as images made with numpy: the waveform (min/max
envelope with the RMS inside it) and how much of each pixel column lies in a pause.

A paint never decodes and never loops over bins or pauses in Python: the cached peaks
of the resolution that suits the zoom are reduced to one column a pixel (ufunc.reduceat)
and written straight into an ARGB image, so a 4-hour waveform costs the same to draw
as a one-minute one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtGui import QColor, QImage

from clipdesk.core.pauses import Pause
from clipdesk.media.audio_levels import Levels


def pixel_edges(start_ms: float, ms_per_px: float, width: int, bin_ms: float) -> np.ndarray:
    """Bin index at the left edge of each pixel column and after the last (width + 1)."""
    x = np.arange(width + 1, dtype=np.float64)
    return np.floor((start_ms + x * ms_per_px) / bin_ms).astype(np.int64)


def _reduce(
    values: np.ndarray, edges: np.ndarray, op: np.ufunc, empty: float
) -> tuple[np.ndarray, np.ndarray]:
    """op over the bins of each column (at least the one bin under it); the columns
    outside the data get empty and a False in the mask."""
    n = values.size
    lo = edges[:-1]
    valid = (lo >= 0) & (lo < n)
    out = np.full(lo.size, empty, dtype=np.float32)
    if n == 0 or not valid.any():
        return out, valid
    lo_c = np.clip(lo, 0, n - 1)
    a = int(lo_c[valid][0])
    b = int(min(n, max(int(edges[-1]), int(lo_c[valid][-1]) + 1)))
    part = values[a:b]
    offsets = np.clip(lo_c - a, 0, part.size - 1)
    out[valid] = op.reduceat(part, offsets)[valid]
    return out, valid


def envelope(
    levels: Levels, start_ms: float, ms_per_px: float, width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(min, max, rms, has data) per pixel column of a view."""
    edges = pixel_edges(start_ms, ms_per_px, width, levels.bin_ms)
    mins, valid = _reduce(levels.min, edges, np.minimum, 0.0)
    maxs, _ = _reduce(levels.max, edges, np.maximum, 0.0)
    rms, _ = _reduce(levels.rms, edges, np.maximum, 0.0)
    return mins, maxs, rms, valid


def pause_mask(pauses: Sequence[Pause], levels: Levels) -> np.ndarray:
    """Cumulative count of bins lying in a pause (size len(levels) + 1), so that the
    share of any range of bins in pauses is one subtraction."""
    inside = np.zeros(len(levels), dtype=np.int32)
    per_ms = levels.per_second / 1000
    for p in pauses:
        inside[int(p.start_ms * per_ms) : int(np.ceil(p.end_ms * per_ms))] = 1
    return np.concatenate([[0], np.cumsum(inside, dtype=np.int64)])


def pause_share(
    mask: np.ndarray, bin_ms: float, start_ms: float, ms_per_px: float, width: int
) -> np.ndarray:
    """For each pixel column, the share (0..1) of its time that lies in a pause."""
    n = mask.size - 1
    x = np.arange(width + 1, dtype=np.float64)
    pos = np.clip((start_ms + x * ms_per_px) / bin_ms, 0, n)
    # The cumulative count read between bins too (linear), so that a column narrower
    # than a bin at high zoom gets its own share.
    i = np.minimum(pos.astype(np.int64), n - 1) if n else np.zeros_like(pos, dtype=np.int64)
    cum = mask[i] + (pos - i) * (mask[np.minimum(i + 1, n)] - mask[i])
    span = np.maximum(np.diff(pos), 1e-9)
    return np.clip(np.diff(cum) / span, 0.0, 1.0)


GAMMA = 0.6  # below 1 lifts a quiet speaker without flattening a loud one


def shaped(values: np.ndarray, scale: float) -> np.ndarray:
    """|value| scaled to the track (0..1) on a gentle power curve."""
    return np.clip(np.abs(values) * scale, 0.0, 1.0) ** GAMMA


def _argb(colour: QColor) -> np.ndarray:
    """The colour as QImage.Format_ARGB32 keeps it in memory (little-endian: B G R A)."""
    return np.array([colour.blue(), colour.green(), colour.red(), 255], dtype=np.uint8)


def _argb32(colour: QColor) -> int:
    return int(_argb(colour).view(np.uint32)[0])


def waveform_image(
    levels: Levels,
    start_ms: float,
    ms_per_px: float,
    width: int,
    height: int,
    scale: float,
    peak: QColor,
    body: QColor,
    background: QColor,
    pause: QColor,
    share: np.ndarray | None,
) -> tuple[QImage, np.ndarray]:
    """The waveform of a view as an image, pauses tinted by share (pause_share of each
    column); the array backing the image is returned too and must outlive it."""
    mins, maxs, rms, valid = envelope(levels, start_ms, ms_per_px, width)
    mid = (height - 1) / 2
    top = np.round(mid - shaped(maxs, scale) * mid)
    bottom = np.round(mid + shaped(mins, scale) * mid)
    # Quiet stretches still show a hairline, so that the track reads as sound.
    top = np.minimum(top, np.floor(mid))
    bottom = np.maximum(bottom, np.ceil(mid))
    rms_half = shaped(rms, scale) * mid
    y = np.arange(height, dtype=np.float64)[:, None]
    in_peak = (y >= top[None, :]) & (y <= bottom[None, :]) & valid[None, :]
    in_body = (np.abs(y - mid) <= rms_half[None, :]) & in_peak
    if share is None:
        row = np.full(width, _argb32(background), dtype=np.uint32)
    else:
        # One row of tinted background, the same in every row of the track.
        tint = _argb(pause).astype(np.float32)
        base = _argb(background).astype(np.float32)
        alpha = share[:, None] * (pause.alphaF() or 1.0)
        row = (base * (1 - alpha) + tint * alpha).astype(np.uint8).view(np.uint32)[:, 0]
    # Whole 32-bit pixels chosen in one pass (no per-channel fancy indexing).
    pixels = np.where(
        in_body, np.uint32(_argb32(body)), np.where(in_peak, np.uint32(_argb32(peak)), row)
    ).astype(np.uint32)
    image = QImage(pixels.data, width, height, width * 4, QImage.Format.Format_ARGB32)
    return image, pixels


def pause_strip(share: np.ndarray, colour: QColor) -> tuple[QImage, np.ndarray]:
    """A one-pixel-high image of the pauses (alpha by share), to stretch over the lanes."""
    width = share.size
    pixels = np.zeros((1, width, 4), dtype=np.uint8)
    alpha = share * colour.alpha()
    # Premultiplied: the colour scaled by its alpha.
    for i, c in enumerate((colour.blue(), colour.green(), colour.red())):
        pixels[0, :, i] = (c * alpha / 255).astype(np.uint8)
    pixels[0, :, 3] = alpha.astype(np.uint8)
    image = QImage(pixels.data, width, 1, width * 4, QImage.Format.Format_ARGB32_Premultiplied)
    return image, pixels


def display_scale(levels: Levels) -> float:
    """Gain that lets the loud part of the episode fill the track (not its one click)."""
    if len(levels) == 0:
        return 1.0
    peaks = np.maximum(np.abs(levels.min), np.abs(levels.max))
    top = float(np.percentile(peaks, 99.5))
    return 1.0 / top if top > 1e-4 else 1.0

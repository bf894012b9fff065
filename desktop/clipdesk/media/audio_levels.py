"""Audio peaks: min, max and RMS per bin, reduced from PCM chunks as they arrive.

The fine level (100 bins a second, 10 ms each) is what pause detection reads and what a
zoomed-in waveform draws; coarser levels are reduced from it, never from samples again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FINE_PER_S = 100
COARSE_PER_S = 10


@dataclass(frozen=True)
class Levels:
    """One resolution of the waveform: bin i covers [i, i+1) / per_second seconds.
    min and max are sample values in [-1, 1]; rms is the bin's root mean square."""

    per_second: int
    min: np.ndarray
    max: np.ndarray
    rms: np.ndarray

    def __len__(self) -> int:
        return int(self.rms.size)

    @property
    def bin_ms(self) -> float:
        return 1000.0 / self.per_second

    def window(self, start_ms: float, end_ms: float) -> slice:
        """The bins that cover [start_ms, end_ms), clamped to the data (for drawing)."""
        first = max(0, int(start_ms * self.per_second // 1000))
        last = min(len(self), int(-(-end_ms * self.per_second // 1000)))
        return slice(first, max(first, last))

    def coarser(self, per_second: int) -> Levels:
        """The same audio at a lower resolution that divides this one."""
        if per_second <= 0 or self.per_second % per_second:
            raise ValueError(f"{per_second}/s does not divide {self.per_second}/s")
        k = self.per_second // per_second
        n = -(-len(self) // k)
        pad = n * k - len(self)

        def grouped(a: np.ndarray, fill: float) -> np.ndarray:
            return np.concatenate([a, np.full(pad, fill, a.dtype)]).reshape(n, k)

        sq = grouped(self.rms.astype(np.float64) ** 2, 0.0).sum(axis=1)
        counts = np.full(n, k, dtype=np.float64)
        if pad:
            counts[-1] = k - pad
        return Levels(
            per_second,
            grouped(self.min, np.inf).min(axis=1).astype(np.float32),
            grouped(self.max, -np.inf).max(axis=1).astype(np.float32),
            np.sqrt(sq / counts).astype(np.float32),
        )


class LevelReducer:
    """Feed int16 chunks of any length in order; finish() gives the fine Levels.
    Memory: the output arrays plus at most one bin of carried samples."""

    def __init__(self, rate: int, per_second: int = FINE_PER_S) -> None:
        if rate % per_second:
            raise ValueError(f"{rate} Hz does not split into {per_second} bins a second")
        self.rate = rate
        self.per_second = per_second
        self.bin = rate // per_second
        self._carry = np.empty(0, dtype=np.int16)
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.samples = 0

    def feed(self, chunk: np.ndarray) -> None:
        self.samples += int(chunk.size)
        if self._carry.size:
            chunk = np.concatenate([self._carry, chunk])
        whole = chunk.size - chunk.size % self.bin
        self._carry = chunk[whole:].copy()
        if whole:
            self._parts.append(self._reduce(chunk[:whole].reshape(-1, self.bin)))

    def _reduce(self, bins: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        scale = np.float32(1.0 / 32768.0)
        mins = bins.min(axis=1).astype(np.float32) * scale
        maxs = bins.max(axis=1).astype(np.float32) * scale
        x = bins.astype(np.float32)
        # einsum sums the squares without a second temporary of the chunk's size.
        ms = np.einsum("ij,ij->i", x, x) / np.float32(bins.shape[1])
        return mins, maxs, np.sqrt(ms) * scale

    def finish(self) -> Levels:
        parts = list(self._parts)
        if self._carry.size:  # the last, partial bin
            parts.append(self._reduce(self._carry.reshape(1, -1)))
            self._carry = np.empty(0, dtype=np.int16)
        if not parts:
            empty = np.empty(0, dtype=np.float32)
            return Levels(self.per_second, empty, empty.copy(), empty.copy())
        mins, maxs, rms = (np.concatenate(cols) for cols in zip(*parts, strict=True))
        return Levels(self.per_second, mins, maxs, rms)

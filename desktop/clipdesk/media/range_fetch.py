"""Reading parts of a remote file with HTTP Range requests (urllib): bounded reads,
timeouts, and a clear error when the server does not do ranges."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import BinaryIO

TIMEOUT_S = 20.0
FIRST_BLOCK = 64 * 1024  # ftyp and, for a fast-start file, most of moov
COPY_CHUNK = 256 * 1024
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")


class RangeError(OSError):
    """The file cannot be read by ranges; str() says why."""


class RangeStalled(RangeError):
    """The server sent nothing for the whole timeout: asking again would wait again."""


def _timed_out(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError)


class HttpBytes:
    """A remote file as a ByteSource. The first block is kept (box headers are read
    there again and again); everything else is read when asked, never all at once.
    keep: every read is also recorded in `kept` (offset, bytes), for a local copy that
    should not ask for them again."""

    def __init__(
        self,
        url: str,
        headers: Mapping[str, str] | None = None,
        timeout: float = TIMEOUT_S,
        keep: bool = False,
    ) -> None:
        self.url = url
        self.headers = dict(headers or {})
        self.timeout = timeout
        self.bytes_read = 0
        self.requests = 0
        first, self._size = self._get(0, FIRST_BLOCK)
        self._first = first
        self.keep = keep
        self.kept: list[tuple[int, bytes]] = [(0, first)] if keep else []

    @property
    def size(self) -> int:
        return self._size

    def _open(self, offset: int, length: int):  # type: ignore[no-untyped-def]
        # http.client, ssl and email load with the first request: a batch cut from a
        # local file imports this module but never fetches.
        import urllib.error
        import urllib.request

        headers = dict(self.headers, Range=f"bytes={offset}-{offset + length - 1}")
        headers.setdefault("User-Agent", "clipdesk")
        request = urllib.request.Request(self.url, headers=headers)
        self.requests += 1
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            if exc.code == 416:
                raise RangeError(f"the server refused the byte range {offset}-") from exc
            raise RangeError(f"the server answered {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            error = RangeStalled if _timed_out(exc) else RangeError
            raise error(f"cannot read {self.url}: {getattr(exc, 'reason', exc)}") from exc
        if response.status != 206:
            response.close()
            raise RangeError("the server does not support byte ranges (it sent the whole file)")
        m = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        if not m or int(m.group(1)) != offset:
            response.close()
            raise RangeError("the server sent a byte range other than the one asked for")
        return response, int(m.group(3))

    def _get(self, offset: int, length: int) -> tuple[bytes, int]:
        response, total = self._open(offset, length)
        with response:
            try:
                data = response.read(length)
            except (OSError, TimeoutError) as exc:
                error = RangeStalled if _timed_out(exc) else RangeError
                raise error(f"reading {self.url} broke off: {exc}") from exc
        self.bytes_read += len(data)
        return data, total

    def read(self, offset: int, length: int) -> bytes:
        length = max(0, min(length, self._size - offset))
        if offset + length <= len(self._first):
            return self._first[offset : offset + length]
        if length == 0:
            return b""
        data, _ = self._get(offset, length)
        if len(data) != length:
            raise RangeError(f"the server sent {len(data)} of {length} bytes at {offset}")
        if self.keep:
            self.kept.append((offset, data))
        return data

    def copy_to(
        self,
        out: BinaryIO,
        offset: int,
        length: int,
        stop: Callable[[], bool],
        on_chunk: Callable[[int, int], None],
    ) -> bool:
        """Write bytes offset..offset+length-1 to out at the same offset, in chunks,
        calling on_chunk(start, end) after each; False when stop() turned true."""
        response, _ = self._open(offset, length)
        pos, end = offset, offset + length
        with response:
            while pos < end:
                if stop():
                    return False
                try:
                    chunk = response.read(min(COPY_CHUNK, end - pos))
                except (OSError, TimeoutError) as exc:
                    raise RangeError(f"reading {self.url} broke off: {exc}") from exc
                if not chunk:
                    raise RangeError(f"the server stopped sending at byte {pos} of {end}")
                out.seek(pos)
                out.write(chunk)
                out.flush()
                self.bytes_read += len(chunk)
                on_chunk(pos, pos + len(chunk))
                pos += len(chunk)
        return True

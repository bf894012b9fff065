"""A small HTTP server on 127.0.0.1 that honours Range requests.

Python's http.server ignores Range, and ffmpeg/libvlc need it to seek in a
remote MP4. Faults can be injected per path for the export fault tests.
"""

from __future__ import annotations

import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
STALL_AFTER = 300 * 1024


class RangeServer:
    """Serve files from a folder. Use as a context manager; `url(name)` gives a file's URL.

    faults maps a file name to "404" (not found), "cut" (the connection is closed
    after half the requested bytes), "stall" (headers and STALL_AFTER bytes, then
    nothing until the server stops), "stall-headers" (the request is read, then
    nothing at all), "norange" (Range is ignored: the whole file, status 200, as
    Python's http.server does) or "slow" (about 1 MB/s); "norange" combines with
    another fault with a "+" ("norange+stall").
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.faults: dict[str, str] = {}
        self.requests: list[tuple[str, str | None]] = []
        self.stopping = threading.Event()  # stalled answers end when it is set
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_HEAD(self) -> None:
                self._serve(head=True)

            def do_GET(self) -> None:
                self._serve(head=False)

            def _serve(self, head: bool) -> None:
                name = self.path.split("?", 1)[0].lstrip("/")
                server.requests.append((name, self.headers.get("Range")))
                path = (server.root / name).resolve()
                # Faults combine with "+": "norange+stall" ignores Range and then stalls.
                faults = set((server.faults.get(name) or "").split("+")) - {""}
                fault = next(iter(faults - {"norange"}), None)
                norange = "norange" in faults
                if fault == "stall-headers":
                    server.stopping.wait()
                    self.close_connection = True
                    return
                if (
                    fault == "404"
                    or server.root.resolve() not in path.parents
                    or not path.is_file()
                ):
                    self.send_error(404)
                    return
                size = path.stat().st_size
                start, end = 0, size - 1
                status = 200
                rng = self.headers.get("Range") if not norange else None
                if rng:
                    m = _RANGE.match(rng.strip())
                    if not m or (not m.group(1) and not m.group(2)):
                        self.send_error(416)
                        return
                    if m.group(1):
                        start = int(m.group(1))
                        end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
                    else:
                        start = max(0, size - int(m.group(2)))
                    if start >= size or start > end:
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{size}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    status = 206
                length = end - start + 1
                self.send_response(status)
                self.send_header("Content-Type", "video/mp4")
                if not norange:
                    self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Length", str(length))
                if status == 206:
                    self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
                self.end_headers()
                if head:
                    return
                limit = {"cut": length // 2, "stall": min(length, STALL_AFTER)}.get(
                    fault or "", length
                )
                try:
                    with open(path, "rb") as f:
                        f.seek(start)
                        left = limit
                        while left > 0:
                            chunk = f.read(min(256 * 1024, left))
                            if not chunk:
                                break
                            self.wfile.write(chunk)
                            left -= len(chunk)
                            if fault == "slow":
                                time.sleep(len(chunk) / 1_000_000)
                    if fault == "stall":
                        self.wfile.flush()
                        server.stopping.wait()
                        self.close_connection = True
                    if fault == "cut":
                        self.wfile.flush()
                        self.connection.shutdown(2)
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError, OSError):
                    self.close_connection = True

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def __enter__(self) -> RangeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()


if __name__ == "__main__":  # manual use: python -m tests.support.range_server DIR
    import sys

    with RangeServer(sys.argv[1] if len(sys.argv) > 1 else os.getcwd()) as s:
        print(s.url(""), flush=True)
        threading.Event().wait()

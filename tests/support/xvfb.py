"""Start a private Xvfb for the test session so real libvlc video can be embedded."""

from __future__ import annotations

import os
import shutil
import subprocess


class Xvfb:
    def __init__(self, size: str = "1600x1000x24") -> None:
        self.size = size
        self.proc: subprocess.Popen[bytes] | None = None
        self.display: str | None = None

    def start(self) -> str | None:
        exe = shutil.which("Xvfb")
        if exe is None:
            return None
        r, w = os.pipe()
        self.proc = subprocess.Popen(
            [exe, "-displayfd", str(w), "-screen", "0", self.size, "-nolisten", "tcp", "-noreset"],
            pass_fds=(w,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(w)
        with os.fdopen(r) as f:
            number = f.readline().strip()  # Xvfb writes the display number once it is ready
        if not number:
            self.stop()
            return None
        self.display = f":{number}"
        return self.display

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None

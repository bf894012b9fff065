"""Entry point of the PyInstaller app (packaging/clipdesk.spec).

The job engine runs yt-dlp as `sys.executable -m yt_dlp …` (clipdesk.media.tools); in
the frozen app sys.executable is this program, so that form is served here, from the
yt-dlp bundled inside.
"""

import sys


def main() -> int:
    if sys.argv[1:3] == ["-m", "yt_dlp"]:
        import yt_dlp

        sys.argv = ["yt-dlp", *sys.argv[3:]]
        return yt_dlp.main()
    from clipdesk.cli import run

    return run()


if __name__ == "__main__":
    sys.exit(main())

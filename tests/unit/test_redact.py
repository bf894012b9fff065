"""Secrets never reach the log: tokens in URLs, cookies, passwords, Authorization headers."""

from __future__ import annotations

import shlex

from clipdesk.core.export_plan import ExportMode, JobSpec, SourceKind
from clipdesk.media.cut_commands import ytdlp_cut_argv
from clipdesk.media.redact import loggable_command, redact_argv, redact_text, redact_url
from clipdesk.media.tools import find_tools


def test_url_tokens_and_signatures_are_hidden() -> None:
    url = (
        "https://rr3.example.com/videoplayback?expire=1767225600&itag=18&sig=AOq0QJ8w"
        "&lsig=ABcd&token=t0k3n&X-Amz-Signature=abc123&Key-Pair-Id=K2&t=117"
    )
    out = redact_url(url)
    for secret in ("AOq0QJ8w", "ABcd", "t0k3n", "abc123", "K2"):
        assert secret not in out
    # What helps reading a log stays: host, path, expiry, format, start time.
    assert out.startswith("https://rr3.example.com/videoplayback?expire=1767225600&itag=18&")
    assert "&t=117" in out and out.count("REDACTED") == 5


def test_passwords_in_the_address_are_hidden() -> None:
    assert redact_url("https://ann:hunter2@cdn.example.com/a.mp4") == (
        "https://ann:REDACTED@cdn.example.com/a.mp4"
    )
    assert redact_url("http://abcdef@h.example/x") == "http://REDACTED@h.example/x"
    assert redact_url("https://h.example/cb#access_token=xyz&state=1") == (
        "https://h.example/cb#access_token=REDACTED&state=1"
    )


def test_free_text_urls_and_headers() -> None:
    text = (
        "Input #0, mov from 'https://h.example/v.mp4?signature=s3cr3t':\n"
        "request headers: Authorization: Bearer eyJhbGci\r\nCookie: SID=31d4d96e\r\n"
    )
    out = redact_text(text)
    assert "s3cr3t" not in out and "eyJhbGci" not in out and "31d4d96e" not in out
    assert "Authorization: REDACTED\r\nCookie: REDACTED\r\n" in out
    assert "from 'https://h.example/v.mp4?signature=REDACTED':" in out


def test_command_line_options_with_secrets() -> None:
    argv = [
        "yt-dlp", "--username", "ann", "--password", "hunter2", "--video-password=pw2",
        "--add-header", "Authorization: Basic YW5uOmh1bnRlcjI=", "--add-header",
        "Referer: https://ok.example/", "--cookies", "/home/ann/cookies.txt",
        "--", "https://www.example.com/watch?v=abc&token=zzz",
    ]  # fmt: skip
    out = redact_argv(argv)
    assert out == [
        "yt-dlp", "--username", "ann", "--password", "REDACTED", "--video-password=REDACTED",
        "--add-header", "Authorization: REDACTED", "--add-header",
        "Referer: https://ok.example/", "--cookies", "/home/ann/cookies.txt",
        "--", "https://www.example.com/watch?v=abc&token=REDACTED",
    ]  # fmt: skip
    ffmpeg = ["ffmpeg", "-cookies", "SID=31d4d96e; path=/", "-headers",
              "Cookie: a=b\r\nX-Trace: 7\r\n", "-i", "https://h/v.m3u8?hdnts=exp~acl~hmac"]  # fmt: skip
    line = loggable_command(ffmpeg)
    assert "31d4d96e" not in line and "a=b" not in line and "hmac" not in line
    assert "X-Trace: 7" in line


def test_the_real_cut_command_is_logged_without_the_token() -> None:
    url = "http://127.0.0.1:8000/demo.mp4?token=SECRET123"
    spec = JobSpec(
        job_id="j1", clip_id="highlight-1", title="t", kind="highlight", index=1,
        source_kind=SourceKind.REMOTE, source=url, start_ms=1_000, end_ms=3_000,
        output="/tmp/out.mp4", mode=ExportMode.EXACT,
    )  # fmt: skip
    argv = ytdlp_cut_argv(find_tools(), spec)
    logged = loggable_command(argv)
    assert "SECRET123" not in logged
    assert shlex.split(logged)[-1] == "http://127.0.0.1:8000/demo.mp4?token=REDACTED"
    assert len(shlex.split(logged)) == len(argv)  # nothing else dropped or merged

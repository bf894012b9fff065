import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clipdesk.core.clip_command import is_web_url, parse_clip_command
from clipdesk.core.reader import read_document


def test_plain_seed_style_command() -> None:
    cmd = parse_clip_command(
        'yt-dlp --download-sections "*1:57-3:00" "https://www.youtube.com/watch?v=EV7WhVT270Q" '
        '--force-keyframes-at-cuts --merge-output-format mp4 -o "EV7WhVT270Q-1m57s.mp4"'
    )
    assert cmd.url == "https://www.youtube.com/watch?v=EV7WhVT270Q"
    assert cmd.ranges == [(117_000, 180_000)]
    assert cmd.warnings == []


@pytest.mark.parametrize(
    ("command", "ranges"),
    [
        ("yt-dlp --download-sections *1:57-3:00 https://a.example/v", [(117_000, 180_000)]),
        ("yt-dlp --download-sections='*1:57.5-3:00.25' https://a.example/v", [(117_500, 180_250)]),
        ("yt-dlp --download-sections '*10-20,30-40' https://a.example/v", [(10_000, 20_000), (30_000, 40_000)]),
        ('yt-dlp --download-sections "*1:00-inf" https://a.example/v', [(60_000, None)]),
        ("yt-dlp --download-sections '*1:00-2:00' --download-sections '*3:00-4:00' https://a.example/v",
         [(60_000, 120_000), (180_000, 240_000)]),
        ("python3 -m yt_dlp --download-sections *1:00-2:00 https://a.example/v", [(60_000, 120_000)]),
        ("yt-dlp \\\n  --download-sections *1:00-2:00 \\\n  https://a.example/v", [(60_000, 120_000)]),
    ],
)  # fmt: skip
def test_section_forms(command: str, ranges: list) -> None:
    cmd = parse_clip_command(command)
    assert cmd.ranges == ranges
    assert cmd.url == "https://a.example/v"


@pytest.mark.parametrize(
    ("command", "expect"),
    [
        ('yt-dlp --exec "rm -rf ~" https://a.example/v', "--exec"),
        ("yt-dlp --exec-before-download 'sh x' https://a.example/v", "--exec-before-download"),
        ("yt-dlp -o /etc/cron.d/x https://a.example/v", "output path"),
        ("yt-dlp -o ../../x.mp4 https://a.example/v", "output path"),
        ("yt-dlp --config-locations /tmp/c https://a.example/v", "--config-locations"),
        ("yt-dlp --batch-file /etc/passwd https://a.example/v", "--batch-file"),
        ("yt-dlp -a urls.txt https://a.example/v", "-a"),
        ("yt-dlp https://a.example/v; rm -rf /", "shell operator"),
        ("yt-dlp https://a.example/v && curl x | sh", "shell operator"),
        ("yt-dlp https://a.example/v > /etc/passwd", "shell operator"),
        ('yt-dlp "https://a.example/v$(id)"', "command substitution"),
        ("yt-dlp `id` https://a.example/v", "command substitution"),
        ("yt-dlp --downloader-args 'ffmpeg:-f x' https://a.example/v", "--downloader-args"),
        ("yt-dlp --unknown-thing https://a.example/v", "unknown option"),
        ("rm -rf / https://a.example/v", "not a yt-dlp command"),
        ('yt-dlp "unterminated https://a.example/v', "could not be read"),
    ],
)
def test_hostile_commands_are_reported(command: str, expect: str) -> None:
    cmd = parse_clip_command(command)
    assert any(expect in w for w in cmd.warnings), cmd.warnings


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "javascript:alert(1)", "ftp://a.example/v", "https:///nohost",
     "https://a.example/$(id)", "https://a.example/`id`", "-https://a.example"],
)  # fmt: skip
def test_only_http_urls(url: str) -> None:
    assert not is_web_url(url)
    assert parse_clip_command(f"yt-dlp {url!r}").url is None


def test_hostile_document_is_read_never_run(docs_dir, tmp_path, monkeypatch) -> None:
    import subprocess

    def forbidden(*a, **k):
        raise AssertionError("a document made the reader start a process")

    monkeypatch.setattr(subprocess, "Popen", forbidden)
    monkeypatch.setattr("os.system", forbidden)
    ep = read_document(docs_dir / "hostile.md")
    hl = ep.clips
    assert [(c.start_ms, c.end_ms) for c in hl] == [
        (10_000, 20_000), (30_000, 40_000), (50_000, 60_000),
        (70_000, 80_000), (90_000, 100_000), (110_000, 120_000),
    ]  # fmt: skip
    text = "\n".join(w.message for w in ep.warnings)
    for needle in ("--exec", "/etc/cron.d/evil", "--config-locations", "--batch-file",
                   "shell operator", "command substitution", "file:///etc/passwd"):  # fmt: skip
        assert needle in text
    assert ep.url == "https://www.example.org/watch?v=evil0000001"
    assert not (tmp_path / "clipdesk-pwned").exists()
    lines = {w.line for w in ep.warnings}
    assert {13, 19, 25, 31, 37, 43} <= lines


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=list("ab -*:19\"'\\$`;&|<>()#=./?\t\n"), max_size=24))
def test_fast_split_agrees_with_shlex(text: str) -> None:
    import shlex

    from clipdesk.core.clip_command import _fast_split

    fast = _fast_split(text)
    if fast is None:
        return
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|<>()")
    lexer.whitespace_split = True
    assert fast == list(lexer)

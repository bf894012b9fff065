"""Any text gives an Episode or a DocumentError, never another exception."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clipdesk.core.errors import DocumentError
from clipdesk.core.reader import read_text
from clipdesk.core.writer import render_document

FRAGMENTS = [
    "---\n", "title: x\n", "duration: 60\n", "duration: -1\n", "url: https://a.example/v\n",
    "tags: [a, b\n", "## Highlights\n", "## Key Points\n", "## Transcript\n", "## Mentions\n",
    "### People\n", "### \"Quote title\"\n", "```bash\n", "```\n", "Segments\n", "Key Takeaways\n",
    "Copied to clipboard!\n", "(00:16:29)\n", "(99:99:99)\n", "- Key Takeaway: k\n", "- Summary: s\n",
    'yt-dlp --download-sections "*1:57-3:00" https://a.example/v\n',
    "yt-dlp --download-sections *9:99-1:00 'unterminated\n", "yt-dlp --download-sections *-\n",
    "yt-dlp --exec 'rm -rf /' ; $(id) `id`\n",
    "> \"quote\"\n", "> — Someone, [1:57](https://a.example/v&t=117s)\n", "> -- X, [1:61](u&t=9s)\n",
    "- **KP** ([0:10](https://a.example/v&t=10s)) - text\n", "- **KP** (0:20) - text\n",
    "[0:00](https://a.example/v&t=0s) hello\n", "[12:34:56.789] spoken\n", "plain words\n",
    "  indented continuation\n", "\r\n", "\ufeff", "\u2028", "\x0c", "#\n", "- \n", ">\n", "[\n",
    # YAML values a safe loader builds into objects, some impossible or hostile
    "upload_date: 2026-02-31\n", "upload_date: 2026-01-31\n", "date: 2001-12-14t21:59:43.10-05:00\n",
    "duration: 1e999\n", "duration: .nan\n", "duration: .inf\n", "duration: -.inf\n", "duration: '4:25:13'\n", "duration: true\n",
    "tags: " + "[" * 3000 + "\n", "x: &a [*a]\n", "y: !!binary 'not base64'\n",
    "z: !!python/object/apply:os.system ['true']\n", "tags: {a: 1}\n", "url: [1]\n",
    # shapes of real documents: speaker labels, embedded players, attributions, quotes
    "**Ann Lee:** [0:05](https://a.example/v&t=5s) words\n", "**Bo**: [1:00](u&t=960s) x\n",
    "Ann: [2:00](https://a.example/v?t=120) y\n", "[3:00](u&t=3s) Bo Chen: z\n", "**Ann:** no time\n",
    '<iframe src="https://www.youtube.com/embed/abcdefghijk?start=162&end=210"></iframe>\n',
    '<iframe\n', '  src="https://www.youtube-nocookie.com/embed/abcdefghijk?t=99s"\n', "></iframe>\n",
    '<iframe src="https://evil.example/embed/x?start=1">\n', '<iframe src=>\n',
    "> — Ann Lee and Bo Chen, on the cost of it, [1:33:25](u&t=5605s)\n", "> – Bo, (9:99)\n",
    "> — [0:00](u&t=0s)\n", "> --\n", '> "open\n', '> close."\n', "- \"Quote\" — Ann, [0:01](u)\n",
    "## Surprising Quotes\n", "[![x](https://i.example/a.jpg)](https://a.example/v&t=7s)\n",
    "<details>\n", "</details>\n", "1. **Numbered** (0:30) - item\n", "0:45 Chapter line\n",
    "\r", "\x85", "&a x\n", "*a\n", "\udcff",
]  # fmt: skip


def _check(text: str) -> None:
    try:
        ep = read_text(text, "fuzz.md")
    except DocumentError as exc:
        assert str(exc).startswith("fuzz.md")
        return
    assert ep.clips or ep.transcript
    for c in ep.clips:
        assert isinstance(c.start_ms, int) and c.start_ms >= 0
    data = text.encode("utf-8", "surrogateescape")
    if not data.startswith(b"\xef\xbb\xbf") or text.count("\ufeff") == 1:
        assert render_document(ep) == data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_structured_fragments(parts: list[str]) -> None:
    _check("".join(parts))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30), st.text(max_size=60))
def test_fragments_under_every_section(parts: list[str], noise: str) -> None:
    """Each known section with any mix of lines: still an Episode or a parse error, and
    every line not taken is counted."""
    for heading in ("## Transcript\n", "## Highlights\n### H\n", "## Surprising Quotes\n"):
        _check(heading + "[0:00](u&t=0s) first\n" + "".join(parts) + noise)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes(data: bytes) -> None:
    try:
        ep = read_text(data, "fuzz.bin")
    except DocumentError:
        return
    assert render_document(ep) == data


ENCODINGS = [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
    ("utf-16-be", b"\xfe\xff"),
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=30),
    st.sampled_from(ENCODINGS),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.binary(max_size=8),
)
def test_encodings_endings_and_bad_bytes(parts, encoding, ending, junk) -> None:
    """Any document in any accepted encoding and line ending, with stray bytes mixed in:
    an Episode written back byte for byte, or a parse error."""
    codec, bom = encoding
    text = "".join(parts).replace("\udcff", "").replace("\n", ending)
    data = bom + text.encode(codec, "replace")
    if codec == "utf-8":
        data = data[: len(data) // 2] + junk + data[len(data) // 2 :]
    try:
        ep = read_text(data, "fuzz.md")
    except DocumentError as exc:
        assert str(exc).startswith("fuzz.md")
        return
    assert render_document(ep) == data
    assert ep.lines_not_understood >= 0

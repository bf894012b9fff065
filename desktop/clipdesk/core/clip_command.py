"""Read the yt-dlp clip commands found in documents, without ever running them.

A document is untrusted text. Its clip command is split with shlex; only the
http(s) URL and the --download-sections time ranges are taken. Everything else
is dropped, and anything that could do harm if it were run is reported.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from clipdesk.core.timecode import TimecodeError, parse_timecode

_PROGRAMS = {"yt-dlp", "yt_dlp", "youtube-dl", "yt-dlp.exe", "yt-dlp_linux"}

# Options that would run code, read or write files of the document's choosing,
# or change where traffic goes if the command were executed as written.
_HARMFUL_WITH_VALUE = frozenset(
    """--exec --exec-before-download --config-location --config-locations -a --batch-file
    --load-info-json -P --paths --cookies --cookies-from-browser --downloader
    --external-downloader --downloader-args --external-downloader-args --postprocessor-args
    --ppa --use-postprocessor --plugin-dirs --netrc-location --netrc-cmd --ffmpeg-location
    --proxy --geo-verification-proxy --update-to --print-to-file --username -u --password
    -p""".split()
)
_HARMFUL = _HARMFUL_WITH_VALUE | {"--no-exec", "--ignore-config", "--netrc", "-U", "--update",
                                  "--write-info-json"}  # fmt: skip
# Options that take a value (so the value is not taken for a URL).
_WITH_VALUE = _HARMFUL_WITH_VALUE | frozenset(
    """-o --output -f --format --merge-output-format --remux-video --recode-video -S
    --format-sort --download-sections -r --limit-rate -N --concurrent-fragments --retries
    --audio-format --audio-quality --sub-langs --convert-subs --referer --add-header
    --user-agent""".split()
)
# Harmless options a clip command commonly carries; taken silently and not used.
_BENIGN = frozenset(
    """--force-keyframes-at-cuts --no-playlist -q --quiet --no-warnings --no-part --no-mtime
    -k --keep-video -x --extract-audio --embed-subs --embed-thumbnail --embed-metadata
    --no-overwrites -w --force-overwrites --restrict-filenames --progress --newline""".split()
)
_CONTINUATION = re.compile(r"\\\r?\n")
_RANGE = re.compile(r"\s*([^-\s]+)?\s*-\s*([^-\s]+)?\s*")
# Quoting without escapes, substitutions, operators or comments: split by a
# regex, which gives what shlex gives, far faster. Anything else goes to shlex.
_PLAIN_TOKEN = re.compile(r"""(?:[^\s'"\\$`;&|<>()#]+|"[^"\\$`]*"|'[^']*')+""")
_NOT_IN_URL = re.compile(r"[\s`$\\]")
_UNSAFE = re.compile(r"[\\$`;&|<>()#]")
_QUOTED = re.compile(r""""([^"]*)"|'([^']*)'""")
_OPERATOR_CHARS = ";&|<>()"
_SHELL_OPERATORS = {";", "|", "||", "&", "&&", ">", ">>", "<", "(", ")", "<<", ">&", "&>"}


# The command as documents usually write it, every part known to be harmless:
# taken whole by one match instead of being tokenised. Anything else (other options,
# other quoting, a risky output name) falls through to the full reading below.
_USUAL = re.compile(
    r'yt-dlp(?: +(?:--download-sections +"\*(?P<sec>[^"\s]+)"'
    r'|"(?P<url>https?://[\w.-]+[^"\s`$\\]*)"'
    r'|--force-keyframes-at-cuts|--merge-output-format +mp4|-o +"\w[\w-]*(?:\.[\w-]+)*"))+ *'
)


@dataclass
class ClipCommand:
    url: str | None = None
    ranges: list[tuple[int, int | None]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def is_web_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https") and bool(parts.hostname) and not _NOT_IN_URL.search(text)
    )


def parse_clip_command(text: str) -> ClipCommand:
    """Take the URL and time ranges out of a yt-dlp command line; report the rest."""
    out = ClipCommand()
    joined = _CONTINUATION.sub(" ", text).replace("\n", " ").strip()
    usual = _USUAL.fullmatch(joined)
    if usual and joined.count("--download-sections") == 1 and joined.count('"http') == 1:
        out.url = usual.group("url")
        _read_sections("*" + usual.group("sec"), out)
        return out
    if "`" in joined or "$(" in joined:
        out.warnings.append("command substitution in the clip command ignored")
    try:
        tokens = split_command(joined)
    except ValueError as exc:
        out.warnings.append(f"clip command could not be read: {exc}")
        return out
    for i, tok in enumerate(tokens):
        if tok in _SHELL_OPERATORS or (tok and not tok.strip(_OPERATOR_CHARS)):
            out.warnings.append(f"shell operator {tok!r} ignored: only the first command is read")
            tokens = tokens[:i]
            break
    if not tokens:
        out.warnings.append("empty clip command")
        return out
    program = tokens[0].rsplit("/", 1)[-1]
    args = tokens[1:]
    if program.startswith("python") and args[:2] == ["-m", "yt_dlp"]:
        args = args[2:]
    elif program not in _PROGRAMS:
        out.warnings.append(
            f"not a yt-dlp command ({tokens[0]!r}); only its URL and sections are read"
        )

    i = 0
    while i < len(args):
        tok = args[i]
        name, eq, inline = tok.partition("=") if tok.startswith("--") else (tok, "", "")
        value: str | None = inline if eq else None
        if name.startswith("-") and name != "-":
            takes_value = name in _WITH_VALUE
            if takes_value and value is None:
                value = args[i + 1] if i + 1 < len(args) else ""
                i += 1
            if name == "--download-sections":
                _read_sections(value or "", out)
            elif name in _HARMFUL:
                shown = f"{name} {value}" if value else name
                out.warnings.append(f"ignored {_short(shown)!r}: not allowed in a clip command")
            elif name in ("-o", "--output"):
                if value and _is_risky_output(value):
                    out.warnings.append(f"ignored output path {_short(value)!r}")
            elif not takes_value and name not in _BENIGN:
                out.warnings.append(f"ignored unknown option {_short(name)!r}")
        elif is_web_url(tok):
            if out.url is None:
                out.url = tok
            elif tok != out.url:
                out.warnings.append(f"ignored extra URL {_short(tok)!r}")
        else:
            out.warnings.append(f"ignored {_short(tok)!r}: only http/https URLs are taken")
        i += 1
    if out.url is None:
        out.warnings.append("clip command has no http/https URL")
    return out


def split_command(text: str) -> list[str]:
    """Split like a POSIX shell would (shlex), keeping shell operators as tokens."""
    fast = _fast_split(text)
    if fast is not None:
        return fast
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|<>()")
    lexer.whitespace_split = True
    return list(lexer)


def _fast_split(text: str) -> list[str] | None:
    if _UNSAFE.search(text):
        return None
    tokens = []
    pos = 0
    for m in _PLAIN_TOKEN.finditer(text):
        if not text[pos : m.start()].isspace() and pos != m.start():
            return None  # a stray quote between tokens: let shlex judge it
        tok = m.group()
        if '"' in tok or "'" in tok:
            q = tok[0]
            if q in "\"'" and tok[-1] == q and tok.count(q) == 2 and len(tok) > 1:
                tok = tok[1:-1]  # one quoted word, the usual case
            else:
                tok = _QUOTED.sub(_unquote_match, tok)
        tokens.append(tok)
        pos = m.end()
    if text[pos:] and not text[pos:].isspace():
        return None
    return tokens


def _unquote_match(m: re.Match[str]) -> str:
    return m.group(1) if m.group(1) is not None else m.group(2)


def _read_sections(value: str, out: ClipCommand) -> None:
    if not value.startswith("*"):
        out.warnings.append(f"chapter section {_short(value)!r} ignored: only time ranges are read")
        return
    for part in value[1:].split(","):
        m = _RANGE.fullmatch(part)
        if not m or not m.group(1):
            out.warnings.append(f"section {_short(part)!r} is not a START-END time range")
            continue
        try:
            start = parse_timecode(m.group(1))
            end_text = m.group(2)
            end = None if end_text in (None, "inf", "infinite") else parse_timecode(end_text)
        except TimecodeError as exc:
            out.warnings.append(f"section {_short(part)!r}: {exc}")
            continue
        out.ranges.append((start, end))


def _is_risky_output(value: str) -> bool:
    return any(s in value for s in ("/", "\\", "..", "~", "$")) or value.startswith(("-", "."))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


SECTION_ARG = re.compile(r"""--download-sections(?:=|\s+)(?P<q>["']?)\*(?P<body>[^"'\s]*)(?P=q)""")
RANGE_IN_BODY = re.compile(r"(?P<start>[^-,\s]+)?\s*-\s*(?P<end>[^-,\s]+)?")

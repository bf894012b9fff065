"""Tool command lines, URLs and log text without secrets, for logs and bug reports.

Signed stream URLs carry tokens and signatures in their query strings, yt-dlp and ffmpeg
take cookies, passwords and Authorization headers as arguments: none of that may reach
a log file a user pastes into a bug report. Everything else stays readable, so a logged
command line still shows what ran.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

REDACTED = "REDACTED"

# Query parameter names that carry credentials: tokens, signatures (YouTube's sig, lsig
# and s; S3's X-Amz-Signature; CloudFront's Signature, Policy, Key-Pair-Id), keys,
# sessions, passwords, Akamai's hdnts / hdnea.
_SECRET_PARAM = re.compile(
    r"^(s|sig|lsig|code|jwt|hdnts|hdnea|policy)$|token|signature|key|auth|pass|secret|"
    r"session|credential|cookie|^x-amz-|^x-goog-",
    re.IGNORECASE,
)
_URL = re.compile(r"""\b[a-z][a-z0-9+.-]*://[^\s'"<>]+""", re.IGNORECASE)
# "Name: value" headers that carry credentials, as they appear in arguments and output.
_SECRET_HEADER = re.compile(
    r"\b(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token)"
    r"(\s*:\s*)[^\r\n'\"]*",
    re.IGNORECASE,
)
# Options whose value is a secret, for yt-dlp and ffmpeg.
_SECRET_VALUE_OPTIONS = frozenset(
    {"--password", "-p", "--video-password", "--ap-password", "--twofactor", "-2",
     "--client-certificate-password", "-cookies"}
)  # fmt: skip
# Options whose value is a list of headers: only the credential headers are hidden.
_HEADER_OPTIONS = frozenset({"--add-header", "--add-headers", "--http-headers", "-headers"})


def _redact_query(query: str) -> str:
    if "=" not in query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    return "&".join(
        f"{quote(k, safe='')}={REDACTED if _SECRET_PARAM.search(k) else quote(v, safe='')}"
        for k, v in pairs
    )


def redact_url(url: str) -> str:
    """The URL with its password and credential-like query (and fragment) values hidden."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, _, host = netloc.rpartition("@")
            user = userinfo.partition(":")[0]
            netloc = f"{user}:{REDACTED}@{host}" if ":" in userinfo else f"{REDACTED}@{host}"
        return urlunsplit(
            (parts.scheme, netloc, parts.path, _redact_query(parts.query),
             _redact_query(parts.fragment))
        )  # fmt: skip
    except ValueError:  # not parseable as a URL (a bad port, brackets): hide it all
        return REDACTED


def redact_text(text: str) -> str:
    """Free text (a log message, a tool's output) with URLs and credential headers redacted."""
    text = _SECRET_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    return _URL.sub(lambda m: redact_url(m.group(0)), text)


def redact_argv(argv: Sequence[str]) -> list[str]:
    """A command line with secret option values, credential headers and URL tokens hidden."""
    out: list[str] = []
    hide_next = headers_next = False
    for arg in argv:
        if hide_next:
            out.append(REDACTED)
        elif headers_next:
            out.append(redact_text(arg))
        else:
            name, eq, _ = arg.partition("=")
            if eq and name in _SECRET_VALUE_OPTIONS:
                out.append(f"{name}={REDACTED}")
            else:
                out.append(redact_text(arg))
        hide_next = not hide_next and not headers_next and arg in _SECRET_VALUE_OPTIONS
        headers_next = not headers_next and not hide_next and arg in _HEADER_OPTIONS
    return out


def loggable_command(argv: Sequence[str]) -> str:
    """The command line as a shell would show it, safe to log."""
    return shlex.join(redact_argv(argv))

"""Command line: `clipdesk [DOC]` opens the window; `inspect` and `export` run headless."""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from pathlib import Path

from clipdesk import __version__
from clipdesk.logs import DEFAULT_LEVEL, LEVEL_ENV, LEVELS, setup_logging

# The reader and the export engine are imported by the commands that use them: every
# start (`--version`, `export --help`, the window) would otherwise pay for them.
TYPE_CHECKING = False  # as typing's (mypy knows the name); `--version` needs no typing
if TYPE_CHECKING:
    from clipdesk.core.episode import Episode

SUBCOMMANDS = ("inspect", "export", "pauses")
logger = logging.getLogger(__name__)


def log_options() -> argparse.ArgumentParser:
    """--log-level, taken out of the command line wherever it stands (before or after a
    subcommand), so the window and every subcommand share it."""
    p = argparse.ArgumentParser(prog="clipdesk", add_help=False, allow_abbrev=False)
    p.add_argument(
        "--log-level",
        type=str.lower,
        choices=LEVELS,
        help=f"how much goes to the log file (default: ${LEVEL_ENV}, else {DEFAULT_LEVEL})",
    )
    return p


def gui_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="clipdesk",
        parents=[log_options()],
        description="Review, correct and export clips from long videos, driven by show notes.",
        epilog="Headless: `clipdesk inspect DOC`, `clipdesk export DOC --out DIR` and "
        "`clipdesk pauses MEDIA` "
        "(see `clipdesk inspect --help`).",
    )
    p.add_argument("document", nargs="?", type=Path, help="show notes to open (default: example)")
    p.add_argument(
        "--media", metavar="PATH_OR_URL", help="video to play instead of the document's url"
    )
    p.add_argument("--play", action="store_true", help="start playing once the media is open")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument(
        "--verbose",
        action="store_true",
        help="with --version: also Qt, libvlc, yt-dlp and ffmpeg, and where the settings, "
        "cache and log are",
    )
    return p


def headless_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every subcommand, or only the options of the one named (argv[0] names it before
    parsing): building the others' would cost every start (the export's options import
    the planner). The others stay listed by name, as usage messages show them."""
    p = argparse.ArgumentParser(prog="clipdesk")
    sub = p.add_subparsers(dest="command", required=True)
    for name in SUBCOMMANDS:
        if command not in (None, name):
            sub.add_parser(name)
        elif name == "inspect":
            ins = sub.add_parser("inspect", help="read a document and list its clips")
            ins.add_argument("document", type=Path)
            ins.add_argument("--json", action="store_true", help="print the episode as JSON")
        elif name == "export":
            from clipdesk.cli_export import add_export_parser

            add_export_parser(sub)
        else:
            from clipdesk.cli_pauses import add_pauses_parser

            add_pauses_parser(sub)
    return p


def run() -> int:
    """The process's entry point (the `clipdesk` script, `python -m clipdesk`, the frozen
    app): main() on the command line, with the garbage collector set for a headless
    command. Such a command builds its objects (an export's indexes, samples, frames)
    and keeps them to the end, with next to no reference cycles: the collector's passes
    every 700 new objects freed about 700 objects in a whole export, for 25-50 ms of
    walking, and its last pass at exit walked everything again (35 ms). So they run
    every 100,000 objects instead, and what is left at the end is frozen out of the last
    one, for the system to take back. The exit handlers (the log, temporary folders)
    still run. The window keeps Python's defaults: Qt objects may have work to do when
    they are destroyed."""
    import gc

    rest = log_options().parse_known_args(sys.argv[1:])[1]
    headless = bool(rest) and rest[0] in SUBCOMMANDS
    if headless:
        gc.set_threshold(100_000, *gc.get_threshold()[1:])
    code = main()
    if headless:
        gc.freeze()
    return code


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    opts, argv = log_options().parse_known_args(argv)
    setup_logging(opts.log_level)
    logger.info("clipdesk %s started: %s", __version__, shlex.join(argv))
    try:
        if argv and argv[0] in SUBCOMMANDS:
            args = headless_parser(argv[0]).parse_args(argv)
            if args.command == "inspect":
                return run_inspect(args.document, args.json)
            if args.command == "pauses":
                from clipdesk.cli_pauses import run_pauses

                return run_pauses(args)
            from clipdesk.cli_export import run_export

            return run_export(args)
        args = gui_parser().parse_args(argv)
        if args.version:
            return print_version(args.verbose)
        from clipdesk.app import run_gui

        return run_gui(args.document, args.media, play=args.play)
    except BrokenPipeError:
        sys.stderr.close()  # output piped into `head`: not an error
        return 0
    except KeyboardInterrupt:
        return 130


def print_version(verbose: bool) -> int:
    print(f"clipdesk {__version__}")
    if verbose:
        from clipdesk.diagnostics import collect

        sys.stdout.write(collect().as_text())
    return 0


def run_inspect(path: Path, as_json: bool) -> int:
    import json

    from clipdesk.core.episode_json import episode_to_dict
    from clipdesk.core.errors import DocumentError
    from clipdesk.core.reader import read_document

    try:
        ep = read_document(path)
    except DocumentError as exc:
        print(exc, file=sys.stderr)  # FILE:LINE: message
        return 2
    for w in ep.warnings:
        print(w.as_warning(path), file=sys.stderr)
    if as_json:
        json.dump(episode_to_dict(ep), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_table(ep))
    sys.stdout.flush()
    return 0


def render_table(ep: Episode) -> str:
    from clipdesk.core.episode_json import clip_indexes
    from clipdesk.core.timecode import format_clock

    dur = format_clock(ep.duration_ms) if ep.duration_ms is not None else "unknown"
    head = [
        f"{ep.title}",
        f"  channel: {ep.channel or '-'}   duration: {dur}   format: {ep.source_format.value}",
        f"  url: {ep.url or '-'}",
    ]
    counts = ep.counts()
    names = {
        "highlight": "highlights", "key-point": "key points", "segment": "segments",
        "clip": "clips", "transcript_lines": "transcript lines", "takeaways": "takeaways",
        "mentions": "mentions", "quotes": "quotes",
        "lines_not_understood": "lines not understood",
    }  # fmt: skip
    # Every kind, zeros included: a 0 the editor did not expect is the point.
    parts = [f"{counts[k]} {name}" for k, name in names.items()]
    parts.append(f"{counts['warnings']} warning{'s' if counts['warnings'] != 1 else ''}")
    head.append("  " + ", ".join(parts))
    rows = [("kind", "#", "start", "end", "length", "title")]
    indexes = clip_indexes(ep)
    for c in ep.clips:
        rows.append(
            (
                c.kind.value,
                str(indexes[c.id]),
                format_clock(c.start_ms),
                format_clock(c.end_ms),
                format_clock(c.duration_ms) if c.duration_ms is not None else "–",
                c.title,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    body = []
    for r in rows:
        cells = [r[0].ljust(widths[0]), r[1].rjust(widths[1])]
        cells += [r[i].rjust(widths[i]) for i in (2, 3, 4)]
        body.append("  ".join(cells) + "  " + r[5])
    return "\n".join([*head, "", *body]) + "\n"

"""`clipdesk export --snap-to-pauses [MS]`: move each exported clip's in and out to the
nearest pause within MS before cutting, and report every move.

The pauses come from the same cached analysis as `clipdesk pauses` (the source is
decoded once, ever). Clip times here are media times (the project's offset applied).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, TextIO

from clipdesk.core.pauses import DEFAULT_SNAP_DISTANCE_MS, DEFAULT_SNAP_MARGIN_MS

if TYPE_CHECKING:  # the rest loads only when snapping (`export --help` needs none of it)
    from clipdesk.core.episode import Episode
    from clipdesk.core.export_plan import MediaSource
    from clipdesk.core.pauses import BoundMove

MAX_SNAP_DISTANCE_MS = 10_000


def add_snap_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--snap-to-pauses",
        nargs="?",
        type=int,
        const=DEFAULT_SNAP_DISTANCE_MS,
        default=None,
        metavar="MS",
        help="move each clip's in and out to the nearest pause in the speech within MS "
        f"(default {DEFAULT_SNAP_DISTANCE_MS}), leaving {DEFAULT_SNAP_MARGIN_MS} ms before "
        "the first word and after the last; every move is reported",
    )


def snap_for_export(
    episode: Episode, media: MediaSource, args: argparse.Namespace, out: TextIO
) -> Episode:
    """The episode with the selected clips snapped; moves printed to out (JSON lines with
    --json). Raises PlanError when the distance is out of range or the audio unreadable."""
    from clipdesk.cli_pauses import analyse_with_progress
    from clipdesk.core.export_plan import PlanError, Selection, select_clips
    from clipdesk.core.pauses import snap_episode

    distance = int(args.snap_to_pauses)
    if not 0 < distance <= MAX_SNAP_DISTANCE_MS:
        raise PlanError(f"--snap-to-pauses must be between 1 and {MAX_SNAP_DISTANCE_MS} ms")
    from clipdesk.media.audio_analysis import AudioError  # numpy: only when snapping

    try:
        analysis = analyse_with_progress(media.location, label="clipdesk-export")
    except AudioError as exc:
        raise PlanError(f"cannot snap to pauses: {exc}") from exc
    only = Selection(args.only) if args.only else Selection.ALL
    chosen, _ = select_clips(episode, only)
    snapped, moves = snap_episode(
        episode, analysis.pauses, [c.id for c in chosen], max_distance_ms=distance
    )
    titles = {c.id: c.title for c in episode.clips}
    for move in moves:
        out.write(_render(move, titles.get(move.clip_id, ""), args.json) + "\n")
    if not args.json:
        out.write(f"snapped {len(moves)} bounds of {len(chosen)} clips to pauses\n")
    out.flush()
    return snapped


def _render(move: BoundMove, title: str, as_json: bool) -> str:
    if as_json:
        return json.dumps(
            {"event": "snapped", **move.to_dict(), "title": title}, ensure_ascii=False
        )
    return f"snapped: {move.summary()}"

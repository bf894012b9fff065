"""ffmpeg -progress parsing, replayed from real ffmpeg 5.1 output."""

from clipdesk.media.progress import Progress, ProgressParser

# Recorded from `ffmpeg -progress pipe:1 -stats_period 0.25 -nostats` cutting 4 s.
RECORDED = """\
frame=0
fps=0.00
stream_0_0_q=0.0
bitrate=N/A
total_size=48
out_time_us=N/A
out_time_ms=N/A
out_time=N/A
dup_frames=0
drop_frames=0
speed=N/A
progress=continue
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'demo.mp4':
frame=26
fps=0.00
stream_0_0_q=28.0
bitrate= 12.3kbits/s
total_size=1590
out_time_us=1000000
out_time_ms=1000000
out_time=00:00:01.000000
dup_frames=0
drop_frames=0
speed=1.95x
progress=continue
frame=75
fps=71.32
stream_0_0_q=28.0
bitrate= 600.1kbits/s
total_size=225000
out_time_us=3000000
out_time_ms=3000000
out_time=00:00:03.000000
dup_frames=0
drop_frames=0
speed=2.85x
progress=continue
frame=100
fps=70.10
stream_0_0_q=-1.0
bitrate= 803.2kbits/s
total_size=402664
out_time_us=4000000
out_time_ms=4000000
out_time=00:00:04.000000
dup_frames=0
drop_frames=0
speed=2.91x
progress=end
"""


def test_blocks_become_progress() -> None:
    seen: list[Progress] = []
    clock = iter([10.0, 10.7, 11.0])
    parser = ProgressParser(4000, seen.append, clock=lambda: next(clock))
    log = [line for line in RECORDED.splitlines() if not parser.feed(line)]
    assert log == ["Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'demo.mp4':"]
    # The N/A block has no time: three updates, rising, the last one done.
    assert [p.out_ms for p in seen] == [1000, 3000, 4000]
    assert [round(p.fraction, 2) for p in seen] == [0.25, 0.75, 1.0]
    assert [p.done for p in seen] == [False, False, True]
    # Speed: media time per wall time since the first block (2 s in 0.7 s).
    assert seen[1].speed is not None and abs(seen[1].speed - 2 / 0.7) < 1e-6
    assert seen[1].eta_s is not None and abs(seen[1].eta_s - 1 / (2 / 0.7)) < 1e-6
    assert seen[0].speed == 1.95  # nothing measured yet: ffmpeg's own figure
    assert seen[2].eta_s == 0.0


def test_other_lines_are_log() -> None:
    parser = ProgressParser(1000, lambda p: None)
    assert not parser.feed("[download] Destination: clip.mp4")
    assert not parser.feed("ERROR: unable to download")
    assert not parser.feed("key=value but not ffmpeg's")
    assert parser.feed("out_time_us=5")

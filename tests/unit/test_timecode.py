import pytest
from hypothesis import given
from hypothesis import strategies as st

from clipdesk.core.timecode import (
    TimecodeError,
    TimeStyle,
    detect_style,
    format_clock,
    format_t_param,
    format_timecode,
    parse_timecode,
)


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("1:57", 117_000),
        ("01:57", 117_000),
        ("97:18", 5_838_000),
        ("1:05:03", 3_903_000),
        ("00:16:29", 989_000),
        ("(00:16:29)", 989_000),
        ("( 4:30:03 )", 16_203_000),
        ("1:57.250", 117_250),
        ("1:57.25", 117_250),
        ("1:57.2", 117_200),
        ("00:01:57.250", 117_250),
        ("117.25", 117_250),
        ("117", 117_000),
        ("117s", 117_000),
        ("1m57s", 117_000),
        ("1h2m3s", 3_723_000),
        ("&t=117s", 117_000),
        ("https://www.youtube.com/watch?v=abc&t=117s", 117_000),
        ("https://youtu.be/abc?t=117", 117_000),
    ],
)
def test_parse(text: str, ms: int) -> None:
    assert parse_timecode(text) == ms


@pytest.mark.parametrize("text", ["", "abc", "1:60", "1:02:75", "1::2", "-5", "1:2:3:4", "t="])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(TimecodeError):
        parse_timecode(text)


@pytest.mark.parametrize(
    "text", ["1:57", "01:57", "97:18", "1:05:03", "00:16:29", "(00:16:29)", "1:57.250", "117"]
)
def test_format_in_the_documents_style_round_trips(text: str) -> None:
    assert format_timecode(parse_timecode(text), detect_style(text)) == text


def test_two_field_labels_switch_to_hours_unless_minutes_run_long() -> None:
    assert format_timecode(3_723_000, detect_style("1:57")) == "1:02:03"
    assert format_timecode(3_723_000, detect_style("97:18")) == "62:03"


def test_clock_and_t_param() -> None:
    assert format_clock(3_723_456) == "1:02:03.456"
    assert format_clock(None) == "–"
    assert format_t_param(117_999) == "117s"


@given(st.integers(min_value=0, max_value=99 * 3_600_000 + 3_599_999))
def test_any_time_round_trips_through_the_precise_styles(ms: int) -> None:
    for style in (TimeStyle(fields=3, pad=True, frac=3), TimeStyle(fields=2, frac=3,
                  long_minutes=True), TimeStyle(fields=1, frac=3)):  # fmt: skip
        assert parse_timecode(format_timecode(ms, style)) == ms


def test_eta() -> None:
    from clipdesk.core.timecode import format_eta

    assert [format_eta(s) for s in (None, -3, 9.4, 75, 3_725)] == [
        "",
        "0:00",
        "0:09",
        "1:15",
        "1:02:05",
    ]

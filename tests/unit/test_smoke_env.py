import os


def test_qt_platform_chosen() -> None:
    assert os.environ["QT_QPA_PLATFORM"] in {"xcb", "offscreen"}

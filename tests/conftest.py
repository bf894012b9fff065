"""Test-session set-up: a private X server, demo media and a loopback media server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# A worktree sits one level deeper than the checkout: CLIPDESK_SEEDS points at them.
SEEDS = Path(os.environ.get("CLIPDESK_SEEDS") or ROOT.parent / "shared" / "seeds")
DOCS = Path(__file__).resolve().parent / "documents"
ARTIFACTS = ROOT / "tests" / "artifacts"

sys.path.insert(0, str(ROOT))  # for tests.support

from tests.support.range_server import RangeServer  # noqa: E402
from tests.support.xvfb import Xvfb  # noqa: E402

_xvfb = Xvfb()
HAVE_X = False


def pytest_configure(config: pytest.Config) -> None:
    """Pick the Qt platform before any QApplication exists: a private Xvfb when
    one can be started (real windows, real libvlc video), else offscreen."""
    global HAVE_X
    os.environ.setdefault("CLIPDESK_CONFIG_DIR", str(ROOT / "tests" / "artifacts" / "config"))
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return
    display = _xvfb.start()
    if display:
        os.environ["DISPLAY"] = display
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        os.environ.pop("WAYLAND_DISPLAY", None)
        HAVE_X = True
    else:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def pytest_unconfigure(config: pytest.Config) -> None:
    _xvfb.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if HAVE_X:
        return
    skip = pytest.mark.skip(reason="no X server: install xvfb")
    for item in items:
        if "xvfb" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    return SEEDS


@pytest.fixture(scope="session")
def docs_dir() -> Path:
    return DOCS


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def demo_video(media_dir: Path) -> Path:
    """A 60 s 640x360 25 fps H.264/AAC video with burnt-in time and frame number."""
    from clipdesk.media.demo_video import make_demo_video

    return make_demo_video(media_dir / "demo.mp4", duration_s=60)


@pytest.fixture()
def range_server(media_dir: Path, demo_video: Path):
    """A Range-capable HTTP server on 127.0.0.1 serving media_dir (demo.mp4 included)."""
    with RangeServer(media_dir) as server:
        yield server

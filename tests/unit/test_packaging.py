"""The desktop entry and AppStream file are well formed and name the real entry point."""

import configparser
import re
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_desktop_entry_runs_the_console_script() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(ROOT / "packaging" / "clipdesk.desktop")
    entry = parser["Desktop Entry"]
    pyproject = (ROOT / "pyproject.toml").read_text()
    scripts = re.search(r"\[project\.scripts\]\n(.*?)\n\n", pyproject, re.S).group(1)
    assert re.search(rf'^{entry["Exec"].split()[0]} = "clipdesk.cli:run"$', scripts, re.M)
    assert (ROOT / "resources" / "icons" / f"{entry['Icon']}.svg").is_file()


def test_metainfo_launches_the_desktop_entry() -> None:
    root = ET.parse(ROOT / "packaging" / "io.github.clipdesk.Clipdesk.metainfo.xml").getroot()
    assert root.findtext("launchable") == "clipdesk.desktop"
    assert root.findtext("provides/binary") == "clipdesk"

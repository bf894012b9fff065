"""clipdesk.core and clipdesk.media stay free of Qt (and core free of subprocesses)."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import clipdesk

PKG = Path(clipdesk.__file__).parent
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "qtpy")


def modules(sub: str) -> list[str]:
    return [f"clipdesk.{sub}.{m.name}" for m in pkgutil.iter_modules([str(PKG / sub)])]


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_qt_imports_in_core_and_media_source() -> None:
    offenders = []
    for sub in ("core", "media"):
        for path in (PKG / sub).rglob("*.py"):
            for name in imported_names(path):
                if name.split(".")[0] in QT or name.startswith("clipdesk.ui"):
                    offenders.append(f"{path.relative_to(PKG)} imports {name}")
    assert offenders == []


def test_core_runs_no_processes() -> None:
    offenders = [
        str(p.relative_to(PKG))
        for p in (PKG / "core").rglob("*.py")
        if {"subprocess", "os.system"} & imported_names(p) or "os.system(" in p.read_text()
    ]
    assert offenders == []


def test_importing_core_and_media_loads_no_qt() -> None:
    mods = modules("core") + modules("media")
    assert "clipdesk.core.reader" in mods
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in mods)
        + f"bad = [m for m in sys.modules if m.split('.')[0] in {QT!r}]\n"
        + "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

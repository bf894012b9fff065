#!/usr/bin/env bash
# Build the one-folder app with PyInstaller: dist/clipdesk/clipdesk.
#   bash packaging/build_app.sh
# Runs the set-up first when .venv is missing, and installs the `app` extra
# (PyInstaller) when it is not there yet. Check the result with packaging/check_app.py.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ -x .venv/bin/python ]] || bash packaging/setup.sh
if ! .venv/bin/python -c 'import PyInstaller' 2>/dev/null; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,app]'
fi
exec .venv/bin/python -m PyInstaller --noconfirm --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/clipdesk.spec

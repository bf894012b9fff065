#!/usr/bin/env bash
# Set up Clipdesk on Debian/Ubuntu: system packages, a virtual environment at
# .venv with the package installed editable, and the example's demo video.
# Idempotent: with everything in place it only checks, in a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libvlc5 vlc-plugin-base vlc-plugin-video-output   # playback (decoders, http, X11 output)
  libvlc-bin                                        # builds libvlc's plugin cache: 186 -> 15 ms start
  ffmpeg                                            # cutting, probing, the demo video
  xvfb                                              # a virtual screen for the GUI tests
  libglib2.0-bin                                    # gio: launches the desktop entry in a test
  desktop-file-utils appstream                      # validating the desktop entry and metainfo
  espeak-ng                                         # speech with known pauses for the audio tests
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
  libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core   # Qt's xcb platform
)
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  APT_PACKAGES+=(python3-venv python3-pip)
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.clipdesk-installed
want=$(cat pyproject.toml setup.py | sha256sum | cut -d" " -f1)   # both shape the install
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]] || ! .venv/bin/python -c 'import clipdesk' 2>/dev/null; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
  echo "$want" > "$stamp"
fi

.venv/bin/python -m clipdesk.media.demo_video resources/example/example.mp4 \
  --duration 180 --size 960x540 --if-missing

#!/usr/bin/env bash
# Installs the Debian packages songforge needs at run time and in its test suite.
# Idempotent: packages already present are left alone. Needs root (or sudo).
set -euo pipefail
PKGS=(
  ffmpeg                # mp3/wav/mp4 encoding, loudness normalisation
  fluidsynth libfluidsynth3   # MIDI rendering (the library is LGPL-2.1, loaded in-process via pyfluidsynth)
  fluid-soundfont-gm    # FluidR3_GM General MIDI soundfont (MIT)
  festival festvox-us-slt-hts  # the singing voice's speech source: HTS "slt" voice (CSTR / CMU free licences)
  flite                 # male singing voice and fallback speech source (BSD-style)
  sox libsndfile1       # audio utilities
  fonts-dejavu-core     # font for cover images and videos
  postgresql            # throwaway PostgreSQL server for the test suite (and for scale-out)
  python3-venv          # the project venv on a stock Debian python
  build-essential python3-dev  # pyworld has no wheels on PyPI: pip compiles it
  wrk                   # HTTP load generator used by bench/api.py
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

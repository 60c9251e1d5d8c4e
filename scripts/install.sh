#!/usr/bin/env bash
# Installs everything songforge needs into ./.venv: Debian packages (via install-system-deps.sh),
# then the package itself (editable) with the test extras. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# basic-pitch ships the ONNX model the composer uses to hear melodies in uploads. Its metadata requires
# TensorFlow, which songforge never imports, so the wheel goes in without dependencies (onnxruntime is ours).
.venv/bin/python -m pip install -q --no-deps 'basic-pitch==0.4.0'
if [ -f scripts/install-python-extras.sh ]; then
  bash scripts/install-python-extras.sh .venv/bin/python
fi

#!/usr/bin/env bash
# Build the HTML book into _build/html, executing every chapter (cached).
# Any warning or failing cell fails the build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup-env.sh requirements.txt
# No MPLBACKEND here: a forced backend (Agg) would stop the notebook kernels
# from rendering glued figures as images.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-3}" PYTHONHASHSEED=0
.venv/bin/jupyter-book build . -W -n --keep-going "$@"
echo "The book is in _build/html/index.html"

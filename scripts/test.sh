#!/usr/bin/env bash
# Run every test: the unit and property tests of code/, then the book-level
# tests, which build the whole book (executing every chapter notebook) in a
# scratch folder and check the result. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup-env.sh requirements-dev.txt
# No MPLBACKEND here: a forced backend (Agg) would stop the notebook kernels
# from rendering glued figures as images.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-3}" PYTHONHASHSEED=0
.venv/bin/python -m pytest "$@"

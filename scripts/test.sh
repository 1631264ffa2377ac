#!/usr/bin/env bash
# Run every test: the unit and property tests of code/, then the book-level
# tests, which build the whole book (executing every chapter notebook) in a
# scratch folder and check the result. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup-env.sh requirements-dev.txt
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-3}" MPLBACKEND=Agg PYTHONHASHSEED=0
.venv/bin/python -m pytest "$@"

#!/usr/bin/env bash
# Open the book's notebooks in JupyterLab: the third command, for readers.
# Creates .venv on first use (the same environment as the build) and starts
# JupyterLab in notebooks/, the reader notebooks (plain Markdown, every number
# in the text). The chapter sources, with MyST syntax, are in chapters/.
# Extra arguments go to `jupyter lab` (e.g. --no-browser, --port 8890).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup-env.sh requirements.txt
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-3}"
exec .venv/bin/jupyter lab --notebook-dir=notebooks "$@"

#!/usr/bin/env bash
# Create (or update) the book's virtual environment in .venv.
# Usage: bash scripts/setup-env.sh [requirements file]   (default: requirements.txt)
# AFE_VENV names another environment folder (the tests make .venv-colab this way).
# Sourced by build.sh and test.sh; needs only Python 3.10-3.12 with pip.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

reqs="${1:-requirements.txt}"
venv="${AFE_VENV:-.venv}"
python="${PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in python3.11 python3.12 python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python="$candidate"; break; fi
  done
fi
[ -n "$python" ] || { echo "setup-env: no python3 found" >&2; exit 1; }

if [ ! -x "$venv/bin/python" ]; then
  echo "setup-env: creating $venv with $("$python" --version 2>&1)"
  "$python" -m venv "$venv"
fi

# Reinstall only when a requirements file changed since the last install.
stamp="$venv/.afe-installed"
want="$(cat "$reqs" requirements.txt constraints.txt code/pyproject.toml | sha256sum | cut -d' ' -f1) $reqs"
if [ ! -f "$stamp" ] || ! grep -qxF "$want" "$stamp"; then
  echo "setup-env: installing $reqs (a few minutes the first time)"
  # TensorFlow makes an environment about 2 GB; say so before pip fails on it.
  free_mb() { df -Pm "$1" 2>/dev/null | awk 'NR==2 {print $4}'; }
  for where in "$venv" "${TMPDIR:-/tmp}"; do
    mb="$(free_mb "$where")"
    if [ -n "$mb" ] && [ "$mb" -lt 3000 ]; then
      echo "setup-env: only $mb MB free where $where lies; the install needs" \
        "about 3000 MB (TensorFlow). Free some disk space first." >&2
    fi
  done
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 \
    | grep -v "^WARNING: Location" || true
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$reqs" -c constraints.txt 2>&1 | grep -v "^WARNING: Location" || true
  check="import afe, tensorflow"
  # The book's own environments also need the book tools.
  grep -qE "^(-r requirements.txt|jupyter-book)" "$reqs" && check="$check, jupyter_book"
  "$venv/bin/python" -c "$check" 2>/dev/null \
    || { echo "setup-env: the install did not complete" \
           "($(free_mb "$venv") MB free where $venv lies)" >&2; exit 1; }
  echo "$want" >> "$stamp"
fi

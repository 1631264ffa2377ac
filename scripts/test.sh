#!/usr/bin/env bash
# Run every test: the unit and property tests of code/, then the book-level
# tests, which build the whole book (executing every chapter notebook) in a
# scratch folder, check the result, and open every page of both editions in
# headless Chromium (screenshots in artifacts/screenshots/). Meanwhile every
# reader notebook runs as on Colab, in a second environment, and its glued
# numbers must equal the build's. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup-env.sh requirements-dev.txt
# The browser test drives Debian's Chromium; install it where it is missing.
if [ -z "${AFE_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "test: installing Chromium for the browser test (apt-get, about a minute)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  { $sudo apt-get install -y -qq chromium || { $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium; }; } \
    > /tmp/afe-chromium-install.log 2>&1 \
    || echo "test: could not install Chromium (see /tmp/afe-chromium-install.log); the browser test will fail" >&2
fi
# The Chinese edition's screenshots need a CJK font for Chromium (Debian's
# WenQuanYi Micro Hei, 4 MB); without one Chinese text renders as boxes.
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "test: installing a CJK font for the Chinese pages (apt-get)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  { $sudo apt-get install -y -qq fonts-wqy-microhei || { $sudo apt-get update -qq && $sudo apt-get install -y -qq fonts-wqy-microhei; }; } \
    > /tmp/afe-font-install.log 2>&1 \
    || echo "test: could not install a CJK font (see /tmp/afe-font-install.log)" >&2
fi
# No MPLBACKEND here: a forced backend (Agg) would stop the notebook kernels
# from rendering glued figures as images.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-3}" PYTHONHASHSEED=0
.venv/bin/python -m pytest "$@"

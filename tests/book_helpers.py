"""Shared by the book-level tests: paths, the table of contents, building the book."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
ARTIFACTS = ROOT / "artifacts"


def toc_files() -> list[str]:
    """The pages of `_toc.yml`, in reading order, without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for entry in toc.get("chapters", []):
        files.append(entry["file"])
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


def build_book(out: Path) -> Path:
    """Build the whole book into `out` (fresh execution cache) with warnings as errors.

    Returns the `_build` folder. The kernels must not inherit MPLBACKEND (the
    unit tests set it): with a forced backend, IPython cannot turn glued
    figures into images.
    """
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env |= {"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, env=env, timeout=1800,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, "book build failed:\n" + log[-6000:]
    return out / "_build"

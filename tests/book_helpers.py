"""Shared by the book-level tests: paths, the table of contents, building the book."""

from __future__ import annotations

import json
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


def glued_values(build: Path) -> dict[str, dict[str, str]]:
    """Every glued value of every executed chapter, read from the build's execution cache.

    Returns {chapter: {key: PNG, HTML or plain text}}. Glue with
    ``display=False`` stores its MIME types under a prefix, which is removed.
    """
    from jupyter_cache import get_cache

    cache = get_cache(str(build / ".jupyter_cache"))
    values = {}
    for record in cache.list_cache_records():
        nb = cache.get_cache_bundle(record.pk).nb
        found = {}
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                name = output.get("metadata", {}).get("scrapbook", {}).get("name")
                if name is None:
                    continue
                data = {k.rsplit("/", 2)[-2] + "/" + k.rsplit("/", 1)[-1]: v
                        for k, v in output.get("data", {}).items()}
                found[name] = data.get("image/png") or data.get("text/html") or data.get("text/plain")
        values[Path(record.uri).stem] = found
    return values

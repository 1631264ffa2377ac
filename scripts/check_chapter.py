"""Check one chapter notebook the way the book and a reader would run it.

    .venv/bin/python scripts/check_chapter.py chapters/02_sigmoid.ipynb [--reference GLUE_JSON]

Runs the notebook twice with nbclient from chapters/: once as inside the book
build (AFE_BOOK_BUILD=1, values glued for the prose) and once as in JupyterLab
or on Colab (values shown). Reports cell errors, output on stderr, code lines
over 88 characters, glue calls in visible cells, and glued values that differ
between the two runs or from a reference build's ``.glue.json`` (by default
``_build/jupyter_execute/chapters/<name>.glue.json``; ``timing-*`` keys may
differ). Exits 1 on any problem.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINE = 88
sys.path.insert(0, str(ROOT / "code"))


def run(path: Path, in_build: bool, nb=None):
    """Execute the notebook at ``path`` (or ``nb``, run from ``path``'s folder) and return it."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4) if nb is None else nb
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "AFE_BOOK_BUILD")}
    if in_build:
        env["AFE_BOOK_BUILD"] = "1"
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return nb


def glued_in_build(nb) -> dict[str, str]:
    from afe.book import quoted_text

    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                data = {k.rsplit("/", 2)[-2] + "/" + k.rsplit("/", 1)[-1]: v
                        for k, v in out.get("data", {}).items()}
                found[name] = ("<image>" if "image/png" in data
                               else quoted_text(data.get("text/plain", "")))
    return found


def shown_outside(nb) -> dict[str, str]:
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            record = out.get("metadata", {}).get("afe_glue")
            if not record:
                continue
            if "name" in record:
                found[record["name"]] = "<image>" if "image/png" in out.get("data", {}) else "<rich>"
            found.update(record.get("values", {}))
    return found


def reference(path: Path) -> dict[str, str]:
    from afe.book import quoted_text

    data = json.loads(path.read_text())
    out = {}
    for key, value in data.items():
        bundle = value.get("data", {})
        out[key] = "<image>" if "image/png" in bundle else quoted_text(bundle.get("text/plain", ""))
    return out


def static_problems(nb) -> list[str]:
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        for line in cell.source.splitlines():
            if len(line) > MAX_LINE and cell.get("id") != "colab-setup":
                problems.append(f"cell {i}: line of {len(line)} characters: {line[:60]}...")
        if "remove-cell" not in tags:
            calls = re.findall(r"book\.glue(?:_all)?\(", cell.source)
            figure_only = (len(calls) == 1
                           and re.search(r"^book\.glue\(\s*[\"'](timing-)?fig-", cell.source, re.M))
            if calls and not figure_only:
                problems.append(f"cell {i}: glue call(s) in a visible cell")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--reference", type=Path)
    args = parser.parse_args(argv)
    path = args.notebook.resolve()
    import nbformat

    problems = static_problems(nbformat.read(path, as_version=4))
    runs = {}
    for in_build in (True, False):
        nb = run(path, in_build)
        label = "build" if in_build else "outside"
        for i, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    problems.append(f"{label}, cell {i}: {out.ename}: {out.evalue}")
                if out.output_type == "stream" and out.name == "stderr":
                    problems.append(f"{label}, cell {i}: stderr: {out.text[:200]!r}")
                if in_build and out.get("metadata", {}).get("afe_glue"):
                    problems.append(f"build, cell {i}: a glued value is shown in the build")
        runs[label] = glued_in_build(nb) if in_build else shown_outside(nb)
    ref_path = args.reference or ROOT / "_build/jupyter_execute/chapters" / f"{path.stem}.glue.json"
    ref = reference(ref_path) if ref_path.is_file() else None
    if ref is None:
        problems.append(f"no reference build at {ref_path}")
    build, outside = runs["build"], runs["outside"]
    for key in sorted(set(build) | set(outside) | set(ref or {})):
        b, o = build.get(key), outside.get(key)
        r = ref.get(key) if ref else b
        if key.startswith("timing-") or "timing-" in key:
            if b is None or o is None:
                problems.append(f"{key}: missing (build {b is not None}, outside {o is not None})")
            continue
        if o == "<rich>":
            o = b
        if not (b == o == r):
            problems.append(f"{key}: build {b!r}, outside {o!r}, reference {r!r}")
    for p in problems:
        print(p)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

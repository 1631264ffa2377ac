"""Run a chapter's exercises on their own: its set-up cells, then its Exercises section.

    .venv/bin/python scripts/run_exercises.py chapters/02_sigmoid.ipynb

Exercises are written so that their solutions need only the chapter's set-up
(the hidden cells before its first section: imports, ``book.setup()``), never
the chapter's experiments; this runs exactly that, once as inside the book
build and once as a reader would, and prints each solution's output and the
values it glues. It is a quick check while writing exercises; the build and
``tests/test_exercises.py`` are the real ones. Exits 1 on any error.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


def exercise_notebook(path: Path):
    """The chapter reduced to its set-up cells and its Exercises section."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    first_section = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"
                          and re.search(r"^## ", c.source, re.M)), len(cells))
    exercises = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"
                      and re.search(r"^## Exercises\s*$", c.source, re.M)), None)
    if exercises is None:
        sys.exit(f"{path}: no '## Exercises' section")
    set_up = [c for c in cells[:first_section] if c.cell_type == "code"]
    nb.cells = set_up + cells[exercises:]
    return nb


def run(path: Path, in_build: bool):
    """The chapter's set-up and exercises, executed as in the build or as a reader runs them."""
    import check_chapter

    return check_chapter.run(path, in_build, nb=exercise_notebook(path))


def text_of(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return "ERROR " + output.get("ename", "") + ": " + output.get("evalue", "")
    data = output.get("data", {})
    if "image/png" in data:
        return "<image>"
    return data.get("text/plain", "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    args = parser.parse_args()
    failed = False
    for in_build in (True, False):
        start = time.perf_counter()
        nb = run(args.notebook.resolve(), in_build)
        seconds = time.perf_counter() - start
        print(f"== {'as in the book build' if in_build else 'as a reader runs it'}: {seconds:.1f} s")
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            tags = set(cell.metadata.get("tags", []))
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    failed = True
                    print(f"   error in cell {cell.get('id')}: {text_of(out)}")
                elif "solution" in tags or not in_build:
                    shown = text_of(out).strip().replace("\n", "\n      ")
                    print(f"   [{cell.get('id')}] {shown[:800]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

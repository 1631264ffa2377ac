"""Every chapter ends with exercises, and every solution ran during the build.

The convention (see the README's section on writing a chapter):

- a markdown cell with the heading ``## Exercises``, the chapter's last section;
- each exercise in its own markdown cell, starting ``**Exercise N.**``;
- after it, before the next exercise, at least one code cell tagged
  ``solution`` and ``hide-cell`` (folded in the HTML, folded and titled
  "Solution" in the reader notebook), which computes and shows the answer;
- where the answer is a number, a ``:::{dropdown}`` cell with the answer in
  words, its numbers glued from the solution.
"""

import json
import re

import pytest

from book_helpers import CHAPTERS

EXERCISE = re.compile(r"^\*\*Exercise (\d+)\.\*\*")
MIN_EXERCISES = 3


def source(cell):
    return "".join(cell["source"])


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def exercises(nb):
    """[(number, question cell, [solution cells])] of a notebook's Exercises section."""
    cells = nb["cells"]
    starts = [i for i, c in enumerate(cells)
              if c["cell_type"] == "markdown" and re.search(r"^## Exercises\s*$", source(c), re.M)]
    if not starts:
        return []
    found = []
    for cell in cells[starts[0]:]:
        match = EXERCISE.match(source(cell).lstrip()) if cell["cell_type"] == "markdown" else None
        if match:
            found.append((int(match.group(1)), cell, []))
        elif found and cell["cell_type"] == "code" and "solution" in tags(cell):
            found[-1][2].append(cell)
    return found


def read(path):
    return json.loads(path.read_text())


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_ends_with_exercises_each_with_a_solution(path):
    nb = read(path)
    found = exercises(nb)
    assert len(found) >= MIN_EXERCISES, (
        f"{path.name}: needs an '## Exercises' section with at least {MIN_EXERCISES} "
        f"exercises ('**Exercise N.**'), found {len(found)}")
    assert [n for n, _, _ in found] == list(range(1, len(found) + 1)), "exercises numbered 1, 2, …"
    headings = [source(c) for c in nb["cells"] if c["cell_type"] == "markdown"
                and re.search(r"^## ", source(c), re.M)]
    assert re.search(r"^## Exercises\s*$", headings[-1], re.M), "Exercises is the last section"
    for number, _, solutions in found:
        assert solutions, f"{path.name}: exercise {number} has no code cell tagged 'solution'"
        for cell in solutions:
            assert "hide-cell" in tags(cell), (
                f"{path.name}: exercise {number}'s solution must be folded (tag hide-cell)")
            assert "glue" not in source(cell), (
                f"{path.name}: exercise {number}'s solution glues; glue in a remove-cell")


def test_the_exercise_reader_recognises_the_convention():
    """The reader of the convention finds exercises and solutions, and only those."""
    def md(text):
        return {"cell_type": "markdown", "source": [text]}

    def code(text, *cell_tags):
        return {"cell_type": "code", "source": [text], "metadata": {"tags": list(cell_tags)}}

    nb = {"cells": [md("# Title"), code("x = 1", "solution"),
                    md("## Exercises"), md("**Exercise 1.** Why?"),
                    code("1 + 1", "hide-cell", "solution"), code("book.glue('a', 2)", "remove-cell"),
                    md("**Exercise 2.** How?")]}
    found = exercises(nb)
    assert [(n, len(s)) for n, _, s in found] == [(1, 1), (2, 0)]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_solution_ran_and_showed_its_answer(html, path):
    """In the built page, every solution cell of the Exercises section has an output."""
    page = (html / "chapters" / f"{path.stem}.html").read_text()
    section = page.split('<section id="exercises">', 1)
    assert len(section) == 2, f"{path.stem}.html has no Exercises section"
    cells = re.split(r'<div class="cell ', section[1])[1:]
    solutions = [c for c in cells if "tag_solution" in c.split(">", 1)[0]]
    expected = sum(len(s) for _, _, s in exercises(read(path)))
    assert len(solutions) == expected, f"{path.stem}: {len(solutions)} of {expected} solutions built"
    silent = [i + 1 for i, c in enumerate(solutions) if 'class="cell_output' not in c]
    assert not silent, f"{path.stem}: solutions {silent} (in order) showed nothing"

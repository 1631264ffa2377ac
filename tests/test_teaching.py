"""Every activation of the registry is introduced in a chapter, and the closing chapter covers them all."""

import json
import re

import pytest

from afe import activations
from book_helpers import CHAPTERS

#: Chapters that only survey the activations: an introduction must be elsewhere.
SURVEYS = {"01_overview", "12_choosing"}


def cells(path):
    return json.loads(path.read_text())["cells"]


def source(cell):
    return "".join(cell["source"])


def base_title(name):
    """The name a heading would use: "SiLU / Swish" → "SiLU", "GELU (tanh approx.)" → "GELU"."""
    return re.split(r" / | \(", activations.spec(name).title)[0]


def introduced_in(name):
    """Chapters with a heading that names the activation and a code cell deriving it with SymPy."""
    word = re.compile(rf"(?<![\w]){re.escape(base_title(name))}(?![\w])", re.IGNORECASE)
    found = []
    for path in CHAPTERS:
        if path.stem in SURVEYS:
            continue
        nb = cells(path)
        headings = [line for c in nb if c["cell_type"] == "markdown"
                    for line in source(c).splitlines() if re.match(r"#{1,3} ", line)]
        derives = [c for c in nb if c["cell_type"] == "code" and "derive(" in source(c)
                   and f'"{name}"' in source(c)]
        if any(word.search(h) for h in headings) and derives:
            found.append(path.stem)
    return found


@pytest.mark.parametrize("name", activations.NAMES)
def test_every_activation_is_introduced_with_its_derivative(name):
    assert introduced_in(name), (
        f"{name}: no chapter has a section on {base_title(name)!r} that derives it with SymPy")


def test_the_word_match_does_not_confuse_elu_with_relu():
    assert introduced_in("elu") == ["06_elu"]


def test_the_closing_chapter_tables_cover_the_registry():
    nb = cells(next(p for p in CHAPTERS if p.stem == "12_choosing"))
    code = "\n".join(source(c) for c in nb if c["cell_type"] == "code")
    assert "summary.shape_properties()" in code and "summary.training_properties(" in code
    table_rows = [line for c in nb if c["cell_type"] == "markdown"
                  for line in source(c).splitlines() if line.startswith("| ")]
    for row in table_rows[1:]:
        outside_glue = re.sub(r"\{glue:text\}`[^`]*`|\]\([^)]*\)", "", row)
        assert not re.search(r"\d", outside_glue), f"typed number in the claims table: {row}"

"""Book-level tests: the committed notebooks, the table of contents, and a full build.

The build executes every chapter notebook (the execution cache is in the
scratch folder, so nothing is reused) with warnings as errors: a failing cell,
a broken reference or a missing glue value fails it.
"""

import json
import re

import pytest

from book_helpers import CHAPTERS, ROOT, toc_files


def test_there_are_chapters():
    assert CHAPTERS, "no chapter notebooks found"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, (
                f"{path.name} carries outputs: the build executes notebooks; commit them stripped"
            )


def test_every_chapter_is_in_the_table_of_contents():
    listed = set(toc_files())
    for path in CHAPTERS:
        assert f"chapters/{path.stem}" in listed, f"{path.name} is not in _toc.yml"
    for entry in listed:
        assert list(ROOT.glob(entry + ".*")), f"_toc.yml lists {entry}, which does not exist"


def page_text(html_dir, name):
    raw = (html_dir / f"{name}.html").read_text()
    return raw, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", raw))


def test_every_page_of_the_table_of_contents_is_built(html):
    for entry in toc_files():
        assert (html / f"{entry}.html").is_file(), entry


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapters_show_no_errors(html, path):
    raw, text = page_text(html, f"chapters/{path.stem}")
    assert "output traceback" not in raw, f"{path.name}: a cell shows a traceback"
    assert "output stderr" not in raw, f"{path.name}: a cell writes to stderr"
    assert "WARNING:" not in text, f"{path.name}: a library warning is printed in the page"
    assert "&lt;Figure size" not in raw, f"{path.name}: a figure is shown as text, not as an image"


def test_math_is_served_locally(html):
    for page in html.rglob("*.html"):
        raw = page.read_text()
        assert "cdn.jsdelivr.net/npm/mathjax" not in raw, page.name
    assert list(html.glob("_static/mathjax/tex-chtml.js"))


def test_every_glued_figure_is_an_image(html):
    for path in CHAPTERS:
        raw = (html / "chapters" / f"{path.stem}.html").read_text()
        figures = re.findall(r'<figure[^>]*>(.*?)</figure>', raw, flags=re.S)
        for fig in figures:
            assert "<img" in fig, f"{path.name}: a numbered figure has no image"


def test_overview_reads_for_a_reader(html):
    raw, text = page_text(html, "chapters/01_overview")
    assert "What we found" in text
    assert "Fig. 1" in text  # the figure is numbered and referenced
    assert "Hansen" in text  # the article is cited
    assert 'href="appendix_checks.html' in raw  # the machinery is in the appendix


def test_the_appendix_reports_the_four_way_check(html):
    raw, text = page_text(html, "chapters/appendix_checks")
    assert "What we found" in text
    assert "comparisons were made; all pass" in text

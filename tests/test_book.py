"""Book-level tests: the committed notebooks, the table of contents, and a full build.

The build executes every chapter notebook (the execution cache is in the
scratch folder, so nothing is reused) with warnings as errors: a failing cell,
a broken reference or a missing glue value fails it.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for entry in toc.get("chapters", []):
        files.append(entry["file"])
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


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


@pytest.fixture(scope="session")
def html(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    # The unit tests set MPLBACKEND=Agg; the notebook kernels must not inherit it,
    # or IPython cannot turn glued figures into images.
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env |= {"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, env=env, timeout=1800,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, "book build failed:\n" + log[-6000:]
    return out / "_build" / "html"


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


def test_overview_reports_the_four_way_check(html):
    raw, text = page_text(html, "chapters/01_overview")
    assert "What we found" in text
    assert "comparisons were made; all pass" in text
    assert "Fig. 1" in text  # the figure is numbered and referenced
    assert "Hansen" in text  # the article is cited

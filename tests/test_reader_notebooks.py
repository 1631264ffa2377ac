"""The reader notebooks (notebooks/*.ipynb): current, free of MyST, and runnable as readers run them.

- They are what the build writes from the chapters (timings aside): a stale
  copy fails, naming `scripts/reader_notebooks.py`.
- No MyST-only syntax is left in any markdown cell; the cells the book hides
  are kept and marked as set-up; the install cell comes first.
- **Colab-like**: each reader notebook, alone in an empty folder, runs top to
  bottom in a second environment (`.venv-colab`: `afe` installed as a
  package, no jupyter-book, no MyST-NB). It shows as many images as its HTML
  page has figures, writes nothing to stderr, and every value it glues equals
  the build's (timings excepted): the determinism check across two
  environments. Chapter 11 runs with a smaller training profile, so there
  only its stored-sweep values are compared (and every glued key must show).
- **Binder-like**: two of them run the same way in the book's own
  environment (MyST-NB present, `afe` from the checkout).
- These executions run in the background while the book builds
  (`reader_runs.py`); the tests here wait for them and check the results.
- One executed reader notebook is rendered to HTML by nbconvert, as Jupyter
  would, and opened in headless Chromium: no raw MyST, math typeset, images
  shown (screenshot in `artifacts/screenshots/`).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from book_helpers import ARTIFACTS, CHAPTERS, ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import reader_notebooks as rn  # noqa: E402

from reader_runs import (BINDER_LIKE, PROFILE_FREE, READERS, SMALL_PROFILES,  # noqa: E402
                         with_parameters)

READER_FILES = [READERS / p.name for p in CHAPTERS]
MYST_LEFTOVERS = re.compile(
    r"\{(glue|glue:\w+|numref|eq|cite|cite:\w+|doc|ref|math|admonition|dropdown|note|term)\}"
    r"|^\s*(:::|```)\s*\{|^:(label|name|class):|^\s*\([\w:.-]+\)=\s*$", re.M)
MAX_LINE = 88


def load_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("reader_notebooks_script",
                                                  ROOT / "scripts" / "reader_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(path: Path) -> dict:
    return json.loads(path.read_text())


def source(cell) -> str:
    return "".join(cell["source"])


# --- static checks of the committed files ----------------------------------------------------

def test_every_chapter_has_a_reader_notebook():
    assert sorted(p.name for p in READERS.glob("*.ipynb")) == sorted(p.name for p in CHAPTERS)


@pytest.mark.parametrize("path", READER_FILES, ids=lambda p: p.stem)
def test_reader_notebooks_contain_no_myst_syntax(path):
    for cell in read(path)["cells"]:
        if cell["cell_type"] == "markdown":
            found = MYST_LEFTOVERS.search(source(cell))
            assert not found, f"{path.name}: MyST syntax {found.group(0)!r} in\n{source(cell)[:300]}"


@pytest.mark.parametrize("path", READER_FILES, ids=lambda p: p.stem)
def test_reader_notebooks_keep_hidden_cells_as_marked_set_up(path):
    chapter = read(ROOT / "chapters" / path.name)
    reader = read(path)
    code = [c for c in reader["cells"] if c["cell_type"] == "code"]
    assert code[0]["id"] == "colab-setup" and reader["cells"][0] is code[0], (
        "the cell that installs afe must be the first")
    hidden = [c["id"] for c in chapter["cells"] if c["cell_type"] == "code"
              and rn.HIDDEN_TAGS & set(c["metadata"].get("tags", []))
              and rn.SOLUTION_TAG not in c["metadata"].get("tags", [])]
    marked = [c["id"] for c in code if rn.SETUP_TAG in c["metadata"].get("tags", [])]
    assert hidden and marked == hidden
    for cell in code:
        if cell["id"] in marked:
            assert source(cell).startswith(rn.SETUP_TITLE)
            assert cell["metadata"]["jupyter"]["source_hidden"] is True
        assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_code_cells_are_short_and_keep_glue_out_of_sight(path):
    """Lines fit the page (no sideways scrolling); visible cells glue at most one figure."""
    for cell in read(path)["cells"]:
        if cell["cell_type"] != "code":
            continue
        text = source(cell)
        long = [line for line in text.splitlines() if len(line) > MAX_LINE]
        assert not long, f"{path.name}: lines over {MAX_LINE} characters: {long}"
        if "remove-cell" in cell["metadata"].get("tags", []):
            continue
        calls = re.findall(r"book\.glue(?:_all)?\(", text)
        figure = re.search(r"^book\.glue\(\s*[\"'](timing-)?fig-", text, re.M)
        assert not calls or (len(calls) == 1 and figure), (
            f"{path.name}: glue plumbing in a visible cell:\n{text}")


# --- against a fresh build ----------------------------------------------------------------------

@pytest.mark.parametrize("language", load_script().editions())
def test_the_committed_reader_notebooks_are_current(book_build, language):
    state = load_script().compare(book_build, language=language)
    assert not any(state.values()), (
        f"{language} reader notebooks out of date: {state}; run `bash scripts/build.sh` and then "
        "`.venv/bin/python scripts/reader_notebooks.py`, and commit notebooks/")


# --- the translated editions' reader notebooks ----------------------------------------------

TRANSLATED = [lang for lang in load_script().editions() if lang != "en"]
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize("language", TRANSLATED)
def test_translated_reader_notebooks_have_the_same_code_and_translated_prose(language):
    folder = READERS / rn.edition_subdir(language)
    assert sorted(p.name for p in folder.glob("*.ipynb")) == sorted(p.name for p in CHAPTERS)
    english_prose = []
    for path in CHAPTERS:
        english, translated = read(READERS / path.name), read(folder / path.name)
        code = [[source(c) for c in nb["cells"] if c["cell_type"] == "code"]
                for nb in (english, translated)]
        assert code[0] == code[1], f"{language}/{path.name}: the code differs from the English"
        for cell in translated["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            text = source(cell)
            assert not MYST_LEFTOVERS.search(text), f"{language}/{path.name}: MyST left in {text[:200]!r}"
            text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)  # displayed math
            for paragraph in re.split(r"\n\s*\n", text):
                prose = re.sub(r"\$[^$]*\$|`[^`]*`|\]\([^)]*\)", " ", paragraph)
                latin = sum(len(w) for w in re.findall(r"[A-Za-z]{2,}", prose))
                if latin >= 60 and len(CJK.findall(prose)) < 0.15 * latin:
                    english_prose.append(f"{path.name}: {paragraph[:100]!r}")
    assert not english_prose, f"English prose in the {language} reader notebooks:\n" + "\n".join(
        english_prose[:30])


def test_translate_markdown_replaces_messages_and_keeps_structure():
    catalog = {
        "The derivative, derived": "导数的推导",
        "A paragraph over two lines with {glue:text}`k`.": "两行的段落，含 {glue:text}`k`。",
        "first item": "第一项",
        "What we found": "我们的发现",
        "Inside the box.": "框里的话。",
        "Caption of the figure.": "图的说明。",
        "cell": "单元",
    }
    source = "\n".join([
        "## The derivative, derived", "",
        "A paragraph over two", "lines with {glue:text}`k`.", "",
        "- first item", "- an item nobody translated", "",
        ":::{admonition} What we found", ":class: important", "", "Inside the box.", ":::", "",
        "```{glue:figure} fig-x", ":name: fig-x", "", "Caption of the figure.", "```", "",
        "$$", "x = y \\quad \\text{first item}", "$$", "",
        "| cell | other |", "|---|---|",
    ])
    out = rn.translate_markdown(source, catalog.get).split("\n")
    assert out[0] == "## 导数的推导"
    assert out[2] == "两行的段落，含 {glue:text}`k`。"
    assert out[4:6] == ["- 第一项", "- an item nobody translated"]
    assert out[7:9] == [":::{admonition} 我们的发现", ":class: important"]
    assert "框里的话。" in out and "图的说明。" in out
    assert "x = y \\quad \\text{first item}" in out  # displayed math untouched
    assert "| 单元 | other |" in out and "|---|---|" in out


def test_the_download_button_gives_the_reader_notebook(html, book_build):
    for path in CHAPTERS:
        served = html / "_sources" / "chapters" / path.name
        built = book_build / rn.BUILD_SUBDIR / "chapters" / path.name
        assert served.read_text() == built.read_text(), path.name


def html_figures(html: Path, name: str) -> int:
    """Images a reader sees in a chapter's HTML page (figures and image outputs)."""
    raw = (html / "chapters" / f"{name}.html").read_text()
    article = raw[raw.index('<article class="bd-article"'):raw.index("</article>")]
    return len(re.findall(r"<img\b", article))


def digest(bundle: dict) -> str:
    """A short fingerprint of a figure (PNG bytes) or a table (HTML)."""
    import hashlib

    kind = "image/png" if "image/png" in bundle else "text/html"
    return f"<{kind}:" + hashlib.sha256(bundle[kind].encode()).hexdigest()[:16] + ">"


def build_values(book_build: Path, name: str) -> dict[str, str]:
    """{key: text, or a fingerprint of a figure or table} of a chapter's glued values in the build."""
    data = json.loads((book_build / "jupyter_execute" / "chapters" / f"{name}.glue.json").read_text())
    values = {}
    for key, output in data.items():
        bundle = output.get("data", {})
        if "image/png" in bundle or "text/html" in bundle:
            values[key] = digest(bundle)
        else:
            from afe.book import quoted_text

            values[key] = quoted_text(bundle.get("text/plain", ""))
    return values


def run_values(nb) -> tuple[dict[str, str], int, list[str]]:
    """From an executed notebook: glued values shown, number of images, problems."""
    values, images, problems = {}, 0, []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                problems.append(f"cell {i}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                problems.append(f"cell {i} writes to stderr: {out.text[:300]!r}")
            data = out.get("data", {})
            if "image/png" in data:
                images += 1
            record = out.get("metadata", {}).get("afe_glue", {})
            if "name" in record:
                values[record["name"]] = digest(data)
            values.update(record.get("values", {}))
    return values, images, problems


def comparable(name: str, key: str) -> bool:
    """Whether a glued value must be the same in a reader run as in the build.

    Timings never are. A run with a smaller profile (chapter 11's) computes its
    training results at other settings; what it reads from the stored sweep is
    still the build's (:data:`reader_runs.PROFILE_FREE`).
    """
    if rn.is_timing(key):
        return False
    if name not in SMALL_PROFILES:
        return True
    prefixes, excepted = PROFILE_FREE[name]
    return key.startswith(prefixes) and key not in excepted


def check_run(nb, name, html, book_build):
    values, images, problems = run_values(nb)
    assert problems == [], f"{name}: {problems}"
    assert images == html_figures(html, name), (
        f"{name}: {images} images in the notebook, {html_figures(html, name)} in the HTML page")
    expected = {k: v for k, v in build_values(book_build, name).items() if not rn.is_timing(k)}
    missing = set(expected) - set(values) - {k for k in expected if expected[k] is None}
    assert not missing, f"{name}: glued in the build but not shown by the notebook: {sorted(missing)}"
    differ = {k: (expected[k], values[k]) for k in expected
              if k in values and comparable(name, k) and expected[k] != values[k]}
    assert not differ, f"{name}: values that differ from the build's (build, notebook): {differ}"


@pytest.mark.parametrize("path", READER_FILES, ids=lambda p: p.stem)
def test_reader_notebook_runs_like_on_colab(path, readers, html, book_build):
    import nbformat

    nb = nbformat.read(readers.colab(path.stem), as_version=4)
    executed = ARTIFACTS / "reader_notebooks"
    executed.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, executed / path.name)
    check_run(nb, path.stem, html, book_build)


@pytest.mark.parametrize("name", BINDER_LIKE)
def test_reader_notebook_runs_like_on_binder(name, readers, html, book_build):
    import nbformat

    check_run(nbformat.read(readers.binder(name), as_version=4), name, html, book_build)


def test_the_small_profile_goes_after_the_parameters_cell():
    nb = read(READERS / "11_mnist_comparison.ipynb")
    injected = with_parameters(nb, SMALL_PROFILES["11_mnist_comparison"])
    at = next(i for i, c in enumerate(nb["cells"]) if "parameters" in c["metadata"].get("tags", []))
    assert injected["cells"][:at + 1] == nb["cells"][:at + 1]
    assert injected["cells"][at + 2:] == nb["cells"][at + 1:]
    assert 'PROFILE = "test"' in injected["cells"][at + 1]["source"]


def test_an_executed_reader_notebook_renders_cleanly_in_a_browser(html, tmp_path, readers):
    """nbconvert's HTML (what Jupyter shows) in headless Chromium: math typeset, images, no MyST."""
    from nbconvert import HTMLExporter
    import nbformat
    from test_browser import CHROMIUM_FLAGS, SCREENSHOTS, chromium_path
    from playwright.sync_api import sync_playwright

    nb = nbformat.read(readers.colab("02_sigmoid"), as_version=4)
    site = tmp_path / "site"
    shutil.copytree(html / "_static" / "mathjax", site / "mathjax")
    # JupyterLab typesets with MathJax 3, $…$ inline; nbconvert's page is written for
    # MathJax 2 from a CDN. Serve the book's own MathJax 3, configured as JupyterLab does.
    exporter = HTMLExporter(template_name="lab", mathjax_url="mathjax/tex-chtml.js")
    body, _ = exporter.from_notebook_node(nb)
    config = ("<script>window.MathJax = {tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], "
              "processEscapes: true}};</script>")
    loader = '<script src="mathjax/tex-chtml.js'
    assert loader in body, "nbconvert no longer loads MathJax from mathjax_url"
    body = body.replace(loader, config + loader, 1)
    # Classic widgets' require.js is the page's only other remote script; JupyterLab has none.
    body = re.sub(r'<script[^>]*src="https://[^"]*require[^"]*"[^>]*>\s*</script>', "", body)
    remote = re.findall(r'<(?:script|link)[^>]*(?:src|href)="(https?://[^"]+)"', body)
    assert not remote, f"the rendered notebook would load {remote}"
    (site / "index.html").write_text(body)
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), headless=True,
                                        args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            failed = []
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
            page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/index.html", wait_until="load")
            page.wait_for_function("document.querySelectorAll('mjx-container').length > 0",
                                   timeout=30000)
            page.wait_for_load_state("networkidle")
            report = page.evaluate("""() => {
              const md = Array.from(document.querySelectorAll('.jp-MarkdownOutput'));
              const text = md.map(e => e.innerText).join('\\n');
              return {text, math: document.querySelectorAll('mjx-container').length,
                      images: Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)};
            }""")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "reader_notebook__02_sigmoid.jpg"), full_page=True,
                            type="jpeg", quality=70)
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert not failed, failed
    assert report["math"] >= 3
    assert report["images"] and all(report["images"])
    leftovers = re.findall(r"\{(?:glue|numref|eq|cite|doc)[^}]*\}|\$\$|\\\(|:::", report["text"])
    assert not leftovers, f"raw syntax visible in the rendered notebook: {leftovers}"
    assert "0.25" in report["text"] or "1/4" in report["text"]

"""The built book as a reader sees it: every page opened in headless Chromium.

The pages are served from a localhost server. For each page the test checks
that the browser logs no error and no request fails, that every image loads,
that MathJax typeset all math (no raw TeX left), and, on notebook pages, that
the Binder and Colab launch buttons point at this repository (at the
edition's reader notebook), and that the language switcher links the same page
of every other edition; the translated editions' pages get the same checks.
On chapter pages it
clicks open every folded exercise solution. The "next" links, read from the
pages, must lead from the front page through every page of the table of
contents in order. A screenshot of each page goes to
`artifacts/screenshots/`.

Chromium: Debian's `chromium` (scripts/test.sh installs it where missing), or
the browser named by AFE_CHROMIUM.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from urllib.parse import urljoin, urlparse

import pytest
import yaml

from book_helpers import ARTIFACTS, ROOT, toc_files

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = toc_files()
NOTEBOOK_PAGES = [p for p in PAGES if (ROOT / f"{p}.ipynb").is_file()]
# The translated editions live in _build/html/<language>/ (_ext/translations.py).
TRANSLATIONS = list(yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]
                    .get("afe_translations", {}))
EDITION_PAGES = PAGES + [f"{language}/{p}" for language in TRANSLATIONS for p in PAGES]
SCREENSHOTS = ARTIFACTS / "screenshots"


def chromium_path() -> str:
    path = os.environ.get("AFE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is missing: `apt-get install chromium` (scripts/test.sh does it), "
                    "or point AFE_CHROMIUM at a Chromium binary")
    return path


@pytest.fixture(scope="module")
def server(html):
    handler = functools.partial(_QuietHandler, directory=str(html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        yield b
        b.close()


# Runs in the page: wait for MathJax, then report what a reader would see.
INSPECT = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const skip = (el) => el.closest('pre, code, script, style, mjx-container, .highlight');
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  const raw = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (skip(n.parentElement)) continue;
    const t = n.textContent;
    if (/\\\\\\(|\\\\\\)|\\\\\\[|\\\\\\]|\\$\\$|\\\\begin\\{/.test(t)) raw.push(t.trim().slice(0, 80));
  }
  const maths = Array.from(document.querySelectorAll('.math'));
  return {
    raw_tex: raw,
    math: maths.length,
    math_untypeset: maths.filter(m => !m.querySelector('mjx-container')).length,
    images: Array.from(document.images).map(i => ({src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0})),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    next: (document.querySelector('a.right-next') || {}).href || null,
    wide_code: Array.from(document.querySelectorAll('.cell_input pre'))
      .filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.textContent.slice(0, 60)),
    page_scrolls_sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth + 1,
  };
}"""

# Runs in the page: the shown tables that are wider than the text column (cut
# off, their hidden part reached only by scrolling the table sideways).
WIDE_TABLES = """() => Array.from(document.querySelectorAll('main table'))
  .filter(t => t.getClientRects().length > 0)
  .filter(t => Math.max(t.scrollWidth, t.parentElement.scrollWidth) > t.parentElement.clientWidth + 1)
  .map(t => `${t.scrollWidth} px for ${t.parentElement.clientWidth}: `
            + (t.rows[0] || t).textContent.trim().replace(/\\s+/g, ' ').slice(0, 60))"""


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    report = page.evaluate(INSPECT)
    page.wait_for_load_state("networkidle")
    return page, report, problems


@pytest.mark.parametrize("name", EDITION_PAGES)
def test_page_renders_cleanly(browser, server, name):
    page, report, problems = open_page(browser, urljoin(server, f"{name}.html"))
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name.replace('/', '__')}.jpg"), full_page=True,
                        type="jpeg", quality=70)
        if edition_of(name)[1] in NOTEBOOK_PAGES:
            check_solution_folds(page, name)  # after the screenshot: it shows them folded
        wide_tables = page.evaluate(WIDE_TABLES)  # the solutions' tables are open now
    finally:
        page.close()
    assert problems == [], f"{name}: {problems}"
    broken = [i["src"] for i in report["images"] if not i["ok"]]
    assert not broken, f"{name}: images that did not load: {broken}"
    assert report["raw_tex"] == [], f"{name}: math left as raw TeX: {report['raw_tex']}"
    assert report["math_untypeset"] == 0, f"{name}: {report['math_untypeset']} math elements not typeset"
    if name.startswith("chapters/"):
        assert report["images"], f"{name}: a chapter without a single figure is suspicious"
    assert report["wide_code"] == [], f"{name}: code cells that scroll sideways: {report['wide_code']}"
    assert not report["page_scrolls_sideways"], f"{name}: the page scrolls sideways at 1280 px"
    assert wide_tables == [], f"{name}: tables wider than the page's column: {wide_tables}"
    language, page_name = edition_of(name)
    if page_name in NOTEBOOK_PAGES:
        check_launch_buttons(report["links"], page_name, language)
    paths = {urlparse(u).path for u in report["links"]}
    others = ["en", *TRANSLATIONS]
    for other in (o for o in others if o != language):
        target = f"/{page_name}.html" if other == "en" else f"/{other}/{page_name}.html"
        assert target in paths, f"{name}: the language switcher does not link {target}"


def edition_of(name: str) -> tuple[str, str]:
    """("zh_CN", "chapters/02_sigmoid") for "zh_CN/chapters/02_sigmoid"; ("en", name) otherwise."""
    first, _, rest = name.partition("/")
    return (first, rest) if first in TRANSLATIONS else ("en", name)


def check_launch_buttons(links: list[str], name: str, language: str) -> None:
    """Binder and Colab open the edition's reader notebook (notebooks/[<lang>/]), not the MyST source."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = urlparse(config["repository"]["url"]).path.strip("/")
    branch = config["repository"]["branch"]
    binder = [u for u in links if u.startswith(config["launch_buttons"]["binderhub_url"])]
    colab = [u for u in links if u.startswith(config["launch_buttons"]["colab_url"])]
    folder = "notebooks/" + ("" if language == "en" else f"{language}/")
    reader = folder + name.split("/")[-1] + ".ipynb"
    assert binder and all(f"gh/{repo}/{branch}" in u and u.endswith(reader) for u in binder), binder
    assert colab and all(u.endswith(f"github/{repo}/blob/{branch}/{reader}") for u in colab), colab


@pytest.mark.parametrize("edition", ["", *(f"{language}/" for language in TRANSLATIONS)])
def test_next_links_walk_through_the_whole_book(html, edition):
    """From the front page, the "next" link of each page leads to the next page of the
    table of contents (read from the pages themselves; each was opened in the browser above)."""
    import re

    visited, name = [], PAGES[0]
    while name and len(visited) <= len(PAGES) + 2:
        visited.append(name)
        raw = (html / f"{edition}{name}.html").read_text()
        found = re.search(r'<a class="right-next"\s+href="([^"]+)"', raw)
        name = None
        if found:
            target = urlparse(urljoin(f"http://book/{edition}{visited[-1]}.html", found.group(1))).path
            name = target.lstrip("/").removeprefix(edition).removesuffix(".html")
    assert visited == PAGES, visited


def test_the_sidebar_reaches_every_page(browser, server):
    page, report, _ = open_page(browser, urljoin(server, f"{PAGES[0]}.html"))
    page.close()
    linked = {urlparse(u).path.lstrip("/").removesuffix(".html") for u in report["links"]
              if u.startswith(server)}
    missing = [p for p in PAGES[1:] if p not in linked]
    assert not missing, f"pages the front page's navigation does not link: {missing}"


# Runs in the page: the folded parts of the Exercises section, before and after a click.
FOLDS = """() => Array.from(document.querySelectorAll('section#exercises details')).map(d => ({
  summary: (d.querySelector('summary') || {}).textContent || '',
  open: d.open,
}))"""


def check_solution_folds(page, name: str) -> None:
    """The exercise solutions of a chapter are folded, and each opens on a click."""
    folds = page.evaluate(FOLDS)
    assert folds, f"{name}: no folded solutions in an Exercises section"
    assert not [f for f in folds if f["open"]], f"{name}: solutions shown unfolded: {folds}"
    summaries = page.locator("section#exercises details > summary")
    for i in range(summaries.count()):
        summaries.nth(i).click()
    opened = page.evaluate(FOLDS)
    assert all(f["open"] for f in opened), f"{name}: a solution did not open on click"
    hidden = page.evaluate("""() => Array.from(
        document.querySelectorAll('section#exercises details .cell_output, '
                                  + 'section#exercises details .sd-summary-content'))
        .filter(e => e.getBoundingClientRect().height === 0).length""")
    assert hidden == 0, f"{name}: {hidden} opened solution parts are still invisible"


def test_the_choosing_chapter_tables_fit_the_page(browser, server):
    page, _, _ = open_page(browser, urljoin(server, "chapters/12_choosing.html"))
    try:
        tables = page.evaluate("""() => Array.from(document.querySelectorAll('main table')).map(t => {
            const box = t.parentElement;
            return {rows: t.rows.length, width: t.scrollWidth, room: box.clientWidth,
                    scrolls: box.scrollWidth > box.clientWidth + 1};
        })""")
    finally:
        page.close()
    assert len(tables) >= 3 and all(t["rows"] > 1 for t in tables), tables
    cut = [t for t in tables if t["scrolls"] or t["width"] > t["room"] + 1]
    assert not cut, f"tables cut off or scrolling sideways at 1280 px: {cut}"


# Runs in the page: the language switcher's links.
LANGUAGE_LINKS = """() => Array.from(
  document.querySelectorAll('.dropdown-language-switcher a, [aria-label^="Language"] ~ ul a'))
  .map(a => ({href: a.href, text: a.textContent.trim()}))"""


@pytest.mark.parametrize("language", TRANSLATIONS)
@pytest.mark.parametrize("name", ["intro", "chapters/02_sigmoid"])
def test_language_switcher_leads_to_the_same_page_and_back(browser, server, name, language):
    """Followed in the browser for two pages; every page's links are checked above."""
    page, report, _ = open_page(browser, urljoin(server, f"{name}.html"))
    try:
        there = [u for u in report["links"] if urlparse(u).path == f"/{language}/{name}.html"]
        assert there, f"{name}: no link to its {language} page"
        page.goto(there[0], wait_until="load")
        lang = page.evaluate("() => document.documentElement.lang")
        back = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    finally:
        page.close()
    assert lang == language.replace("_", "-"), f"{name}: <html lang={lang!r}>"
    assert any(urlparse(u).path == f"/{name}.html" for u in back), f"{language}/{name}: no link back"


# Runs in the search page once Sphinx's search has finished.
SEARCH_RESULTS = """async () => {
  for (let i = 0; i < 100; i++) {
    const status = document.querySelector('#search-results .search-summary, .search-summary');
    if (status && status.textContent.trim()) break;
    await new Promise(r => setTimeout(r, 100));
  }
  return Array.from(document.querySelectorAll('#search-results ul.search li a, ul.search li a'))
    .map(a => a.getAttribute('href'));
}"""


@pytest.mark.parametrize("word", ["梯度", "激活函数"])
@pytest.mark.parametrize("language", [lang for lang in TRANSLATIONS if lang.startswith("zh")])
def test_chinese_search_finds_the_chapters(browser, server, html, language, word):
    from urllib.parse import quote

    page, _, problems = open_page(browser, urljoin(server, f"{language}/search.html?q={quote(word)}"))
    try:
        hits = page.evaluate(SEARCH_RESULTS)
    finally:
        page.close()
    assert problems == [], problems
    found = {h.split("#")[0].split("?")[0].removesuffix(".html") for h in hits}
    def article(page):  # the page's own text, not the navigation or the book's title
        raw = (html / language / f"{page}.html").read_text()
        return raw.split('<article class="bd-article">', 1)[-1].split("</article>", 1)[0]

    containing = [p for p in PAGES if p.startswith("chapters/") and word in article(p)]
    assert containing, f"no chapter of the {language} edition contains {word}"
    missing = [p for p in containing if p not in found]
    assert not missing, f"search for {word}: {sorted(found)}; chapters containing it but not found: {missing}"

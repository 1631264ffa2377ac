"""The translated editions (_ext/translations.py): the rules, the catalogues, the built pages.

The rules and the catalogues are checked without a build. The built pages
come from the session's one full build (conftest.py), which builds every
translated edition beside the English one.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter

import pytest

from book_helpers import ROOT, toc_files

sys.path.insert(0, str(ROOT / "_ext"))
import translations as tr  # noqa: E402

LANGUAGES = list(
    __import__("yaml").safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]
    ["afe_translations"]
)
CATALOGUES = sorted((ROOT / tr.LOCALE_DIR).rglob("*.po"))
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


# --- The rules ----------------------------------------------------------------

def test_numbers_and_marks_become_placeholders():
    assert tr.split_numbers("3 of 16 seeds") == ("{} of {} seeds", ["3", "16"])
    assert tr.split_numbers("x = 1.5e-3 (needs < 0.01) ✗") == (
        "x = {}e-{} (needs < {}) {}", ["1.5", "3", "0.01", "✗"])
    assert tr.split_numbers("10,000 digits, 80%/20%") == ("{} digits, {}%/{}%", ["10,000", "80", "20"])
    assert tr.split_numbers("a {b} 2") == ("a {{b}} {}", ["2"])


def test_translation_puts_the_numbers_back_in_its_own_order():
    catalog = {"{} of {} seeds": "{1} 个种子中的 {0} 个", "holds": "成立"}
    assert tr.translate_value("3 of 16 seeds", catalog, "zh_CN") == "16 个种子中的 3 个"
    assert tr.translate_value("holds", catalog, "zh_CN") == "成立"
    assert tr.translate_value("0.25", catalog, "zh_CN") == "0.25"  # no words: itself
    assert tr.translate_value("does not hold", catalog, "zh_CN") is None


def test_lists_are_joined_the_chinese_way():
    catalog = {"SELU": "SELU", "GELU": "GELU", "Leaky ReLU (α={})": "Leaky ReLU (α={})"}
    text = "SELU, GELU and Leaky ReLU (α=0.2)"
    assert tr.translate_value(text, catalog, "zh_CN") == "SELU、GELU 和 Leaky ReLU (α=0.2)"
    assert tr.glue_messages(text) == ["SELU", "GELU", "Leaky ReLU (α={})"]
    # A sentence with a comma is one message, not a list.
    sentence = "Batch normalization does better with the larger step, SELU worse"
    assert tr.glue_messages(sentence) == [sentence]


def test_a_translation_that_loses_a_number_is_an_error():
    with pytest.raises(ValueError, match="does not fit"):
        tr.translate_value("3 of 16", {"{} of {}": "{2}"}, "zh_CN")


def test_markup_alone_needs_no_translation():
    assert not tr.needs_translation("{glue:text}`02_sigmoid.ipynb::verdict-x`")
    assert not tr.needs_translation("$\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))$")
    assert not tr.needs_translation("`keras.activations.relu`")
    assert tr.needs_translation("The derivative, derived")
    assert tr.needs_translation("ReLU")  # a heading: a translator decides


def test_language_switcher_links_the_same_page():
    assert tr._page_url("chapters/02_sigmoid", "en", "zh_CN") == "../zh_CN/chapters/02_sigmoid.html"
    assert tr._page_url("intro", "en", "zh_CN") == "zh_CN/intro.html"
    assert tr._page_url("chapters/02_sigmoid", "zh_CN", "en") == "../../chapters/02_sigmoid.html"
    assert tr._page_url("intro", "zh_CN", "en") == "../intro.html"


# --- The catalogues -------------------------------------------------------------

ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")
CODE = re.compile(r"(?<!\})`[^`]+`")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$]+\$", re.S)


def _unlabelled(role: str) -> str:
    return re.sub(r"`[^`<]*<([^<>`]+)>`$", r"`<\1>`", role)


def _outside(text: str, kind: str) -> str:
    if kind in ("code", "math"):
        text = ROLE.sub(" ", text)
    if kind == "math":
        text = CODE.sub(" ", text)
    return text


def _entries(path):
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        return [m for m in read_po(f) if m.id and m.string and not m.fuzzy]


def test_there_are_catalogues_for_every_language():
    for language in LANGUAGES:
        folder = ROOT / tr.LOCALE_DIR / language / "LC_MESSAGES"
        assert (folder / f"{tr.GLUE_DOMAIN}.po").is_file(), f"no glued-values catalogue for {language}"
        for page in toc_files():
            assert (folder / f"{page}.po").is_file(), f"no {language} catalogue for {page}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT / tr.LOCALE_DIR)))
def test_translations_keep_the_markup_of_their_message(path):
    """A translation keeps every role (glue, citation, reference), code span and formula."""
    problems = []
    for m in _entries(path):
        if path.stem == tr.GLUE_DOMAIN:
            wanted = Counter(re.findall(r"\{\}", m.id))["{}"]
            placeholders = re.findall(r"\{(\d*)\}", m.string)
            indices = [int(p) if p else i for i, p in enumerate(placeholders)]
            if sorted(indices) != list(range(wanted)):
                problems.append(f"{m.id!r}: placeholders {placeholders} for {wanted} numbers")
            continue
        for name, pattern in (("role", ROLE), ("code", CODE), ("math", MATH)):
            # Code spans are looked for outside roles, formulas outside both; a
            # role's label may be translated (`{doc}`label <target>``), its target not.
            source = Counter(map(_unlabelled, pattern.findall(_outside(m.id, name))))
            target = Counter(map(_unlabelled, pattern.findall(_outside(m.string, name))))
            if source != target:
                problems.append(f"{m.id[:70]!r}: {name} differs: {sorted(source - target)} "
                                f"missing, {sorted(target - source)} added")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT / tr.LOCALE_DIR)))
def test_no_message_is_flagged_as_a_percent_format(path):
    """The book's placeholders are {}; a python-format flag would make `msgfmt -c` reject it."""
    flagged = [line for line in path.read_text().splitlines()
               if line.startswith("#,") and re.search(r"(?<!brace-)python-format", line)]
    assert not flagged, f"{len(flagged)} messages flagged python-format: run scripts/translations.py update"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT / tr.LOCALE_DIR)))
def test_every_catalogue_header_names_the_book(path):
    """Babel's placeholders (PROJECT, FULL NAME, YEAR-MO-DA) make `msgfmt -c` warn
    and tell a translator nothing; `translations.py update` fills the header in."""
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f)
    header = catalog.header_comment + "\n" + "\n".join(f"{k}: {v}" for k, v in catalog.mime_headers)
    placeholders = [p for p in ("PROJECT", "ORGANIZATION", "FULL NAME", "EMAIL@ADDRESS",
                                "YEAR-MO-DA", "LL@li.org") if p in header]
    assert not placeholders, f"header still has {placeholders}: run scripts/translations.py update"
    assert not catalog.fuzzy, "the header is marked fuzzy"
    assert "Activation Functions, Executed" in catalog.project


# --- The built editions -----------------------------------------------------------

@pytest.fixture(scope="module", params=LANGUAGES)
def edition(request, html):
    return request.param, html / request.param


def test_every_message_has_a_current_translation(edition):
    language, folder = edition
    report = json.loads((folder / tr.REPORT).read_text())
    lines = [f"{page}: {message!r}" for page, messages in report["messages"].items()
             for message in messages]
    lines += [f"glued value {message!r} (at {', '.join(where)})"
              for message, where in report["glued_values"].items()]
    assert not lines, (
        f"{len(lines)} English message(s) without a current {language} translation "
        "(run `python scripts/translations.py update`, then translate):\n" + "\n".join(lines[:80])
    )


def test_every_page_is_in_both_editions_with_the_right_language(edition, html):
    language, folder = edition
    for page in toc_files():
        english = (html / f"{page}.html").read_text()
        translated = (folder / f"{page}.html").read_text()
        assert '<html lang="en"' in english, page
        assert f'<html lang="{language.replace("_", "-")}"' in translated, page
        assert tr._page_url(page, "en", language) in english, f"{page}: no link to the {language} page"
        assert tr._page_url(page, language, "en") in translated, f"{page}: no link back to English"


def _outputs(raw: str) -> tuple[list[str], list[str]]:
    """The images and the text of a page's cell outputs."""
    images = [m.rsplit("/", 1)[-1] for m in re.findall(
        r'<div class="cell_output[^"]*">.*?<img[^>]*src="([^"]+)"', raw, flags=re.S)]
    texts = re.findall(r'<div class="output [^"]*">\s*<div class="highlight[^"]*"><pre>(.*?)</pre>',
                       raw, flags=re.S)
    return images, texts


def test_the_pages_show_the_same_outputs(edition, html):
    """Same execution: every figure and every printed output of a translated page is the English one."""
    language, folder = edition
    for page in toc_files():
        english = _outputs((html / f"{page}.html").read_text())
        translated = _outputs((folder / f"{page}.html").read_text())
        assert english == translated, f"{page}: the {language} page shows other outputs"


def test_a_translated_build_refuses_to_execute_a_notebook():
    from myst_nb.core.execute import cache

    original = cache.single_nb_execution
    try:
        tr._forbid_execution()
        with pytest.raises(RuntimeError, match="must reuse the English build's execution cache"):
            cache.single_nb_execution({}, cwd="chapters")
    finally:
        cache.single_nb_execution = original


def test_glued_numbers_are_identical_and_words_translated(edition, book_build):
    language, _ = edition
    english = book_build / "jupyter_execute"
    translated = book_build / f"jupyter_execute-{language}"
    untranslated = []
    for path in sorted(english.rglob("*.glue.json")):
        en = json.loads(path.read_text())
        zh = json.loads((translated / path.relative_to(english)).read_text())
        assert en.keys() == zh.keys(), path.name
        for key in en:
            a, b = en[key]["data"], zh[key]["data"]
            if set(a) != {"text/plain"}:
                assert a == b, f"{path.name}::{key}: a figure or table differs"
                continue
            text_en, text_zh = tr.glue_plain_text(a["text/plain"]), tr.glue_plain_text(b["text/plain"])
            assert sorted(tr.NUMBER.findall(text_en)) == sorted(tr.NUMBER.findall(text_zh)), (
                f"{path.name}::{key}: {text_en!r} became {text_zh!r}")
            is_sentence = len(LATIN_WORD.findall(text_en)) >= 6
            if is_sentence and text_zh == text_en:
                untranslated.append(f"{path.name}::{key}: {text_en!r}")
    assert not untranslated, "glued sentences left in English:\n" + "\n".join(untranslated)


def _prose(raw: str) -> list[str]:
    """The paragraphs, headings and list items of a page's article, without code or math."""
    body = raw.split('<article class="bd-article">', 1)[-1].split("</article>", 1)[0]
    body = re.sub(r'<div class="cell_output.*?</div>\s*</div>\s*</div>', " ", body, flags=re.S)
    body = re.sub(r"<(pre|code|script|style|table)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<span class="math[^"]*">.*?</span>', " ", body, flags=re.S)
    body = re.sub(r'<div class="math[^"]*">.*?</div>', " ", body, flags=re.S)
    blocks = re.findall(r"<(p|h[1-6]|li|figcaption|dt|dd)\b[^>]*>(.*?)</\1>", body, flags=re.S)
    texts = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inner)).strip() for _, inner in blocks]
    return [t for t in texts if t]


def test_translated_pages_are_written_in_the_language(edition):
    """No English paragraph in a translated page: the CJK share of each paragraph's letters."""
    language, folder = edition
    if not language.startswith("zh"):
        pytest.skip("the share check knows Chinese only")
    english_paragraphs = []
    for page in toc_files():
        if page == "references":
            continue  # titles of works and authors' names
        for text in _prose((folder / f"{page}.html").read_text()):
            latin = sum(len(w) for w in LATIN_WORD.findall(text))
            cjk = len(CJK.findall(text))
            if latin >= 60 and cjk < 0.15 * latin:
                english_paragraphs.append(f"{page}: {text[:120]!r}")
    assert not english_paragraphs, (
        f"{len(english_paragraphs)} paragraph(s) of the {language} edition read as English:\n"
        + "\n".join(english_paragraphs[:40]))


def test_figures_and_tables_are_numbered_in_the_language(edition):
    language, folder = edition
    if not language.startswith("zh"):
        pytest.skip("checked for Chinese")
    raw = (folder / "chapters/02_sigmoid.html").read_text()
    assert re.search(r"图 \d", raw), "figure numbers do not read 图 n"


@pytest.mark.parametrize("word", ["梯度", "激活函数"])
def test_search_finds_chinese_words(edition, word):
    language, folder = edition
    if not language.startswith("zh"):
        pytest.skip("checked for Chinese")
    index = (folder / "searchindex.js").read_text()
    data = json.loads(index[index.index("(") + 1: index.rindex(")")])
    names = set()
    for table in ("terms", "titleterms"):  # a word of a page's title is indexed there only
        docs = data[table].get(word, [])
        names |= {data["docnames"][d] for d in (docs if isinstance(docs, list) else [docs])}
    assert names, f"the search index has no entry for {word}"
    containing = {page for page in toc_files() if page.startswith("chapters/")
                  and word in " ".join(_prose((folder / f"{page}.html").read_text()))}
    assert containing and containing <= names, (
        f"{word}: found in {sorted(names)}, but these chapters contain it: "
        f"{sorted(containing - names)}")


def test_the_glossary_gives_the_search_its_chinese_terms():
    words = tr.glossary_words(ROOT / tr.GLOSSARY)
    assert {"激活函数", "梯度消失", "反向传播", "自归一化"} <= set(words)
    assert all(len(w) >= 2 and not LATIN_WORD.search(w) for w in words)

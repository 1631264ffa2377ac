"""Reader notebooks: each chapter as a plain Jupyter notebook that reads like its HTML page.

The chapters are MyST notebooks: their prose quotes glued values
(``{glue:text}``), numbers figures and equations (``{numref}``, ``{eq}``),
cites (``{cite:p}``) and uses directives (``:::{admonition}``,
``{glue:figure}``). Only the book build understands that syntax; opened in
JupyterLab, on Binder or on Colab the same notebook shows raw roles and no
numbers. This module writes, from the same sources and the values of the
same execution, a *reader notebook* per chapter, in plain Markdown:

- every glued value pasted into the prose as the build computed it
  (a timing is marked with † and a note that it varies by machine);
- equations as ``$$ … \\tag{n} $$``, admonitions as blockquotes with a bold
  title, dropdowns as ``<details>``, figure captions as text under the cell
  that draws the figure;
- citations as author–year text linked to the paper (or the references
  page), cross-references and relative links as links into the HTML book;
- the cells the book hides kept (the notebook must run) but marked as
  set-up: first line ``# @title Set-up`` (Colab shows it as a folded form),
  ``source_hidden`` for JupyterLab, tag ``set-up``.

Anything else in MyST syntax raises :class:`ReaderNotebookError`, so the build
fails instead of shipping raw syntax.

As a Sphinx extension it also

- sets ``AFE_BOOK_BUILD=1`` for the notebook kernels (``afe.book.glue``
  stores values inside a build and shows them anywhere else);
- at the end of an HTML build writes the reader notebooks to
  ``_build/reader_notebooks/<docname>.ipynb`` and replaces the page's
  downloadable ``.ipynb`` with them;
- points the Binder, JupyterHub and Colab launch buttons at the committed
  copies under ``notebooks/`` (``scripts/reader_notebooks.py`` updates them
  from a build; a test fails when they are out of date).

The conversion itself is plain functions of a :class:`Context`; the unit
tests in ``tests/test_reader_notebooks.py`` call them directly.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

BUILD_ENV = "AFE_BOOK_BUILD"
#: Where the committed reader notebooks live, relative to the repository root.
READER_DIR = "notebooks"
#: Where a build writes them, relative to the build folder (``_build``).
BUILD_SUBDIR = "reader_notebooks"
TIMING_MARK = "†"
TIMING_NOTES = {
    "en": (f"*{TIMING_MARK} A timing, measured on the machine that built the book; "
           "yours will differ when you run the notebook.*"),
    "zh_CN": f"*{TIMING_MARK} 计时结果，在构建本书的机器上测得；你运行这个 notebook 时会得到不同的值。*",
}
TIMING_NOTE = TIMING_NOTES["en"]
SETUP_TITLE = "# @title Set-up"
SETUP_TAG = "set-up"
HIDDEN_TAGS = {"remove-cell", "hide-cell"}
#: A chapter's exercise solutions: code cells tagged ``solution`` (and
#: ``hide-cell``, so the HTML folds them). A reader notebook keeps them folded
#: under this title, to run when the reader wants the answer.
SOLUTION_TAG = "solution"
SOLUTION_TITLE = "# @title Solution"
MAX_TEXT = 2000  # a glued value longer than this is not text for the prose


class ReaderNotebookError(ValueError):
    """A chapter uses MyST syntax that cannot be written as plain Markdown."""


@dataclass
class Citation:
    authors: str  # "Hansen", "Glorot and Bengio", "He et al."
    year: str
    url: str | None = None


@dataclass
class Context:
    """What a conversion needs to know about the built book.

    Attributes:
        docname: the chapter being converted, e.g. ``chapters/02_sigmoid``.
        base_url: the HTML book's address, ending with ``/``.
        glue: ``{docname: {key: text as {glue:text} pastes it}}``.
        numbers: ``{label: (docname, "Fig. 2")}``: what ``{numref}`` shows.
        equations: ``{label: (docname, "2")}``: equation numbers.
        titles: ``{docname: title}``.
        citations: ``{bibtex key: Citation}``.
        references_page: the docname of the bibliography page.
        eq_format: Sphinx's ``math_eqref_format``.
        chapter_number: shown in the notebook's header note, if known.
        language: the edition's language (``en``, ``zh_CN``): its header note,
            its timing note, and where its notebooks live.
    """

    docname: str
    base_url: str
    glue: dict[str, dict[str, str]] = field(default_factory=dict)
    numbers: dict[str, tuple[str, str]] = field(default_factory=dict)
    equations: dict[str, tuple[str, str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    citations: dict[str, Citation] = field(default_factory=dict)
    references_page: str = "references"
    eq_format: str = "Eq. {number}"
    chapter_number: int | None = None
    language: str = "en"

    def url(self, docname: str, anchor: str = "") -> str:
        return f"{self.base_url}{docname}.html" + (f"#{anchor}" if anchor else "")


def is_timing(key: str) -> bool:
    """Glue keys that hold timings contain ``timing-``; they vary by machine."""
    return "timing-" in key


# --- inline roles ------------------------------------------------------------------------

ROLE = re.compile(r"\{(?P<name>[\w:.-]+)\}`(?P<text>[^`]*)`")
EXPLICIT = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


def _split_explicit(text: str) -> tuple[str | None, str]:
    match = EXPLICIT.match(text.strip())
    if match and match.group("title"):
        return match.group("title"), match.group("target").strip()
    return None, text.strip()


def _resolve_doc(target: str, ctx: Context) -> str:
    """A document path as a role names it (relative, maybe with a suffix) to a docname."""
    target = re.sub(r"\.(ipynb|md)$", "", target)
    if target.startswith("/"):
        return target.lstrip("/")
    base = PurePosixPath(ctx.docname).parent
    parts: list[str] = []
    for part in (base / target).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _glue_text(text: str, ctx: Context, timings: dict[str, str]) -> str:
    doc, key = ctx.docname, text.strip()
    if "::" in key:
        path, key = key.split("::", 1)
        doc = _resolve_doc(path, ctx)
    fmt = ""
    if ":" in key:
        key, fmt = key.split(":", 1)
    try:
        value = ctx.glue[doc][key]
    except KeyError:
        raise ReaderNotebookError(f"{ctx.docname}: no glued value {key!r} in {doc}") from None
    if fmt:
        value = _format(value, fmt)
    if is_timing(key):
        timings[key] = value
        return value + TIMING_MARK
    return value


def _format(value: str, fmt: str) -> str:
    kind = fmt[-1]
    if kind in "eEfFgGn%":
        return format(float(value), fmt)
    if kind in "bcdoxX":
        return format(int(value), fmt)
    return format(value, fmt)


def _numref(text: str, ctx: Context) -> str:
    title, label = _split_explicit(text)
    if label not in ctx.numbers:
        raise ReaderNotebookError(f"{ctx.docname}: {{numref}} to unknown label {label!r}")
    doc, shown = ctx.numbers[label]
    if title:
        number = re.sub(r"^\D*", "", shown)
        shown = title.replace("%s", number).replace("{number}", number)
    return f"[{shown}]({ctx.url(doc, label)})"


def _eq(text: str, ctx: Context) -> str:
    label = text.strip()
    if label not in ctx.equations:
        raise ReaderNotebookError(f"{ctx.docname}: {{eq}} to unknown equation {label!r}")
    doc, number = ctx.equations[label]
    return f"[{ctx.eq_format.format(number=number)}]({ctx.url(doc, 'equation-' + label)})"


def _cite(name: str, text: str, ctx: Context) -> str:
    pieces = []
    for key in [k.strip() for k in text.split(",") if k.strip()]:
        if key not in ctx.citations:
            raise ReaderNotebookError(f"{ctx.docname}: citation of unknown key {key!r}")
        c = ctx.citations[key]
        url = c.url or ctx.url(ctx.references_page)
        if name == "cite:t":
            pieces.append(f"[{c.authors} ({c.year})]({url})")
        else:
            pieces.append(f"[{c.authors}, {c.year}]({url})")
    if name == "cite:t":
        return ", ".join(pieces)
    return "(" + "; ".join(pieces) + ")"


def _doc(text: str, ctx: Context) -> str:
    title, target = _split_explicit(text)
    doc = _resolve_doc(target, ctx)
    if title is None:
        if doc not in ctx.titles:
            raise ReaderNotebookError(f"{ctx.docname}: {{doc}} to unknown page {target!r}")
        title = ctx.titles[doc]
    return f"[{title}]({ctx.url(doc)})"


def convert_inline(text: str, ctx: Context, timings: dict[str, str]) -> str:
    """Replace every MyST role in ``text`` by plain Markdown."""

    def replace(match: re.Match) -> str:
        name, body = match.group("name"), match.group("text")
        if name in ("glue:text", "glue"):
            return _glue_text(body, ctx, timings)
        if name == "numref":
            return _numref(body, ctx)
        if name == "eq":
            return _eq(body, ctx)
        if name in ("cite:p", "cite:t", "cite"):
            return _cite(name, body, ctx)
        if name == "doc":
            return _doc(body, ctx)
        if name == "math":
            return f"${body}$"
        raise ReaderNotebookError(f"{ctx.docname}: the role {{{name}}} has no plain-Markdown form")

    return _relative_links(ROLE.sub(replace, text), ctx)


LINK = re.compile(r"(\]\()(?P<target>[^)\s]+)(\))")


def _relative_links(text: str, ctx: Context) -> str:
    """Links to other pages of the book (or to anchors) become links into the HTML book."""

    def replace(match: re.Match) -> str:
        target = match.group("target")
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto: ...
            return match.group(0)
        path, _, anchor = target.partition("#")
        doc = _resolve_doc(path, ctx) if path else ctx.docname
        return f"{match.group(1)}{ctx.url(doc, anchor)}{match.group(3)}"

    return LINK.sub(replace, text)


# --- directives ----------------------------------------------------------------------------

FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:.-]+)\}\s*(?P<arg>.*?)\s*$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
TARGET = re.compile(r"^\s*\([\w:.-]+\)=\s*$")
ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention",
               "danger", "error", "seealso"}


def _blocks(lines: list[str]):
    """Split Markdown lines into plain lines and fenced directives (name, arg, options, body)."""
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            yield ("text", lines[i])
            i += 1
            continue
        fence = match.group("fence")
        closing = re.compile(r"^\s*(" + re.escape(fence[0]) + r"{3,})\s*$")
        j, inner = i + 1, []  # the fence lengths of directives nested inside
        while j < len(lines):
            nested, close = FENCE.match(lines[j]), closing.match(lines[j])
            if nested and nested.group("fence")[0] == fence[0]:
                inner.append(len(nested.group("fence")))
            elif close:
                length = len(close.group(1))
                if inner and length >= inner[-1]:
                    inner.pop()
                elif not inner and length >= len(fence):
                    break
            j += 1
        if j == len(lines):
            raise ReaderNotebookError(f"an unclosed {{{match.group('name')}}} directive")
        body = lines[i + 1:j]
        options = {}
        while body and OPTION.match(body[0]):
            opt = OPTION.match(body[0])
            options[opt.group("key")] = opt.group("value")
            body = body[1:]
        while body and not body[0].strip():
            body = body[1:]
        yield ("directive", (match.group("name"), match.group("arg"), options, body))
        i = j + 1


def _quote(lines: list[str]) -> list[str]:
    return [("> " + line) if line.strip() else ">" for line in lines]


def _directive(name: str, arg: str, options: dict, body: list[str], ctx: Context,
               timings: dict[str, str]) -> list[str]:
    if name == "math":
        label = options.get("label")
        tex = "\n".join(body).strip()
        if label:
            if label not in ctx.equations:
                raise ReaderNotebookError(f"{ctx.docname}: equation {label!r} has no number")
            tex += f" \\tag{{{ctx.equations[label][1]}}}"
        return ["$$", tex, "$$"]
    if name == "glue:figure":
        label = options.get("name")
        caption = convert_markdown("\n".join(body), ctx, timings).strip()
        shown = ctx.numbers[label][1] if label in ctx.numbers else "Figure"
        return [f"**{shown}.** {caption}" if caption else f"**{shown}.**"]
    if name == "admonition" or name in ADMONITIONS:
        title = arg if name == "admonition" else (arg or name.capitalize())
        inner = convert_markdown("\n".join(body), ctx, timings).splitlines()
        head = [f"**{convert_inline(title, ctx, timings)}**", ""] if title else []
        return _quote(head + inner)
    if name in ("dropdown", "toggle"):
        inner = convert_markdown("\n".join(body), ctx, timings)
        summary = convert_inline(arg, ctx, timings) if arg else "Show"
        return ["<details>", f"<summary>{summary}</summary>", "", inner.strip(), "", "</details>"]
    raise ReaderNotebookError(f"{ctx.docname}: the directive {{{name}}} has no plain-Markdown form")


def convert_markdown(source: str, ctx: Context, timings: dict[str, str] | None = None) -> str:
    """One markdown cell's MyST source as plain Markdown (see the module's docstring)."""
    timings = {} if timings is None else timings
    out: list[str] = []
    for kind, item in _blocks(source.split("\n")):
        if kind == "directive":
            out.extend(_directive(*item, ctx, timings))
        elif TARGET.match(item) or item.lstrip().startswith("%") or item.strip() == "+++":
            continue  # MyST targets, comments and block breaks have no Markdown form
        else:
            out.append(convert_inline(item, ctx, timings))
    return "\n".join(out).strip("\n")


# --- translated prose ------------------------------------------------------------------------

HEADING = re.compile(r"^(?P<marks>#{1,6}\s+)(?P<text>.*?)\s*$")
LIST_ITEM = re.compile(r"^(?P<marker>\s*(?:[-*+]|\d+[.)])\s+)(?P<text>.*)$")
TABLE_RULE = re.compile(r"^\s*\|?[\s:|-]+\|?\s*$")
TITLED = {"admonition", "dropdown", "toggle"}


def normalize(message: str) -> str:
    """A message as the catalogues key it: whitespace runs as one space."""
    return re.sub(r"\s+", " ", message).strip()


def translate_markdown(source: str, translate) -> str:
    """A markdown cell's MyST source with every message replaced by its translation.

    A message is what Sphinx's gettext builder extracts: a paragraph, a list
    item, a heading, a table cell, an admonition's or dropdown's title, a
    figure caption. ``translate(message)`` returns the translation or None (the
    English stays). Directives, options, targets and displayed math are kept.
    """
    lines = source.split("\n")
    out: list[str] = []
    block: list[str] = []

    def flush():
        if not block:
            return
        first = LIST_ITEM.match(block[0])
        prefix = first.group("marker") if first else ""
        text = (first.group("text") if first else block[0]) + " " + " ".join(
            line.strip() for line in block[1:])
        found = translate(normalize(text))
        out.extend([prefix + found] if found else block)
        block.clear()

    fence_end = None  # the closing line of displayed math being copied
    for line in lines:
        stripped = line.strip()
        if fence_end is not None:
            out.append(line)
            if re.fullmatch(fence_end, stripped):
                fence_end = None
            continue
        directive = FENCE.match(line)
        if directive:
            flush()
            name, arg = directive.group("name"), directive.group("arg")
            if name == "math":
                fence_end = re.escape(directive.group("fence")[0]) + "{%d,}" % len(directive.group("fence"))
            elif arg and name in TITLED:
                found = translate(normalize(arg))
                if found:
                    line = line[: line.rindex(arg)] + found
            out.append(line)
            continue
        if stripped.startswith("$$"):
            flush()
            out.append(line)
            if not (len(stripped) > 2 and stripped.endswith("$$")):
                fence_end = r".*\$\$"
            continue
        heading = HEADING.match(line)
        if heading:
            flush()
            found = translate(normalize(heading.group("text")))
            out.append(heading.group("marks") + found if found else line)
            continue
        if stripped.startswith("|"):
            flush()
            if TABLE_RULE.match(stripped):
                out.append(line)
            else:
                cells = stripped.strip("|").split("|")
                translated = [translate(normalize(c)) if c.strip() else None for c in cells]
                out.append("| " + " | ".join(t or c.strip() for t, c in zip(translated, cells)) + " |")
            continue
        if not stripped or OPTION.match(stripped) or TARGET.match(line) or re.fullmatch(r"[`:]{3,}", stripped):
            flush()
            out.append(line)
            continue
        if LIST_ITEM.match(line):
            flush()
        block.append(line)
    flush()
    return "\n".join(out)


# --- notebooks ----------------------------------------------------------------------------

def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def set_up_title(source: str) -> str:
    """Mark a hidden cell's code as set-up: a first line ``# @title Set-up…``.

    A first comment that already starts with ``Set-up`` becomes the title.
    """
    first, _, rest = source.partition("\n")
    if first.startswith(SETUP_TITLE):
        return source
    if re.match(r"#\s*Set-up\b", first):
        return SETUP_TITLE + first.lstrip("#").strip()[len("Set-up"):] + ("\n" + rest if rest else "")
    return SETUP_TITLE + "\n" + source


def header_note(ctx: Context) -> str:
    appendix = ctx.docname.rsplit("/", 1)[-1].startswith("appendix")
    if ctx.language == "zh_CN":
        which = ("附录" if appendix else
                 f"第 {ctx.chapter_number} 章" if ctx.chapter_number else "一章")
        return (f"> 这是[《激活函数：代码运行实录》]({ctx.base_url}intro.html)的{which}，"
                f"以 notebook 形式呈现（[在线阅读]({ctx.url(ctx.docname)})）。请从上往下运行各单元格；"
                "第一个单元格会准备好本书的 Python 包 `afe`。文中的数字来自本书构建时的那次运行。")
    which = ("An appendix" if appendix else
             f"Chapter {ctx.chapter_number}" if ctx.chapter_number else "A chapter")
    page = "this appendix" if appendix else "this chapter"
    return (f"> {which} of [*Activation Functions, Executed*]({ctx.base_url}intro.html) as a "
            f"notebook ([{page} online]({ctx.url(ctx.docname)})). Run the cells from the "
            "top; the first one sets up the book's package `afe`. The numbers in the text are "
            "those of the book's own run.")


def convert_notebook(nb: dict, ctx: Context, translate=None) -> dict:
    """The reader notebook of a chapter: a new nbformat-4 dict, without outputs.

    ``translate(message) -> str | None`` turns the prose into another edition's
    language, message by message (see :func:`translate_markdown`); the code
    cells stay as they are.
    """
    nb = copy.deepcopy(nb)
    cells, timings_seen = [], {}
    noted_header = False
    for cell in nb["cells"]:
        meta = dict(cell.get("metadata", {}))
        tags = list(meta.get("tags", []))
        if cell["cell_type"] == "markdown":
            timings: dict[str, str] = {}
            source = _source(cell)
            if translate is not None:
                source = translate_markdown(source, translate)
            text = convert_markdown(source, ctx, timings)
            if timings:
                text += "\n\n" + TIMING_NOTES.get(ctx.language, TIMING_NOTE)
                timings_seen.update(timings)
            if not noted_header and text.lstrip().startswith("# "):
                title, _, rest = text.lstrip().partition("\n")
                text = title + "\n\n" + header_note(ctx) + ("\n" + rest if rest.strip() else "")
                noted_header = True
            cells.append({"cell_type": "markdown", "id": cell.get("id"), "metadata": {},
                          "source": _lines(text)})
        elif cell["cell_type"] == "code":
            source = _source(cell)
            if SOLUTION_TAG in tags:
                tags = [SOLUTION_TAG]
                meta["jupyter"] = {**meta.get("jupyter", {}), "source_hidden": True}
                meta["cellView"] = "form"
                source = SOLUTION_TITLE + "\n" + source
            elif HIDDEN_TAGS & set(tags):
                tags = [t for t in tags if t not in HIDDEN_TAGS] + [SETUP_TAG]
                meta["jupyter"] = {**meta.get("jupyter", {}), "source_hidden": True}
                meta["cellView"] = "form"
                source = set_up_title(source)
            if tags:
                meta["tags"] = tags
            else:
                meta.pop("tags", None)
            cells.append({"cell_type": "code", "execution_count": None, "id": cell.get("id"),
                          "metadata": meta, "outputs": [], "source": _lines(source)})
        else:
            cells.append(cell)
    metadata = dict(nb.get("metadata", {}))
    metadata["afe"] = {"source": f"{ctx.docname}.ipynb", "book": ctx.url(ctx.docname),
                       "timings": dict(sorted(timings_seen.items()))}
    return {"cells": cells, "metadata": metadata, "nbformat": 4,
            "nbformat_minor": max(5, nb.get("nbformat_minor", 5))}


def dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def mask_timings(nb: dict) -> dict:
    """A copy of a reader notebook with its timing values replaced by their keys.

    Two reader notebooks of the same sources differ only where timings differ;
    compare their masked copies to see whether one is out of date.
    """
    nb = copy.deepcopy(nb)
    timings = nb.get("metadata", {}).get("afe", {}).get("timings", {})
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = _source(cell)
        # Longest first, and all to one placeholder: two timings may read the same
        # ("1.0"), or one may end with another ("0.8 to 1.0").
        for value in sorted(set(timings.values()), key=len, reverse=True):
            text = text.replace(value + TIMING_MARK, "<timing>" + TIMING_MARK)
        cell["source"] = _lines(text)
    if timings:
        nb["metadata"]["afe"]["timings"] = {k: f"<{k}>" for k in timings}
    return nb


# --- the Sphinx side ------------------------------------------------------------------------

def _citations(bib_files: list[Path]) -> dict[str, Citation]:
    from pybtex.database import parse_file

    found = {}
    for path in bib_files:
        for key, entry in parse_file(str(path)).entries.items():
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            last = [re.sub(r"[{}]", "", " ".join(p.last_names)) for p in people]
            if not last:
                authors = re.sub(r"[{}]", "", entry.fields.get("organization")
                                 or entry.fields.get("publisher") or key)
            elif len(last) == 1:
                authors = last[0]
            elif len(last) == 2:
                authors = f"{last[0]} and {last[1]}"
            else:
                authors = f"{last[0]} et al."
            url = entry.fields.get("url")
            if not url and entry.fields.get("doi"):
                url = "https://doi.org/" + entry.fields["doi"]
            found[key] = Citation(authors, entry.fields.get("year", "n.d."), url)
    return found


def _glue_texts(folder: Path, docname: str) -> dict[str, str]:
    path = folder / f"{docname}.glue.json"
    if not path.is_file():
        return {}
    from myst_nb.core.variables import format_plain_text

    texts = {}
    for key, value in json.loads(path.read_text()).items():
        plain = value.get("data", {}).get("text/plain")
        if plain is not None and len(plain) <= MAX_TEXT:
            texts[key] = format_plain_text(plain, "")
    return texts


def _language(app) -> str:
    return app.config.language or "en"


def context_from_sphinx(app, docname: str) -> Context:
    env, config = app.env, app.config
    base_url = (config.html_baseurl or "").rstrip("/") + "/"
    if _language(app) != "en":
        base_url += f"{_language(app)}/"  # the edition's pages (_ext/translations.py)
    folder = Path(env.mystnb_config.output_folder)
    numbers, equations = {}, {}
    std = env.get_domain("std")
    for label, (doc, node_id, _title) in std.labels.items():
        nums = env.toc_fignumbers.get(doc, {}).get("figure", {}).get(node_id)
        if nums:
            numbers[label] = (doc, config.numfig_format["figure"] % ".".join(map(str, nums)))
        nums = env.toc_fignumbers.get(doc, {}).get("table", {}).get(node_id)
        if nums:
            numbers[label] = (doc, config.numfig_format["table"] % ".".join(map(str, nums)))
    for label, (doc, number) in env.get_domain("math").equations.items():
        nums = env.toc_fignumbers.get(doc, {}).get("displaymath", {}).get(f"equation-{label}")
        equations[label] = (doc, ".".join(map(str, nums)) if nums else str(number))
    docs = [d for d in env.found_docs if env.doc2path(d).endswith(".ipynb")]
    glue = {d: _glue_texts(folder, d) for d in docs}
    titles = {d: env.titles[d].astext() for d in env.found_docs if d in env.titles}
    srcdir = Path(app.srcdir)
    bib = [srcdir / f for f in getattr(config, "bibtex_bibfiles", [])]
    chapters = [d for d in _toc_order(env) if env.doc2path(d).endswith(".ipynb")]
    number = chapters.index(docname) + 1 if docname in chapters else None
    return Context(docname=docname, base_url=base_url, glue=glue, numbers=numbers,
                   equations=equations, titles=titles, citations=_citations(bib),
                   eq_format=config.math_eqref_format or "Eq. {number}", chapter_number=number,
                   language=_language(app))


def _toc_order(env) -> list[str]:
    """Documents in reading order (the root's toctree, depth first)."""
    order, seen = [], set()

    def walk(doc):
        if doc in seen:
            return
        seen.add(doc)
        order.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(env.config.root_doc)
    return order


def reader_docnames(env) -> list[str]:
    return [d for d in _toc_order(env) if env.doc2path(d).endswith(".ipynb")]


def edition_subdir(language: str) -> str:
    """Where an edition's reader notebooks go, below notebooks/ and _build/reader_notebooks/."""
    return "" if language == "en" else language


def _translator(app, docname: str):
    """The message lookup of a page in a translated edition, or None in English."""
    if _language(app) == "en":
        return None
    from translations import LOCALE_DIR, read_catalog

    path = Path(app.srcdir) / LOCALE_DIR / _language(app) / "LC_MESSAGES" / f"{docname}.po"
    catalog = {normalize(k): v for k, v in read_catalog(path).items()}
    return catalog.get


def write_reader_notebooks(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    import time

    from sphinx.util import logging

    start = time.perf_counter()
    env = app.env
    written = 0
    # Beside the build's executed notebooks (_build/jupyter_execute*), never inside the HTML.
    out_root = Path(env.mystnb_config.output_folder).parent / BUILD_SUBDIR / edition_subdir(_language(app))
    for docname in reader_docnames(env):
        source = json.loads(Path(env.doc2path(docname)).read_text())
        reader = convert_notebook(source, context_from_sphinx(app, docname),
                                  _translator(app, docname))
        target = out_root / f"{docname}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dumps(reader))
        download = Path(app.outdir) / "_sources" / f"{docname}.ipynb"
        if download.parent.is_dir():
            shutil.copyfile(target, download)
        written += 1
    logging.getLogger(__name__).info(
        f"reader notebooks: {written} written in {time.perf_counter() - start:.2f} s")


def _relocate(buttons, docname: str, language: str = "en") -> None:
    """Point launch links at notebooks/[<language>/]<name>.ipynb instead of the chapter source."""
    source = f"{docname}.ipynb"
    folder = "/".join(p for p in (READER_DIR, edition_subdir(language)) if p)
    reader = f"{folder}/{PurePosixPath(docname).name}.ipynb"
    for button in buttons:
        if isinstance(button, dict):
            url = button.get("url")
            if isinstance(url, str) and source in url and "_sources" not in url:
                button["url"] = url.replace(source, reader)
            _relocate(button.get("buttons", []), docname, language)


def point_launch_buttons(app, pagename, templatename, context, doctree) -> None:
    if pagename in app.env.found_docs and app.env.doc2path(pagename).endswith(".ipynb"):
        _relocate(context.get("header_buttons", []), pagename, _language(app))


def setup(app):
    import os

    # The notebook kernels inherit this process's environment: afe.book.glue
    # stores values for the prose inside the build and shows them elsewhere.
    os.environ[BUILD_ENV] = "1"
    app.connect("build-finished", write_reader_notebooks)
    # After sphinx-book-theme (priority 501) has made the launch buttons.
    app.connect("html-page-context", point_launch_buttons, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

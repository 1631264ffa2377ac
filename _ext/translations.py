"""The book's translated editions, built from the same executed notebooks.

Design (the README's "Translations" section says why this and not a copy of
the notebooks per language):

- **One source, gettext catalogues.** The chapters are written in English.
  Every paragraph, heading, caption and table cell is a gettext message;
  ``scripts/translations.py update`` extracts them (Sphinx's ``gettext``
  builder) and merges them into ``locales/<lang>/LC_MESSAGES/<page>.po``,
  where the translation is written. MyST syntax stays inside the messages, so
  a translated paragraph still quotes ``{glue:text}`key``` and still cites.
- **One execution.** When the English HTML build finishes, this extension
  builds each translated edition in a child process (the same Jupyter Book
  configuration, ``language`` set) into ``_build/html/<lang>/``. The child
  reads the notebooks' outputs from the English build's execution cache, so
  no notebook runs twice and every number and figure is the same.
- **Glued words are translated, glued numbers are not.** A glued value such
  as a verdict ("holds") or a computed sentence is looked up in
  ``locales/<lang>/LC_MESSAGES/glued-values.po``. Its message is the value
  with every number replaced by ``{}`` (``"{} of {} seeds"``); the
  translation puts the same numbers back, in the order it chooses
  (``{0}``, ``{1}``). A list of translated values joined with ", " and
  " and " is joined the way the language joins lists. Numbers are never
  retyped, so the two editions cannot disagree on one.
- **A translation cannot fall behind silently.** Every translated build
  writes ``untranslated.json`` beside its pages: each message of each page,
  and each glued value, that has no current (non-empty, non-fuzzy)
  translation. The test suite fails on any entry and names it.

MyST-NB does not paste glued values into translated paragraphs (the
re-parsed paragraph has lost the notebook's glue data; MyST-NB#587 fixed
the parsing, not the glue). In a translated build this extension keeps each
page's glue data and lets the glue roles find it; see :func:`_install_glue`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

SOURCE_LANGUAGE = "en"
LOCALE_DIR = "locales"
GLUE_DOMAIN = "glued-values"
GLOSSARY = "glossary.md"
REPORT = "untranslated.json"
#: How each edition names itself in the language switcher.
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}
#: How a language joins the last two items of a list, and the others.
LIST_JOINS = {"zh_CN": ("、", " 和 ")}

# Numbers, and the marks a criterion's outcome prints: both are data, not words.
NUMBER = re.compile(r"\d+(?:[.,]\d+)*|[✓✗]")
WORD = re.compile(r"[A-Za-z]{2,}")
# What a message may contain that is not prose: roles, inline code, math, URLs.
_MARKUP = re.compile(
    r"\{[\w:.-]+\}`[^`]*`"        # {role}`target`
    r"|`[^`]*`"                   # inline code
    r"|\$\$.*?\$\$|\$[^$]*\$"     # math
    r"|\]\([^)]*\)"               # link targets
    r"|<[^>]*>"                   # autolinks and HTML
    r"|https?://\S+"
    r"|\\[A-Za-z]+",            # LaTeX commands (a displayed equation is a message too)
    re.S,
)


# --- Messages and glued values: pure functions ---------------------------------

def needs_translation(message: str) -> bool:
    """Whether a message has prose in it (not only markup, names in code, numbers)."""
    return bool(WORD.search(_MARKUP.sub(" ", message)))


def split_numbers(text: str) -> tuple[str, list[str]]:
    """A glued value's message and its numbers: ``"3 of 16"`` -> ``("{} of {}", ["3", "16"])``.

    The marks ✓ and ✗ count as numbers (a criterion's outcome). Braces
    already in the text are doubled, so the message is a format string.
    """
    numbers = NUMBER.findall(text)
    escaped = text.replace("{", "{{").replace("}", "}}")
    return NUMBER.sub("{}", escaped), numbers


def translate_value(text: str, catalog: dict[str, str], language: str) -> str | None:
    """The translation of a glued text value, or None when the catalogue lacks it.

    Values without words (numbers, symbols) are their own translation.
    """
    if not WORD.search(text):
        return text
    if text in catalog:
        return catalog[text]
    template, numbers = split_numbers(text)
    if template in catalog:
        try:
            return catalog[template].format(*numbers)
        except (IndexError, KeyError, ValueError) as exc:
            raise ValueError(
                f"translation of glued value {template!r} does not fit its numbers: {exc}"
            ) from None
    parts = re.split(r", (?:and )?| and ", text)
    if len(parts) > 1 and language in LIST_JOINS:
        translated = [translate_value(p, catalog, language) for p in parts]
        if all(t is not None for t in translated):
            comma, last = LIST_JOINS[language]
            return comma.join(translated[:-1]) + last + translated[-1]
    return None


def glue_messages(text: str) -> list[str]:
    """The catalogue messages a glued value needs: itself or its number template,
    or, for a list of values, those of its items."""
    if not WORD.search(text):
        return []
    parts = re.split(r", (?:and )?| and ", text)
    if len(parts) > 1 and all(_is_list_item(p) for p in parts):
        return [m for p in parts for m in glue_messages(p)]
    template, numbers = split_numbers(text)
    return [template if numbers else text]


def _is_list_item(part: str) -> bool:
    # Short items that start with a capital or a digit: names of functions,
    # initializers, layers. Sentences are messages of their own.
    return 0 < len(part) <= 40 and not part.endswith(".") and (part[0].isupper() or part[0].isdigit())


def glossary_words(path: Path) -> list[str]:
    """The Chinese terms of the glossary page's table (its second column), one per word.

    Sphinx's Chinese search segments text with jieba, whose dictionary splits
    terms such as 激活函数 into 激活 + 函数; given these words as a user
    dictionary, it keeps them whole, so a search for the term finds it.
    """
    words: list[str] = []
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not line.lstrip().startswith("|"):
            continue
        for word in re.split(r"[\s；、，,;（）()]+", cells[1]):
            if len(word) >= 2 and all("\u3400" <= ch <= "\u9fff" for ch in word) and word not in words:
                words.append(word)
    return words


def read_catalog(path: Path) -> dict[str, str]:
    """The current translations of a .po file: msgid -> msgstr, without empty or fuzzy ones."""
    if not path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f)
    return {
        m.id: m.string
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def glue_plain_text(plain: str) -> str:
    """The text ``{glue:text}`` pastes for a stored ``text/plain`` (a repr where it is one)."""
    from ast import literal_eval

    try:
        value = literal_eval(plain)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return plain
    return value if isinstance(value, str) else plain


# --- The translated build --------------------------------------------------------

class _State:
    language = SOURCE_LANGUAGE
    locale_root: Path | None = None
    glue_catalog: dict[str, str] = {}
    renderers: dict = {}
    env = None


def _missing(env) -> dict:
    """What each page lacks, kept in the environment so that an incremental
    build still reports the pages it did not read again: docname ->
    {"messages": [...], "glued_values": {message: [keys]}}."""
    if not hasattr(env, "afe_untranslated"):
        env.afe_untranslated = {}
    return env.afe_untranslated


def _catalog_for(docname: str) -> dict[str, str]:
    return _page_catalog(str(_State.locale_root), docname)


@lru_cache(maxsize=None)
def _page_catalog(root: str, docname: str) -> dict[str, str]:
    return read_catalog(Path(root) / f"{docname}.po")


def _translate_glue_data(glue_data: dict, docname: str) -> dict:
    """A copy of a page's glue data with its words in the build's language."""
    translated = {}
    missing = _missing(_State.env).setdefault(docname, {"messages": [], "glued_values": {}})
    missing["glued_values"] = {}
    for key, entry in glue_data.items():
        data = dict(entry["data"])
        plain = data.get("text/plain")
        if isinstance(plain, str) and set(data) == {"text/plain"}:
            text = glue_plain_text(plain)
            result = translate_value(text, _State.glue_catalog, _State.language)
            if result is None:
                for message in glue_messages(text) or [text]:
                    if translate_value(message, _State.glue_catalog, _State.language) is None:
                        missing["glued_values"].setdefault(message, []).append(f"{docname}::{key}")
            else:
                data["text/plain"] = repr(result)
        translated[key] = {**entry, "data": data}
    return translated


def _install_glue(app) -> None:
    """Let the glue roles paste translated values into translated paragraphs."""
    from myst_nb.core.execute import base
    from myst_nb.core.variables import VariableOutput
    from myst_nb.ext.glue import directives, roles, utils

    original_extract = base.extract_glue_data
    original_retrieve = utils.retrieve_glue_data

    def extract(notebook, source_map, logger):
        data = original_extract(notebook, source_map, logger)
        _State.env = app.env
        return _translate_glue_data(data, app.env.docname)

    def retrieve(document, key):
        env = getattr(document.settings, "env", None)
        if "nb_renderer" in document and env is not None:
            _State.renderers[env.docname] = document["nb_renderer"]
        elif env is not None and env.docname in _State.renderers:
            # A translated paragraph: parsed as a document of its own.
            renderer = _State.renderers[env.docname]
            glue_data = renderer.renderer.nb_client.glue_data
            if key in glue_data:
                return VariableOutput(
                    data=glue_data[key]["data"],
                    metadata=glue_data[key].get("metadata", {}),
                    nb_renderer=renderer,
                    vtype="glue",
                )
        return original_retrieve(document, key)

    base.extract_glue_data = extract
    for module in (roles, directives, utils):
        module.retrieve_glue_data = retrieve
    _forbid_execution()


def _forbid_execution() -> None:
    """A translated edition reads the English build's outputs; it never runs a notebook."""
    from myst_nb.core.execute import cache

    def refuse(nb, cwd=None, **kwargs):
        raise RuntimeError(
            f"the {_State.language} edition would execute a notebook (in {cwd}); "
            "translated editions must reuse the English build's execution cache"
        )

    cache.single_nb_execution = refuse


def _make_check_transform():
    from sphinx.transforms import SphinxTransform
    from sphinx.util.nodes import extract_messages

    class UntranslatedMessages(SphinxTransform):
        """Record the page's messages that have no current translation (before Locale runs)."""

        default_priority = 15  # after PreserveTranslatableMessages (10), before Locale (20)

        def apply(self, **kwargs):
            if self.config.language == SOURCE_LANGUAGE or _State.locale_root is None:
                return
            docname = self.env.docname
            if str(self.document.get("source", "")).endswith("<translated>"):
                return  # a translated paragraph's own small document
            slugs = self.env.metadata[docname].get("myst_slugs")
            if slugs is not None:
                self.document["afe_english_slugs"] = dict(slugs)
            catalog = _catalog_for(docname)
            page = _missing(self.env).setdefault(docname, {"messages": [], "glued_values": {}})
            missing = page["messages"] = []
            for _node, message in extract_messages(self.document):
                if needs_translation(message) and message not in catalog and message not in missing:
                    missing.append(message)

    class RestoreHeadingAnchors(SphinxTransform):
        """Keep the English heading anchors (``#the-tips-measured``) in a translated page.

        Sphinx parses a translated heading as a document of its own, and MyST
        then records that document's slugs as the page's: links to the
        English anchors, which are the page's real section ids, would break.
        The slugs saved before Locale (see UntranslatedMessages) are put back.
        """

        default_priority = 21  # right after Locale (20)

        def apply(self, **kwargs):
            saved = self.document.attributes.pop("afe_english_slugs", None)
            if saved is not None:
                self.env.metadata[self.env.docname]["myst_slugs"] = saved

    return UntranslatedMessages, RestoreHeadingAnchors


def _configure(app, config) -> None:
    _State.language = config.language or SOURCE_LANGUAGE
    if _State.language == SOURCE_LANGUAGE:
        return
    root = Path(app.srcdir) / LOCALE_DIR / _State.language / "LC_MESSAGES"
    _State.locale_root = root
    _State.glue_catalog = read_catalog(root / f"{GLUE_DOMAIN}.po")
    for name, value in (config.afe_translations.get(_State.language) or {}).items():
        setattr(config, name, value)
    if _State.language.startswith("zh"):
        words = Path(app.doctreedir) / f"search-words-{_State.language}.txt"
        words.parent.mkdir(parents=True, exist_ok=True)
        words.write_text("".join(f"{w}\n" for w in glossary_words(Path(app.srcdir) / GLOSSARY)))
        config.html_search_options = {**(config.html_search_options or {}), "dict": str(words)}
    _install_glue(app)


def _move_output_folder(app) -> None:
    """Executed notebooks of a translated build go beside the English ones, not into the HTML."""
    if _State.language == SOURCE_LANGUAGE or not app.config.afe_output_folder:
        return
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=app.config.afe_output_folder)


def _purge(app, env, docname) -> None:
    _missing(env).pop(docname, None)


def _merge(app, env, docnames, other) -> None:
    for docname in docnames:
        if docname in _missing(other):
            _missing(env)[docname] = _missing(other)[docname]


def _outdated(app, env, added, changed, removed) -> list[str]:
    """Every page is read again when the glued-values catalogue changed."""
    if _State.language == SOURCE_LANGUAGE:
        return []
    import hashlib

    path = _State.locale_root / f"{GLUE_DOMAIN}.po"
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    previous = getattr(env, "afe_glue_catalog", None)
    env.afe_glue_catalog = digest
    if previous is None or previous == digest:
        return []
    return sorted(set(env.found_docs) - set(added) - set(changed))


def _write_report(app, exception) -> None:
    if exception is not None or _State.language == SOURCE_LANGUAGE:
        return
    pages = {d: v for d, v in sorted(_missing(app.env).items()) if d in app.env.found_docs}
    glued: dict[str, list[str]] = {}
    for entry in pages.values():
        for message, where in entry["glued_values"].items():
            glued.setdefault(message, []).extend(where)
    report = {
        "language": _State.language,
        "messages": {d: v["messages"] for d, v in pages.items() if v["messages"]},
        "glued_values": {m: sorted(w) for m, w in sorted(glued.items())},
    }
    (Path(app.outdir) / REPORT).write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    n_messages = sum(len(m) for m in report["messages"].values())
    from sphinx.util import logging

    logging.getLogger(__name__).info(
        f"[translations] {_State.language}: {n_messages} untranslated message(s), "
        f"{len(report['glued_values'])} untranslated glued value(s); see {REPORT}")


# --- Building the translated editions -------------------------------------------

def edition_dir(outdir: Path, language: str) -> Path:
    return Path(outdir) / language


def _build_translations(app, exception) -> None:
    if exception is not None or _State.language != SOURCE_LANGUAGE or app.builder.name != "html":
        return
    import time

    from sphinx.errors import ExtensionError
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    build_root = Path(app.outdir).parent
    for language in app.config.afe_translations:
        start = time.perf_counter()
        command = [
            sys.executable, str(Path(__file__).resolve()), str(app.srcdir),
            "--language", language,
            "--outdir", str(edition_dir(app.outdir, language)),
            "--doctreedir", str(build_root / f".doctrees-{language}"),
            "--output-folder", str(build_root / f"jupyter_execute-{language}"),
            "--cache", str(app.env.mystnb_config.execution_cache_path),
        ]
        if app.warningiserror:
            command.append("-W")
        if app.keep_going:
            command.append("--keep-going")
        if app.config.nitpicky:
            command.append("-n")
        result = subprocess.run(command, capture_output=True, text=True)
        output = (result.stdout + result.stderr).strip()
        if result.returncode != 0:
            raise ExtensionError(f"the {language} edition failed to build:\n{output[-8000:]}")
        warnings = [line for line in output.splitlines() if "WARNING" in line or "ERROR" in line]
        for line in warnings:
            logger.warning(f"[{language}] {line}")
        logger.info(f"[translations] {language} edition built in "
                    f"{time.perf_counter() - start:.1f} s: {edition_dir(app.outdir, language)}")


def _page_url(pagename: str, from_language: str, to_language: str) -> str:
    """Relative URL from a page of one edition to the same page of another."""
    depth = pagename.count("/")
    up = "../" * depth
    if from_language == SOURCE_LANGUAGE:
        return f"{up}{to_language}/{pagename}.html"
    if to_language == SOURCE_LANGUAGE:
        return f"{up}../{pagename}.html"
    return f"{up}../{to_language}/{pagename}.html"


def _language_switcher(app, pagename, templatename, context, doctree) -> None:
    languages = [SOURCE_LANGUAGE, *app.config.afe_translations]
    current = _State.language
    if len(languages) < 2 or "header_buttons" not in context:
        return
    links = [
        {
            "type": "link",
            "url": _page_url(pagename, current, language),
            "text": LANGUAGE_NAMES.get(language, language),
            "tooltip": LANGUAGE_NAMES.get(language, language),
            "label": f"language-{language}",
        }
        for language in languages if language != current
    ]
    context["header_buttons"].insert(0, {
        "type": "group",
        "tooltip": "Language / 语言",
        "icon": "fas fa-language",
        "buttons": links,
        "label": "language-switcher",
    })


def setup(app):
    # Languages besides English, each with the Sphinx settings it changes:
    # {"zh_CN": {"html_title": ..., "math_eqref_format": ...}}.
    app.add_config_value("afe_translations", {}, "env")
    app.add_config_value("afe_output_folder", "", "env")
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _move_output_folder, priority=600)
    for transform in _make_check_transform():
        app.add_transform(transform)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _write_report)
    app.connect("build-finished", _build_translations, priority=900)
    app.connect("html-page-context", _language_switcher, priority=503)
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}


# --- The child process: one translated edition ------------------------------------

def _main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Build one translated edition of the book.")
    parser.add_argument("srcdir", type=Path)
    parser.add_argument("--language", required=True)
    parser.add_argument("--outdir", type=Path, required=True)
    parser.add_argument("--doctreedir", type=Path, required=True)
    parser.add_argument("--output-folder", required=True)
    parser.add_argument("--cache", required=True)
    parser.add_argument("-W", dest="warningiserror", action="store_true")
    parser.add_argument("-n", dest="nitpicky", action="store_true")
    parser.add_argument("--keep-going", action="store_true")
    args = parser.parse_args(argv)

    from jupyter_book.sphinx import build_sphinx

    srcdir = args.srcdir.resolve()
    overrides = {
        "external_toc_path": (srcdir / "_toc.yml").as_posix(),
        "latex_individualpages": False,
        "language": args.language,
        "nb_execution_cache_path": args.cache,
        "afe_output_folder": args.output_folder,
    }
    if args.nitpicky:
        overrides["nitpicky"] = True
    result = build_sphinx(
        srcdir, args.outdir, noconfig=True, path_config=str(srcdir / "_config.yml"),
        confoverrides=overrides, doctreedir=args.doctreedir, builder="html",
        warningiserror=args.warningiserror, keep_going=args.keep_going,
    )
    return result if isinstance(result, int) else 1


if __name__ == "__main__":
    os.environ.setdefault("AFE_BOOK_BUILD", "1")
    sys.exit(_main())

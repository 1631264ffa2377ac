"""Keep the translation catalogues in step with the English book.

    python scripts/translations.py update [--language zh_CN]
    python scripts/translations.py status [--language zh_CN]

``update`` needs an English build first (``bash scripts/build.sh``): it reads
the pages' messages with Sphinx's gettext builder (from the build's execution
cache, so nothing is executed again) and the glued values from the build's
``_build/jupyter_execute/``, and merges both into
``locales/<lang>/LC_MESSAGES/``: one ``.po`` file per page and
``glued-values.po``. New messages arrive untranslated; a message whose English
changed keeps its old translation marked *fuzzy*, for a translator to check;
messages no longer in the book are kept at the end of the file as obsolete
(``#~``). Translate by filling in each ``msgstr`` (and removing ``#, fuzzy``),
then build: the build's ``untranslated.json`` and the test suite list
whatever is still missing.

``status`` prints, per catalogue, how many messages are translated, fuzzy and
missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import translations as tr  # noqa: E402  (the Sphinx extension: one place for the rules)


def extract_pages(build: Path) -> Path:
    """Run Sphinx's gettext builder over the book; returns the folder of .pot files."""
    from jupyter_book.sphinx import build_sphinx

    out = build / "gettext"
    overrides = {
        "external_toc_path": (ROOT / "_toc.yml").as_posix(),
        "latex_individualpages": False,
        "nb_execution_cache_path": str(build / ".jupyter_cache"),
    }
    result = build_sphinx(ROOT, out, noconfig=True, path_config=str(ROOT / "_config.yml"),
                          confoverrides=overrides, doctreedir=build / ".doctrees-gettext",
                          builder="gettext", quiet=True)
    if result != 0:
        raise SystemExit(f"the gettext build failed ({result})")
    return out


def glued_messages(build: Path) -> dict[str, list[str]]:
    """Every message the glued values of the English build need -> where they are glued."""
    messages: dict[str, list[str]] = {}
    folder = build / "jupyter_execute"
    for path in sorted(folder.rglob("*.glue.json")):
        docname = path.relative_to(folder).as_posix()[: -len(".glue.json")]
        for key, entry in json.loads(path.read_text()).items():
            data = entry["data"]
            if set(data) != {"text/plain"}:
                continue
            for message in tr.glue_messages(tr.glue_plain_text(data["text/plain"])):
                messages.setdefault(message, []).append(f"{docname}::{key}")
    return messages


def book_metadata() -> dict[str, str]:
    """The book's title, authors, issue tracker and branch, from _config.yml (their one place)."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return {"title": config["title"], "author": config["author"],
            "copyright": str(config["copyright"]),
            "issues": config["repository"]["url"] + "/issues",
            "branch": config["repository"]["branch"]}


def describe(catalog, language: str, changed: bool) -> None:
    """Fill in the catalogue's header: the book's name and where to report a
    translation error, instead of Babel's placeholders. The revision date moves
    only when the messages changed, so an update that changes nothing rewrites
    nothing but the template's date."""
    from datetime import datetime, timezone

    from babel import Locale

    book = book_metadata()
    language_name = Locale.parse(language).english_name
    team = f"{language_name} translators of {book['title']} <{book['issues']}>"
    catalog.project = book["title"]
    catalog.version = book["branch"]
    catalog.copyright_holder = book["author"]
    catalog.msgid_bugs_address = book["issues"]
    catalog.language_team = team
    catalog.last_translator = team
    catalog.header_comment = (
        f"# {language_name} translation of {book['title']}.\n"
        f"# Copyright (C) {book['copyright']} {book['author']}.\n"
        "# The same license as the book (MIT; see LICENSE).\n"
        "# Update with `python scripts/translations.py update`; see README.md.\n#")
    catalog.fuzzy = False
    if changed or not isinstance(catalog.revision_date, datetime):
        catalog.revision_date = datetime.now(timezone.utc).replace(second=0, microsecond=0)


def merge(template, po_path: Path, language: str) -> None:
    """Merge a template catalogue into a language's .po file (created if missing)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    def contents(catalog) -> list:
        return [(m.id, m.string, sorted(m.flags)) for m in catalog if m.id]

    if po_path.is_file():
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=language)
    else:
        catalog = Catalog(locale=language)
    before = contents(catalog)
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
    # Babel flags any message with a "%" followed by a letter ("10 % of a layer")
    # as python-format, and `msgfmt -c` then rejects its translation. The book's
    # only placeholders are {} (python-brace-format).
    for message in catalog:
        message.flags.discard("python-format")
    describe(catalog, language, changed=contents(catalog) != before)
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as f:
        write_po(f, catalog, width=88, omit_header=False, no_location=True,
                 sort_output=False, include_previous=True)


def update(language: str, build: Path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    if not (build / "jupyter_execute").is_dir():
        raise SystemExit(f"no English build in {build}: run `bash scripts/build.sh` first")
    locale = ROOT / tr.LOCALE_DIR / language / "LC_MESSAGES"
    pots = extract_pages(build)
    for pot in sorted(pots.rglob("*.pot")):
        with pot.open("rb") as f:
            template = read_po(f)
        merge(template, locale / pot.relative_to(pots).with_suffix(".po"), language)
    template = Catalog()
    for message, places in glued_messages(build).items():
        template.add(message, auto_comments=sorted(set(places))[:3])
    # Values a rebuild may glue that this build did not: every verdict, and
    # every function's name (which one is slowest depends on the machine).
    from afe import activations, claims

    # "none" is what an empty list of names reads.
    for message in [*claims.VERDICTS, *(activations.get(n).label() for n in activations.NAMES),
                    "none"]:
        for part in tr.glue_messages(message):
            if part not in template:
                template.add(part, auto_comments=["may be glued by any build"])
    merge(template, locale / f"{tr.GLUE_DOMAIN}.po", language)
    status(language)


def status(language: str) -> int:
    from babel.messages.pofile import read_po

    locale = ROOT / tr.LOCALE_DIR / language / "LC_MESSAGES"
    missing_total = 0
    for po in sorted(locale.rglob("*.po")):
        with po.open("rb") as f:
            catalog = read_po(f)
        messages = [m for m in catalog if m.id]
        fuzzy = sum(1 for m in messages if m.fuzzy)
        empty = sum(1 for m in messages if not m.string and tr.needs_translation(m.id))
        missing_total += fuzzy + empty
        print(f"{po.relative_to(locale)}: {len(messages)} messages, "
              f"{len(messages) - fuzzy - empty} translated, {fuzzy} fuzzy, {empty} missing")
    return missing_total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("update", "status"))
    parser.add_argument("--language", default="zh_CN")
    parser.add_argument("--build", type=Path, default=ROOT / "_build",
                        help="the English build's _build folder (default: _build)")
    args = parser.parse_args()
    if args.command == "update":
        update(args.language, args.build.resolve())
    else:
        status(args.language)


if __name__ == "__main__":
    main()

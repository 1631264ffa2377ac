"""The claims ledger: complete, glued rather than typed, and linked to its sections."""

import json
import re
from urllib.parse import unquote

import pytest

from book_helpers import CHAPTERS, ROOT, toc_files

LEDGER = (ROOT / "claims_ledger.md").read_text()
ROWS = [line for line in LEDGER.splitlines() if line.startswith("| {glue")]
GLUE = re.compile(r"\{glue:text\}`chapters/(?P<nb>[\w.-]+)\.ipynb::(?P<key>[\w.-]+):s`")
VERDICTS = {"holds", "holds, with a caveat", "does not hold"}


def cells(row):
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]


def chapter_claims():
    """(chapter, key) of every claim the chapters pass to book.verdicts."""
    found = set()
    for path in CHAPTERS:
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and "book.verdicts(" in source:
                found |= {(path.stem, k) for k in re.findall(r'^\s+"([a-z0-9-]+)": \(', source, flags=re.M)}
    return found


def test_the_ledger_is_in_the_back_matter_after_the_last_chapter():
    pages = toc_files()
    assert "claims_ledger" in pages
    assert pages.index("claims_ledger") > pages.index("chapters/11_mnist_comparison")


def test_every_checked_claim_is_in_the_ledger_and_nothing_else():
    claims = chapter_claims()
    assert len(claims) >= 30
    in_ledger = set()
    for row in ROWS:
        claim, _, verdict, _ = cells(row)
        c, v = GLUE.fullmatch(claim), GLUE.fullmatch(verdict.strip("*"))
        assert c and v, row
        assert c["key"] == "claim-" + v["key"].removeprefix("verdict-") and c["nb"] == v["nb"], row
        in_ledger.add((c["nb"], c["key"].removeprefix("claim-")))
    assert in_ledger == claims


@pytest.mark.parametrize("row", ROWS, ids=lambda r: GLUE.search(r)["key"])
def test_each_row_pastes_its_measurement_and_links_to_its_section(row):
    _, measured, _, where = cells(row)
    assert GLUE.search(measured) or "table" in measured, "the measurement must be glued from the chapter"
    typed = GLUE.sub("", measured)
    assert not re.search(r"\d\.\d", typed), f"a number typed into the ledger instead of glued: {typed}"
    link = re.fullmatch(r"\[[^\]]+\]\(chapters/([\w-]+)\.ipynb#([\w-]+)\)", where)
    assert link and link[1] == GLUE.search(row)["nb"], f"the link must go to the claim's chapter: {where}"


def test_built_ledger_shows_only_the_three_verdicts_and_resolving_links(html):
    raw = (html / "claims_ledger.html").read_text()
    verdicts = re.findall(r'<strong><span class="pasted-text">([^<]*)</span></strong>', raw)
    assert len(verdicts) == len(ROWS)
    assert set(verdicts) <= VERDICTS, set(verdicts) - VERDICTS
    links = re.findall(r'href="(chapters/[\w-]+\.html)#([^"]+)"', raw)
    assert len(links) >= len(ROWS)
    for page, anchor in links:
        assert f'id="{unquote(anchor)}"' in (html / page).read_text(), f"{page}#{anchor} does not exist"

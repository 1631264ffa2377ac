"""The claims ledger: complete, glued rather than typed, and linked to its sections."""

import ast
import json
import re
from urllib.parse import unquote

import pytest

from afe.claims import VERDICTS
from book_helpers import CHAPTERS, ROOT, toc_files

LEDGER = (ROOT / "claims_ledger.md").read_text()
ROWS = [line for line in LEDGER.splitlines() if line.startswith("| {glue")]
GLUE = re.compile(r"\{glue:text\}`chapters/(?P<nb>[\w.-]+)\.ipynb::(?P<key>[\w.-]+):s`")
#: Claims whose verdict rests on training runs: their evidence must say over how many seeds.
TRAINED = {
    "sigmoid-saturation", "clipping", "sparsity", "dead-units", "leaky-no-dead", "he-init",
    "bias-tip", "l2-penalty", "l1-penalty", "output-layers", "selu-vs-batchnorm", "sigmoid-hidden",
    "mnist-one-run", "recipe",
}


def cells(row):
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]


def verdict_calls():
    """(chapter, the ast.Call of book.verdicts) for every verdict cell of the chapters."""
    for path in CHAPTERS:
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] != "code" or "book.verdicts(" not in source:
                continue
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Call) and ast.unparse(node.func) == "book.verdicts":
                    yield path.stem, node


def chapter_claims():
    """(chapter, key) of every claim the chapters pass to book.verdicts."""
    found = set()
    for chapter, call in verdict_calls():
        [claims] = call.args
        assert isinstance(claims, ast.Dict), f"{chapter}: book.verdicts takes a dict literal"
        found |= {(chapter, k.value) for k in claims.keys}
    return found


def criteria():
    """(chapter, claim key, role, the ast.Call of book.Criterion) of every criterion."""
    for chapter, call in verdict_calls():
        for key, claim in zip(call.args[0].keys, call.args[0].values):
            assert isinstance(claim, ast.Call) and ast.unparse(claim.func) == "book.Claim", (
                f"{chapter}::{key.value} must be a book.Claim")
            roles = {kw.arg: kw.value for kw in claim.keywords}
            assert "holds" in roles, f"{chapter}::{key.value} has no holds= criteria"
            for role in ("holds", "caveat", "outdated"):
                if role in roles:
                    node = roles[role]
                    if isinstance(node, ast.ListComp):  # [book.Criterion(...) for ... in ...]
                        yield chapter, key.value, role, node.elt
                        continue
                    assert isinstance(node, (ast.List, ast.Tuple)), (
                        f"{chapter}::{key.value}: {role}= is a list of criteria written out")
                    for item in node.elts:
                        yield chapter, key.value, role, item


def _is_literal(node) -> bool:
    """Whether an expression is a constant, whatever the data (1, -0.5, True, 2 * 3)."""
    return not any(isinstance(n, (ast.Name, ast.Attribute, ast.Call, ast.Subscript))
                   for n in ast.walk(node))


def test_every_criterion_compares_a_measurement_not_a_constant():
    found = list(criteria())
    assert len(found) >= 40
    for chapter, key, role, item in found:
        where = f"{chapter}::{key} ({role})"
        assert isinstance(item, ast.Call) and ast.unparse(item.func) == "book.Criterion", (
            f"{where}: each criterion is a book.Criterion(...)")
        arguments = dict(enumerate(item.args)) | {kw.arg: kw.value for kw in item.keywords}
        value = arguments.get(1, arguments.get("value"))
        assert value is not None, f"{where}: a criterion without a value"
        assert not _is_literal(value), (
            f"{where}: the criterion's value {ast.unparse(value)!r} is a constant, not a measurement")


def test_the_static_check_catches_a_constant_criterion():
    constant = ast.parse('book.Criterion("q", 0.5, ">", 0.1, domain=(0, 1))').body[0].value
    measured = ast.parse('book.Criterion("q", share[-1], ">", 0.1)').body[0].value
    assert _is_literal(constant.args[1]) and not _is_literal(measured.args[1])


def test_the_ledger_is_in_the_back_matter_after_the_last_chapter():
    pages = toc_files()
    assert "claims_ledger" in pages
    assert pages.index("claims_ledger") > pages.index("chapters/11_mnist_comparison")


def test_every_checked_claim_is_in_the_ledger_and_nothing_else():
    claims = chapter_claims()
    assert len(claims) >= 30
    in_ledger = set()
    for row in ROWS:
        claim, evidence, verdict, _ = cells(row)
        c, e, v = GLUE.fullmatch(claim), GLUE.fullmatch(evidence), GLUE.fullmatch(verdict.strip("*"))
        assert c and e and v, f"a row pastes claim, evidence and verdict, nothing else: {row}"
        key = c["key"].removeprefix("claim-")
        assert e["key"] == f"evidence-{key}" and v["key"] == f"verdict-{key}", row
        assert c["nb"] == e["nb"] == v["nb"], row
        in_ledger.add((c["nb"], key))
    assert in_ledger == claims


@pytest.mark.parametrize("row", ROWS, ids=lambda r: GLUE.search(r)["key"])
def test_each_row_links_to_its_section(row):
    where = cells(row)[3]
    link = re.fullmatch(r"\[[^\]]+\]\(chapters/([\w-]+)\.ipynb#([\w-]+)\)", where)
    assert link and link[1] == GLUE.search(row)["nb"], f"the link must go to the claim's chapter: {where}"


def built_rows(html):
    """(claim, evidence, verdict) texts of every row of the built ledger."""
    raw = (html / "claims_ledger.html").read_text()
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", raw, flags=re.S)[0:]:
        tds = re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)
        if len(tds) == 4:
            text = [re.sub(r"<[^>]+>", "", td).strip() for td in tds]
            rows.append(text[:3])
    return raw, rows


def test_built_ledger_shows_verdicts_criteria_and_resolving_links(html):
    raw, rows = built_rows(html)
    assert len(rows) == len(ROWS)
    verdicts = re.findall(r'<strong><span class="pasted-text">([^<]*)</span></strong>', raw)
    assert len(verdicts) == len(ROWS)
    assert set(verdicts) <= set(VERDICTS), set(verdicts) - set(VERDICTS)
    for claim, evidence, verdict in rows:
        assert "(needs " in evidence and re.search(r"[✓✗]", evidence), (
            f"the row of {claim!r} does not show its criteria: {evidence!r}")
    links = re.findall(r'href="(chapters/[\w-]+\.html)#([^"]+)"', raw)
    assert len(links) >= len(ROWS)
    for page, anchor in links:
        assert f'id="{unquote(anchor)}"' in (html / page).read_text(), f"{page}#{anchor} does not exist"


def test_verdicts_resting_on_training_say_over_how_many_seeds(book_build):
    from afe.book import quoted_text

    evidence = {}
    for path in CHAPTERS:
        glue = book_build / "jupyter_execute" / "chapters" / f"{path.stem}.glue.json"
        for name, output in json.loads(glue.read_text()).items():
            if name.startswith("evidence-"):
                evidence[name.removeprefix("evidence-")] = quoted_text(output["data"]["text/plain"])
    assert TRAINED <= set(evidence), TRAINED - set(evidence)
    for key in TRAINED:
        seeds = re.search(r"over (\d+) seeds", evidence[key])
        assert seeds and int(seeds[1]) >= 3, f"{key}: {evidence[key]!r} rests on training, over ≥ 3 seeds"

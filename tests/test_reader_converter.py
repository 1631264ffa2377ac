"""Unit tests of the reader-notebook converter (_ext/reader_notebooks.py).

Every MyST construct the chapters use, with the plain Markdown it becomes.
"""

import sys

import pytest

from book_helpers import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import reader_notebooks as rn  # noqa: E402

BASE = "https://example.org/book/"


@pytest.fixture
def ctx():
    return rn.Context(
        docname="chapters/02_sigmoid",
        base_url=BASE,
        glue={"chapters/02_sigmoid": {"peak": "0.25", "timing-relu-ms": "1.7", "x": "3.14159"},
              "chapters/01_overview": {"n": "59"}},
        numbers={"fig-sigmoid": ("chapters/02_sigmoid", "Fig. 2"),
                 "fig-grid": ("chapters/01_overview", "Fig. 1")},
        equations={"eq-sigmoid": ("chapters/02_sigmoid", "3")},
        titles={"claims_ledger": "Claims ledger", "chapters/04_relu": "ReLU"},
        citations={"hansen2019": rn.Citation("Hansen", "2019", "https://example.org/article"),
                   "glorot2010": rn.Citation("Glorot and Bengio", "2010", None)},
        chapter_number=2,
    )


def md(text, ctx):
    return rn.convert_markdown(text, ctx)


def test_glue_text_pastes_the_value(ctx):
    assert md("peaks at {glue:text}`peak`.", ctx) == "peaks at 0.25."


def test_glue_text_applies_a_format_spec_and_reads_other_documents(ctx):
    assert md("{glue:text}`x:.2f`", ctx) == "3.14"
    assert md("{glue:text}`01_overview.ipynb::n`", ctx) == "59"
    assert md("{glue:text}`../chapters/01_overview.ipynb::n:s`", ctx) == "59"


def test_a_timing_is_marked_and_recorded(ctx):
    timings = {}
    assert rn.convert_markdown("{glue:text}`timing-relu-ms` ms", ctx, timings) == "1.7† ms"
    assert timings == {"timing-relu-ms": "1.7"}


def test_an_unknown_glue_key_is_an_error(ctx):
    with pytest.raises(rn.ReaderNotebookError, match="nope"):
        md("{glue:text}`nope`", ctx)


def test_numref_links_into_the_html_book(ctx):
    assert md("see {numref}`fig-grid`", ctx) == (
        f"see [Fig. 1]({BASE}chapters/01_overview.html#fig-grid)")
    assert md("{numref}`Figure %s <fig-sigmoid>`", ctx) == (
        f"[Figure 2]({BASE}chapters/02_sigmoid.html#fig-sigmoid)")


def test_eq_links_to_the_numbered_equation(ctx):
    assert md("by {eq}`eq-sigmoid`", ctx) == (
        f"by [Eq. 3]({BASE}chapters/02_sigmoid.html#equation-eq-sigmoid)")


def test_citations_are_author_year_links(ctx):
    assert md("{cite:p}`hansen2019`", ctx) == "([Hansen, 2019](https://example.org/article))"
    assert md("{cite:p}`hansen2019,glorot2010`", ctx) == (
        f"([Hansen, 2019](https://example.org/article); "
        f"[Glorot and Bengio, 2010]({BASE}references.html))")
    assert md("{cite:t}`glorot2010` showed", ctx) == (
        f"[Glorot and Bengio (2010)]({BASE}references.html) showed")


def test_doc_links_with_the_page_title_or_an_explicit_one(ctx):
    assert md("{doc}`../claims_ledger`", ctx) == f"[Claims ledger]({BASE}claims_ledger.html)"
    assert md("{doc}`the ReLU chapter <04_relu>`", ctx) == (
        f"[the ReLU chapter]({BASE}chapters/04_relu.html)")


def test_relative_links_point_into_the_html_book(ctx):
    assert md("[ReLU](04_relu.ipynb#dead-units) and [top](#saturation)", ctx) == (
        f"[ReLU]({BASE}chapters/04_relu.html#dead-units) and "
        f"[top]({BASE}chapters/02_sigmoid.html#saturation)")
    assert md("[a paper](https://arxiv.org/abs/1606.08415)", ctx) == (
        "[a paper](https://arxiv.org/abs/1606.08415)")


def test_inline_math_role(ctx):
    assert md("{math}`x^2`", ctx) == "$x^2$"


def test_a_labelled_math_block_becomes_a_tagged_display(ctx):
    src = "Before\n\n```{math}\n:label: eq-sigmoid\n\\sigma(x) = 1\n```\n\nAfter"
    assert md(src, ctx) == "Before\n\n$$\n\\sigma(x) = 1 \\tag{3}\n$$\n\nAfter"


def test_an_unlabelled_math_block(ctx):
    assert md("```{math}\na = b\n```", ctx) == "$$\na = b\n$$"


def test_an_admonition_becomes_a_blockquote_with_a_bold_title(ctx):
    src = ":::{admonition} What we found\n:class: important\n\nIt peaks at {glue:text}`peak`.\n\nSecond.\n:::"
    assert md(src, ctx) == "> **What we found**\n>\n> It peaks at 0.25.\n>\n> Second."


def test_named_admonitions_take_their_name_as_title(ctx):
    assert md("```{note}\nMind the gap.\n```", ctx) == "> **Note**\n>\n> Mind the gap."


def test_a_glued_figure_becomes_its_numbered_caption(ctx):
    src = "```{glue:figure} fig-sigmoid\n:name: fig-sigmoid\n\nThe sigmoid and $\\sigma'$.\n```"
    assert md(src, ctx) == "**Fig. 2.** The sigmoid and $\\sigma'$."


def test_a_dropdown_becomes_details(ctx):
    src = ":::{dropdown} Solution\nIt is {glue:text}`peak`.\n:::"
    assert md(src, ctx) == "<details>\n<summary>Solution</summary>\n\nIt is 0.25.\n\n</details>"


def test_nested_directives(ctx):
    src = "::::{admonition} Outer\n:::{note}\nInner\n:::\n::::"
    assert md(src, ctx) == "> **Outer**\n>\n> > **Note**\n> >\n> > Inner"


def test_targets_and_comments_are_dropped(ctx):
    assert md("(sec-x)=\n## Title\n% a comment\nText", ctx) == "## Title\nText"


@pytest.mark.parametrize("src", ["{ref}`somewhere`", "```{code-cell}\nx\n```", "{term}`t`",
                                 ":::{admonition} Open\nno close"])
def test_unsupported_syntax_is_an_error_not_raw_output(src, ctx):
    with pytest.raises(rn.ReaderNotebookError):
        md(src, ctx)


def notebook(*cells):
    return {"cells": list(cells), "metadata": {"kernelspec": {"name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


def code(src, tags=(), id="c"):
    return {"cell_type": "code", "id": id, "metadata": {"tags": list(tags)} if tags else {},
            "execution_count": 3, "outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}],
            "source": src}


def markdown(src, id="m"):
    return {"cell_type": "markdown", "id": id, "metadata": {}, "source": src}


def test_a_notebook_keeps_hidden_cells_marked_as_set_up(ctx):
    nb = notebook(code("import afe", tags=["remove-cell"], id="setup"),
                  markdown("# The sigmoid\n\nIt peaks at {glue:text}`peak`.", id="title"),
                  code("x = 1", tags=["hide-cell"], id="imports"),
                  code("book.verdicts({})", tags=["hide-input"], id="verdicts"),
                  code("y = 2", id="plain"))
    out = rn.convert_notebook(nb, ctx)
    setup, title, imports, verdicts, plain = out["cells"]
    assert setup["source"][0] == rn.SETUP_TITLE + "\n"
    assert setup["metadata"] == {"tags": ["set-up"], "jupyter": {"source_hidden": True},
                                 "cellView": "form"}
    assert imports["metadata"]["tags"] == ["set-up"]
    assert verdicts["metadata"] == {"tags": ["hide-input"]}
    assert plain["metadata"] == {} and "".join(plain["source"]) == "y = 2"
    assert all(c["outputs"] == [] and c["execution_count"] is None
               for c in out["cells"] if c["cell_type"] == "code")
    text = "".join(title["source"])
    assert text.startswith("# The sigmoid\n\n> Chapter 2 of ")
    assert text.endswith("It peaks at 0.25.")
    assert out["metadata"]["afe"]["source"] == "chapters/02_sigmoid.ipynb"
    assert nb["cells"][0]["outputs"], "the source notebook is not modified"


def test_exercise_solutions_stay_folded_under_their_own_title(ctx):
    nb = notebook(markdown("## Exercises\n\n**Exercise 1.** What is σ(0)?", id="ex1"),
                  code("sigmoid(0.0)", tags=["hide-cell", "solution"], id="sol1"))
    _, solution = rn.convert_notebook(nb, ctx)["cells"]
    assert "".join(solution["source"]) == rn.SOLUTION_TITLE + "\nsigmoid(0.0)"
    assert solution["metadata"] == {"tags": ["solution"], "jupyter": {"source_hidden": True},
                                    "cellView": "form"}
    assert solution["outputs"] == [] and solution["execution_count"] is None


def test_set_up_titles():
    assert rn.set_up_title("x = 1") == "# @title Set-up\nx = 1"
    assert rn.set_up_title("# Set-up: install afe\nx = 1") == "# @title Set-up: install afe\nx = 1"
    assert rn.set_up_title("# @title Set-up\nx") == "# @title Set-up\nx"


def test_timings_are_explained_and_masked_for_comparison(ctx):
    nb = notebook(markdown("# T"), markdown("ReLU took {glue:text}`timing-relu-ms` ms."))
    out = rn.convert_notebook(nb, ctx)
    text = "".join(out["cells"][1]["source"])
    assert text.startswith("ReLU took 1.7† ms.") and rn.TIMING_NOTE in text
    assert out["metadata"]["afe"]["timings"] == {"timing-relu-ms": "1.7"}
    other = rn.convert_notebook(nb, rn.Context(**{**ctx.__dict__, "glue": {
        "chapters/02_sigmoid": {**ctx.glue["chapters/02_sigmoid"], "timing-relu-ms": "2.9"}}}))
    assert other != out
    assert rn.mask_timings(other) == rn.mask_timings(out)


def test_masking_does_not_depend_on_which_timings_read_alike(ctx):
    src = "Linear: {glue:text}`timing-a`; tanh: {glue:text}`timing-b`."
    nb = notebook(markdown("# T"), markdown(src))

    def with_values(a, b):
        glue = {**ctx.glue["chapters/02_sigmoid"], "timing-a": a, "timing-b": b}
        return rn.mask_timings(rn.convert_notebook(
            nb, rn.Context(**{**ctx.__dict__, "glue": {"chapters/02_sigmoid": glue}})))

    assert with_values("0.8 to 1.0", "1.0") == with_values("0.9 to 1.0", "1.1")
    assert with_values("1.0", "1.0") == with_values("2.0", "3.0")


def test_the_launch_buttons_are_pointed_at_the_reader_notebooks():
    buttons = [{"type": "group", "buttons": [
        {"url": "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/chapters/02_sigmoid.ipynb"},
        {"url": "https://colab.research.google.com/github/o/r/blob/main/chapters/02_sigmoid.ipynb"},
        {"url": "../_sources/chapters/02_sigmoid.ipynb"}]}]
    rn._relocate(buttons, "chapters/02_sigmoid")
    urls = [b["url"] for b in buttons[0]["buttons"]]
    assert urls == [
        "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/notebooks/02_sigmoid.ipynb",
        "https://colab.research.google.com/github/o/r/blob/main/notebooks/02_sigmoid.ipynb",
        "../_sources/chapters/02_sigmoid.ipynb"]

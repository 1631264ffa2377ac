"""Figure helpers and the notebook glue helper."""

import sys

import matplotlib.pyplot as plt
import pytest

from afe import NAMES, book, plotting


def test_every_activation_has_a_colour():
    assert set(plotting.COLORS) == set(NAMES)
    assert plotting.color_of("swish") == plotting.COLORS["silu"]


def test_activation_grid_draws_one_panel_per_activation():
    fig = plotting.activation_grid(NAMES, ncols=4)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(NAMES)
    assert [ax.get_title() for ax in visible][:3] == ["Sigmoid", "Tanh", "ReLU"]
    plt.close(fig)


def test_function_plot_draws_function_and_derivative():
    fig = plotting.function_plot(["sigmoid", "relu"])
    assert len(fig.axes[0].get_lines()) == 4 + 2  # two curves each, plus the two axis lines
    plt.close(fig)


def test_lines_panels_and_legends():
    fig = plotting.lines({"a": {"x": [1, 2], "y": [2, 1]}, "b": {"x": [1, 1]}},
                         xlabel="step", ylabel="loss", logy=True, legend="all")
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    assert all(ax.get_legend() is not None for ax in fig.axes)
    assert fig.axes[0].get_yscale() == "log"
    plt.close(fig)
    with pytest.raises(ValueError, match="legend"):
        plotting.lines({"": {"x": [1]}}, xlabel="", ylabel="", legend="none")


def test_glue_without_myst_nb_shows_figures_and_closes_them(monkeypatch):
    shown = []
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # as on Colab: the import fails
    monkeypatch.setattr("IPython.display.display", lambda value: shown.append(value))
    fig = plt.figure()
    book.glue("a-figure", fig)
    book.glue("a-number", 3.0)
    assert shown == [fig]
    assert not plt.fignum_exists(fig.number)


def test_function_plot_takes_explicit_colours():
    fig = plotting.function_plot(["elu", "elu"], colors=["#000000", "#ffffff"], derivative=False)
    assert [line.get_color() for line in fig.axes[0].get_lines()[:2]] == ["#000000", "#ffffff"]
    plt.close(fig)


def test_barh_draws_bars_in_order_with_a_reference_line():
    fig = plotting.barh({"p": {"a": 1.0, "b": 3.0}}, xlabel="ratio", logx=True, reference=1.0,
                        colors={"a": "#123456"})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert [round(p.get_width(), 6) for p in ax.patches] == [1.0, 3.0]
    assert ax.get_xscale() == "log" and len(ax.get_lines()) == 1
    plt.close(fig)


def test_verdict_has_three_outcomes():
    assert book.verdict(True) == book.HOLDS == "holds"
    assert book.verdict(True, caveat=True) == book.CAVEAT == "holds, with a caveat"
    assert book.verdict(False) == book.verdict(False, caveat=True) == book.FAILS == "does not hold"
    import numpy as np

    assert book.verdict(np.bool_(True), np.bool_(False)) == book.HOLDS


@pytest.mark.parametrize("holds", [1, 0.0, "yes", None])
def test_verdict_refuses_anything_but_a_boolean(holds):
    with pytest.raises(TypeError, match="booleans"):
        book.verdict(holds)


def test_verdicts_glue_claim_and_verdict_and_tabulate_them(monkeypatch):
    glued = {}
    monkeypatch.setattr(book, "glue", lambda name, value, display=False: glued.__setitem__(name, value))
    table = book.verdicts({"one-claim": ("A claim.", True, False), "other": ("Another.", False, False)})
    assert glued == {"claim-one-claim": "A claim.", "verdict-one-claim": "holds",
                     "claim-other": "Another.", "verdict-other": "does not hold"}
    assert list(table.index) == ["one-claim", "other"]
    assert list(table["verdict"]) == ["holds", "does not hold"]


@pytest.mark.parametrize("key", ["", "Upper", "two words", " padded"])
def test_verdicts_refuse_malformed_keys(key, monkeypatch):
    monkeypatch.setattr(book, "glue", lambda *a, **k: None)
    with pytest.raises(ValueError, match="claim keys"):
        book.verdicts({key: ("A claim.", True, False)})

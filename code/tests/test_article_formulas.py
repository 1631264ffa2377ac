"""The article's formulas, transcribed, and the checks that test them against SymPy.

Every check must be able to fail: each test of a passing formula is paired
with a wrong formula that the same check rejects.
"""

from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from afe import activations as A
from afe import article
from afe import symbolic as S
from afe import verify as V
from afe.experiments import gelu

x = article.X
#: A coarse grid keeps the tests fast; the chapters use article_grid().
GRID = V.article_grid(per_unit=4)


def formula(key):
    return next(d for d in article.DERIVATIVES if d.key == key)


@pytest.fixture(scope="module")
def checks():
    return {c.key: c for c in V.article_check(grid=GRID)}


def test_every_article_activation_has_its_derivative():
    names = {d.activation for d in article.DERIVATIVES}
    assert names == {"sigmoid", "ReLU", "ELU", "Leaky ReLU", "SELU", "GELU"}
    assert len({d.key for d in article.DERIVATIVES}) == len(article.DERIVATIVES)
    assert all(d.latex.count("=") == 1 for d in article.DERIVATIVES)


def test_the_transcriptions_keep_the_articles_constants():
    assert str(article.SELU_ALPHA).startswith("1.6732632423543772848170429916717")
    assert str(article.SELU_LAMBDA).startswith("1.0507009873554804934193349852946")
    wolfram = formula("gelu")
    floats = {f"{float(f):.6g}" for f in wolfram.derivative.atoms(sp.Float)}
    assert set(article.WOLFRAM_CONSTANTS) <= floats
    assert all(c in wolfram.latex for c in article.WOLFRAM_CONSTANTS)
    # the decimals are the decimals, not the nearest doubles
    assert sp.Float("0.044715", 50) - sp.Rational(44715, 10**6) == 0


def test_the_articles_elu_derivative_is_written_with_elu_itself():
    left = article.elu_derivative().args[1][0]
    assert left.has(sp.Piecewise)  # ELU(x) + α, not αeˣ


def test_every_article_derivative_agrees_with_sympy(checks):
    for c in checks.values():
        assert c.proved, c.key
        assert c.agrees, (c.key, c.max_relative_difference)
        assert c.corner_is_a_slope in (None, True), c.key
    corners = {k: (c.corner_value, c.left, c.right)
               for k, c in checks.items() if c.corner is not None}
    assert corners["relu"] == (0.0, 0.0, 1.0)
    assert corners["leaky-relu"] == pytest.approx((0.2, 0.2, 1.0))
    left = A.SELU_SCALE * A.SELU_ALPHA
    assert corners["selu"] == pytest.approx((left, left, A.SELU_SCALE))


def test_a_wrong_derivative_fails_every_check():
    relu = formula("relu")
    wrong_sign = replace(relu, derivative=sp.Piecewise((1, x > 0), (-1, True)))
    [c] = V.article_check([wrong_sign], grid=GRID)
    assert not c.proved and not c.agrees and c.corner_is_a_slope is False
    elu = formula("elu")
    minus_alpha = replace(
        elu, derivative=sp.Piecewise((1, x > 0), (article.elu() - article.ALPHA, True)))
    [c] = V.article_check([minus_alpha], grid=GRID)
    assert not c.proved and not c.agrees and c.corner_is_a_slope is False


def test_a_corner_value_between_the_slopes_is_caught():
    half = replace(formula("relu"), derivative=sp.Piecewise(
        (1, x > 0), (sp.Rational(1, 2), sp.Eq(x, 0)), (0, True)))
    [c] = V.article_check([half], grid=GRID)
    assert c.proved and c.agrees  # right away from the corner...
    assert c.corner_value == 0.5 and c.corner_is_a_slope is False  # ...but not at it


def test_wolfram_alpha_derivative_is_the_tanh_forms_not_exact_gelus(checks):
    c = checks["gelu"]
    assert c.max_relative_difference < V.ARTICLE_TOLERANCE
    assert 1e-8 < c.printed_difference < V.PRINTED_TOLERANCE  # the decimals show, a little
    assert c.approximated_difference > 50 * V.PRINTED_TOLERANCE
    # the same check on the derivative of exact GELU finds no caveat
    exact = replace(formula("gelu"), function=S.expression("gelu"),
                    derivative=S.derive("gelu").derivative, exact_constants=None)
    [e] = V.article_check([exact], grid=GRID)
    assert e.proved and e.agrees and e.approximated_difference < 1e-40


def test_wolfram_constants_are_roundings_and_a_misrounding_is_caught(monkeypatch):
    rows = V.wolfram_constants()
    assert len(rows) == 4 and all(r["printed is the rounding"] for r in rows)
    wrong = dict(article.WOLFRAM_CONSTANTS)
    wrong["0.797884"] = wrong.pop("0.797885")  # truncated instead of rounded
    monkeypatch.setattr(article, "WOLFRAM_CONSTANTS", wrong)
    assert [r["printed is the rounding"] for r in V.wolfram_constants()].count(False) == 1


def test_sympy_one_sided_limits_of_a_piecewise():
    left, right = S.one_sided_limits(sp.Piecewise((1, x > 0), (sp.Rational(1, 5), True)), 0)
    assert (left, right) == (sp.Rational(1, 5), 1)


def test_max_difference_measures():
    points = [Fraction(-1), Fraction(0), Fraction(3)]
    assert S.max_difference(x + 1, x, points) == pytest.approx(1.0)  # |1| / |0| → absolute at 0
    assert S.max_difference(x + 1, x, points, measure="scaled") == pytest.approx(1.0)
    assert S.max_difference(2 * x, x, points) == pytest.approx(1.0)
    assert S.max_difference(2 * x, x, points, measure="scaled") == pytest.approx(1.0)
    with pytest.raises(ValueError):
        S.max_difference(x, x, points, measure="absolute")


def test_which_form_tells_the_three_gelus_apart():
    import tensorflow as tf

    erf_form = lambda t: 0.5 * t * (1 + tf.math.erf(t / np.sqrt(2)))  # noqa: E731
    tanh_form = lambda t: 0.5 * t * (  # noqa: E731
        1 + tf.tanh(np.sqrt(2 / np.pi) * (t + 0.044715 * t**3)))
    sigmoid_form = lambda t: t * tf.sigmoid(1.702 * t)  # noqa: E731
    assert gelu.which_form(erf_form)["computes"] == gelu.EXACT
    assert gelu.which_form(tanh_form)["computes"] == gelu.TANH
    assert gelu.which_form(sigmoid_form)["computes"] == gelu.NEITHER
    assert gelu.which_form(tf.nn.relu)["computes"] == gelu.NEITHER


def test_library_defaults_and_2019_code():
    defaults = {r["call"]: r["computes"] for r in gelu.library_defaults()}
    assert len(defaults) == 4 and set(defaults.values()) <= {gelu.EXACT, gelu.TANH}
    assert defaults["keras.ops.gelu(x)"] == gelu.TANH  # an entry point of each kind
    assert defaults["tf.nn.gelu(x)"] == gelu.EXACT
    old = {r["implementation"]: r["computes"] for r in gelu.reference_2019()}
    assert old == {"BERT, first release": gelu.EXACT, "BERT": gelu.TANH, "GPT-2": gelu.TANH,
                   "the article's code": gelu.TANH}

"""The experiments behind the verdicts of chapters 02 (sigmoid) and 03 (gradient problems)."""

import math

import numpy as np
import pytest

from afe.claims import Criterion
from afe.data import as_vectors, load_mnist
from afe.experiments import chain, layer_speed, sigmoid


@pytest.fixture(scope="module")
def digits():
    m = load_mnist("sample", verbose=False)
    return as_vectors(m.x_train[:300], m.y_train[:300])


# --- saturation (chapter 02) ------------------------------------------------------------

def test_saturated_share_counts_weighted_inputs_below_the_threshold():
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    w = np.array([[10.0, 0.0], [0.0, 0.1]])
    assert sigmoid.saturated_share(x, w) == 0.25  # z = (10, 0) and (0, 0.1): one of four
    assert sigmoid.saturated_share(x, np.zeros((3, 2))) == 0.0
    assert sigmoid.saturated_share(x, w, biases=-10.0) == 0.75  # (0, −10) and (−10, −9.9)
    assert sigmoid.saturated_share(x, 100 * np.ones((3, 2))) == 1.0


def test_saturation_training_shapes_and_bookkeeping(digits):
    x, y = digits
    r = sigmoid.saturation_training(x, y, hidden=12, batch=50, seed=1)
    assert r["steps"] == 6
    assert r["pairs_saturated"] + r["pairs_unsaturated"] == len(x) * 12
    assert r["unit_share"].shape == r["unit_change"].shape == (12,)
    assert np.all(r["unit_change"] > 0)
    assert 0 <= r["share_at_init"] <= 1
    assert r["share_at_init"] == pytest.approx(r["unit_share"].mean())
    again = sigmoid.saturation_training(x, y, hidden=12, batch=50, seed=1)
    assert again["gradient_ratio"] == r["gradient_ratio"]
    other = sigmoid.saturation_training(x, y, hidden=12, batch=50, seed=2)
    assert other["gradient_ratio"] != r["gradient_ratio"]


def test_saturated_pairs_pass_less_gradient_with_large_weights(digits):
    x, y = digits
    r = sigmoid.saturation_training(x, y, seed=0)
    assert r["share_at_init"] > 0.3
    assert 0 < r["gradient_ratio"] < 0.1
    assert -1 <= r["share_change_correlation"] < 0


def test_glorot_weights_leave_nothing_saturated_and_the_caveat_can_fail(digits):
    x, y = digits
    modern = sigmoid.saturation_training(x, y, weight_init="glorot_normal", seed=0)
    early = sigmoid.saturation_training(x, y, weight_init="standard_normal", seed=0)
    assert modern["pairs_saturated"] == 0
    assert math.isnan(modern["gradient_ratio"]) and math.isnan(modern["share_change_correlation"])
    caveat = [Criterion("saturated share", r["share_at_init"], "<", 0.01, domain=(0, 1))
              for r in (modern, early)]
    assert [c.met for c in caveat] == [True, False]


def test_a_threshold_of_one_quarter_counts_every_pair_as_saturated(digits):
    x, y = digits
    r = sigmoid.saturation_training(x, y, threshold=0.25 + 1e-12, seed=0)
    assert r["pairs_unsaturated"] == 0 and r["share_at_init"] == 1.0
    assert math.isnan(r["gradient_ratio"])


def test_saturation_training_refuses_bad_input(digits):
    x, y = digits
    with pytest.raises(ValueError):
        sigmoid.saturation_training(x, y[:-1])
    with pytest.raises(ValueError):
        sigmoid.saturation_training(x, y, weight_init="xavier")


# --- layer speeds with the initialization held fixed (chapter 03) --------------------------

@pytest.mark.parametrize("init", [dict(weight_init="glorot_normal"),
                                  dict(weight_init="nielsen", bias_init="normal")])
def test_same_init_sigmoid_vanishes_relu_does_not(digits, init):
    x, y = digits
    sizes = (784, 30, 30, 30, 30, 10)
    ratio = {name: (lambda s: s[:, -1] / s[:, 0])(
        layer_speed.speeds_at_init(sizes, name, x, y, [0, 1], **init))
        for name in ("sigmoid", "relu")}
    assert ratio["sigmoid"].min() > 10 > ratio["relu"].max()
    # the ReLU criterion of the chapter fails for the sigmoid
    assert not Criterion("last/first", ratio["sigmoid"].max(), "<", 10,
                         domain=(0, math.inf)).met


# --- Nielsen's chain: a nudge of b₁, followed link by link -----------------------------

def test_trace_nudge_matches_the_product_formula():
    rng = np.random.default_rng(0)
    w, b = rng.normal(0, 2, 4), rng.normal(0, 1, 4)
    for target in (None, 1.0):
        rows = chain.trace_nudge(w, b, 0.3, 1e-6, target=target)
        assert [r["change"] for r in rows] == ["Δz₁", "Δa₁", "Δz₂", "Δa₂", "Δz₃", "Δa₃",
                                               "Δz₄", "Δa₄", "ΔC"]
        dc_da = rows[-1]["factor value"]
        assert dc_da == (1.0 if target is None else chain.forward(w, b, 0.3)[1][-1] - 1)
        formula = chain.bias_gradient(w, b, 0.3, dc_da=dc_da)
        assert rows[-1]["actual"] / 1e-6 == pytest.approx(formula, rel=1e-5)
        assert rows[-1]["predicted"] / 1e-6 == pytest.approx(formula, rel=1e-12)
        for r in rows:
            assert r["actual"] == pytest.approx(r["predicted"], rel=1e-5)
    assert rows[2]["factor value"] == w[1] and rows[0]["actual"] == pytest.approx(1e-6)
    with pytest.raises(ValueError):
        chain.trace_nudge(w, b, 0.3, 0.0)


# --- Nielsen's chain with random biases ----------------------------------------------------

def test_random_chains_with_uniform_biases():
    normal = chain.random_chains(chains=300, seed=0)
    wide = chain.random_chains(chains=300, seed=0, bias_range=(-100, 0))
    assert normal.shape == wide.shape == (300,)
    np.testing.assert_array_equal(wide, chain.random_chains(chains=300, seed=0,
                                                            bias_range=(-100, 0)))
    assert np.all(np.abs(wide) <= 0.25**4 * 100**3)  # never beyond the all-1/4 bound
    assert np.abs(wide).max() > np.abs(normal).max()  # cancelling biases escape the tails more
    with pytest.raises(ValueError):
        chain.random_chains(chains=3, bias_range=(0, -100))


def test_extreme_case_criterion_can_fail():
    big = chain.extreme_case(w=100.0)
    small = chain.extreme_case(w=10.0)
    criteria = [Criterion("median update", 0.5 * r["median"], ">", 1.56, domain=(0, math.inf))
                for r in (big, small)]
    assert [c.met for c in criteria] == [True, False]

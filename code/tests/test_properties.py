"""Structural facts, checked on many random inputs with Hypothesis."""

import numpy as np
from hypothesis import given, settings, strategies as st

from afe import activations as A

reals = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)
negatives = st.floats(min_value=-700, max_value=0, allow_nan=False)
alphas = st.floats(min_value=0, max_value=5, allow_nan=False)
tiny = st.floats(min_value=0, max_value=1e-6, allow_nan=False)
MONOTONIC = [n for n in A.NAMES if A.spec(n).monotonic]
ALL = st.sampled_from(A.NAMES)


def test_the_monotonic_flags_are_the_expected_ones():
    assert set(A.NAMES) - set(MONOTONIC) == {"gelu", "gelu_tanh", "gelu_sigmoid", "silu"}


@given(st.sampled_from(MONOTONIC), reals, reals)
def test_monotonic_activations_never_decrease(name, a, b):
    lo, hi = min(a, b), max(a, b)
    act = A.get(name)
    assert act(lo) <= act(hi)
    assert act.derivative(lo) >= 0


@given(st.sampled_from(["leaky_relu", "elu"]), alphas, reals, reals)
def test_monotonic_for_every_valid_alpha(name, alpha, a, b):
    act = A.get(name, alpha=alpha)
    assert act(min(a, b)) <= act(max(a, b))


@given(ALL, tiny)
def test_continuous_at_zero(name, h):
    act = A.get(name)
    # every activation here has slopes below 2 near 0
    assert abs(act(h) - act(-h)) <= 4 * h + 1e-300
    assert abs(act(h) - act(0.0)) <= 2 * h + 1e-300


@given(negatives, alphas)
def test_elu_derivative_is_elu_plus_alpha_for_nonpositive_x(x, alpha):
    elu = A.get("elu", alpha=alpha)
    assert abs(elu.derivative(x) - (elu(x) + alpha)) <= 1e-12


@given(st.floats(min_value=-1e4, max_value=-40, allow_nan=False))
def test_selu_saturates_at_minus_lambda_alpha(x):
    limit = -A.SELU_SCALE * A.SELU_ALPHA
    assert abs(A.selu(x) - limit) <= 1e-15 * abs(limit)
    assert A.selu(x) >= limit


@given(ALL, st.lists(reals, min_size=1, max_size=20))
def test_float32_in_float32_out_and_close_to_float64(name, values):
    act = A.get(name)
    x32 = np.array(values, dtype=np.float32)
    y32, y64 = act(x32), act(x32.astype(np.float64))
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, y64, rtol=1e-5, atol=1e-6)


@settings(max_examples=50)
@given(reals)
def test_gelu_approximations_stay_close_to_gelu(x):
    exact = A.gelu(x)
    assert abs(A.gelu_tanh(x) - exact) < 1e-3
    assert abs(A.gelu_sigmoid(x) - exact) < 3e-2

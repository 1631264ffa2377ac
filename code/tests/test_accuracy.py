"""Every derivative of the registry is accurate to a few ulps over the whole float range.

The reference is the SymPy-derived derivative evaluated with mpmath at 50
significant digits (:func:`afe.symbolic.evaluate`), rounded to float64: the
hand-written NumPy derivative must agree with it to within a few units in the
last place, in float64 and in float32, from ±1e-300 to ±1e4 and at ±inf,
so that no formula cancels (1 − tanh²x did: 0 at |x| = 20, where the true
value is 1.7e-17) or overflows on the way.

One exception is inherent, not a defect of a formula: where a derivative
crosses zero (GELU′ at x ≈ −0.75, SiLU′ at x ≈ −1.28) its value is the
difference of two terms of size about 0.2, so near the crossing the error is
bounded in absolute terms, by a few ulps of those terms.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from afe import activations as A
from afe import symbolic as S

ULPS = 4
# Zeros of derivatives, with the size of the terms that cancel there.
CROSSINGS = {"gelu": 0.25, "gelu_tanh": 0.25, "gelu_sigmoid": 0.25, "silu": 0.3}
EXTREMES = [0.0, 1e-300, 1e-30, 1e-8, 1e-3, 0.5, 1.0, 2.5, 6.5, 9.0, 15.0, 20.0, 40.0,
            88.0, 100.0, 700.0, 710.0, 1e4]
POINTS = sorted({s * v for v in EXTREMES for s in (1.0, -1.0)})
finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_subnormal=False)


def reference(name: str, xs) -> np.ndarray:
    return S.evaluate(S.derive(name).derivative, xs)


def within_ulps(name, x, got, want, dtype) -> bool:
    if np.isnan(want):
        return bool(np.isnan(got))
    want = dtype(want)  # the correctly rounded value in this precision
    if not np.isfinite(want):
        return got == want
    tolerance = ULPS * np.spacing(np.abs(want))
    if name in CROSSINGS:
        tolerance = max(tolerance, ULPS * np.spacing(dtype(CROSSINGS[name])) * (1 + abs(x)))
    # Below the smallest normal number a few ulps are subnormal steps; anything
    # that small counts as the zero it would be flushed to on most hardware.
    tolerance = max(tolerance, np.finfo(dtype).tiny)
    return abs(float(got) - float(want)) <= float(tolerance)


def not_a_kink(name, x) -> bool:
    return all(x != k for k in A.spec(name).kinks)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", A.NAMES)
def test_derivatives_at_extreme_and_landmark_inputs(name, dtype):
    xs = [x for x in POINTS if not_a_kink(name, x) and math.isfinite(dtype(x))]
    want = reference(name, [float(dtype(x)) for x in xs])
    got = A.get(name).derivative(np.array(xs, dtype=dtype))
    assert got.dtype == dtype
    bad = [(x, g, w) for x, g, w in zip(xs, got, want) if not within_ulps(name, x, g, w, dtype)]
    assert not bad, f"{name}: (x, got, reference) off by more than {ULPS} ulps: {bad}"


@pytest.mark.parametrize("name", A.NAMES)
def test_derivatives_at_infinities_and_nan(name):
    act = A.get(name)
    limit = {-np.inf: float(reference(name, [-1e300])[0]), np.inf: float(reference(name, [1e300])[0])}
    for x, want in limit.items():
        got = act.derivative(x)
        assert got == want or (want == 0 and got == 0), f"{name}'({x}) = {got}, want {want}"
    assert np.isnan(act.derivative(np.nan))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(A.NAMES), finite)
def test_derivatives_on_random_inputs(name, x):
    if not not_a_kink(name, x):
        return
    want = float(reference(name, [x])[0])
    for dtype in (np.float64, np.float32):
        xd = dtype(x)
        w = want if dtype is np.float64 else float(reference(name, [float(xd)])[0])
        got = A.get(name).derivative(np.array([xd]))[0]
        assert within_ulps(name, float(xd), got, w, dtype), (name, dtype.__name__, x, got, w)

"""The four-way check, the kink conventions, and the reasons for every known deviation."""

import numpy as np
import pytest

from afe import activations as A
from afe import symbolic as S
from afe import verify as V

tf = pytest.importorskip("tensorflow")


@pytest.mark.parametrize("name,params", V.CASES, ids=[f"{n}{p or ''}" for n, p in V.CASES])
def test_four_way_agreement(name, params):
    row = V.check_one(name, **params)
    for check in V.CHECKS:
        value = getattr(row, check)
        if value is None:
            assert check == "numpy_vs_keras" and A.spec(name).keras_builtin is None
            continue
        assert value <= row.tolerance(check), f"{check}: {value:.3g}; {row.notes}"
    assert row.passed


def test_the_grid_has_zero_its_neighbours_kinks_and_large_values():
    xs = V.check_grid(kinks=(6.0,))
    for point in (0.0, 5e-324, -5e-324, 1e-12, -1e-12, 1e4, -1e4, 6.0,
                  np.nextafter(6.0, 0), np.nextafter(6.0, 7)):
        assert point in xs


def test_scaled_error_never_calls_nan_agreement():
    assert V.scaled_error([np.nan], [np.nan]) == np.inf
    assert V.scaled_error([1e4 + 1e-9], [1e4]) < 1e-12
    with pytest.raises(ValueError):
        V.scaled_error([1.0, 2.0], [1.0])


@pytest.mark.parametrize("name", [n for n in A.NAMES if A.spec(n).kinks])
def test_derivative_at_kinks_matches_sympy_and_tensorflow_exactly(name):
    act = A.get(name)
    kinks = np.array(act.spec.kinks)
    ours = act.derivative(kinks)
    sympy = S.evaluate(S.derive(name).derivative, kinks)
    tf_grad = V.tf_gradient(act, kinks)
    np.testing.assert_array_equal(ours, sympy)
    # TensorFlow's LeakyReLU slope is float32(alpha): the one known deviation here.
    np.testing.assert_allclose(ours, tf_grad, rtol=1e-7 if name == "leaky_relu" else 0)


def test_known_deviations_are_only_with_tensorflow_and_explained():
    for (name, check), dev in V.KNOWN_DEVIATIONS.items():
        assert name in A.NAMES
        assert check in ("derivative_vs_autodiff", "numpy_vs_keras")
        assert dev.reason and dev.tolerance < 1e-6


# Each known deviation, reproduced exactly: if TensorFlow changes, these fail and
# the explanation in verify.KNOWN_DEVIATIONS must be revisited.

def _float32(v):
    return float(np.float32(v))


def test_gelu_deviation_is_the_float32_square_root_of_one_half():
    from scipy.special import erfc

    x = np.linspace(-6, 6, 101)
    tf_value = V.tf_values(A.get("gelu"), x)
    with_f32_constant = 0.5 * x * erfc(-x * _float32(0.7071067811865476))
    assert V.scaled_error(tf_value, with_f32_constant) < 1e-15
    assert V.scaled_error(tf_value, A.gelu(x)) > 1e-10


def test_gelu_tanh_deviation_is_the_float32_cubic_coefficient():
    x = np.linspace(-6, 6, 101)
    tf_value = V.tf_values(A.get("gelu_tanh"), x)
    k = _float32(0.044715)
    with_f32_constant = 0.5 * x * (1 + np.tanh(0.7978845608028654 * (x + k * x**3)))
    assert V.scaled_error(tf_value, with_f32_constant) < 1e-15


def test_leaky_relu_deviation_is_the_float32_slope():
    x = np.linspace(-6, 6, 101)
    tf_value = V.tf_values(A.get("leaky_relu", alpha=0.2), x)
    assert V.scaled_error(tf_value, A.leaky_relu(x, alpha=_float32(0.2))) == 0


def test_prelu_deviation_is_the_float32_initial_slope():
    x = np.linspace(-6, 6, 101)
    act = A.get("prelu", alpha=0.7)
    tf_value = V.tf_values(act, x)
    assert V.scaled_error(tf_value, A.prelu(x, alpha=_float32(0.7))) == 0
    assert V.scaled_error(tf_value, act(x)) > 1e-9
    assert V.check_one("prelu", alpha=0.7).passed
    assert V.scaled_error(V.tf_values(A.get("prelu"), x), A.prelu(x)) == 0  # 0.25 is exact


def test_prelu_layer_gradient_at_zero_is_neither_slope():
    """Keras's PReLU computes relu(x) − α·relu(−x): at 0 both terms have slope 0."""
    act = A.get("prelu", alpha=0.25)
    grad = V.tf_gradient(act, np.array([-1.0, 0.0, 1.0]))
    assert list(grad) == [0.25, 0.0, 1.0]
    assert list(act.derivative(np.array([-1.0, -0.0, 0.0, 1.0]))) == [0.25, 0.0, 0.0, 1.0]


def test_selu_gradient_deviation_is_exp_minus_one_rounding_to_zero():
    act = A.get("selu")
    x = np.array([-1e-300, -5e-17, -1e-10])
    grad = V.tf_gradient(act, x)
    lam, lam_alpha = A.SELU_SCALE, A.SELU_SCALE * A.SELU_ALPHA
    np.testing.assert_allclose(grad, [lam, lam, lam_alpha * np.exp(-1e-10)], rtol=1e-15)
    np.testing.assert_allclose(act.derivative(x), [lam_alpha] * 2 + [lam_alpha * np.exp(-1e-10)])


def test_tensorflow_flushes_subnormals_to_zero():
    grad = V.tf_gradient(A.get("relu"), np.array([5e-324, 1e-300]))
    assert list(grad) == [0.0, 1.0]

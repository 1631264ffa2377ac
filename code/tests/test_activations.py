"""The NumPy faces of the registry: API, errors, dtypes, extreme inputs."""

import math
import warnings

import numpy as np
import pytest

from afe import activations as A
from afe.activations import SELU_ALPHA, SELU_SCALE

NAMES = A.NAMES


@pytest.fixture(autouse=True)
def strict_floating_point():
    """Any overflow, invalid-value or divide-by-zero in NumPy fails the test."""
    with np.errstate(over="raise", invalid="raise", divide="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_registry_has_every_activation_of_the_book():
    assert set(NAMES) == {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu",
                          "gelu_tanh", "gelu_sigmoid", "silu", "softplus", "relu6", "prelu"}


@pytest.mark.parametrize("name", NAMES)
def test_every_entry_has_all_four_faces(name):
    spec = A.spec(name)
    assert callable(spec.numpy) and callable(spec.derivative)
    assert callable(spec.sympy) and callable(spec.keras)
    assert spec.references and all(r.key and r.url.startswith("http") for r in spec.references)
    assert spec.numpy.__doc__ and spec.derivative.__doc__
    assert (spec.kinks == ()) == (spec.kink_rule == "none (smooth)")


def test_aliases_and_case_resolve_to_the_same_entry():
    assert A.spec("Swish") is A.spec("silu")
    assert A.spec("leaky-relu") is A.spec("leaky_relu")
    assert A.spec(" GELU ") is A.spec("gelu")


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(A.UnknownActivationError) as err:
        A.get("relu7")
    message = str(err.value)
    assert "relu7" in message
    for name in NAMES:
        assert name in message


def test_name_must_be_a_string():
    with pytest.raises(TypeError, match="string"):
        A.get(3)


@pytest.mark.parametrize("alpha", [-0.1, -1, math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("name", ["leaky_relu", "elu", "selu"])
def test_bad_alpha_is_refused(name, alpha):
    with pytest.raises(A.InvalidParameterError, match="alpha"):
        A.get(name, alpha=alpha)


@pytest.mark.parametrize("alpha", ["0.2", None, True, 1j, [0.2]])
def test_non_numeric_alpha_is_refused(alpha):
    with pytest.raises(A.InvalidParameterError, match="real number"):
        A.get("elu", alpha=alpha)


def test_selu_constants_must_be_positive():
    with pytest.raises(A.InvalidParameterError, match="> 0"):
        A.get("selu", scale=0)


def test_the_plain_functions_validate_too():
    with pytest.raises(A.InvalidParameterError):
        A.elu(np.ones(3), alpha=-1)
    with pytest.raises(A.InvalidParameterError):
        A.leaky_relu_derivative(np.ones(3), alpha=math.nan)


def test_unknown_parameter_names_the_valid_ones():
    with pytest.raises(A.InvalidParameterError, match="parameters: alpha"):
        A.get("elu", beta=1.0)
    with pytest.raises(A.InvalidParameterError, match="parameters: none"):
        A.get("relu", alpha=0.1)


@pytest.mark.parametrize("bad", ["1.0", ["a", "b"], 1 + 2j, np.array([1j]), None, object(),
                                 np.array([True, False])])
@pytest.mark.parametrize("name", NAMES)
def test_non_numeric_input_is_refused(name, bad):
    act = A.get(name)
    with pytest.raises(TypeError, match="real number"):
        act(bad)
    with pytest.raises(TypeError, match="real number"):
        act.derivative(bad)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_dtype_and_shape_are_preserved(name, dtype):
    act = A.get(name)
    x = np.linspace(-3, 3, 12, dtype=dtype).reshape(3, 4)
    for out in (act(x), act.derivative(x)):
        assert out.dtype == dtype
        assert out.shape == (3, 4)


@pytest.mark.parametrize("name", NAMES)
def test_scalars_in_give_scalars_out_and_ints_become_floats(name):
    act = A.get(name)
    assert np.ndim(act(1.5)) == 0
    assert act(np.float32(1.5)).dtype == np.float32
    assert act(2) == act(2.0)
    assert np.asarray(act([1, 2])).dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_large_inputs_are_finite_and_raise_no_warning(name, dtype):
    act = A.get(name)
    x = np.array([-1e4, -1e3, 1e3, 1e4], dtype=dtype)
    assert np.all(np.isfinite(act(x)))
    assert np.all(np.isfinite(act.derivative(x)))


# (f(+inf), f(-inf), f'(+inf), f'(-inf)) for every activation with its defaults.
LIMITS = {
    "sigmoid": (1, 0, 0, 0),
    "tanh": (1, -1, 0, 0),
    "relu": (math.inf, 0, 1, 0),
    "leaky_relu": (math.inf, -math.inf, 1, 0.2),
    "elu": (math.inf, -1, 1, 0),
    "selu": (math.inf, -SELU_SCALE * SELU_ALPHA, SELU_SCALE, 0),
    "gelu": (math.inf, 0, 1, 0),
    "gelu_tanh": (math.inf, 0, 1, 0),
    "gelu_sigmoid": (math.inf, 0, 1, 0),
    "silu": (math.inf, 0, 1, 0),
    "softplus": (math.inf, 0, 1, 0),
    "relu6": (6, 0, 0, 0),
    "prelu": (math.inf, -math.inf, 1, 0.25),
}


def test_limits_cover_the_registry():
    assert set(LIMITS) == set(NAMES)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_limits_at_infinity(name, dtype):
    act = A.get(name)
    f_pos, f_neg, d_pos, d_neg = LIMITS[name]
    x = np.array([np.inf, -np.inf], dtype=dtype)
    np.testing.assert_allclose(act(x), np.array([f_pos, f_neg], dtype=dtype), rtol=1e-7)
    np.testing.assert_allclose(act.derivative(x), np.array([d_pos, d_neg], dtype=dtype), rtol=1e-7)


def test_leaky_relu_with_zero_slope_is_relu_even_at_minus_infinity():
    x = np.array([-np.inf, -2.0, 3.0])
    np.testing.assert_array_equal(A.leaky_relu(x, alpha=0.0), [0.0, 0.0, 3.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_nan_in_gives_nan_out(name, dtype):
    act = A.get(name)
    x = np.array([np.nan, 1.0], dtype=dtype)
    for out in (act(x), act.derivative(x)):
        assert np.isnan(out[0]) and not np.isnan(out[1])


def test_worked_numbers_of_the_article():
    # Leaky ReLU with alpha = 0.2 maps -5 to -1 (section A5 of the outline).
    assert A.get("leaky_relu", alpha=0.2)(-5.0) == -1.0
    # The sigmoid's derivative peaks at 1/4, at 0 (section A1).
    assert A.sigmoid_derivative(0.0) == 0.25
    # SELU's published constants.
    assert (SELU_ALPHA, SELU_SCALE) == (1.6732632423543772, 1.0507009873554805)


def test_label_shows_tunable_parameters_only():
    assert A.get("elu", alpha=0.2).label() == "ELU (α=0.2)"
    assert A.get("selu").label() == "SELU"
    assert A.get("selu", scale=2.0).label() == "SELU (λ=2)"

"""SymPy derivations: they are the textbook derivatives, in symbols and in numbers."""

import sympy as sp
import pytest

from afe import activations as A
from afe import symbolic as S

x = S.X


def same(a, b):
    return sp.simplify((a - b).rewrite(sp.exp)) == 0


def branch(piecewise, i):
    return piecewise.args[i][0]


def test_sigmoid_derivative_is_sigma_times_one_minus_sigma():
    d = S.derive("sigmoid")
    assert same(d.derivative, d.function * (1 - d.function))


def test_tanh_derivative_is_one_minus_tanh_squared():
    assert same(S.derive("tanh").derivative, 1 - sp.tanh(x) ** 2)


def test_elu_derivative_is_elu_plus_alpha_on_the_left():
    d = S.derive("elu", symbolic=True)
    alpha = S.param_symbols("elu")["alpha"]
    assert branch(d.derivative, 0) == 1
    assert same(branch(d.derivative, 1), branch(d.function, 1) + alpha)


def test_leaky_and_selu_derivatives_in_symbols():
    leaky = S.derive("leaky_relu", symbolic=True).derivative
    assert [branch(leaky, i) for i in range(2)] == [1, S.param_symbols("leaky_relu")["alpha"]]
    p = S.param_symbols("selu")
    selu = S.derive("selu", symbolic=True).derivative
    assert branch(selu, 0) == p["scale"]
    assert same(branch(selu, 1), p["scale"] * p["alpha"] * sp.exp(x))


def test_gelu_derivative_is_cdf_plus_x_times_density():
    cdf = (1 + sp.erf(x / sp.sqrt(2))) / 2
    pdf = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)
    assert same(S.derive("gelu").derivative, cdf + x * pdf)


def test_softplus_derivative_is_the_sigmoid():
    assert same(S.derive("softplus").derivative, A.get("sigmoid").sympy(x))


def test_kink_conventions_are_encoded_in_the_piecewise():
    at0 = {n: S.derive(n).derivative.subs(x, 0) for n in ("relu", "leaky_relu", "elu", "selu")}
    assert at0["relu"] == 0
    assert float(at0["leaky_relu"]) == 0.2
    assert float(at0["elu"]) == 1.0
    assert float(at0["selu"]) == A.SELU_SCALE
    relu6 = S.derive("relu6").derivative
    assert relu6.subs(x, 0) == 0 and relu6.subs(x, 6) == 0 and relu6.subs(x, 3) == 1


@pytest.mark.parametrize("name", A.NAMES)
def test_latex_is_rendered_with_short_constants(name):
    d = S.derive(name, symbolic=True)
    assert d.function_latex and d.derivative_latex
    assert "99999" not in d.function_latex + d.derivative_latex


def test_symbolic_and_numeric_params_cannot_be_mixed():
    with pytest.raises(ValueError):
        S.expression("elu", symbolic=True, alpha=0.5)


def test_evaluate_works_past_float_overflow():
    # e^1000 overflows a double, but mpmath does not care: log(1 + e^1000) = 1000.
    assert S.evaluate(S.derive("softplus").function, [1000.0])[0] == 1000.0

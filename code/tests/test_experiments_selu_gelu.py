"""SELU's constants and map, GELU's measurements, zero initialization, initializers, the CNN."""

import numpy as np
import pytest

from afe import activations as A
from afe import initializers, models
from afe.data import as_vectors, load_mnist
from afe.experiments import gelu, selu, symmetry

tf = pytest.importorskip("tensorflow")

PUBLISHED_ALPHA = "1.6732632423543772848170429916717"
PUBLISHED_SCALE = "1.0507009873554804934193349852946"


@pytest.fixture(scope="module")
def constants():
    return selu.derive_constants(40)


def test_derived_selu_constants_match_the_paper_to_every_published_digit(constants):
    import mpmath

    with mpmath.workdps(50):
        # The paper prints 32 significant digits; ours, rounded to 32, are the same.
        assert mpmath.nstr(mpmath.mpf(constants.alpha), 32) == PUBLISHED_ALPHA
        assert mpmath.nstr(mpmath.mpf(constants.scale), 32) == PUBLISHED_SCALE
    assert float(constants.alpha) == A.SELU_ALPHA and float(constants.scale) == A.SELU_SCALE


def test_standard_normal_input_gives_mean_zero_and_variance_one():
    e1, e2 = selu.moments(0.0, 1.0)
    assert abs(e1) < 1e-15 and abs(e2 - 1) < 1e-15
    assert selu.mean_variance_map(0.0, 1.0) == pytest.approx((0.0, 1.0), abs=1e-15)


def test_iteration_approaches_the_fixed_point():
    path = selu.iterate(0.5, 2.0, 6)
    distance = np.hypot(path[:, 0], path[:, 1] - 1)
    assert np.all(np.diff(distance) < 0)


def test_fixed_point_is_stable():
    jac = selu.jacobian()
    assert np.allclose(jac[:, 0], 0.0)  # with omega = 0 the input mean cannot matter
    assert np.linalg.norm(jac, 2) < 1


def test_map_refuses_non_positive_variance():
    with pytest.raises(ValueError, match="positive"):
        selu.mean_variance_map(0.0, 0.0)


def test_four_properties():
    assert all(selu.four_properties("selu").values())
    relu = selu.four_properties("relu")
    assert not relu["negative and positive values"] and not relu["slope above 1"]
    assert not selu.four_properties("elu")["slope above 1"]


def test_gelu_minimum_is_where_the_derivative_vanishes():
    x, value = (float(v) for v in gelu.minimum())
    assert abs(A.gelu_derivative(x)) < 1e-15
    assert A.gelu(x) == pytest.approx(value, rel=1e-14)
    assert -0.76 < x < -0.75


def test_approximation_errors_are_located():
    rows = {(r["name"], r["of"]): r for r in gelu.approximation_errors()}
    tanh_f = rows["gelu_tanh", "function"]
    assert 1e-4 < tanh_f["max_abs_error"] < 1e-3
    x = tanh_f["at_x"]
    assert abs(A.gelu_tanh(x) - A.gelu(x)) == pytest.approx(tanh_f["max_abs_error"], rel=1e-9)
    assert rows["gelu_sigmoid", "function"]["max_abs_error"] > tanh_f["max_abs_error"]
    assert all(r["tail_error"] < 1e-5 for r in rows.values())


def test_keras_gelu_defaults():
    rows = {r["call"]: r for r in gelu.keras_variants()}
    assert rows["keras.activations.gelu(x)"]["computes"] == "exact x·Φ(x)"
    assert rows["keras.ops.gelu(x)"]["computes"] == "tanh approximation"
    assert rows["tf.nn.gelu(x)"]["computes"] == "exact x·Φ(x)"


def test_distinct_units():
    w = np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 1.0]])
    assert symmetry.distinct_units(w, np.zeros(3)) == 2
    assert symmetry.distinct_units(np.zeros((4, 3)), np.zeros(4)) == 1


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_zero_initialization_never_breaks_the_symmetry(activation):
    m = load_mnist("sample", verbose=False)
    x, y = as_vectors(m.x_train[:500], m.y_train[:500])
    zero = symmetry.train_from_zero(activation, x, y, epochs=2)
    rand = symmetry.train_from_zero(activation, x, y, epochs=2, zero=False)
    assert zero["distinct hidden units after"] == 1
    assert rand["distinct hidden units after"] == 32
    assert rand["accuracy"] > zero["accuracy"]


def test_keras_draw_layout_and_catalogue():
    w = initializers.keras_draw("HeNormal")(300, 200, np.random.default_rng(0))
    assert w.shape == (200, 300)
    rows = {r["initializer"]: r for r in initializers.keras_catalog()}
    assert rows["HeNormal()"]["fan_in × variance"] == pytest.approx(2.0, rel=0.05)
    assert rows["LecunNormal()"]["fan_in × variance"] == pytest.approx(1.0, rel=0.05)
    assert rows["Zeros()"]["std"] == 0.0


@pytest.mark.parametrize("activation,params", [("relu", {}), ("selu", {}), ("leaky_relu", {"alpha": 0.2})])
def test_article_cnn_in_both_apis(activation, params):
    seq = models.article_cnn(activation, **params)
    fun = models.article_cnn(activation, api="functional", **params)
    assert seq.count_params() == fun.count_params() == 1_199_882
    fun.set_weights(seq.get_weights())
    x = np.random.default_rng(0).uniform(size=(2, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(seq(x), fun(x), atol=1e-6)
    dropouts = [type(layer).__name__ for layer in seq.layers if "Dropout" in type(layer).__name__]
    assert dropouts == (["AlphaDropout"] * 2 if activation == "selu" else ["Dropout"] * 2)


def test_article_cnn_refuses_an_unknown_api():
    with pytest.raises(ValueError, match="api"):
        models.article_cnn("relu", api="subclassed")

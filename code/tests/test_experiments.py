"""The experiments of the sigmoid and gradient-problem chapters."""

import math

import numpy as np
import pytest

from afe import activations as A
from afe import initializers, verify
from afe.data import as_vectors, load_mnist
from afe.experiments import chain, clipping, layer_speed, mlp, sigmoid

tf = pytest.importorskip("tensorflow")


@pytest.fixture(scope="module")
def digits():
    m = load_mnist("sample", verbose=False)
    return as_vectors(m.x_train[:1000], m.y_train[:1000])


# --- initializers -------------------------------------------------------------

@pytest.mark.parametrize("name", list(initializers.INITIALIZERS))
def test_initializers_have_the_stated_variance(name):
    w = initializers.draw(name, 400, 200, np.random.default_rng(0))
    assert w.shape == (200, 400)
    assert np.var(w) == pytest.approx(initializers.variance(name, 400, 200), rel=0.03)
    if initializers.INITIALIZERS[name][2]:  # truncated at two standard deviations
        assert np.abs(w).max() <= 2 * np.sqrt(initializers.variance(name, 400, 200)) / 0.8796 + 1e-12


def test_unknown_initializer_is_refused():
    with pytest.raises(ValueError, match="he_normal"):
        initializers.variance("xavier", 3, 3)


# --- the NumPy MLP ------------------------------------------------------------

@pytest.mark.parametrize("output", mlp.OUTPUTS)
@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu", "elu", "selu", "gelu"])
def test_backprop_matches_tensorflow_autodiff(hidden, output):
    rng = np.random.default_rng(1)
    net = mlp.init_mlp((6, 5, 4, 3), hidden, bias_init="normal", output=output, seed=2)
    x = rng.uniform(size=(7, 6))
    y = np.eye(3)[rng.integers(0, 3, 7)]
    grad_w, grad_b = mlp.gradients(net, x, y)

    ws = [tf.Variable(w) for w in net.weights]
    bs = [tf.Variable(b) for b in net.biases]
    act = net.hidden.keras()
    with tf.GradientTape() as tape:
        a = tf.constant(x)
        for l, (w, b) in enumerate(zip(ws, bs)):
            z = a @ tf.transpose(w) + b
            if l < len(ws) - 1:
                a = act(z)
        if output == "sigmoid":
            per_row = tf.reduce_sum(
                tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(y), logits=z), axis=1)
        else:
            per_row = tf.nn.softmax_cross_entropy_with_logits(labels=tf.constant(y), logits=z)
        c = tf.reduce_mean(per_row)
    tw, tb = tape.gradient(c, [ws, bs])
    # TensorFlow's own GELU is float32-accurate (see verify.KNOWN_DEVIATIONS).
    rtol = 1e-5 if (hidden, "derivative_vs_autodiff") in verify.KNOWN_DEVIATIONS else 1e-9
    for ours, theirs in zip(grad_w + grad_b, tw + tb):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=rtol, atol=1e-12)
    assert mlp.cost(net, x, y) == pytest.approx(float(c), rel=rtol)


def test_sgd_with_l2_learns_and_shrinks_weights(digits):
    x, y = digits
    plain = mlp.train_sgd(mlp.init_mlp((784, 32, 10), "relu", output="softmax", seed=0),
                          x, y, epochs=3, lr=0.1)
    decayed = mlp.train_sgd(mlp.init_mlp((784, 32, 10), "relu", output="softmax", seed=0),
                            x, y, epochs=3, lr=0.1, l2=0.01)
    assert mlp.accuracy(plain, x, y) > 0.7  # chance is 0.1
    assert np.linalg.norm(decayed.weights[0]) < np.linalg.norm(plain.weights[0])


def test_constant_bias_applies_to_hidden_layers_only():
    net = mlp.init_mlp((5, 4, 3, 2), "relu", bias_init=0.1)
    assert [b.tolist() for b in net.biases] == [[0.1] * 4, [0.1] * 3, [0.0] * 2]
    with pytest.raises(ValueError, match="output"):
        mlp.init_mlp((5, 2), "relu", output="linear")


def test_init_mlp_refuses_bad_arguments():
    with pytest.raises(ValueError, match="sizes"):
        mlp.init_mlp((784,), "relu")
    with pytest.raises(ValueError, match="bias_init"):
        mlp.init_mlp((4, 3), "relu", bias_init="ones")
    with pytest.raises(A.UnknownActivationError):
        mlp.init_mlp((4, 3), "relu7")


def test_init_uses_the_registry_initializer_by_default():
    selu = mlp.init_mlp((2000, 300), "selu", seed=0)
    relu = mlp.init_mlp((2000, 300), "relu", seed=0)
    assert np.var(selu.weights[0]) == pytest.approx(1 / 2000, rel=0.03)
    assert np.var(relu.weights[0]) == pytest.approx(2 / 2000, rel=0.03)


def test_nielsen_measurement_is_reproduced(digits):
    x, y = digits
    for sizes, published in layer_speed.NIELSEN_2015.items():
        speeds = layer_speed.speeds_at_init(sizes, "sigmoid", x, y, range(5),
                                            weight_init="nielsen", bias_init="normal").mean(axis=0)
        assert np.all(np.diff(speeds) > 0), "earlier layers must learn more slowly"
        np.testing.assert_allclose(speeds, published, rtol=0.5)


def test_training_records_every_epoch_and_learns(digits):
    x, y = digits
    run = layer_speed.train_speeds((784, 30, 10), "relu", x[:200], y[:200], epochs=30)
    assert run["speeds"].shape == (30, 1)
    assert run["cost"][-1] < run["cost"][0]
    assert run["accuracy"][-1] > run["accuracy"][0]


# --- the sigmoid chapter ---------------------------------------------------------

@pytest.mark.parametrize("t", [0.25, 0.1, 1e-2, 1e-4, 1e-8, 4.38e-8, 1e-15])
def test_saturation_point_solves_sigma_prime(t):
    x = sigmoid.saturation_point(t)
    assert A.sigmoid_derivative(x) == pytest.approx(t, rel=1e-9)
    assert x >= 0


@pytest.mark.parametrize("t", [0, -1e-3, 0.3, math.nan])
def test_saturation_point_refuses_impossible_values(t):
    with pytest.raises(ValueError):
        sigmoid.saturation_point(t)


def test_last_layer_chain_matches_autodiff():
    r = sigmoid.last_layer_chain([0.5, -1.2, 0.8], [0.3, -0.6, 0.9], 0.1, 1.0)
    np.testing.assert_allclose(r["gradient"], r["autodiff"], rtol=1e-14)
    with pytest.raises(ValueError):
        sigmoid.last_layer_chain([1, 2], [1, 2, 3], 0.0, 1.0)


# --- Nielsen's chain ----------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 4])
def test_sympy_derivative_of_the_chain_is_nielsens_product(n):
    assert chain.derive_bias_gradient(n).equal


def test_chain_gradient_matches_tensorflow():
    rng = np.random.default_rng(3)
    for _ in range(20):
        w, b, a0 = rng.normal(0, 3, 4), rng.normal(0, 2, 4), rng.uniform()
        assert chain.bias_gradient(w, b, a0) == pytest.approx(chain.tf_bias_gradient(w, b, a0),
                                                              rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("activation", ["relu", "elu", "tanh"])
def test_chain_works_for_any_activation(activation):
    w, b, a0 = [1.5, -2.0, 1.2, 0.8], [0.1, 0.3, -0.2, 0.05], 0.4
    assert chain.bias_gradient(w, b, a0, activation=activation) == pytest.approx(
        chain.tf_bias_gradient(w, b, a0, activation=activation), rel=1e-12, abs=1e-300)


def test_relu_chain_with_a_negative_input_passes_no_gradient():
    w, b, a0 = [1.5, -2.0, 1.2, 0.8], [0.1, 0.3, -0.2, 0.05], 0.4
    zs, _ = chain.forward(w, b, a0, "relu")
    assert zs[1] < 0
    assert chain.bias_gradient(w, b, a0, activation="relu") == 0.0


def test_tuned_chain_explodes_to_the_bound():
    w, a0 = [100.0] * 4, 0.3
    b = [-30.0, -50.0, -50.0, -50.0]  # every z_j = 0, so every sigma' = 1/4
    assert chain.bias_gradient(w, b, a0) == pytest.approx(0.25**4 * 100**3)
    assert chain.extreme_case()["bound"] == 3906.25


def test_explosion_window_by_brute_force():
    w = 100.0
    a = np.linspace(-1, 1, 2_000_001)
    inside = np.abs(w * A.sigmoid_derivative(w * a)) >= 1  # b = 0 centres the window at a = 0
    assert chain.explosion_window(w) == pytest.approx(inside.sum() * (a[1] - a[0]), rel=1e-4)
    assert chain.explosion_window(3.9) == 0.0


def test_random_large_weight_chains_vanish():
    grads = chain.random_chains(chains=500)
    assert np.all(np.abs(grads) < 1)


# --- clipping --------------------------------------------------------------------------

def test_clipping_runs_are_deterministic_and_clip():
    x = np.random.default_rng(0).uniform(size=(64, 784))
    y = np.arange(64) % 10
    args = dict(depth=3, width=16, activation="relu", init_scale=8.0, seed=0)
    first = clipping.train(args, {"clipnorm": 1.0}, x, y, steps=4, batch=16)
    again = clipping.train(args, {"clipnorm": 1.0}, x, y, steps=4, batch=16)
    np.testing.assert_array_equal(first["loss"], again["loss"])
    plain = clipping.train(args, {}, x, y, steps=4, batch=16)
    assert plain["grad_norm"][0] == first["grad_norm"][0]  # recorded before clipping
    assert set(clipping.VARIANTS) >= {"no clipping", "clipvalue=0.5", "clipnorm=1", "global_clipnorm=1"}


def test_clipping_replay_repeats_the_unclipped_run():
    x = np.random.default_rng(0).uniform(size=(64, 784))
    y = np.arange(64) % 10
    args = dict(depth=3, width=16, activation="relu", init_scale=8.0, seed=0)
    run = clipping.train(args, {}, x, y, steps=4, batch=16)
    records, model = clipping.replay(args, x, y, steps=4, batch=16)
    np.testing.assert_array_equal(records["loss"], run["loss"])
    np.testing.assert_allclose(
        records["gradient norm, float64"], records["gradient norm, float32"], rtol=1e-5
    )
    assert model.count_params() == 784 * 16 + 16 + 2 * (16 * 16 + 16) + 16 * 10 + 10


def test_clipping_over_seeds_names_runs_and_refuses_unknown_variants():
    x = np.random.default_rng(0).uniform(size=(64, 784))
    y = np.arange(64) % 10
    args = dict(depth=2, width=8, activation="relu", init_scale=2.0, seed=0)
    runs = clipping.over_seeds(args, ["no clipping"], x, y, seeds=(0, 1), steps=2)
    assert set(runs) == {("no clipping", 0), ("no clipping", 1)}
    assert not np.array_equal(runs["no clipping", 0]["loss"], runs["no clipping", 1]["loss"])
    with pytest.raises(ValueError, match="unknown clipping variants"):
        clipping.over_seeds(args, ["clipnorm=2"], x, y)

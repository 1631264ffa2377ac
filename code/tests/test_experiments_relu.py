"""Experiments of the ReLU, ELU and Leaky ReLU chapters."""

import numpy as np
import pytest

from afe import activations as A
from afe import benchmark
from afe.data import as_vectors, load_mnist
from afe.experiments import dead_units, depth_stats, mlp, recipe

tf = pytest.importorskip("tensorflow")


@pytest.fixture(scope="module")
def digits():
    m = load_mnist("sample", verbose=False)
    return as_vectors(m.x_train[:1000], m.y_train[:1000])


def test_layer_activity_counts_zeros_and_dead_units():
    net = mlp.init_mlp((3, 4, 2), "relu", output="softmax", seed=0)
    net.weights[0][:] = 0.0
    net.biases[0][:] = [-1.0, -1.0, 1.0, 1.0]  # two units always off, two always on
    activity = dead_units.layer_activity(net, np.random.default_rng(0).uniform(size=(5, 3)))
    assert activity["zeros"].tolist() == [0.5]
    assert activity["dead"].tolist() == [0.5]


def test_overflowing_weights_are_reported_as_divergence(digits, monkeypatch):
    def overflow(net, *args, **kwargs):
        net.weights[0][0, 0] = np.inf
        return net

    monkeypatch.setattr(mlp, "train_sgd", overflow)
    x, y = digits
    r = dead_units.run(x, y, lr=1.0, epochs=1, sizes=(784, 32, 10))
    assert r["diverged"] and np.isnan(r["train_accuracy"]) and np.all(np.isnan(r["dead_trained"]))


def test_a_huge_learning_rate_kills_every_relu_of_a_shallow_net(digits):
    x, y = digits
    r = dead_units.run(x, y, lr=50.0, epochs=1, sizes=(784, 32, 10))
    assert not r["diverged"] and r["dead_trained"].tolist() == [1.0]


def test_leaky_relu_has_no_exact_zeros(digits):
    x, y = digits
    r = dead_units.run(x, y, activation="leaky_relu", lr=0.1, epochs=1, sizes=(784, 32, 10))
    assert not r["diverged"]
    assert r["zeros_trained"].tolist() == [0.0] and r["train_accuracy"] > 0.5


def test_benchmark_records_every_combination():
    recs = benchmark.activation_costs(["relu", "elu"], size=1000, repeats=3)
    assert {(r["name"], r["backend"], r["mode"]) for r in recs} == {
        (n, b, m) for n in ("relu", "elu") for b in ("numpy", "tensorflow")
        for m in ("forward", "forward+backward")}
    assert all(r["q1_ms"] <= r["median_ms"] <= r["q3_ms"] for r in recs)
    assert all(r["relative_to_relu"] == 1.0 for r in recs if r["name"] == "relu")
    with pytest.raises(ValueError, match="back end"):
        benchmark.activation_costs(["relu"], size=10, repeats=1, backends=["jax"])


def test_recipe_is_the_same_as_one_seed_at_a_time():
    together = recipe.run("relu", [0, 1], iterations=20)
    alone = recipe.run("relu", [1], iterations=20)
    np.testing.assert_allclose(together["loss"][1], alone["loss"][0], rtol=1e-12)
    assert together["loss"].shape == (2, 20)


def test_recipe_relu_with_negative_start_never_moves():
    r = recipe.run("relu", range(10), iterations=50)
    dead = r["output"][:, 0] == 0
    assert dead.any(), "some seed should start with a negative pre-activation"
    np.testing.assert_array_equal(r["a"][dead], r["a0"][dead])
    assert np.all(r["output"][dead] == 0)


def test_iterations_to_target():
    out = np.array([[0.5, 0.745, 0.75], [0.1, 0.2, 0.3]])
    its = recipe.iterations_to_target(out, 0.75, 0.01)
    assert its[0] == 1 and np.isnan(its[1])


def test_depth_stats_he_preserves_and_glorot_shrinks_relu():
    he = depth_stats.forward_stats("relu", depth=20, width=128, batch=200)
    glorot = depth_stats.forward_stats("relu", depth=20, width=128, batch=200,
                                       weight_init="glorot_normal")
    assert he["std"][-1] > 0.2 and glorot["std"][-1] < 0.01


def test_selu_with_lecun_keeps_mean_zero_and_std_one():
    s = depth_stats.forward_stats("selu", depth=32, width=256, batch=500)
    assert np.all(np.abs(s["mean"]) < 0.1) and np.all(np.abs(s["std"] - 1) < 0.1)


def test_alpha_dropout_keeps_selu_normalized_and_checks_kind():
    s = depth_stats.forward_stats("selu", depth=16, width=256, batch=500, dropout=0.1,
                                  dropout_kind="alpha_dropout")
    assert np.all(np.abs(s["mean"]) < 0.15) and np.all(np.abs(s["std"] - 1) < 0.15)
    with pytest.raises(ValueError, match="dropout_kind"):
        depth_stats.forward_stats("selu", depth=1, dropout=0.1, dropout_kind="gaussian")


def test_stack_parameters_reach_the_activation():
    s = depth_stats.forward_stats("leaky_relu", depth=2, width=8, batch=10, alpha=0.01)
    assert s["mean"].shape == (2,)
    with pytest.raises(A.InvalidParameterError):
        depth_stats.forward_stats("leaky_relu", depth=2, alpha=-1.0)

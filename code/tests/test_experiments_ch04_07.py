"""Experiments behind the verdicts of the ReLU, ELU and Leaky ReLU chapters."""

import numpy as np
import pytest

from afe import claims
from afe.data import as_vectors, load_mnist
from afe.experiments import dead_units, depth_stats, mlp


@pytest.fixture(scope="module")
def digits():
    m = load_mnist("sample", verbose=False)
    train = as_vectors(m.x_train[:1000], m.y_train[:1000])
    test = as_vectors(m.x_test[:300], m.y_test[:300])
    return train, test


def _two_off_two_on(activation="relu"):
    """A 3-4-2 net whose first two hidden units are off on inputs in [0, 1]³, the others on."""
    net = mlp.init_mlp((3, 4, 2), activation, output="softmax", seed=0)
    net.weights[0][:] = 0.0
    net.weights[0][:, 0] = [0.0, 0.0, 1.0, 1.0]
    net.biases[0][:] = [-1.0, -1.0, 1.0, 1.0]
    return net


def test_dead_masks_and_gradients_of_a_hand_built_net():
    x = np.random.default_rng(0).uniform(size=(20, 3))
    y = np.eye(2)[np.arange(20) % 2]
    relu_net, leaky_net = _two_off_two_on("relu"), _two_off_two_on("leaky_relu")
    assert [m.tolist() for m in dead_units.dead_masks(relu_net, x)] == [[True, True, False, False]]
    relu_norms = dead_units.unit_gradient_norms(relu_net, x, y)[0]
    assert np.all(relu_norms[:2] == 0) and np.all(relu_norms[2:] > 0)
    # The same units on the negative side of Leaky ReLU still receive a gradient.
    assert np.all(dead_units.unit_gradient_norms(leaky_net, x, y)[0] > 0)


def test_pruning_keeps_outputs_where_units_are_dead_and_counts_parameters():
    x = np.random.default_rng(0).uniform(size=(20, 3))
    net = _two_off_two_on()
    pruned = dead_units.prune_dead(net, x)
    assert [w.shape for w in pruned.weights] == [(2, 3), (2, 2)]
    assert dead_units.parameter_count(net) == 4 * 3 + 4 + 2 * 4 + 2
    assert dead_units.parameter_count(pruned) == 2 * 3 + 2 + 2 * 2 + 2
    np.testing.assert_array_equal(mlp.forward(pruned, x)[1][-1], mlp.forward(net, x)[1][-1])
    assert len(net.weights[0]) == 4  # the original is left alone


def test_pruning_can_change_outputs_where_a_dead_unit_wakes_up():
    # Dead on inputs in [0, 1]³, alive on an input with a large first coordinate:
    # the "predictions unchanged" criterion can fail.
    net = _two_off_two_on()
    net.weights[0][0] = [0.5, 0.0, 0.0]  # z = 0.5·x₁ − 1: negative on [0, 1]³
    net.weights[1][:, 0] = [5.0, -5.0]
    x = np.random.default_rng(0).uniform(size=(20, 3))
    other = np.array([[3.0, 0.0, 0.0]])
    pruned = dead_units.prune_dead(net, x)
    assert [m.sum() for m in dead_units.dead_masks(net, x)] == [2]
    logits = [mlp.forward(n, other)[0][-1] for n in (net, pruned)]
    assert not np.allclose(*logits)


def test_tracking_does_not_change_the_training(digits):
    (x, y), (xt, yt) = digits
    kwargs = dict(lr=1.0, epochs=2, sizes=(784, 32, 32, 10), x_test=xt, y_test=yt)
    plain = dead_units.run(x, y, **kwargs)
    tracked = dead_units.run(x, y, track=True, **kwargs)
    for key in plain:
        np.testing.assert_array_equal(np.asarray(plain[key]), np.asarray(tracked[key]))
    for key in ("dead_count", "dead_earlier", "recovered", "zero_gradient", "zeros_test",
                "zeros_test_init"):
        assert tracked[key].shape == (2,)
    assert np.all(tracked["recovered"] <= tracked["dead_earlier"])
    np.testing.assert_array_equal(tracked["dead_count"] / 32, tracked["dead_trained"])
    assert 0 <= tracked["pruned_changed"] <= 1 and 0 <= tracked["pruned_params"] < 1


def test_dead_relu_units_get_no_gradient_and_first_layer_ones_never_return(digits):
    (x, y), (xt, yt) = digits
    r = dead_units.run(x, y, lr=1.0, epochs=3, sizes=(784, 32, 32, 10), x_test=xt,
                       y_test=yt, track=True)
    assert r["dead_count"].sum() > 0  # this step kills units, so the checks below bite
    assert r["dead_max_gradient"] == 0 and r["dead_zero_gradient"] == r["dead_count"].sum()
    assert r["recovered"][0] == 0  # fixed inputs, zero gradient: no way back
    assert r["pruned_changed"] == 0 or r["pruned_changed"] < 0.05


def test_leaky_units_always_get_a_gradient(digits):
    (x, y), (xt, yt) = digits
    r = dead_units.run(x, y, activation="leaky_relu", lr=0.1, bias=-0.5, epochs=1,
                       sizes=(784, 32, 32, 10), x_test=xt, y_test=yt, track=True)
    assert not r["diverged"] and r["dead_earlier"].sum() > 0
    assert np.all(r["zero_gradient"] == 0) and r["dead_zero_gradient"] == 0
    # Used as a criterion, "zero-gradient units of ReLU > 0" fails on a Leaky network.
    control = claims.Criterion("units with zero gradient", float(r["zero_gradient"].mean()),
                               ">", 0, domain=(0, 1))
    assert not control.met


def test_relative_means_one_row_per_seed():
    rel = depth_stats.relative_means("elu", (0, 3), depth=4, width=16, batch=50, alpha=1.0)
    assert rel.shape == (2, 4)
    s = depth_stats.forward_stats("elu", depth=4, width=16, batch=50, alpha=1.0, seed=3)
    np.testing.assert_array_equal(rel[1], s["mean"] / s["std"])
    assert not np.array_equal(rel[0], rel[1])
    with pytest.raises(ValueError, match="seed"):
        depth_stats.relative_means("relu", (), depth=2)

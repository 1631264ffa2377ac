"""Experiments of the chapter "ReLU in practice": the tips' training runs (afe.experiments.relu_tips)."""

import numpy as np
import pytest

from afe import book
from afe.data import as_vectors, load_mnist
from afe.experiments import mlp, relu_tips


@pytest.fixture(scope="module")
def digits():
    m = load_mnist("sample", verbose=False)
    x, y = as_vectors(m.x_train[:400], m.y_train[:400])
    x_test, y_test = as_vectors(m.x_test[:200], m.y_test[:200])
    return x, y, x_test, y_test


def test_init_runs_records_every_initializer_and_seed(digits):
    runs = relu_tips.init_runs(*digits, seeds=(0, 1), depth=3, width=8, epochs=2)
    assert len(runs) == 2 * 2
    assert list(runs["init"]) == ["he_normal", "he_normal", "glorot_normal", "glorot_normal"]
    assert list(runs["seed"]) == [0, 1, 0, 1]
    assert runs["test accuracy"].between(0, 1).all() and (runs["training loss"] > 0).all()


def test_init_runs_differ_only_in_the_initializer(digits):
    """The same initializer twice gives the same numbers: nothing else varies."""
    runs = relu_tips.init_runs(*digits, inits=("he_normal", "he_normal"), seeds=(0,), depth=2,
                               width=8, epochs=1)
    assert runs["training loss"].iloc[0] == runs["training loss"].iloc[1]


def test_init_runs_refuses_an_unknown_initializer(digits):
    with pytest.raises(ValueError):
        relu_tips.init_runs(*digits, inits=("xavier",), seeds=(0,), depth=2, width=8, epochs=1)


def test_the_penalty_criterion_can_fail(digits):
    """A penalty far too strong raises the test loss: the chapter's criterion is no tautology."""
    runs = relu_tips.penalty_runs(*digits, penalties={"none": {}, "L2": {"l2": 1.0}},
                                  seeds=(0,), n_train=200, sizes=(784, 16, 10), epochs=5)
    loss = runs.set_index("penalty")["test loss"]
    criterion = book.Criterion("test loss, none minus L2", loss["none"] - loss["L2"], ">", 0)
    assert not criterion.met


def test_l1_penalty_drives_weights_to_zero_and_refuses_negative_strengths(digits):
    x, y, _, _ = digits
    nets = {l1: mlp.init_mlp((784, 16, 10), "relu", output="softmax", seed=0) for l1 in (0.0, 1e-2)}
    for l1, net in nets.items():
        mlp.train_sgd(net, x, y, epochs=3, lr=0.1, l1=l1)
    # Each step moves a weight by lr·l1 = 1e-3 towards 0, so it ends jittering within 1e-3 of it.
    sparsity = {l1: relu_tips.weight_sparsity(net, tol=5e-3) for l1, net in nets.items()}
    assert sparsity[1e-2] > sparsity[0.0] + 0.2
    with pytest.raises(ValueError, match="non-negative"):
        mlp.train_sgd(nets[0.0], x, y, epochs=1, l1=-1.0)


def test_weight_sparsity_counts_small_weights():
    net = mlp.init_mlp((2, 2, 1), "relu", seed=0)
    net.weights = [np.array([[0.0, 1.0], [1e-4, -2.0]]), np.array([[5e-4, 3.0]])]
    assert relu_tips.weight_sparsity(net, tol=1e-3) == pytest.approx(3 / 6)
    with pytest.raises(ValueError):
        relu_tips.weight_sparsity(net, tol=0)


def test_penalty_runs_table(digits):
    runs = relu_tips.penalty_runs(*digits, penalties={"none": {}, "L2": {"l2": 1e-2}},
                                  seeds=(0, 1), n_train=100, sizes=(784, 16, 10), epochs=2)
    assert list(runs["penalty"]) == ["none", "L2", "none", "L2"]
    assert {"test accuracy", "test loss", "weight norm", "near-zero weights",
            "zero activations", "largest activation"} <= set(runs.columns)
    none, l2 = runs[runs["penalty"] == "none"], runs[runs["penalty"] == "L2"]
    assert (l2["weight norm"].to_numpy() < none["weight norm"].to_numpy()).all()
    with pytest.raises(ValueError, match="n_train"):
        relu_tips.penalty_runs(*digits, penalties={"none": {}}, n_train=10**6)
    with pytest.raises(ValueError, match="only l1 and l2"):
        relu_tips.penalty_runs(*digits, penalties={"bad": {"lr": 1.0}}, n_train=10)


def test_dead_unit_run_counts_dead_units_and_scores_divergence_as_zero(digits):
    x, y, x_test, y_test = digits
    row = relu_tips.dead_unit_run(x, y, x_test, y_test, lr=0.1, sizes=(784, 16, 16, 10),
                                  epochs=1)
    assert set(row) == {"learning rate", "bias", "seed", "diverged", "dead units",
                        "dead (worst layer)", "test accuracy"}
    assert 0 <= row["dead units"] <= 32 and not row["diverged"]
    # A huge learning rate on a shallow net kills (nearly) every unit.
    dead = relu_tips.dead_unit_run(x, y, x_test, y_test, lr=50.0, sizes=(784, 16, 10), epochs=1)
    assert dead["dead units"] == 16 * dead["dead (worst layer)"] >= 12

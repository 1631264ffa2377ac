"""Sparsity and dead units of ReLU-like networks on MNIST, at initialization and after training.

Two measures per hidden layer, over a whole data set:

- **zeros**: the share of exact zeros among the hidden activations
  (representational sparsity, as in Glorot, Bordes & Bengio 2011);
- **dead**: the share of units whose weighted input is ≤ 0 for *every* input.
  For ReLU such a unit outputs 0 everywhere and its weights and bias receive
  no gradient, so it cannot revive itself; only a change in the layers below
  it can (never in the first hidden layer, whose inputs are the fixed data).
  For Leaky ReLU the same units still output αz and still receive gradient
  α·δ, so they are stuck in the negative branch, not dead; the measure is
  kept under the same name to compare like with like.

With ``track=True``, :func:`run` also follows the units through training
(which were dead at initialization and after each epoch, and which of those
came back), measures the gradient that reaches every hidden unit's incoming
weights at the end, counts exact zeros on the test inputs, and prunes the
dead units to see what removing them changes (:func:`prune_dead`).
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np

from . import mlp

__all__ = ["layer_activity", "dead_masks", "unit_gradient_norms", "prune_dead",
           "parameter_count", "run", "sweep"]


def _activity(zs: list[np.ndarray], acts: list[np.ndarray]) -> dict[str, np.ndarray]:
    hidden = range(len(zs) - 1)
    return {
        "zeros": np.array([np.mean(acts[l + 1] == 0) for l in hidden]),
        "dead": np.array([np.mean(np.all(zs[l] <= 0, axis=0)) for l in hidden]),
    }


def layer_activity(net: mlp.MLP, x: np.ndarray) -> dict[str, np.ndarray]:
    """``zeros`` and ``dead`` (see the module text) for each hidden layer of ``net`` on ``x``."""
    return _activity(*mlp.forward(net, x))


def _dead(zs: list[np.ndarray]) -> list[np.ndarray]:
    return [np.all(z <= 0, axis=0) for z in zs[:-1]]


def dead_masks(net: mlp.MLP, x: np.ndarray) -> list[np.ndarray]:
    """For each hidden layer, a boolean per unit: its weighted input is ≤ 0 on every row of ``x``."""
    return _dead(mlp.forward(net, x)[0])


def _gradient_norms(grad_w: list[np.ndarray], grad_b: list[np.ndarray]) -> list[np.ndarray]:
    return [np.sqrt((gw * gw).sum(axis=1) + gb * gb) for gw, gb in zip(grad_w[:-1], grad_b[:-1])]


def unit_gradient_norms(net: mlp.MLP, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """Size of the gradient that reaches each hidden unit's incoming weights.

    Args:
        net: the network.
        x, y: the examples and their one-hot labels; the gradient is the
            mean over all of them (one full batch).

    Returns:
        For each hidden layer, an array with one value per unit: the
        Euclidean norm of ∂C/∂W for the unit's row of incoming weights
        together with ∂C/∂b for its bias. It is exactly 0 when the unit's
        error δ is 0 on every example, as for a dead ReLU unit.
    """
    return _gradient_norms(*mlp.gradients(net, x, y))


def parameter_count(net: mlp.MLP) -> int:
    """Number of weights and biases of ``net``."""
    return int(sum(w.size + b.size for w, b in zip(net.weights, net.biases)))


def _prune(net: mlp.MLP, dead: list[np.ndarray]) -> mlp.MLP:
    weights = [w.copy() for w in net.weights]
    biases = [b.copy() for b in net.biases]
    for l, mask in enumerate(dead):
        keep = ~mask
        weights[l], biases[l] = weights[l][keep], biases[l][keep]
        weights[l + 1] = weights[l + 1][:, keep]
    return mlp.MLP(weights, biases, net.hidden, net.output)


def prune_dead(net: mlp.MLP, x: np.ndarray) -> mlp.MLP:
    """A copy of ``net`` without the hidden units that are dead on ``x``.

    A unit is removed with its incoming weights, its bias and its outgoing
    weights. For ReLU a unit dead on ``x`` outputs 0 on every row of ``x``,
    so the pruned network computes exactly the same outputs there; on other
    inputs (test digits, say) the unit may be active, and its removal can
    change the outputs.

    Args:
        net: the trained network (left unchanged).
        x: the inputs on which "dead" is decided, usually the training set.

    Returns:
        The pruned network, a new :class:`afe.experiments.mlp.MLP`.
    """
    return _prune(net, dead_masks(net, x))


def _hits(acts: list[np.ndarray], y: np.ndarray) -> float:
    return float((acts[-1].argmax(axis=1) == y.argmax(axis=1)).mean())


def _tracking(net: mlp.MLP, zs: list[np.ndarray], acts: list[np.ndarray], y: np.ndarray,
              checkpoints: list[list[np.ndarray]], x_test: np.ndarray | None) -> dict:
    """The measures that ``run(track=True)`` adds, from the trained net's forward pass on x."""
    dead_end = _dead(zs)
    dead_before = [np.zeros_like(m) for m in dead_end]
    for masks in checkpoints:
        dead_before = [b | m for b, m in zip(dead_before, masks)]
    norms = _gradient_norms(*mlp.backprop(net, zs, acts, y))
    dead_norms = np.concatenate([n[m] for n, m in zip(norms, dead_end)])
    live_norms = np.concatenate([n[~m] for n, m in zip(norms, dead_end)])
    out = {
        "dead_count": np.array([m.sum() for m in dead_end]),
        "dead_earlier": np.array([m.sum() for m in dead_before]),
        "recovered": np.array([(b & ~m).sum() for b, m in zip(dead_before, dead_end)]),
        "zero_gradient": np.array([np.mean(n == 0) for n in norms]),
        "dead_zero_gradient": int(np.sum(dead_norms == 0)),
        "dead_max_gradient": float(dead_norms.max()) if dead_norms.size else np.nan,
        "live_min_gradient": float(live_norms.min()) if live_norms.size else np.nan,
    }
    if x_test is not None:
        zt, at = mlp.forward(net, x_test)
        pruned = _prune(net, dead_end)
        out["zeros_test"] = _activity(zt, at)["zeros"]
        out["pruned_changed"] = float(np.mean(mlp.forward(pruned, x_test)[1][-1].argmax(axis=1)
                                              != at[-1].argmax(axis=1)))
        out["pruned_params"] = 1 - parameter_count(pruned) / parameter_count(net)
    return out


def run(x: np.ndarray, y: np.ndarray, *, activation: str = "relu", lr: float = 0.1,
        weight_init: str | None = None, bias: float = 0.0, epochs: int = 2,
        sizes: tuple[int, ...] = (784, 256, 256, 10), l2: float = 0.0,
        seed: int = 0, x_test: np.ndarray | None = None, y_test: np.ndarray | None = None,
        track: bool = False) -> dict:
    """Train one softmax MLP with SGD and measure its hidden layers before and after.

    Args:
        x, y: training inputs (rows) and one-hot labels.
        activation: registry name of the hidden activation.
        lr: SGD learning rate (batches of 64).
        weight_init: an :mod:`afe.initializers` name; default: the
            registry's usual one for ``activation``.
        bias: constant initial bias of the hidden units.
        epochs: passes over ``x``.
        sizes: units per layer, input first.
        l2: L2 penalty on the weights.
        seed: seed of the initial weights and of the order of the batches.
        x_test, y_test: test data, for the test accuracy (and, with
            ``track``, the zeros on test inputs and the effect of pruning).
        track: also follow the units through training (see the module
            text). The training itself is the same with or without it.

    Returns:
        A dict: the configuration (``activation``, ``lr``, ``init``,
        ``bias``, ``l2``, ``seed``); ``diverged`` (the weights overflowed:
        every trained measure is then NaN); for ``init`` and ``trained``, the
        per-layer ``zeros`` and ``dead`` shares on ``x``; the training
        accuracy, the weights' norm, and the test accuracy when test data is
        given.

        With ``track``, and unless the run diverged, also, per hidden layer:
        ``dead_count``, the units dead at the end; ``dead_earlier``, the
        units dead at some checkpoint before the end (at initialization or
        after an epoch but the last); ``recovered``, how many of those are
        alive at the end; ``zero_gradient``, the share of units whose
        incoming weights get an exactly zero gradient on ``x`` at the end
        (see :func:`unit_gradient_norms`). Over all hidden layers:
        ``dead_zero_gradient``, the dead units among those;
        ``dead_max_gradient`` (NaN without dead units) and
        ``live_min_gradient``, the largest gradient reaching a dead unit and
        the smallest reaching a live one. With test data: ``zeros_test``
        and ``zeros_test_init`` (per layer, the share of exact zeros on
        ``x_test`` after training and at initialization; the latter also
        for a run that diverged),
        ``pruned_changed`` (the share of test predictions that change when
        the units dead on ``x`` are pruned, see :func:`prune_dead`) and
        ``pruned_params`` (the share of the network's parameters pruned).
    """
    net = mlp.init_mlp(sizes, activation, weight_init=weight_init, bias_init=bias,
                       output="softmax", seed=seed)
    zs, acts = mlp.forward(net, x)
    before = _activity(zs, acts)
    checkpoints: list[list[np.ndarray]] = [_dead(zs)] if track else []
    if track and x_test is not None:
        zeros_test_init = layer_activity(net, x_test)["zeros"]

    def after_epoch(net: mlp.MLP, epoch: int) -> None:
        if epoch < epochs - 1 and all(np.all(np.isfinite(w)) for w in net.weights):
            checkpoints.append(dead_masks(net, x))

    # A learning rate that is too large makes the weights overflow; that is a
    # result ("diverged"), reported as such rather than as NumPy warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        mlp.train_sgd(net, x, y, epochs=epochs, lr=lr, l2=l2, seed=seed,
                      on_epoch=after_epoch if track else None)
    diverged = not all(np.all(np.isfinite(p)) for p in (*net.weights, *net.biases))
    nan = np.full(len(sizes) - 2, np.nan)
    if diverged:
        after, train_accuracy = {"zeros": nan, "dead": nan}, np.nan
    else:
        zs, acts = mlp.forward(net, x)
        after, train_accuracy = _activity(zs, acts), _hits(acts, y)
    result = {
        "activation": activation, "lr": lr, "init": weight_init or net.hidden.spec.initializer,
        "bias": bias, "l2": l2, "seed": seed, "diverged": diverged,
        "zeros_init": before["zeros"], "dead_init": before["dead"],
        "zeros_trained": after["zeros"], "dead_trained": after["dead"],
        "train_accuracy": train_accuracy,
        "weight_norm": np.nan if diverged else float(np.sqrt(sum((w * w).sum() for w in net.weights))),
    }
    if x_test is not None:
        result["test_accuracy"] = np.nan if diverged else mlp.accuracy(net, x_test, y_test)
    if track and x_test is not None:
        result["zeros_test_init"] = zeros_test_init
    if track and not diverged:
        result.update(_tracking(net, zs, acts, y, checkpoints, x_test))
    return result


def sweep(x: np.ndarray, y: np.ndarray, configs: Iterable[Mapping], **common) -> list[dict]:
    """:func:`run` for every configuration (keyword dicts), sharing ``common`` keywords."""
    return [run(x, y, **{**common, **config}) for config in configs]

"""Sparsity and dead units of ReLU-like networks on MNIST, at initialization and after training.

Two measures per hidden layer, over a whole data set:

- **zeros**: the share of exact zeros among the hidden activations
  (representational sparsity, as in Glorot, Bordes & Bengio 2011);
- **dead**: the share of units whose weighted input is ≤ 0 for *every* input.
  For ReLU such a unit outputs 0 everywhere and receives no gradient, so no
  example can revive it. For Leaky ReLU the same units still output αz and
  still receive gradient α·δ, so they are stuck in the negative branch, not
  dead; the measure is kept under the same name to compare like with like.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np

from . import mlp

__all__ = ["layer_activity", "run", "sweep"]


def layer_activity(net: mlp.MLP, x: np.ndarray) -> dict[str, np.ndarray]:
    """``zeros`` and ``dead`` (see the module text) for each hidden layer of ``net`` on ``x``."""
    zs, acts = mlp.forward(net, x)
    hidden = range(len(net.weights) - 1)
    return {
        "zeros": np.array([np.mean(acts[l + 1] == 0) for l in hidden]),
        "dead": np.array([np.mean(np.all(zs[l] <= 0, axis=0)) for l in hidden]),
    }


def run(x: np.ndarray, y: np.ndarray, *, activation: str = "relu", lr: float = 0.1,
        weight_init: str | None = None, bias: float = 0.0, epochs: int = 2,
        sizes: tuple[int, ...] = (784, 256, 256, 10), l2: float = 0.0,
        seed: int = 0, x_test: np.ndarray | None = None, y_test: np.ndarray | None = None) -> dict:
    """Train one softmax MLP with SGD and measure its hidden layers before and after.

    Returns the configuration, ``diverged`` (the weights overflowed: every
    trained measure is then NaN) and, for ``init`` and ``trained``, the
    per-layer ``zeros`` and ``dead`` shares on ``x``; plus the training
    accuracy, the weights' norm, and the test accuracy when test data is given.
    """
    net = mlp.init_mlp(sizes, activation, weight_init=weight_init, bias_init=bias,
                       output="softmax", seed=seed)
    before = layer_activity(net, x)
    # A learning rate that is too large makes the weights overflow; that is a
    # result ("diverged"), reported as such rather than as NumPy warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        mlp.train_sgd(net, x, y, epochs=epochs, lr=lr, l2=l2, seed=seed)
    diverged = not all(np.all(np.isfinite(p)) for p in (*net.weights, *net.biases))
    nan = np.full(len(sizes) - 2, np.nan)
    after = {"zeros": nan, "dead": nan} if diverged else layer_activity(net, x)
    result = {
        "activation": activation, "lr": lr, "init": weight_init or net.hidden.spec.initializer,
        "bias": bias, "l2": l2, "diverged": diverged,
        "zeros_init": before["zeros"], "dead_init": before["dead"],
        "zeros_trained": after["zeros"], "dead_trained": after["dead"],
        "train_accuracy": np.nan if diverged else mlp.accuracy(net, x, y),
        "weight_norm": np.nan if diverged else float(np.sqrt(sum((w * w).sum() for w in net.weights))),
    }
    if x_test is not None:
        result["test_accuracy"] = np.nan if diverged else mlp.accuracy(net, x_test, y_test)
    return result


def sweep(x: np.ndarray, y: np.ndarray, configs: Iterable[Mapping], **common) -> list[dict]:
    """:func:`run` for every configuration (keyword dicts), sharing ``common`` keywords."""
    return [run(x, y, **{**common, **config}) for config in configs]

"""What happens when every weight and bias starts at zero.

A source claims that sigmoid and tanh networks may be initialized with all
weights and biases zero. Then every hidden unit of a layer computes the same
function of the input, receives the same gradient and takes the same step,
so they stay identical forever: the layer behaves like a single unit, however
wide it is. :func:`train_from_zero` trains such a network and counts how many
*different* hidden units it ends up with.
"""

from __future__ import annotations

import numpy as np

from . import mlp

__all__ = ["distinct_units", "train_from_zero"]


def distinct_units(weights: np.ndarray, biases: np.ndarray, rtol: float = 1e-9) -> int:
    """Number of different hidden units: rows of (W | b) that differ by more than ``rtol``."""
    rows = np.hstack([weights, biases[:, None]])
    scale = max(np.abs(rows).max(), 1e-300)
    return len(np.unique(np.round(rows / scale / rtol), axis=0))


def train_from_zero(activation: str, x: np.ndarray, y: np.ndarray, *, zero: bool = True,
                    hidden: int = 32, epochs: int = 3, lr: float = 0.1, seed: int = 0,
                    x_test: np.ndarray | None = None, y_test: np.ndarray | None = None) -> dict:
    """Train a one-hidden-layer softmax network from all-zero (or the usual random) parameters.

    Returns the number of distinct hidden units and the hidden weights' norm
    before and after training, and the accuracy (test accuracy if given).
    """
    net = mlp.init_mlp((x.shape[1], hidden, y.shape[1]), activation, output="softmax", seed=seed)
    if zero:
        net.weights = [np.zeros_like(w) for w in net.weights]
        net.biases = [np.zeros_like(b) for b in net.biases]
    before = distinct_units(net.weights[0], net.biases[0])
    mlp.train_sgd(net, x, y, epochs=epochs, lr=lr, seed=seed)
    xa, ya = (x, y) if x_test is None else (x_test, y_test)
    return {
        "activation": activation, "zero init": zero,
        "distinct hidden units before": before,
        "distinct hidden units after": distinct_units(net.weights[0], net.biases[0]),
        "hidden weight norm after": float(np.linalg.norm(net.weights[0])),
        "accuracy": mlp.accuracy(net, xa, ya),
    }

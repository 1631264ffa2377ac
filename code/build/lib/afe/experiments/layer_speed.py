"""How fast each hidden layer learns: Nielsen's measurement, for every activation.

Nielsen (*Neural Networks and Deep Learning*, 2015, chapter 5) measures the
"speed of learning" of hidden layer l as the length of the gradient of the
cost with respect to that layer's biases, ‖∂C/∂b^l‖, averaged over 1,000
MNIST training images. His networks are fully connected, with sigmoid hidden
and output units, the cross-entropy cost, weights drawn from N(0, 1/n_in) and
biases from N(0, 1). This module is a small NumPy implementation of exactly
that network, with the hidden activation and the initializers as parameters,
so the same measurement can be repeated for every activation of the registry.
The network itself is :mod:`afe.experiments.mlp`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .mlp import MLP, _cost_from_logits, backprop, forward, gradients, init_mlp

__all__ = [
    "NIELSEN_2015",
    "hidden_bias_gradient_norms",
    "speeds_at_init",
    "train_speeds",
]

#: The speeds Nielsen published for sigmoid networks at initialization
#: (‖∂C/∂b^l‖ of each hidden layer, first to last), chapter 5 of his book.
NIELSEN_2015: dict[tuple[int, ...], tuple[float, ...]] = {
    (784, 30, 30, 10): (0.07, 0.31),
    (784, 30, 30, 30, 10): (0.012, 0.060, 0.283),
    (784, 30, 30, 30, 30, 10): (0.003, 0.017, 0.070, 0.285),
}


def hidden_bias_gradient_norms(net: MLP, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Nielsen's speed of learning: ‖mean ∂C/∂b^l‖ for each hidden layer, first to last."""
    _, grad_b = gradients(net, x, y)
    return np.array([np.linalg.norm(g) for g in grad_b[:-1]])


def speeds_at_init(sizes: Sequence[int], hidden: str, x: np.ndarray, y: np.ndarray,
                   seeds: Sequence[int], **init) -> np.ndarray:
    """Speeds of the hidden layers at initialization, one row per seed: shape (seeds, hidden layers)."""
    return np.array([
        hidden_bias_gradient_norms(init_mlp(sizes, hidden, seed=s, **init), x, y) for s in seeds
    ])


def train_speeds(sizes: Sequence[int], hidden: str, x: np.ndarray, y: np.ndarray, *,
                 epochs: int = 500, eta: float = 0.1, lmbda: float = 5.0, seed: int = 0,
                 **init) -> dict[str, np.ndarray]:
    """Full-batch gradient descent as in Nielsen's experiment, recording the speeds every epoch.

    The update is Nielsen's (``network2.py``): W ← (1 − ηλ/n)W − η ∂C/∂W and
    b ← b − η ∂C/∂b, with n the number of training images (L2 regularization).

    Returns:
        ``speeds`` (epochs, hidden layers), ``cost`` (epochs,) and
        ``accuracy`` (epochs,) on the training images, each measured before
        that epoch's update.
    """
    net = init_mlp(sizes, hidden, seed=seed, **init)
    n = x.shape[0]
    labels = y.argmax(axis=1)
    speeds, costs, accuracy = [], [], []
    for _ in range(epochs):
        zs, acts = forward(net, x)
        grad_w, grad_b = backprop(net, zs, acts, y)
        speeds.append([np.linalg.norm(g) for g in grad_b[:-1]])
        costs.append(_cost_from_logits(zs[-1], y, net.output))
        accuracy.append(float((acts[-1].argmax(axis=1) == labels).mean()))
        decay = 1 - eta * lmbda / n
        net.weights = [decay * w - eta * gw for w, gw in zip(net.weights, grad_w)]
        net.biases = [b - eta * gb for b, gb in zip(net.biases, grad_b)]
    return {"speeds": np.array(speeds), "cost": np.array(costs), "accuracy": np.array(accuracy)}

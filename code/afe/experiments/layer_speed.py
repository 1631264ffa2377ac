"""How fast each hidden layer learns: Nielsen's measurement, for every activation.

Nielsen (*Neural Networks and Deep Learning*, 2015, chapter 5) measures the
"speed of learning" of hidden layer l as the length of the gradient of the
cost with respect to that layer's biases, ‖∂C/∂b^l‖, averaged over 1,000
MNIST training images. His networks are fully connected, with sigmoid hidden
and output units, the cross-entropy cost, weights drawn from N(0, 1/n_in) and
biases from N(0, 1). This module is a small NumPy implementation of exactly
that network, with the hidden activation and the initializers as parameters,
so the same measurement can be repeated for every activation of the registry.
Its gradients are checked against TensorFlow autodiff in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .. import activations, initializers

__all__ = [
    "NIELSEN_2015",
    "MLP",
    "init_mlp",
    "forward",
    "cost",
    "gradients",
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


@dataclass
class MLP:
    """A fully connected network: hidden layers with ``hidden``, sigmoid outputs, cross-entropy cost."""

    weights: list[np.ndarray]  # layer l: (n_out, n_in)
    biases: list[np.ndarray]  # layer l: (n_out,)
    hidden: activations.Activation

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.weights[0].shape[1], *(w.shape[0] for w in self.weights))


def init_mlp(sizes: Sequence[int], hidden: str | activations.Activation = "sigmoid", *,
             weight_init: str | None = None, bias_init: str = "zeros", seed: int = 0) -> MLP:
    """A freshly initialized network.

    Args:
        sizes: units per layer, input first, e.g. ``(784, 30, 30, 10)``.
        hidden: the hidden activation (a registry name or a bound activation).
        weight_init: an initializer of :mod:`afe.initializers`; default: the
            registry's usual one for ``hidden``.
        bias_init: ``"zeros"`` (Keras's default) or ``"normal"`` (N(0, 1), Nielsen's).
        seed: seed of the random draws.
    """
    act = activations.get(hidden) if isinstance(hidden, str) else hidden
    weight_init = weight_init or act.spec.initializer
    if bias_init not in ("zeros", "normal"):
        raise ValueError(f"bias_init must be 'zeros' or 'normal', got {bias_init!r}")
    if len(sizes) < 2 or any(int(n) != n or n < 1 for n in sizes):
        raise ValueError(f"sizes must be two or more positive integers, got {sizes!r}")
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights.append(initializers.draw(weight_init, n_in, n_out, rng))
        biases.append(rng.standard_normal(n_out) if bias_init == "normal" else np.zeros(n_out))
    return MLP(weights, biases, act)


def forward(net: MLP, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Weighted inputs z and activations a of every layer for a batch ``x`` of shape (m, n_in).

    Returns ``(zs, activations)``; ``activations[0]`` is ``x`` itself.
    """
    a, zs, acts = x, [], [x]
    last = len(net.weights) - 1
    for l, (w, b) in enumerate(zip(net.weights, net.biases)):
        z = a @ w.T + b
        a = activations.sigmoid(z) if l == last else net.hidden(z)
        zs.append(z)
        acts.append(a)
    return zs, acts


def cost(net: MLP, x: np.ndarray, y: np.ndarray) -> float:
    """Mean cross-entropy cost, −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)], over the batch."""
    zs, _ = forward(net, x)
    return _cost_from_logits(zs[-1], y)


def gradients(net: MLP, x: np.ndarray, y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Backpropagation: the batch mean of ∂C/∂W and ∂C/∂b for every layer.

    With sigmoid outputs and the cross-entropy cost the output error is
    δ^L = a^L − y; each hidden layer's error is δ^l = (δ^{l+1} W^{l+1}) ⊙ g'(z^l),
    with g' the registry's hand-written derivative.
    """
    zs, acts = forward(net, x)
    return _backprop(net, zs, acts, y)


def _backprop(net: MLP, zs: list[np.ndarray], acts: list[np.ndarray], y: np.ndarray):
    m = y.shape[0]
    delta = acts[-1] - y
    grad_w, grad_b = [None] * len(net.weights), [None] * len(net.weights)
    for l in range(len(net.weights) - 1, -1, -1):
        grad_w[l] = delta.T @ acts[l] / m
        grad_b[l] = delta.mean(axis=0)
        if l > 0:
            delta = (delta @ net.weights[l]) * net.hidden.derivative(zs[l - 1])
    return grad_w, grad_b


def _cost_from_logits(z: np.ndarray, y: np.ndarray) -> float:
    # ln σ(z) = −softplus(−z) and ln(1 − σ(z)) = −softplus(z): exact and overflow-free.
    per_unit = y * activations.softplus(-z) + (1 - y) * activations.softplus(z)
    return float(per_unit.sum(axis=1).mean())


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
        grad_w, grad_b = _backprop(net, zs, acts, y)
        speeds.append([np.linalg.norm(g) for g in grad_b[:-1]])
        costs.append(_cost_from_logits(zs[-1], y))
        accuracy.append(float((acts[-1].argmax(axis=1) == labels).mean()))
        decay = 1 - eta * lmbda / n
        net.weights = [decay * w - eta * gw for w, gw in zip(net.weights, grad_w)]
        net.biases = [b - eta * gb for b, gb in zip(net.biases, grad_b)]
    return {"speeds": np.array(speeds), "cost": np.array(costs), "accuracy": np.array(accuracy)}

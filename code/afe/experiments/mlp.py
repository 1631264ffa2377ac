"""A small fully connected network in NumPy, built on the registry's hand-written derivatives.

Used where an experiment must see inside the network (every layer's weighted
inputs, activations and gradients) and where speed matters more than
generality: Nielsen's layer speeds, dead-unit counts, the ReLU tips. Hidden
layers use any registered activation; the output layer is either sigmoid
units or a softmax, both with the matching cross-entropy cost, for which the
output error is simply δ^L = a^L − y. Its gradients are checked against
TensorFlow autodiff in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .. import activations, initializers

__all__ = ["MLP", "init_mlp", "forward", "cost", "gradients", "backprop", "accuracy", "train_sgd"]

OUTPUTS = ("sigmoid", "softmax")


@dataclass
class MLP:
    """Weights (n_out, n_in) and biases (n_out,) per layer, the hidden activation, the output kind."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    hidden: activations.Activation
    output: str = "sigmoid"

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.weights[0].shape[1], *(w.shape[0] for w in self.weights))


def init_mlp(sizes: Sequence[int], hidden: str | activations.Activation = "sigmoid", *,
             weight_init: str | None = None, bias_init: str | float = "zeros",
             output: str = "sigmoid", seed: int = 0) -> MLP:
    """A freshly initialized network.

    Args:
        sizes: units per layer, input first, e.g. ``(784, 30, 30, 10)``.
        hidden: the hidden activation (a registry name or a bound activation).
        weight_init: an initializer of :mod:`afe.initializers`; default: the
            registry's usual one for ``hidden``.
        bias_init: ``"zeros"`` (Keras's default), ``"normal"`` (N(0, 1),
            Nielsen's) or a number (a constant, such as ReLU's 0.1), for the
            hidden layers; output biases start at 0 unless ``"normal"``.
        output: ``"sigmoid"`` (independent sigmoid units) or ``"softmax"``.
        seed: seed of the random draws.
    """
    act = activations.get(hidden) if isinstance(hidden, str) else hidden
    weight_init = weight_init or act.spec.initializer
    if not (bias_init in ("zeros", "normal") or isinstance(bias_init, (int, float))):
        raise ValueError(f"bias_init must be 'zeros', 'normal' or a number, got {bias_init!r}")
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {OUTPUTS}, got {output!r}")
    if len(sizes) < 2 or any(int(n) != n or n < 1 for n in sizes):
        raise ValueError(f"sizes must be two or more positive integers, got {sizes!r}")
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    last = len(sizes) - 2
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        weights.append(initializers.draw(weight_init, n_in, n_out, rng))
        if bias_init == "normal":
            biases.append(rng.standard_normal(n_out))
        elif bias_init == "zeros" or l == last:
            biases.append(np.zeros(n_out))
        else:
            biases.append(np.full(n_out, float(bias_init)))
    return MLP(weights, biases, act, output)


def _output(z: np.ndarray, kind: str) -> np.ndarray:
    if kind == "sigmoid":
        return activations.sigmoid(z)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward(net: MLP, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Weighted inputs z and activations a of every layer for a batch ``x`` of shape (m, n_in).

    Returns ``(zs, activations)``; ``activations[0]`` is ``x`` itself.
    """
    a, zs, acts = x, [], [x]
    last = len(net.weights) - 1
    for l, (w, b) in enumerate(zip(net.weights, net.biases)):
        z = a @ w.T + b
        a = _output(z, net.output) if l == last else net.hidden(z)
        zs.append(z)
        acts.append(a)
    return zs, acts


def _cost_from_logits(z: np.ndarray, y: np.ndarray, kind: str) -> float:
    if kind == "sigmoid":
        # ln σ(z) = −softplus(−z) and ln(1 − σ(z)) = −softplus(z): exact and overflow-free.
        per_unit = y * activations.softplus(-z) + (1 - y) * activations.softplus(z)
        return float(per_unit.sum(axis=1).mean())
    zmax = z.max(axis=1, keepdims=True)
    log_softmax = z - zmax - np.log(np.exp(z - zmax).sum(axis=1, keepdims=True))
    return float(-(y * log_softmax).sum(axis=1).mean())


def cost(net: MLP, x: np.ndarray, y: np.ndarray) -> float:
    """Mean cross-entropy cost over the batch (sigmoid units: summed over outputs)."""
    zs, _ = forward(net, x)
    return _cost_from_logits(zs[-1], y, net.output)


def backprop(net: MLP, zs: list[np.ndarray], acts: list[np.ndarray], y: np.ndarray):
    """Batch-mean ∂C/∂W and ∂C/∂b from a forward pass's ``zs`` and ``acts``.

    The output error is δ^L = a^L − y (for both output kinds with their
    cross-entropy); each hidden layer's is δ^l = (δ^{l+1} W^{l+1}) ⊙ g'(z^l),
    with g' the registry's hand-written derivative.
    """
    m = y.shape[0]
    delta = acts[-1] - y
    grad_w, grad_b = [None] * len(net.weights), [None] * len(net.weights)
    for l in range(len(net.weights) - 1, -1, -1):
        grad_w[l] = delta.T @ acts[l] / m
        grad_b[l] = delta.mean(axis=0)
        if l > 0:
            delta = (delta @ net.weights[l]) * net.hidden.derivative(zs[l - 1])
    return grad_w, grad_b


def gradients(net: MLP, x: np.ndarray, y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Backpropagation on a batch: the batch mean of ∂C/∂W and ∂C/∂b for every layer."""
    zs, acts = forward(net, x)
    return backprop(net, zs, acts, y)


def accuracy(net: MLP, x: np.ndarray, y: np.ndarray) -> float:
    """Share of rows whose largest output is at the one-hot label."""
    return float((forward(net, x)[1][-1].argmax(axis=1) == y.argmax(axis=1)).mean())


def train_sgd(net: MLP, x: np.ndarray, y: np.ndarray, *, epochs: int, batch: int = 64,
              lr: float = 0.1, l1: float = 0.0, l2: float = 0.0, seed: int = 0,
              on_epoch: Callable[[MLP, int], None] | None = None) -> MLP:
    """Mini-batch SGD in place: W ← W − lr(∂C/∂W + l1·sign(W) + l2·W), b ← b − lr ∂C/∂b.

    The penalties are those of Keras's ``L1L2`` regularizer up to its
    scaling: ``l1·Σ|W| + ½·l2·ΣW²`` added to the mean cost, on the weights
    only (not the biases). The L1 term's gradient is taken as ``sign(W)``
    (0 at 0), as automatic differentiation does, so weights are pushed
    towards zero and then jitter around it rather than landing on it exactly.

    Args:
        net: the network, changed in place.
        x, y: training inputs and one-hot labels.
        epochs: passes over the data, in a fresh random order each time.
        batch: examples per step.
        lr: learning rate.
        l1, l2: strengths of the two penalties (0: none).
        seed: seed of the batch order.
        on_epoch: called as ``on_epoch(net, epoch)`` after every epoch.

    Raises:
        ValueError: if a penalty is negative.
    """
    if l1 < 0 or l2 < 0:
        raise ValueError(f"penalties must be non-negative, got l1={l1} and l2={l2}")
    rng = np.random.default_rng(seed)
    n = len(x)
    for epoch in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            grad_w, grad_b = gradients(net, x[idx], y[idx])
            if l1:
                grad_w = [gw + l1 * np.sign(w) for w, gw in zip(net.weights, grad_w)]
            net.weights = [w - lr * (gw + l2 * w) for w, gw in zip(net.weights, grad_w)]
            net.biases = [b - lr * gb for b, gb in zip(net.biases, grad_b)]
        if on_epoch is not None:
            on_epoch(net, epoch)
    return net

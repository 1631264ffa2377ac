"""The sigmoid chapter's computations: the last-layer chain rule, and where σ' saturates."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from .. import activations

__all__ = ["saturation_point", "last_layer_chain", "saturated_share", "saturation_training"]


def saturation_point(t: float) -> float:
    """The x > 0 where σ'(x) = t, for 0 < t ≤ 1/4 (σ' is symmetric, so −x too).

    σ'(x) = s(1 − s) with s = σ(x); solving s(1 − s) = t for s > 1/2 gives
    s = (1 + √(1 − 4t))/2, and x = ln(s/(1 − s)). Written with
    1 − s = 2t/(1 + √(1 − 4t)) so that tiny t loses no precision.
    """
    if not 0 < t <= 0.25:
        raise ValueError(f"sigma' takes values in (0, 1/4]; got t = {t!r}")
    root = math.sqrt(1 - 4 * t)
    s, one_minus_s = (1 + root) / 2, 2 * t / (1 + root)
    return math.log(s / one_minus_s)


def last_layer_chain(a_prev: Sequence[float], w: Sequence[float], b: float, y: float) -> dict:
    """∂C/∂w for the last layer of a network with one sigmoid output and C = ½(a − y)².

    The chain rule splits each ∂C/∂w_j into three factors:
    ∂z/∂w_j = a_prev_j, ∂a/∂z = σ'(z), ∂C/∂a = a − y.

    Returns:
        ``z``, ``a``, ``cost``, the three factors and their product
        ``gradient`` (one entry per weight), and ``autodiff``, the same
        gradient from TensorFlow's ``GradientTape`` in float64.
    """
    a_prev, w = np.asarray(a_prev, dtype=float), np.asarray(w, dtype=float)
    if a_prev.shape != w.shape or a_prev.ndim != 1:
        raise ValueError(f"a_prev and w must be 1-D and of one length; got {a_prev.shape}, {w.shape}")
    z = float(w @ a_prev + b)
    a = float(activations.sigmoid(z))
    dz_dw, da_dz, dc_da = a_prev, float(activations.sigmoid_derivative(z)), a - y

    import tensorflow as tf

    w_t = tf.Variable(w)
    with tf.GradientTape() as tape:
        out = tf.sigmoid(tf.tensordot(w_t, tf.constant(a_prev), 1) + b)
        c = 0.5 * (out - y) ** 2
    return {
        "z": z, "a": a, "cost": 0.5 * (a - y) ** 2,
        "dz_dw": dz_dw, "da_dz": da_dz, "dC_da": dc_da,
        "gradient": dz_dw * da_dz * dc_da,
        "autodiff": tape.gradient(c, w_t).numpy(),
    }


def saturated_share(x: np.ndarray, weights: np.ndarray, biases: np.ndarray | float = 0.0,
                    threshold: float = 1e-2) -> float:
    """Share of a layer's weighted inputs z = x Wᵀ + b at which σ'(z) < ``threshold``.

    Args:
        x: inputs, shape (m, n_in).
        weights: the layer's weights, shape (n_out, n_in).
        biases: its biases, shape (n_out,) or a number.
        threshold: the derivative below which a weighted input counts as
            saturated.

    Returns:
        The share, over all m × n_out weighted inputs, in [0, 1].
    """
    z = np.asarray(x) @ np.asarray(weights).T + biases
    return float(np.mean(activations.sigmoid_derivative(z) < threshold))


def saturation_training(x: np.ndarray, y: np.ndarray, *, hidden: int = 30,
                        weight_init: str = "standard_normal", epochs: int = 1,
                        batch: int = 64, lr: float = 0.5, threshold: float = 1e-2,
                        seed: int = 0) -> dict:
    """Train a [n_in, hidden, 10] sigmoid network briefly; compare saturated and unsaturated units.

    The network has one hidden layer of sigmoid units and a softmax output
    with the cross-entropy cost, trained by mini-batch SGD. For a hidden unit
    i and an image n, the image's contribution to the gradient of the unit's
    incoming weights is δᵢ xⁿ, with δᵢ = ∂C/∂zᵢ = (δ_out W₂)ᵢ σ'(zᵢ), so its
    size is |δᵢ| ‖xⁿ‖. At every step each (unit, image) pair of the batch is
    classed as saturated (σ'(zᵢ) < ``threshold``) or not, and the sizes of
    the contributions are averaged separately over the two classes.

    Args:
        x: inputs, shape (m, n_in), e.g. MNIST pixels scaled to [0, 1].
        y: one-hot labels, shape (m, 10).
        hidden: number of hidden units.
        weight_init: ``"standard_normal"`` (every first-layer weight from
            N(0, 1), as early networks drew them) or an initializer of
            :mod:`afe.initializers` (such as ``"glorot_normal"``). Biases
            start at 0; the output layer is Glorot-initialized.
        epochs: passes over ``x`` (with batches of ``batch``: a few steps).
        batch: images per step.
        lr: the learning rate.
        threshold: the derivative below which a weighted input counts as
            saturated.
        seed: seed of the initial weights and of the batches.

    Returns:
        A dict with ``share_at_init`` (share of the hidden layer's weighted
        inputs, over all of ``x``, that are saturated before training),
        ``z_std_at_init`` (the standard deviation of those weighted inputs),
        ``steps``, ``pairs_saturated`` and ``pairs_unsaturated`` (how many
        (unit, image) pairs fell in each class during training),
        ``grad_saturated`` and ``grad_unsaturated`` (mean size of a pair's
        gradient contribution in each class; NaN for an empty class),
        ``gradient_ratio`` (their quotient, saturated over unsaturated),
        ``unit_share`` (each unit's share of saturated images before
        training) and ``unit_change`` (mean |Δw| of each unit's incoming
        weights over the training), and ``share_change_correlation``, the
        correlation of the two over the units (NaN when every unit has the
        same share, as when none is ever saturated).

    Raises:
        ValueError: for shapes that do not fit or an unknown initializer.
    """
    from .. import initializers

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 2 or y.ndim != 2 or len(x) != len(y):
        raise ValueError(f"x (m, n_in) and one-hot y (m, k) must have m rows; got {x.shape}, {y.shape}")
    rng = np.random.default_rng(seed)
    n_in, n_out = x.shape[1], y.shape[1]
    if weight_init == "standard_normal":
        w1 = rng.standard_normal((hidden, n_in))
    else:
        w1 = initializers.draw(weight_init, n_in, hidden, rng)
    w2 = initializers.draw("glorot_normal", hidden, n_out, rng)
    b1, b2 = np.zeros(hidden), np.zeros(n_out)
    start = w1.copy()
    z_init = x @ w1.T + b1
    unit_share = np.mean(activations.sigmoid_derivative(z_init) < threshold, axis=0)
    sums, counts, steps = np.zeros(2), np.zeros(2), 0
    norms = np.linalg.norm(x, axis=1)
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for first in range(0, len(x), batch):
            idx = order[first:first + batch]
            xb, yb = x[idx], y[idx]
            z1 = xb @ w1.T + b1
            a1 = activations.sigmoid(z1)
            z2 = a1 @ w2.T + b2
            e = np.exp(z2 - z2.max(axis=1, keepdims=True))
            delta2 = e / e.sum(axis=1, keepdims=True) - yb
            sp = activations.sigmoid_derivative(z1)
            delta1 = (delta2 @ w2) * sp
            size = np.abs(delta1) * norms[idx, None]
            saturated = sp < threshold
            sums += size[saturated].sum(), size[~saturated].sum()
            counts += saturated.sum(), (~saturated).sum()
            m = len(idx)
            w2 -= lr * delta2.T @ a1 / m
            b2 -= lr * delta2.mean(axis=0)
            w1 -= lr * delta1.T @ xb / m
            b1 -= lr * delta1.mean(axis=0)
            steps += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
        ratio = float(means[0] / means[1])
    change = np.abs(w1 - start).mean(axis=1)
    if np.ptp(unit_share) > 0 and np.ptp(change) > 0:
        correlation = float(np.corrcoef(unit_share, change)[0, 1])
    else:  # no unit differs from another in saturation: nothing to correlate
        correlation = float("nan")
    return {
        "share_at_init": saturated_share(x, start, 0.0, threshold),
        "z_std_at_init": float(z_init.std()),
        "steps": steps,
        "pairs_saturated": int(counts[0]),
        "pairs_unsaturated": int(counts[1]),
        "grad_saturated": float(means[0]),
        "grad_unsaturated": float(means[1]),
        "gradient_ratio": ratio,
        "unit_share": unit_share,
        "unit_change": change,
        "share_change_correlation": correlation,
    }

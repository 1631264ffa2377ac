"""The sigmoid chapter's computations: the last-layer chain rule, and where σ' saturates."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from .. import activations

__all__ = ["saturation_point", "last_layer_chain"]


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

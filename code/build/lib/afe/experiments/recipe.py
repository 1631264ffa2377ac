"""Sigmoid versus ReLU on a single unit: the TensorFlow recipe, in TensorFlow 2.

The recipe (a TensorFlow 1 cookbook example) trains two one-unit models that
differ only in their activation, ``sigmoid(x·a₁ + b₁)`` and
``relu(x·a₂ + b₂)``, with a ~ N(0, 1) and b ~ U(0, 1), on 500 draws from
N(2, 0.1), in batches of 50, with plain gradient descent at learning rate
0.01 for 750 iterations, minimizing the mean squared distance of the output
from 0.75. It records the loss and the mean output at every iteration.

Here every seed is one independent copy of that experiment (its own data,
initial values and batches), and all seeds train at once as a vector of
parameters, so a dozen repetitions cost about as much as one.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["run", "iterations_to_target"]


def run(activation: str, seeds: Sequence[int], *, iterations: int = 750, lr: float = 0.01,
        batch: int = 50, n: int = 500, target: float = 0.75, mean: float = 2.0,
        sd: float = 0.1) -> dict[str, np.ndarray]:
    """Train one unit ``activation(x·a + b)`` per seed; record loss and mean output per iteration.

    Returns:
        ``loss`` and ``output`` of shape (seeds, iterations), measured on each
        iteration's batch before its update; ``a0`` and ``b0``, the initial
        values (seeds,); ``a`` and ``b``, the final ones.
    """
    import tensorflow as tf

    from .. import activations

    act = activations.get(activation).keras()
    seeds = list(seeds)
    rngs = [np.random.default_rng(s) for s in seeds]
    data = np.stack([r.normal(mean, sd, n) for r in rngs])                  # (S, n)
    a0 = np.array([r.normal() for r in rngs])
    b0 = np.array([r.uniform() for r in rngs])
    batches = np.stack([np.stack([r.choice(n, batch, replace=False) for _ in range(iterations)])
                        for r in rngs])                                      # (S, T, batch)
    xs = tf.constant(np.take_along_axis(data[:, None, :], batches, axis=2))  # (S, T, batch)
    a, b = tf.Variable(a0), tf.Variable(b0)

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            out = act(x * a[:, None] + b[:, None])                           # (S, batch)
            per_seed = tf.reduce_mean(tf.square(out - target), axis=1)
            total = tf.reduce_sum(per_seed)  # seeds do not interact: each gets its own gradient
        ga, gb = tape.gradient(total, [a, b])
        a.assign_sub(lr * ga)
        b.assign_sub(lr * gb)
        return per_seed, tf.reduce_mean(out, axis=1)

    loss, output = [], []
    for t in range(iterations):
        l, o = step(xs[:, t, :])
        loss.append(l.numpy())
        output.append(o.numpy())
    return {"loss": np.array(loss).T, "output": np.array(output).T,
            "a0": a0, "b0": b0, "a": a.numpy(), "b": b.numpy()}


def iterations_to_target(output: np.ndarray, target: float = 0.75, tol: float = 0.01) -> np.ndarray:
    """Per seed: the first iteration whose mean output is within ``tol`` of ``target`` (NaN if none)."""
    close = np.abs(np.asarray(output) - target) <= tol
    first = close.argmax(axis=1).astype(float)
    first[~close.any(axis=1)] = np.nan
    return first

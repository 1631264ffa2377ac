"""Gradient clipping in Keras: what it does to a network whose gradients explode, and one whose gradients vanish.

Keras optimizers clip inside ``apply_gradients``: ``clipvalue=t`` clips every
gradient component to [−t, t], ``clipnorm=t`` rescales each variable's
gradient whose norm exceeds t, and ``global_clipnorm=t`` rescales all of them
together when their joint norm exceeds t. :func:`train` runs a few hundred
steps of plain SGD and records, per step, the loss and the global gradient
norm *before* clipping, plus the norm of the first layer's gradient.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

__all__ = ["VARIANTS", "build_mlp", "over_seeds", "replay", "train"]

#: The optimizer settings compared: none, and each of Keras's three clipping options.
VARIANTS: dict[str, dict[str, float]] = {
    "no clipping": {},
    "clipvalue=0.5": {"clipvalue": 0.5},
    "clipnorm=1": {"clipnorm": 1.0},
    "global_clipnorm=1": {"global_clipnorm": 1.0},
}


def build_mlp(depth: int, width: int, activation: str, init_scale: float, seed: int):
    """A Keras MLP for 784-pixel inputs and 10 classes.

    Args:
        depth: number of hidden layers.
        width: units per hidden layer.
        activation: registry name of the hidden activation.
        init_scale: variance scale of the normal fan-in initializer: 2 is He's
            (variance-preserving for ReLU); larger values make every layer
            amplify the backward signal, so the gradients explode.
        seed: seed of the initial weights.
    """
    import keras

    from .. import activations

    act = activations.get(activation).keras()
    init = keras.initializers.VarianceScaling(init_scale, "fan_in", "untruncated_normal", seed=seed)
    layers = [keras.Input((784,))]
    for _ in range(depth):
        layers.append(keras.layers.Dense(width, activation=act, kernel_initializer=init))
    layers.append(keras.layers.Dense(10, activation="softmax",
                                     kernel_initializer=keras.initializers.GlorotUniform(seed)))
    return keras.Sequential(layers)


def _sgd_steps(model_args: Mapping, clip: Mapping[str, float], x: np.ndarray, y: np.ndarray, *,
               steps: int, batch: int, learning_rate: float, seed: int):
    """Build a fresh model and take ``steps`` SGD steps on random batches of (x, y).

    Yields, after each step, ``(model, loss, global_norm, first_norm, grads)``:
    the gradients are those of the step, before clipping; the norms are
    computed in float32 inside the compiled step, as training sees them.
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    model = build_mlp(**model_args)
    variables = model.trainable_variables
    opt = keras.optimizers.SGD(learning_rate=learning_rate, **clip)
    opt.build(variables)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    @tf.function
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, variables)
        opt.apply_gradients(zip(grads, variables))
        return loss, tf.linalg.global_norm(grads), tf.norm(grads[0]), grads

    rng = np.random.default_rng(seed)
    x32, y32 = x.astype(np.float32), y.astype(np.int32)
    for _ in range(steps):
        idx = rng.choice(len(x32), size=batch, replace=False)
        yield (model, *step(tf.constant(x32[idx]), tf.constant(y32[idx])))


def train(model_args: Mapping, clip: Mapping[str, float], x: np.ndarray, y: np.ndarray, *,
          steps: int = 200, batch: int = 64, learning_rate: float = 0.01, seed: int = 0) -> dict:
    """Train a fresh model with SGD and the clipping option ``clip``; record every step.

    Args:
        model_args: keyword arguments of :func:`build_mlp`.
        clip: optimizer keywords, e.g. ``{"clipnorm": 1.0}`` or ``{}``.
        x, y: inputs (N, 784) and integer labels (N,).

    Returns:
        ``loss``, ``grad_norm`` (global, before clipping) and
        ``first_layer_norm`` (the first kernel's gradient), each of length
        ``steps``; ``nan_step``, the first step whose loss is not finite
        (``None`` if none), and ``accuracy`` on (x, y) after training.
    """
    import tensorflow as tf

    losses, norms, first = [], [], []
    model = None
    for model, loss, norm, first_norm, _ in _sgd_steps(
        model_args, clip, x, y, steps=steps, batch=batch, learning_rate=learning_rate, seed=seed
    ):
        losses.append(float(loss))
        norms.append(float(norm))
        first.append(float(first_norm))
    losses = np.array(losses)
    bad = np.flatnonzero(~np.isfinite(losses))
    # Calling the model directly (not model.predict, which traces a new function
    # for every fresh model and warns about retracing).
    probs = np.asarray(model(tf.constant(x.astype(np.float32)), training=False))
    return {
        "loss": losses,
        "grad_norm": np.array(norms),
        "first_layer_norm": np.array(first),
        "nan_step": int(bad[0]) if bad.size else None,
        "accuracy": float((probs.argmax(axis=1) == y.astype(np.int32)).mean()),
    }


def replay(model_args: Mapping, x: np.ndarray, y: np.ndarray, *, steps: int = 200,
           batch: int = 64, learning_rate: float = 0.01, seed: int = 0):
    """Repeat an unclipped :func:`train` run step by step, recording what overflows.

    Same initial weights, batches and compiled step as ``train(model_args, {}, ...)``
    with the same arguments, so the losses are the same. Per step it records the
    loss, the gradient's global norm in float32 (as training computes it) and
    in float64, the largest absolute gradient entry, and, after the update,
    the largest absolute weight and the share of weights that are NaN.

    Returns:
        ``(records, model)``: a DataFrame indexed by step, and the trained model.
    """
    import pandas as pd

    records, model = [], None
    for model, loss, norm, _, grads in _sgd_steps(
        model_args, {}, x, y, steps=steps, batch=batch, learning_rate=learning_rate, seed=seed
    ):
        g = np.concatenate([v.numpy().ravel() for v in grads]).astype(np.float64)
        w = np.concatenate([v.numpy().ravel() for v in model.trainable_variables])
        records.append({
            "loss": float(loss),
            "gradient norm, float32": float(norm),
            "gradient norm, float64": float(np.sqrt(np.sum(g**2))),
            "largest |gradient entry|": float(np.abs(g).max()),
            "largest |weight| after the step": float(np.nanmax(np.abs(w))),
            "NaN weights after the step": float(np.isnan(w).mean()),
        })
    return pd.DataFrame(records).rename_axis("step"), model


def over_seeds(model_args: Mapping, variants, x: np.ndarray, y: np.ndarray, *,
               seeds=(0, 1, 2), steps: int = 200) -> dict:
    """:func:`train` once per clipping variant and seed; the seed sets weights and batches.

    Args:
        variants: names from :data:`VARIANTS`.

    Returns:
        ``{(variant, seed): run}`` with each run as :func:`train` returns it.
    """
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        raise ValueError(f"unknown clipping variants {unknown}; known: {list(VARIANTS)}")
    return {
        (name, seed): train({**model_args, "seed": seed}, VARIANTS[name], x, y,
                            steps=steps, seed=seed)
        for name in variants
        for seed in seeds
    }

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

__all__ = ["VARIANTS", "build_mlp", "train"]

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
        return loss, tf.linalg.global_norm(grads), tf.norm(grads[0])

    rng = np.random.default_rng(seed)
    x32, y32 = x.astype(np.float32), y.astype(np.int32)
    losses, norms, first = [], [], []
    for _ in range(steps):
        idx = rng.choice(len(x32), size=batch, replace=False)
        loss, norm, first_norm = step(tf.constant(x32[idx]), tf.constant(y32[idx]))
        losses.append(float(loss))
        norms.append(float(norm))
        first.append(float(first_norm))
    losses = np.array(losses)
    bad = np.flatnonzero(~np.isfinite(losses))
    # Calling the model directly (not model.predict, which traces a new function
    # for every fresh model and warns about retracing).
    probs = np.asarray(model(tf.constant(x32), training=False))
    return {
        "loss": losses,
        "grad_norm": np.array(norms),
        "first_layer_norm": np.array(first),
        "nan_step": int(bad[0]) if bad.size else None,
        "accuracy": float((probs.argmax(axis=1) == y32).mean()),
    }

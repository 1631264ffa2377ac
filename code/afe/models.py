"""Keras models built from the registry: the article's CNN, in Sequential and functional form.

The article compares activations on one convolutional network for MNIST:

    Conv2D(32, 3×3) → Conv2D(64, 3×3) → MaxPooling2D(2×2) → Dropout(0.25)
    → Flatten → Dense(128) → Dropout(0.5) → Dense(10, softmax)

with the activation under test in both convolutions and the first dense
layer. For SELU it uses ``lecun_normal`` kernels and ``AlphaDropout`` in place
of both dropouts. Activations come from the registry's Keras twins, so a
name such as ``"leaky_relu"`` with ``alpha=0.2`` means exactly what it means
everywhere else in the book.

Also here: :func:`train_article_cnn` and :func:`compare_apis`, which train the
CNN in both forms identically and compare the trained models, and
:func:`fit_seeds`, which trains one small model once per seed without paying
for TensorFlow's tracing each time.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

__all__ = ["article_cnn", "fit_seeds", "train_article_cnn", "compare_apis"]


def article_cnn(activation: str = "relu", *, api: str = "sequential", num_classes: int = 10,
                input_shape: tuple[int, int, int] = (28, 28, 1), seed: int = 0,
                **params: Any):
    """The article's CNN with the registered activation ``activation`` (and its ``params``).

    Args:
        activation: a registry name (``"selu"`` switches to lecun_normal and AlphaDropout).
        api: ``"sequential"`` or ``"functional"``: the same network either way.
        num_classes: size of the softmax output.
        input_shape: image shape, channels last.
        seed: seed of every initializer and dropout layer.
        **params: the activation's parameters, e.g. ``alpha=0.2``.
    """
    import keras

    from . import activations

    if api not in ("sequential", "functional"):
        raise ValueError(f"api must be 'sequential' or 'functional', got {api!r}")
    act = activations.get(activation, **params)
    fn = act.keras()
    selu = act.name == "selu"

    def init(k: int):
        if selu:
            return keras.initializers.LecunNormal(seed=seed + k)
        return keras.initializers.GlorotUniform(seed=seed + k)

    def drop(rate: float, k: int):
        return (keras.layers.AlphaDropout if selu else keras.layers.Dropout)(rate, seed=seed + k)

    layers = [
        keras.layers.Conv2D(32, (3, 3), activation=fn, kernel_initializer=init(1), name="conv1"),
        keras.layers.Conv2D(64, (3, 3), activation=fn, kernel_initializer=init(2), name="conv2"),
        keras.layers.MaxPooling2D((2, 2), name="pool"),
        drop(0.25, 3),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(128, activation=fn, kernel_initializer=init(4), name="dense"),
        drop(0.5, 5),
        keras.layers.Dense(num_classes, activation="softmax", kernel_initializer=init(6),
                           name="output"),
    ]
    name = f"article_cnn_{act.name}"
    if api == "sequential":
        return keras.Sequential([keras.Input(input_shape), *layers], name=name)
    inputs = keras.Input(input_shape)
    h = inputs
    for layer in layers:
        h = layer(h)
    return keras.Model(inputs, h, name=name)


def fit_seeds(build: Callable[[int], Any], x, y, *, seeds: Sequence[int], optimizer, loss,
              metrics: Sequence = (), epochs: int = 1, batch_size: int = 32,
              learning_rates: Sequence[float] | None = None,
              measure: Callable[[Any], dict] | None = None,
              callbacks: Callable[[], Sequence] | None = None) -> list[dict]:
    """Train ``build(seed)`` once per seed (and learning rate), compiling and tracing only once.

    A run on seed ``s`` starts from the initial weights of ``build(s)``,
    built after seeding Python's and NumPy's generators with ``s`` (Keras
    initializers without a seed of their own draw one from Python's), visits
    the examples in a new order every epoch, drawn by
    ``numpy.random.default_rng(s)``, and starts the optimizer afresh (step
    count and moments at zero).

    Why not simply build and fit a new model per seed: TensorFlow traces a
    model's training step the first time it trains, and for a small network
    that costs more than the training itself; it traces again whenever the
    TensorFlow seed changes. So the first model is compiled once, every later
    run loads its own initial weights and a fresh optimizer state into it,
    and the batch order comes from NumPy, which leaves TensorFlow's seed
    alone. Each run computes what a newly built model would. Every epoch is
    one call into the traced graph (``steps_per_execution``). Layers that
    draw random numbers while training (dropout) need seeds of their own.

    Args:
        build: ``seed -> keras.Model``, uncompiled; the same architecture for
            every seed.
        x, y: training inputs and targets (arrays).
        seeds: one run per seed (per learning rate).
        optimizer: a new Keras optimizer instance (its learning rate is a
            variable, as Keras 3 makes it).
        loss, metrics: as for ``Model.compile``.
        epochs, batch_size: passes over the data and examples per step.
        learning_rates: if given, every seed runs once at each of these
            learning rates; otherwise at the optimizer's own.
        measure: ``model -> dict`` of extra measurements taken after each run
            (test error, predictions).
        callbacks: ``() -> list`` of fresh Keras callbacks for each run; they
            see one ``fit`` call per epoch.

    Returns:
        One dict per run: ``seed``, ``learning_rate``, ``history`` (Keras's
        per-epoch lists, such as ``loss``) and whatever ``measure`` returned.

    Raises:
        ValueError: if ``seeds`` is empty.
    """
    import random

    import keras
    import tensorflow as tf

    seeds = list(seeds)
    if not seeds:
        raise ValueError("fit_seeds needs at least one seed")
    x, y = np.asarray(x), np.asarray(y)

    def seeded_build(seed):
        random.seed(seed)
        np.random.seed(seed)
        return build(seed)

    tf.config.experimental.enable_op_determinism()
    keras.backend.clear_session()
    model = seeded_build(seeds[0])
    steps = max(1, math.ceil(len(x) / batch_size))
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics),
                  steps_per_execution=steps)
    optimizer.build(model.trainable_variables)
    fresh = [v.numpy() for v in optimizer.variables]
    rates = list(learning_rates) if learning_rates is not None else [None]
    runs = []
    for rate in rates:
        for seed in seeds:
            model.set_weights(seeded_build(seed).get_weights())
            for variable, value in zip(optimizer.variables, fresh):
                variable.assign(value)
            if rate is not None:
                optimizer.learning_rate.assign(rate)
            order = np.random.default_rng(seed)
            hooks = list(callbacks()) if callbacks else []
            history: dict[str, list[float]] = {}
            for _ in range(epochs):
                visit = order.permutation(len(x))
                fit = model.fit(x[visit], y[visit], epochs=1, batch_size=batch_size,
                                shuffle=False, verbose=0, callbacks=hooks)
                for key, values in fit.history.items():
                    history.setdefault(key, []).extend(float(v) for v in values)
            used = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
            run = {"seed": seed,
                   "learning_rate": float(rate) if rate is not None else float(f"{used:.7g}"),
                   "history": history}
            if measure is not None:
                run.update(measure(model))
            runs.append(run)
    return runs


def train_article_cnn(api: str, x, y, *, seed: int = 0, steps: int = 10, batch_size: int = 32,
                      activation: str = "relu", **params: Any):
    """Build :func:`article_cnn` with ``api`` and train it for ``steps`` batches, deterministically.

    Adam (the article's optimizer, ``clipvalue=0.5``), categorical
    cross-entropy, the first ``steps * batch_size`` examples in order,
    dropout on. The steps run eagerly: for a handful of steps that is
    cheaper than tracing the training step.

    Args:
        api: ``"sequential"`` or ``"functional"``.
        x: images, shape (N, 28, 28, 1), float32.
        y: one-hot labels, shape (N, 10).
        seed: seed of the initializers and dropout layers (and of everything else).
        steps, batch_size: how much to train.
        activation, **params: as for :func:`article_cnn`.

    Returns:
        The trained model.

    Raises:
        ValueError: if ``x`` holds fewer than ``steps * batch_size`` examples.
    """
    import keras
    import tensorflow as tf

    n = steps * batch_size
    if len(x) < n:
        raise ValueError(f"{steps} steps of {batch_size} need {n} examples, got {len(x)}")
    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(seed)
    model = article_cnn(activation, api=api, seed=seed, **params)
    model.compile(optimizer=keras.optimizers.Adam(clipvalue=0.5),
                  loss="categorical_crossentropy", run_eagerly=True)
    model.fit(x[:n], y[:n], batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return model


def compare_apis(x, y, x_check, *, seed: int = 0, functional_seed: int | None = None,
                 steps: int = 10, batch_size: int = 32) -> dict:
    """Train the article's CNN once per API, identically, and compare the two trained models.

    Args:
        x, y: training images and one-hot labels (see :func:`train_article_cnn`).
        x_check: images on which to compare the trained models' predictions.
        seed: seed of both models.
        functional_seed: a different seed for the functional model only (a
            control: the comparison should then find different models).
        steps, batch_size: training of each model.

    Returns:
        ``parameters`` of each model, ``largest weight difference`` over all
        weights (trainable or not) and ``largest prediction difference`` on
        ``x_check``, both as absolute values.
    """
    seq = train_article_cnn("sequential", x, y, seed=seed, steps=steps, batch_size=batch_size)
    fun = train_article_cnn("functional", x, y, steps=steps, batch_size=batch_size,
                            seed=seed if functional_seed is None else functional_seed)
    ws, wf = seq.get_weights(), fun.get_weights()
    same_shapes = len(ws) == len(wf) and all(a.shape == b.shape for a, b in zip(ws, wf))
    weight_diff = (max(float(np.max(np.abs(a - b))) for a, b in zip(ws, wf))
                   if same_shapes else float("inf"))
    pred = float(np.max(np.abs(np.asarray(seq(x_check, training=False))
                               - np.asarray(fun(x_check, training=False)))))
    return {"parameters, Sequential": int(seq.count_params()),
            "parameters, functional": int(fun.count_params()),
            "largest weight difference": weight_diff,
            "largest prediction difference": pred}

"""Keras models built from the registry: the article's CNN, in Sequential and functional form.

The article compares activations on one convolutional network for MNIST:

    Conv2D(32, 3×3) → Conv2D(64, 3×3) → MaxPooling2D(2×2) → Dropout(0.25)
    → Flatten → Dense(128) → Dropout(0.5) → Dense(10, softmax)

with the activation under test in both convolutions and the first dense
layer. For SELU it uses ``lecun_normal`` kernels and ``AlphaDropout`` in place
of both dropouts. Activations come from the registry's Keras twins, so a
name such as ``"leaky_relu"`` with ``alpha=0.2`` means exactly what it means
everywhere else in the book.
"""

from __future__ import annotations

from typing import Any

__all__ = ["article_cnn"]


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

"""Weight initializers as NumPy draws, matching Keras's variance-scaling family.

Keras's ``glorot_normal``, ``he_normal`` and ``lecun_normal`` all draw from a
normal distribution truncated at two standard deviations, rescaled so that the
variance is exactly ``scale / n``, where ``n`` is the fan-in (He, LeCun) or the
mean of fan-in and fan-out (Glorot). :func:`draw` reproduces that in NumPy so
that the NumPy experiments and the Keras models start from the same
distribution. ``"nielsen"`` is the plain (untruncated) N(0, 1/fan_in) of
Nielsen's *Neural Networks and Deep Learning*, chapter 3.
"""

from __future__ import annotations

import numpy as np

__all__ = ["INITIALIZERS", "KERAS_CATALOG", "draw", "keras_catalog", "keras_draw", "keras_label",
           "variance"]

# name: (scale, mode, truncated)
INITIALIZERS = {
    "glorot_normal": (1.0, "fan_avg", True),
    "he_normal": (2.0, "fan_in", True),
    "lecun_normal": (1.0, "fan_in", True),
    "nielsen": (1.0, "fan_in", False),
}

# The standard deviation of a standard normal truncated to [-2, 2].
_TRUNCATED_STD = 0.87962566103423978


def variance(name: str, fan_in: int, fan_out: int) -> float:
    """The variance of the weights ``name`` draws for a layer of the given fans."""
    try:
        scale, mode, _ = INITIALIZERS[name]
    except KeyError:
        raise ValueError(f"unknown initializer {name!r}; choose one of {', '.join(INITIALIZERS)}") from None
    n = fan_in if mode == "fan_in" else (fan_in + fan_out) / 2
    return scale / n


def draw(name: str, fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """A (fan_out, fan_in) weight matrix drawn as Keras's initializer ``name`` would."""
    std = np.sqrt(variance(name, fan_in, fan_out))
    z = rng.standard_normal((fan_out, fan_in))
    if INITIALIZERS[name][2]:
        outside = np.abs(z) > 2
        while outside.any():  # redraw until every value lies within two standard deviations
            z[outside] = rng.standard_normal(int(outside.sum()))
            outside = np.abs(z) > 2
        std = std / _TRUNCATED_STD
    return z * std


#: Keras's built-in initializers: (class, keyword arguments, what it draws, what it pairs with).
KERAS_CATALOG: tuple[tuple[str, dict, str, str], ...] = (
    ("Zeros", {}, "every weight 0", "biases; never weights (every unit stays identical)"),
    ("Ones", {}, "every weight 1", "scales, such as batch normalization's gamma"),
    ("Constant", {"value": 0.1}, "every weight 0.1", "biases (the small positive ReLU bias)"),
    ("RandomUniform", {"minval": -0.05, "maxval": 0.05}, "U(−0.05, 0.05), whatever the layer size",
     "embedding tables (the default of Keras's Embedding layer)"),
    ("RandomNormal", {"stddev": 0.05}, "N(0, 0.05²), whatever the layer size", "none in particular"),
    ("TruncatedNormal", {"stddev": 0.05}, "N(0, 0.05²) redrawn beyond 2 sd", "none in particular"),
    ("VarianceScaling", {}, "truncated normal, variance 1/fan_in (default settings)",
     "the general form of the next six"),
    ("GlorotUniform", {}, "U(±√(6/(fan_in+fan_out))): variance 2/(fan_in+fan_out)",
     "tanh, sigmoid (Keras's default for Dense)"),
    ("GlorotNormal", {}, "truncated normal, variance 2/(fan_in+fan_out)", "tanh, sigmoid"),
    ("HeUniform", {}, "U(±√(6/fan_in)): variance 2/fan_in", "ReLU and its relatives"),
    ("HeNormal", {}, "truncated normal, variance 2/fan_in", "ReLU and its relatives"),
    ("LecunUniform", {}, "U(±√(3/fan_in)): variance 1/fan_in", "SELU"),
    ("LecunNormal", {}, "truncated normal, variance 1/fan_in", "SELU (required for self-normalization)"),
    ("Orthogonal", {}, "a random orthogonal matrix (gain 1)", "linear and recurrent layers"),
    ("Identity", {}, "the identity matrix (square layers only)", "recurrent layers"),
)


def keras_label(name: str, kwargs: dict) -> str:
    """How the initializer is written in code, e.g. ``RandomNormal(stddev=0.05)``."""
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


def keras_draw(name: str, kwargs: dict | None = None):
    """A function (fan_in, fan_out, rng) → (fan_out, fan_in) matrix drawing with ``keras.initializers.<name>``.

    The matrix is Keras's (fan_in, fan_out) kernel, transposed to this
    package's (fan_out, fan_in) layout; ``rng`` supplies a fresh seed per call
    to the initializers that take one.
    """
    import inspect

    import keras

    cls = getattr(keras.initializers, name)
    seeded = "seed" in inspect.signature(cls).parameters

    def drawer(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
        extra = {"seed": int(rng.integers(2**31))} if seeded else {}
        kernel = cls(**(kwargs or {}), **extra)((fan_in, fan_out))
        return np.asarray(kernel, dtype=np.float64).T

    return drawer


def keras_catalog(fan_in: int = 256, fan_out: int = 256, seed: int = 0) -> list[dict]:
    """Draw one (fan_in, fan_out) kernel with each of :data:`KERAS_CATALOG` and describe it."""
    rng = np.random.default_rng(seed)
    rows = []
    for name, kwargs, draws, pairs in KERAS_CATALOG:
        w = keras_draw(name, kwargs)(fan_in, fan_out, rng)
        rows.append({"initializer": keras_label(name, kwargs), "draws": draws, "pairs with": pairs,
                     "mean": float(w.mean()), "std": float(w.std()),
                     "fan_in × variance": float(fan_in * w.var())})
    return rows

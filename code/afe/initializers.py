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

__all__ = ["INITIALIZERS", "draw", "variance"]

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

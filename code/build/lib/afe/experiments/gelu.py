"""GELU: where its minimum lies, how good its two approximations are, and what Keras computes.

Everything is measured on the registry's functions: the exact x·Φ(x), the
tanh approximation and the sigmoid approximation x·σ(1.702x)
(Hendrycks & Gimpel 2016).
"""

from __future__ import annotations

import inspect

import mpmath
import numpy as np
from scipy import optimize

from .. import activations

__all__ = ["minimum", "approximation_errors", "keras_variants"]


def minimum(digits: int = 30) -> tuple[str, str]:
    """GELU's minimum: the root of GELU'(x) = Φ(x) + xφ(x) near −0.75, and GELU there, to ``digits``."""
    with mpmath.workdps(digits + 5):
        x = mpmath.findroot(lambda t: mpmath.ncdf(t) + t * mpmath.npdf(t), -0.75)
        value = x * mpmath.ncdf(x)
        return mpmath.nstr(x, digits), mpmath.nstr(value, digits)


def approximation_errors(names=("gelu_tanh", "gelu_sigmoid"), lo: float = -10.0,
                         hi: float = 10.0, points: int = 200_001) -> list[dict]:
    """Largest |approximation − exact GELU| over the real line, and where it occurs.

    Outside [−10, 10] every version equals 0 or x to within 1e-20, so the
    largest error lies inside; it is located on a fine grid, then refined
    with a bounded scalar optimizer.
    """
    exact = activations.get("gelu")
    x = np.linspace(lo, hi, points)
    rows = []
    for name in names:
        approx = activations.get(name)
        for label, f, g in (("function", approx, exact), ("derivative", approx.derivative, exact.derivative)):
            err = np.abs(f(x) - g(x))
            i = int(err.argmax())
            step = x[1] - x[0]
            res = optimize.minimize_scalar(lambda t: -abs(float(f(t)) - float(g(t))),
                                           bounds=(x[i] - step, x[i] + step), method="bounded",
                                           options={"xatol": 1e-12})
            rows.append({"approximation": approx.label(), "name": name, "of": label,
                         "max_abs_error": float(-res.fun), "at_x": float(res.x),
                         "tail_error": float(max(err[0], err[-1]))})
    return rows


def keras_variants() -> list[dict]:
    """Each GELU entry point of Keras and TensorFlow: its default, and which formula it computes."""
    import keras
    import tensorflow as tf

    x = np.linspace(-6, 6, 1201)
    xt = tf.constant(x)
    exact, tanh_form = activations.gelu(x), activations.gelu_tanh(x)
    entries = [
        ("keras.activations.gelu(x)", keras.activations.gelu, {}),
        ("keras.activations.gelu(x, approximate=True)", keras.activations.gelu, {"approximate": True}),
        ("keras.ops.gelu(x)", keras.ops.gelu, {}),
        ("keras.ops.gelu(x, approximate=False)", keras.ops.gelu, {"approximate": False}),
        ("tf.nn.gelu(x)", tf.nn.gelu, {}),
        ("tf.nn.gelu(x, approximate=True)", tf.nn.gelu, {"approximate": True}),
    ]
    rows = []
    for label, fn, kwargs in entries:
        y = np.asarray(fn(xt, **kwargs))
        to_exact, to_tanh = float(np.abs(y - exact).max()), float(np.abs(y - tanh_form).max())
        default = inspect.signature(fn).parameters["approximate"].default
        rows.append({"call": label, "default approximate": default,
                     "max |difference| from exact": to_exact,
                     "max |difference| from tanh form": to_tanh,
                     "computes": "exact x·Φ(x)" if to_exact < to_tanh else "tanh approximation"})
    return rows

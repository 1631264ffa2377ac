"""GELU: where its minimum lies, how good its two approximations are, and what libraries compute.

Everything is measured on the registry's functions: the exact x·Φ(x), the
tanh approximation and the sigmoid approximation x·σ(1.702x)
(Hendrycks & Gimpel 2016). Which form a library computes is found by
evaluating it where the exact and the tanh forms differ most
(:func:`which_form`), never by reading its signature.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import mpmath
import numpy as np
from scipy import optimize

from .. import activations

__all__ = ["minimum", "approximation_errors", "keras_variants", "detection_points", "which_form",
           "library_defaults", "reference_2019", "EXACT", "TANH", "NEITHER"]

#: What :func:`which_form` can find.
EXACT, TANH, NEITHER = "exact x·Φ(x)", "tanh approximation", "neither"


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


@lru_cache(maxsize=1)
def _farthest() -> float:
    return abs(approximation_errors(("gelu_tanh",))[0]["at_x"])


def detection_points() -> np.ndarray:
    """±x where the tanh form is farthest from exact GELU (GELU minus its tanh form is even)."""
    return np.array([-_farthest(), _farthest()])


def which_form(fn: Callable, x=None, dtype: str = "float32") -> dict:
    """Which GELU ``fn`` computes: evaluated where the exact and the tanh forms differ most.

    ``fn`` is called on a tensor of the points ``x`` (default:
    :func:`detection_points`, where the two forms differ most, by 4.7e-4) in
    ``dtype``, as a network would call it. Its output is compared with both
    forms (computed in float64): it computes a form if it lies within 1% of
    the gap between the two forms from that one.

    Args:
        fn: a GELU, called as ``fn(tensor)``.
        x: the points (default :func:`detection_points`).
        dtype: the dtype of the input tensor.

    Returns:
        A dict: ``"distance from exact"``, ``"distance from tanh form"``
        (largest absolute differences over the points), ``"gap"`` (between
        the two forms there) and ``"computes"``: :data:`EXACT`, :data:`TANH`
        or :data:`NEITHER`.
    """
    import tensorflow as tf

    x = detection_points() if x is None else np.asarray(x, dtype=np.float64)
    xt = tf.constant(x, dtype=dtype)
    x_in = np.asarray(xt, dtype=np.float64)  # the points as the function sees them
    y = np.asarray(fn(xt), dtype=np.float64)
    exact, tanh_form = activations.gelu(x_in), activations.gelu_tanh(x_in)
    to_exact, to_tanh = float(np.abs(y - exact).max()), float(np.abs(y - tanh_form).max())
    gap = float(np.abs(exact - tanh_form).min())
    computes = NEITHER
    if min(to_exact, to_tanh) < 0.01 * gap:
        computes = EXACT if to_exact < to_tanh else TANH
    return {"distance from exact": to_exact, "distance from tanh form": to_tanh,
            "gap": gap, "computes": computes}


def library_defaults() -> list[dict]:
    """What each GELU entry point of the installed libraries computes when called plainly.

    The entry points are those of Keras 3 and TensorFlow, the two libraries
    with a GELU in this environment: ``keras.activations.gelu``, a Keras
    layer given ``activation="gelu"`` (the string resolves to the same
    function; the article's code passes GELU to its layers this way),
    ``keras.ops.gelu`` and ``tf.nn.gelu``, each called with no option.

    Returns:
        One row per entry point: its call, and :func:`which_form`'s result.
    """
    import keras
    import tensorflow as tf

    entries = [
        ("keras.activations.gelu(x)", keras.activations.gelu),
        ('keras.layers.Activation("gelu")', keras.layers.Activation("gelu")),
        ("keras.ops.gelu(x)", keras.ops.gelu),
        ("tf.nn.gelu(x)", tf.nn.gelu),
    ]
    return [{"call": label, **which_form(fn)} for label, fn in entries]


def _article_gelu(x):
    """The article's own GELU, from its code listing (translation 001, line 594)."""
    import tensorflow as tf

    return 0.5 * x * (1 + tf.tanh(tf.sqrt(2 / np.pi) * (x + 0.044715 * tf.pow(x, 3))))


def _bert_gelu(x):
    """BERT's GELU: google-research/bert, modeling.py, from commit bee6030 (7 February 2019) on.

    The first release (31 October 2018) computed 0.5·(1 + erf(x/√2)) instead.
    """
    import tensorflow as tf

    cdf = 0.5 * (1.0 + tf.tanh((np.sqrt(2 / np.pi) * (x + 0.044715 * tf.pow(x, 3)))))
    return x * cdf


def _bert_2018_gelu(x):
    """BERT's GELU in its first release: google-research/bert, modeling.py (31 October 2018)."""
    import tensorflow as tf

    cdf = 0.5 * (1.0 + tf.math.erf(x / tf.sqrt(2.0)))
    return x * cdf


def _gpt2_gelu(x):
    """GPT-2's GELU: openai/gpt-2, src/model.py, since its first commit (10 February 2019)."""
    import tensorflow as tf

    return 0.5 * x * (1 + tf.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * tf.pow(x, 3))))


def reference_2019() -> list[dict]:
    """What the GELUs of 2019's reference code compute, run with TensorFlow.

    The article's own code, BERT's and GPT-2's, each as its repository had
    it in 2019 (see the functions' docstrings), and BERT's of its first
    release (2018), evaluated by :func:`which_form`. Their TensorFlow 1 calls
    run in TensorFlow 2 unchanged (``tf.tanh``, ``tf.pow``) or renamed
    (``tf.erf`` is ``tf.math.erf``).

    Returns:
        One row per implementation: its name, where it comes from, and
        :func:`which_form`'s result.
    """
    entries = [
        ("BERT, first release", "google-research/bert, modeling.py (October 2018)",
         _bert_2018_gelu),
        ("BERT", "google-research/bert, modeling.py (February 2019)", _bert_gelu),
        ("GPT-2", "openai/gpt-2, src/model.py (February 2019)", _gpt2_gelu),
        ("the article's code", "custom Keras activation of its MNIST listing", _article_gelu),
    ]
    return [{"implementation": name, "source": where, **which_form(fn)}
            for name, where, fn in entries]


def keras_variants() -> list[dict]:
    """Each GELU entry point of Keras and TensorFlow, plain and with ``approximate`` set.

    Returns:
        One row per call: the largest differences from the exact and the tanh
        forms on [−6, 6] (float64), and which form that makes it.
    """
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
        rows.append({"call": label,
                     "max |difference| from exact": to_exact,
                     "max |difference| from tanh form": to_tanh,
                     "computes": EXACT if to_exact < to_tanh else TANH})
    return rows

"""The four-way check: every activation's faces against each other.

For each activation, on a grid of test points (:func:`check_grid`) that holds 0,
the smallest numbers on both sides of 0, every kink and its neighbours, and
large values up to ±1e4:

(a) ``numpy_vs_sympy``: the NumPy function against the lambdified SymPy
    expression, evaluated with mpmath at 50 digits;
(b) ``derivative_vs_sympy``: the hand-written derivative against the
    SymPy-derived one (``sympy.diff``), also at 50 digits;
(c) ``derivative_vs_autodiff``: the hand-written derivative against TensorFlow
    autodiff (``tf.GradientTape``, float64) of the Keras twin;
(d) ``numpy_vs_keras``: the NumPy function against the Keras built-in, where
    Keras has one.

The error measure is ``|a − b| / max(1, |b|)``: the absolute difference for
values up to 1 in size, the relative difference above (at x = 1e4 a ReLU
output is 1e4, and one rounding step there is already 1.8e-12 in absolute
terms). Agreement means an error of at most :data:`TOLERANCE` on every point,
except for the few comparisons with TensorFlow listed in
:data:`KNOWN_DEVIATIONS`, where TensorFlow itself computes in float32
precision; each has its reason and a looser bound. TensorFlow is also compared
only on normal numbers: its CPU kernels flush subnormals (such as 5e-324) to 0.
The tests and the Overview chapter both call :func:`four_way_check`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from . import activations, symbolic

__all__ = [
    "CASES",
    "CHECKS",
    "KNOWN_DEVIATIONS",
    "KnownDeviation",
    "TOLERANCE",
    "CheckRow",
    "four_way_check",
    "kink_table",
    "scaled_error",
    "check_grid",
    "tf_gradient",
    "tf_values",
]

#: Largest accepted value of :func:`scaled_error` for every check, in float64.
TOLERANCE = 1e-12

#: The names of the four checks, in order.
CHECKS = ("numpy_vs_sympy", "derivative_vs_sympy", "derivative_vs_autodiff", "numpy_vs_keras")

@dataclass(frozen=True)
class KnownDeviation:
    """A comparison with TensorFlow that cannot reach :data:`TOLERANCE`, and why.

    Attributes:
        reason: what TensorFlow does differently.
        tolerance: the bound the check must still meet.
        excluded: optional predicate on the test points; where it is true the
            points are left out of this check (the reason says what happens there).
    """

    reason: str
    tolerance: float = TOLERANCE
    excluded: Callable[[np.ndarray], np.ndarray] | None = None


def _exp_minus_one_rounds_to_zero(x: np.ndarray) -> np.ndarray:
    return (x < 0) & (np.exp(np.minimum(x, 0)) - 1 == 0)


_F32_CONSTANT = (
    "tf.nn.gelu turns its Python constant {c} into a tensor with math_ops.cast, which "
    "goes through float32 ({c} becomes {c32!r}), so in float64 it is only float32-accurate"
)

#: The known deviations, keyed by (activation name, check name). The tests
#: reproduce each one exactly, so the reasons are checked too.
KNOWN_DEVIATIONS: dict[tuple[str, str], KnownDeviation] = {}
for _check in ("derivative_vs_autodiff", "numpy_vs_keras"):
    KNOWN_DEVIATIONS["gelu", _check] = KnownDeviation(
        _F32_CONSTANT.format(c="1/sqrt(2)", c32=float(np.float32(0.7071067811865476))), 1e-8)
    KNOWN_DEVIATIONS["gelu_tanh", _check] = KnownDeviation(
        _F32_CONSTANT.format(c="0.044715", c32=float(np.float32(0.044715))), 1e-8)
    KNOWN_DEVIATIONS["leaky_relu", _check] = KnownDeviation(
        "TensorFlow's LeakyRelu op stores alpha as a 32-bit float attribute, so even in "
        "float64 its slope is float32(alpha) (0.2 becomes 0.20000000298...): a relative "
        "error of up to 2**-24 = 6e-8",
        1e-7,
    )
KNOWN_DEVIATIONS["selu", "derivative_vs_autodiff"] = KnownDeviation(
    "TensorFlow's SELU kernel computes exp(x) - 1 rather than expm1(x), which is exactly 0 "
    "for -5.6e-17 < x < 0; its gradient then takes the branch from the sign of that output "
    "and returns lambda (1.0507) there instead of lambda*alpha (1.7581): those points are "
    "left out",
    excluded=_exp_minus_one_rounds_to_zero,
)

#: The activations checked: every registered one with its defaults, plus the
#: parameter values the book uses elsewhere.
CASES: tuple[tuple[str, dict[str, float]], ...] = (
    *((name, {}) for name in activations.NAMES),
    ("leaky_relu", {"alpha": 0.01}),
    ("leaky_relu", {"alpha": 0.3}),
    ("elu", {"alpha": 0.2}),
)


def check_grid(kinks: Iterable[float] = ()) -> np.ndarray:
    """Test points: 0 and its nearest neighbours, small to large values of both signs, kinks.

    Args:
        kinks: extra points where a function has a corner; each is added with
            its two floating-point neighbours.
    """
    tiny = np.nextafter(0.0, 1.0)  # 5e-324, the smallest subnormal
    magnitudes = [tiny, 1e-300, 1e-12, 1e-6, 0.1, 0.5, 1.0, 1.5, 2.0, 3.0,
                  5.0, 10.0, 20.0, 30.0, 50.0, 100.0, 1e3, 1e4]
    points = [0.0, *magnitudes, *(-m for m in magnitudes)]
    for k in (0.0, *kinks):
        points += [k, np.nextafter(k, -np.inf), np.nextafter(k, np.inf)]
    return np.unique(np.array(points, dtype=np.float64))


def scaled_error(actual: Any, expected: Any) -> float:
    """max over points of ``|actual − expected| / max(1, |expected|)``.

    NaN where either side is NaN counts as infinite error (a NaN is never
    silently "agreement").
    """
    a = np.asarray(actual, dtype=np.float64)
    b = np.asarray(expected, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    err = np.abs(a - b) / np.maximum(1.0, np.abs(b))
    err = np.where(np.isnan(a) | np.isnan(b), np.inf, err)
    return float(np.max(err)) if err.size else 0.0


def tf_values(act: activations.Activation, xs: Sequence[float]) -> np.ndarray:
    """The Keras twin of ``act`` evaluated on ``xs`` in float64."""
    import tensorflow as tf

    x = tf.constant(np.asarray(xs, dtype=np.float64))
    return np.asarray(act.keras()(x))


def tf_gradient(act: activations.Activation, xs: Sequence[float]) -> np.ndarray:
    """d/dx of the Keras twin of ``act`` at each point of ``xs``, by ``tf.GradientTape`` in float64."""
    import tensorflow as tf

    x = tf.constant(np.asarray(xs, dtype=np.float64))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = act.keras()(x)
    return tape.gradient(y, x).numpy()


@dataclass(frozen=True)
class CheckRow:
    """The four-way check of one activation: the largest error of each check on the grid."""

    activation: str
    label: str
    params: dict[str, float]
    numpy_vs_sympy: float
    derivative_vs_sympy: float
    derivative_vs_autodiff: float
    numpy_vs_keras: float | None  # None: Keras has no built-in for it
    keras_builtin: str | None
    points: int

    def tolerance(self, check: str) -> float:
        """The bound for ``check``: :data:`TOLERANCE`, or a documented known deviation's."""
        return _deviation(self.activation, check).tolerance

    @property
    def notes(self) -> list[str]:
        """The reasons for every known deviation that applies to this row."""
        return [
            f"{check}: {KNOWN_DEVIATIONS[self.activation, check].reason}"
            for check in CHECKS
            if (self.activation, check) in KNOWN_DEVIATIONS
        ]

    @property
    def passed(self) -> bool:
        return all(
            getattr(self, c) is None or getattr(self, c) <= self.tolerance(c) for c in CHECKS
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "activation": self.label,
            **{c: getattr(self, c) for c in CHECKS},
            "keras_builtin": self.keras_builtin or "(none: keras.ops twin)",
            "passed": self.passed,
        }


_NO_DEVIATION = KnownDeviation("")


def _deviation(name: str, check: str) -> KnownDeviation:
    return KNOWN_DEVIATIONS.get((name, check), _NO_DEVIATION)


def _kept(name: str, check: str, xs: np.ndarray) -> np.ndarray:
    """Mask of the points a TensorFlow check uses: normal numbers and 0, minus any excluded."""
    # TensorFlow's CPU kernels flush subnormal numbers to zero, so at ±5e-324
    # it answers as at 0; it is compared on the normal numbers (and 0) only.
    keep = (xs == 0) | (np.abs(xs) >= np.finfo(np.float64).tiny)
    excluded = _deviation(name, check).excluded
    return keep if excluded is None else keep & ~excluded(xs)


def check_one(name: str, **params: float) -> CheckRow:
    """Run the four checks for one activation with the given parameters."""
    act = activations.get(name, **params)
    xs = check_grid(act.spec.kinks)
    d = symbolic.derive(name, **params)
    ref_f = symbolic.evaluate(d.function, xs)
    ref_df = symbolic.evaluate(d.derivative, xs)
    f, df = act(xs), act.derivative(xs)
    grad_pts = _kept(act.name, "derivative_vs_autodiff", xs)
    value_pts = _kept(act.name, "numpy_vs_keras", xs)
    builtin = act.spec.keras_builtin
    return CheckRow(
        activation=act.name,
        label=act.label(),
        params=dict(act.params),
        numpy_vs_sympy=scaled_error(f, ref_f),
        derivative_vs_sympy=scaled_error(df, ref_df),
        derivative_vs_autodiff=scaled_error(df[grad_pts], tf_gradient(act, xs[grad_pts])),
        numpy_vs_keras=None
        if builtin is None
        else scaled_error(f[value_pts], tf_values(act, xs[value_pts])),
        keras_builtin=builtin,
        points=len(xs),
    )


def four_way_check(cases: Iterable[tuple[str, dict[str, float]]] = CASES) -> list[CheckRow]:
    """The four-way check for every case (default: every registered activation).

    Returns:
        One :class:`CheckRow` per case, in order. Turn it into a table with
        ``pandas.DataFrame([r.as_dict() for r in rows])``.
    """
    return [check_one(name, **params) for name, params in cases]


def kink_table() -> list[dict[str, Any]]:
    """At every kink of every activation: the derivative from NumPy, SymPy and TensorFlow, and the rule."""
    rows = []
    for name in activations.NAMES:
        act = activations.get(name)
        if not act.spec.kinks:
            continue
        xs = np.array(act.spec.kinks)
        sympy_values = symbolic.evaluate(symbolic.derive(name).derivative, xs)
        tf_grad = tf_gradient(act, xs)
        for x, ours, sym, tfv in zip(xs, act.derivative(xs), sympy_values, tf_grad):
            rows.append({"activation": act.label(), "x": float(x), "numpy": float(ours),
                         "sympy": float(sym), "tensorflow": float(tfv),
                         "rule": act.spec.kink_rule})
    return rows

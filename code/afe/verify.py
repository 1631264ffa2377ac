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
The tests and the appendix "How this book checks itself" both call :func:`four_way_check`.

The four-way check tests the book's own code. :func:`article_check` tests the
article instead: each derivative the article prints (transcribed in
:mod:`afe.article`) against SymPy's derivative of the function the article
gives, symbolically and at 50 digits on a dense grid of [−10, 10]
(:func:`article_grid`), with the value it picks at each corner against the
one-sided derivatives there. :func:`wolfram_constants` checks the six-digit
decimals of the article's GELU derivative one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import sympy as sp

from . import activations, article, symbolic

__all__ = [
    "CASES",
    "CHECKS",
    "CHECK_LABELS",
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
    "ARTICLE_TOLERANCE",
    "PRINTED_TOLERANCE",
    "ArticleCheck",
    "article_check",
    "article_grid",
    "wolfram_constants",
]

#: Largest accepted value of :func:`scaled_error` for every check, in float64.
TOLERANCE = 1e-12

#: The names of the four checks, in order.
CHECKS = ("numpy_vs_sympy", "derivative_vs_sympy", "derivative_vs_autodiff", "numpy_vs_keras")
#: Column headings for the four checks in a table (short enough to wrap).
CHECK_LABELS = {
    "numpy_vs_sympy": "NumPy vs SymPy",
    "derivative_vs_sympy": "derivative vs SymPy",
    "derivative_vs_autodiff": "derivative vs autodiff",
    "numpy_vs_keras": "NumPy vs Keras",
}

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
    KNOWN_DEVIATIONS["prelu", _check] = KnownDeviation(
        "Keras's Constant initializer makes a float32 tensor of alpha before casting it "
        "to the layer's dtype, so even a float64 PReLU layer starts from float32(alpha) "
        "(0.7 becomes 0.69999998808...): a relative error of up to 2**-24 = 6e-8; the "
        "default 0.25 is exact",
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


# --------------------------------------------------------------------------
# The article's derivatives against SymPy's
# --------------------------------------------------------------------------

#: Largest accepted relative difference, at 50 digits, between a derivative
#: of the article (with exact constants) and SymPy's: formulas that are the
#: same function differ by rounding at the 50th digit, about 1e-49.
ARTICLE_TOLERANCE = 1e-12

#: Largest accepted difference (as :func:`scaled_error` measures it) for a
#: derivative printed with six-significant-digit constants: six digits leave
#: each constant off by up to half a unit in its sixth digit, at most 1.4e-6
#: of its value (0.0356774, where half a unit is 5e-8), so a formula of
#: values near 1 may be off by a few 1e-6, and 1e-5 is the ceiling. A wrong
#: formula, or the derivative of another function, lies far above it.
PRINTED_TOLERANCE = 1e-5


def article_grid(lo: int = -10, hi: int = 10, per_unit: int = 100) -> list[Fraction]:
    """Exact grid points ``lo, lo + 1/per_unit, …, hi`` (2001 by default), as fractions."""
    return [Fraction(k, per_unit) for k in range(lo * per_unit, hi * per_unit + 1)]


@dataclass(frozen=True)
class ArticleCheck:
    """One derivative of the article against SymPy's derivative of the article's function.

    Attributes:
        key, activation, form: as in :class:`afe.article.ArticleDerivative`.
        latex: the article's derivative as the article typesets it.
        proved: whether SymPy simplifies the difference to 0 (on each side
            of the corner, if there is one); for a derivative printed with
            rounded decimals, with the exact constants restored.
        max_relative_difference: largest relative difference on the grid at
            50 digits (corners left out: see ``corner_*``); exact constants
            restored, as for ``proved``.
        printed_difference: for a derivative printed with rounded decimals,
            the largest difference of the printed formula (scaled as
            :func:`scaled_error`); ``None`` otherwise.
        approximated_difference: where the article's function approximates
            another one, the largest difference (scaled) of the printed
            derivative from the derivative of the function approximated;
            ``None`` otherwise.
        points: number of grid points compared.
        corner: the corner, if any; ``corner_value`` the article's value
            there; ``left`` and ``right`` the one-sided derivatives.
    """

    key: str
    activation: str
    form: str
    latex: str
    proved: bool
    max_relative_difference: float
    printed_difference: float | None
    approximated_difference: float | None
    points: int
    corner: float | None = None
    corner_value: float | None = None
    left: float | None = None
    right: float | None = None

    @property
    def agrees(self) -> bool:
        """Whether the formula (exact constants) is within :data:`ARTICLE_TOLERANCE` everywhere."""
        return self.max_relative_difference <= ARTICLE_TOLERANCE

    @property
    def corner_is_a_slope(self) -> bool | None:
        """Whether the article's value at the corner is one of the one-sided derivatives."""
        if self.corner is None:
            return None
        return self.corner_value in (self.left, self.right)

    def as_dict(self) -> dict[str, Any]:
        return {
            "activation": self.activation,
            "article's form": self.form,
            "SymPy: difference is 0": self.proved,
            "largest relative difference": self.max_relative_difference,
            "as printed": self.printed_difference,
            "at x = 0: article": self.corner_value,
            "left slope": self.left,
            "right slope": self.right,
        }


def _as_float(value: sp.Expr) -> float:
    return float(sp.N(value, 30))


def article_check(derivatives: Iterable[article.ArticleDerivative] = article.DERIVATIVES,
                  grid: Sequence[Fraction] | None = None) -> list[ArticleCheck]:
    """Check each of the article's derivatives against SymPy's derivative of its function.

    For each :class:`afe.article.ArticleDerivative`: SymPy differentiates the
    article's function; the difference from the article's derivative is
    simplified symbolically (α and λ kept as symbols), and evaluated at 50
    digits on ``grid`` (default :func:`article_grid`) with the article's own
    values of α and λ, except at the corners. At a corner, where the
    derivative does not exist, the article's value is compared with the
    one-sided derivatives.

    Returns:
        One :class:`ArticleCheck` per derivative, in order.
    """
    grid = article_grid() if grid is None else list(grid)
    rows = []
    for d in derivatives:
        reference = sp.diff(d.function, article.X)
        proved = symbolic.proved_equal(d.checked, reference, d.corners)
        points = [p for p in grid if float(p) not in d.corners]
        printed = d.derivative.subs(d.values)
        printed_values = symbolic.mp_values(printed, points)
        reference_values = symbolic.mp_values(reference.subs(d.values), points)
        checked_values = (printed_values if d.exact_constants is None
                          else symbolic.mp_values(d.checked.subs(d.values), points))
        relative = symbolic.max_difference(checked_values, reference_values)
        as_printed = approximated = None
        if d.exact_constants is not None:
            as_printed = symbolic.max_difference(printed_values, reference_values,
                                                 measure="scaled")
        if d.approximates is not None:
            exact = symbolic.derive(d.approximates).derivative
            approximated = symbolic.max_difference(printed_values, exact, points,
                                                   measure="scaled")
        corner = {}
        if d.corners:
            c = d.corners[0]
            left, right = symbolic.one_sided_limits(reference.subs(d.values), c)
            corner = {"corner": c, "corner_value": _as_float(printed.subs(article.X, c)),
                      "left": _as_float(left), "right": _as_float(right)}
        rows.append(ArticleCheck(
            key=d.key, activation=d.activation, form=d.form,
            latex=d.latex,
            proved=proved, max_relative_difference=relative, printed_difference=as_printed,
            approximated_difference=approximated, points=len(points), **corner,
        ))
    return rows


def wolfram_constants() -> list[dict[str, Any]]:
    """Each decimal of the article's GELU derivative against the exact value it stands for.

    Returns:
        One row per constant: the printed decimal, what it stands for, that
        value to 12 digits and rounded to six significant digits, and whether
        the printed decimal is that rounding.
    """
    meaning = ["√(2/π)", "0.044715·√(2/π)", "√(2/π)/2", "3·0.044715·√(2/π)/2"]
    rows = []
    for (printed, exact), words in zip(article.WOLFRAM_CONSTANTS.items(), meaning):
        rounded = f"{float(sp.N(exact, 30)):.6g}"
        rows.append({"printed": printed, "stands for": words,
                     "exact value": str(sp.N(exact, 12)),
                     "rounded to 6 digits": rounded,
                     "printed is the rounding": rounded == printed})
    return rows

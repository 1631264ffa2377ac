"""Symbolic derivations: derive, simplify, render as LaTeX, evaluate at high precision.

Every derivative the book shows comes from here: :func:`derive` takes the SymPy
expression of a registered activation, differentiates it with ``sympy.diff``,
simplifies the result and renders both as LaTeX. :func:`evaluate` evaluates any
such expression with mpmath at 50 significant digits, which is the reference
that the hand-written NumPy code is checked against (no overflow: mpmath's
exponent range is unbounded, so e^10000 is just a number).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any, Iterable, Sequence

import mpmath
import numpy as np
import sympy as sp

from . import activations

__all__ = ["X", "Derivation", "derive", "param_symbols", "expression", "evaluate", "rounded", "to_latex",
           "proved_equal", "one_sided_limits", "mp_values", "max_difference"]

#: The real variable all expressions are written in.
X = sp.Symbol("x", real=True)


def param_symbols(name: str) -> dict[str, sp.Symbol]:
    """SymPy symbols for an activation's parameters (α, λ), for derivations in general form."""
    spec = activations.spec(name)
    # Only what is known is asserted: α > 0 for SELU, α ≥ 0 otherwise.
    return {
        p.name: sp.Symbol(p.latex.lstrip("\\"), **({"positive": True} if p.positive else {"nonnegative": True}))
        for p in spec.params
    }


def expression(name: str, *, symbolic: bool = False, **params: Any) -> sp.Expr:
    """The SymPy expression of ``name`` in :data:`X`.

    Args:
        name: a registered activation name.
        symbolic: if True, parameters are SymPy symbols (α, λ) and ``params``
            must be empty; otherwise they are the numbers given (defaults for
            the rest), validated like the NumPy face.
    """
    spec = activations.spec(name)
    if symbolic:
        if params:
            raise ValueError("give either symbolic=True or numeric params, not both")
        return spec.sympy(X, **param_symbols(name))
    bound = spec.bind(**params)
    return bound.sympy(X)


@dataclass(frozen=True)
class Derivation:
    """An activation, its SymPy-derived derivative, and both as LaTeX."""

    name: str
    function: sp.Expr
    derivative: sp.Expr

    @property
    def function_latex(self) -> str:
        return to_latex(self.function)

    @property
    def derivative_latex(self) -> str:
        return to_latex(self.derivative)


def rounded(expr: sp.Expr, digits: int = 15) -> sp.Expr:
    """``expr`` with its floating-point constants rounded to ``digits`` significant digits.

    The expressions carry the exact binary value of constants such as 0.044715
    (0.044714999999999997803...), which is what NumPy computes with; for the
    reader they are printed rounded.
    """
    return expr.xreplace({f: sp.Float(float(f), digits) for f in expr.atoms(sp.Float)})


def to_latex(expr: sp.Expr, digits: int = 15) -> str:
    """LaTeX of ``expr`` with floating-point constants shown to ``digits`` significant digits
    (:func:`rounded`)."""
    return sp.latex(rounded(expr, digits), full_prec=False)


def _simplify(expr: sp.Expr) -> sp.Expr:
    """Simplify branch by branch (SymPy's ``simplify`` on a whole Piecewise can reorder conditions)."""
    if isinstance(expr, sp.Piecewise):
        return sp.Piecewise(*[(sp.simplify(e), c) for e, c in expr.args])
    return sp.simplify(expr)


@lru_cache(maxsize=None)
def _derive(name: str, symbolic: bool, params: tuple[tuple[str, float], ...]) -> Derivation:
    f = expression(name, symbolic=symbolic, **dict(params))
    return Derivation(activations.spec(name).name, f, _simplify(sp.diff(f, X)))


def derive(name: str, *, symbolic: bool = False, **params: Any) -> Derivation:
    """Differentiate the registered activation ``name`` with ``sympy.diff`` and simplify.

    Args:
        name: a registered activation name.
        symbolic: keep parameters as symbols (for display) instead of numbers.
        **params: numeric parameters (defaults for the rest).

    Returns:
        A :class:`Derivation` holding both expressions and their LaTeX.
    """
    return _derive(name, symbolic, tuple(sorted(params.items())))


def evaluate(expr: sp.Expr, xs: Iterable[float], *, dps: int = 50) -> np.ndarray:
    """Evaluate ``expr`` (in :data:`X`) at each point of ``xs`` with mpmath, then round to float64.

    The expression is lambdified to mpmath, so functions like ``erf`` and
    ``Piecewise`` work, and no intermediate overflows.
    """
    fn = sp.lambdify(X, expr, modules="mpmath")
    with mpmath.workdps(dps):
        return np.array([float(fn(mpmath.mpf(float(v)))) for v in xs], dtype=np.float64)


def _is_zero(expr: sp.Expr) -> bool:
    """Whether SymPy simplifies ``expr`` to exactly 0 (tanh, sech, cosh rewritten as exponentials)."""
    return sp.simplify(expr.rewrite(sp.exp)) == 0


def proved_equal(a: sp.Expr, b: sp.Expr, corners: Sequence[float] = ()) -> bool:
    """Whether SymPy simplifies ``a − b`` to 0, for every x apart from the corners.

    Piecewise expressions are compared branch by branch: with one corner c,
    x is replaced by c − p and by c + p for a positive symbol p, which
    settles every condition, and each difference must simplify to 0.
    Without corners the difference is simplified as it is.

    False means SymPy did not reduce the difference to 0: a formula that
    differs, or one SymPy cannot simplify (compare numerically then, with
    :func:`max_difference`).

    Raises:
        NotImplementedError: for more than one corner.
    """
    difference = a - b
    if not corners:
        return _is_zero(difference)
    if len(corners) > 1:
        raise NotImplementedError("one corner at most")
    c = sp.nsimplify(corners[0])
    p = sp.Symbol("p", positive=True)
    return all(_is_zero(difference.subs(X, c + side * p)) for side in (-1, 1))


def one_sided_limits(expr: sp.Expr, at: float) -> tuple[sp.Expr, sp.Expr]:
    """The limits of ``expr`` as x approaches ``at`` from the left and from the right.

    x is replaced by ``at ∓ p`` for a positive symbol p before the limit
    p → 0⁺ is taken, so that a Piecewise first settles on its branch
    (``sympy.limit`` applied to a Piecewise directly can return the value of
    the branch that owns the point itself, from both sides).
    """
    c = sp.nsimplify(at)
    p = sp.Symbol("p", positive=True)
    return tuple(sp.limit(expr.subs(X, c + side * p), p, 0, "+") for side in (-1, 1))


def _mp(point) -> mpmath.mpf:
    if isinstance(point, Fraction):
        return mpmath.mpf(point.numerator) / point.denominator
    return mpmath.mpf(point)


def _mp_function(expr: sp.Expr):
    # Heaviside (SymPy's derivative of max(0, x)) has no mpmath twin: as a Piecewise it has.
    # cse: a subexpression used twice (GELU's tanh argument) is computed once.
    return sp.lambdify(X, expr.rewrite(sp.Piecewise) if expr.has(sp.Heaviside) else expr,
                       modules="mpmath", cse=True)


def mp_values(expr: sp.Expr, points: Iterable, *, dps: int = 50) -> list:
    """``expr`` (in :data:`X`) at each point, as mpmath numbers computed at ``dps`` digits.

    ``fractions.Fraction`` points are taken exactly, other numbers as the
    binary value they hold.
    """
    f = _mp_function(expr)
    with mpmath.workdps(dps):
        return [f(_mp(p)) for p in points]


def max_difference(actual, expected, points: Iterable | None = None, *,
                   measure: str = "relative", dps: int = 50) -> float:
    """The largest difference between two expressions over ``points``, computed at ``dps`` digits.

    Args:
        actual: the expression checked (in :data:`X`), or its values from
            :func:`mp_values`.
        expected: the reference, likewise.
        points: where to compare (needed where an expression is given):
            ``fractions.Fraction`` objects are taken exactly, other numbers
            as the binary value they hold.
        measure: ``"relative"`` for ``|a − b| / |b|`` (``|a − b|`` where
            ``b = 0``), or ``"scaled"`` for ``|a − b| / max(1, |b|)``, the
            measure of :func:`afe.verify.scaled_error`.
        dps: significant decimal digits of the computation.

    Returns:
        The largest difference, as a float.
    """
    if measure not in ("relative", "scaled"):
        raise ValueError(f"measure is 'relative' or 'scaled', got {measure!r}")
    points = None if points is None else list(points)
    a_values, b_values = (v if isinstance(v, list) else mp_values(v, points, dps=dps)
                          for v in (actual, expected))
    if len(a_values) != len(b_values):
        raise ValueError(f"{len(a_values)} values against {len(b_values)}")
    worst = mpmath.mpf(0)
    with mpmath.workdps(dps):
        for a, b in zip(a_values, b_values):
            scale = abs(b) if measure == "relative" else max(mpmath.mpf(1), abs(b))
            worst = max(worst, abs(a - b) if scale == 0 else abs(a - b) / scale)
    return float(worst)

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
from functools import lru_cache
from typing import Any, Iterable

import mpmath
import numpy as np
import sympy as sp

from . import activations

__all__ = ["X", "Derivation", "derive", "param_symbols", "expression", "evaluate", "to_latex"]

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


def to_latex(expr: sp.Expr, digits: int = 15) -> str:
    """LaTeX of ``expr`` with floating-point constants shown to ``digits`` significant digits.

    The expressions carry the exact binary value of constants such as 0.044715
    (0.044714999999999997803...), which is what NumPy computes with; for the
    reader they are printed rounded.
    """
    shown = expr.xreplace({f: sp.Float(float(f), digits) for f in expr.atoms(sp.Float)})
    return sp.latex(shown, full_prec=False)


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

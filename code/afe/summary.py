"""Every activation of the registry side by side, from what the book computes and measures.

The closing chapter ("Choosing an activation") shows these tables; nothing in
them is typed in by hand:

- :func:`formulas`: each function and its derivative as LaTeX, from the
  registry's SymPy expression and ``sympy.diff``, in a Markdown table (math in
  a DataFrame is typeset neither by the HTML book nor by Jupyter; ``$…$`` in
  a Markdown output is, in both);
- :func:`shape_properties`: what the function looks like, computed from the
  registry's NumPy function, its derivative and its SymPy expression: range,
  mean output for standard normal inputs, corners (points where the two
  one-sided slopes differ), monotonicity, slope at 0 and largest slope;
- :func:`training_properties`: what matters when training with it: the
  initializer it pairs with, the share of inputs whose gradient is exactly 0
  (the dead-unit risk) or tiny (saturation), its cost relative to ReLU, and
  the test accuracy of the stored MNIST reference sweep.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np
import pandas as pd
import sympy as sp
from scipy import integrate
from sympy.printing.latex import LatexPrinter

from . import activations, symbolic

__all__ = ["GRID", "Formula", "FormulaTable", "latex", "formulas",
           "value_range", "mean_output", "corners", "shape_properties",
           "gradient_shares", "mnist_accuracy", "training_properties"]

#: Where ranges, slopes and monotonicity are measured: 30,001 points on [−15, 15].
#: Near enough that no function reaches a limit at ±∞ exactly in float64
#: (tanh(x) rounds to 1 from x ≈ 19); the functions' extremes all lie inside.
GRID = np.linspace(-15.0, 15.0, 30_001)


# --------------------------------------------------------------------------
# Formulas
# --------------------------------------------------------------------------

#: What makes a bracketed group taller than a line of text: only around such a
#: group do ``\left(`` and ``\right)`` (brackets that grow with their content)
#: earn their place.
_TALL = ("\\frac", "\\begin", "\\sum", "\\int", "\\prod", "\\binom", "\\dfrac")
_DELIMITER = re.compile(r"\\(left|right)(\\[{}|]|\\[A-Za-z]+|[()\[\].|])")
#: A function's name as SymPy writes it, with a power (``\cosh^{2}``), just before
#: the ``{\left(…\right)}`` that holds its argument.
_FUNCTION_HEAD = re.compile(
    r"\\(?:operatorname\{[A-Za-z]+\}|[A-Za-z]+)(?:\^\{[^{}]*\})?$")


def _plain_brackets(tex: str) -> str:
    r"""``tex`` with ``\left(…\right)`` made ``(…)`` where nothing inside is tall.

    SymPy sizes every bracket with ``\left``/``\right``; around ``x`` or
    ``e^{x} - 1`` that only adds space. A function's argument, which SymPy
    writes ``\tanh{\left(x \right)}``, becomes ``\tanh(x)``. Brackets around a
    fraction or a ``cases`` block keep their sizing.
    """
    stack: list[re.Match] = []
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), disjoint
    for m in _DELIMITER.finditer(tex):
        if m.group(1) == "left":
            stack.append(m)
            continue
        opening = stack.pop()
        inner = tex[opening.end():m.start()]
        round_pair = opening.group(2) == "(" and m.group(2) == ")"
        if not round_pair or any(t in inner for t in _TALL):
            continue
        start, end = opening.start(), m.end()
        close = m.start() - (len(inner) - len(inner.rstrip()))  # "x \right)" → "x)"
        # {\left(x \right)} after a function name: the braces go as well.
        if (tex[start - 1:start] == "{" and tex[end:end + 1] == "}"
                and _FUNCTION_HEAD.search(tex, 0, start - 1)):
            start, end = start - 1, end + 1
        edits += [(start, opening.end(), "("), (close, end, ")")]
    for start, end, text in sorted(edits, reverse=True):
        tex = tex[:start] + text + tex[end:]
    return tex


class _TablePrinter(LatexPrinter):
    r"""``sympy.latex``'s printer, writing a short fraction ``a / b`` on one line
    in a function's argument or an exponent: ``\operatorname{erf}(\sqrt{2} x / 2)``,
    ``e^{- x^{2} / 2}``.

    Only a one-token denominator is folded (``2``, ``\sqrt{\pi}``), so the
    result never reads ambiguously as ``a / 2 \sqrt{\pi}``.
    """

    def __init__(self) -> None:
        super().__init__({"full_prec": False, "ln_notation": True})
        self._inline = 0

    def _in_line(self, method, expr, exp=None):
        self._inline += 1
        try:
            return method(expr, exp)
        finally:
            self._inline -= 1

    def _print_Function(self, expr, exp=None):
        return self._in_line(super()._print_Function, expr, exp)

    def _print_log(self, expr, exp=None):
        return self._in_line(super()._print_log, expr, exp)

    def _print_ExpBase(self, expr, exp=None):
        return self._in_line(super()._print_ExpBase, expr, exp)

    def _print_Mul(self, expr):
        if self._inline:
            denominator = sp.fraction(expr, exact=True)[1]
            tex = self._print(denominator)
            if denominator != 1 and len(tex.split()) == 1 and "^" not in tex:
                saved = self._settings["fold_short_frac"]
                self._settings["fold_short_frac"] = True
                try:
                    return super()._print_Mul(expr)
                finally:
                    self._settings["fold_short_frac"] = saved
        return super()._print_Mul(expr)


def latex(expr: sp.Expr) -> str:
    r"""``expr`` as LaTeX for a table: ``sympy.latex``, made to read better inline.

    Floating-point constants are rounded for the reader as in
    :func:`afe.symbolic.to_latex` (``0.044715``, not its binary value
    ``0.0447149999…``); the natural logarithm is written ``\ln``; a short
    fraction inside a function's argument or an exponent is written on one line
    (:class:`_TablePrinter`); and ``\left(…\right)`` becomes ``(…)`` around
    anything no taller than a line (:func:`_plain_brackets`). A ``Piecewise``
    stays SymPy's ``cases`` block.
    """
    return _plain_brackets(_TablePrinter().doprint(symbolic.rounded(expr)))


def _cell(text: str) -> str:
    """Text for a Markdown table cell: a ``|`` would end the cell."""
    return text.replace("|", "\\|")


#: A sum whose LaTeX is longer than this many characters is set on several
#: lines, so that one long derivative (the tanh form of GELU's) does not make
#: the table twice as wide as the page.
LINE_LENGTH = 110


def _math(expr: sp.Expr) -> str:
    r"""``expr`` as inline math for a Markdown table cell, fractions at full size.

    ``\displaystyle`` keeps a fraction's parts as large as the text around it
    (inline math would shrink them); ``\vert`` stands for a ``|``, which would
    end the cell. A long sum is split between its terms into the lines of an
    ``aligned`` block, each line up to :data:`LINE_LENGTH` characters (a
    single term may be longer); joined up, the lines are :func:`latex`'s text.
    """
    tex = latex(expr)
    if isinstance(expr, sp.Add) and len(tex) > LINE_LENGTH:
        lines: list[str] = []
        for i, term in enumerate(expr.as_ordered_terms()):  # in sympy.latex's order
            negative = term.could_extract_minus_sign()
            sign = "- " if negative else "+ " if i else ""
            piece = sign + latex(-term if negative else term)
            if lines and len(lines[-1]) + 1 + len(piece) <= LINE_LENGTH:
                lines[-1] += " " + piece
            else:  # "{} + …": a + that opens a line is still a binary operator
                lines.append("{} " + piece if lines else piece)
        tex = r"\begin{aligned} &" + r" \\ &".join(lines) + r" \end{aligned}"
    return "$\\displaystyle " + tex.replace("|", "\\vert ") + "$"


@dataclass(frozen=True)
class Formula(symbolic.Derivation):
    """One row: a :class:`afe.symbolic.Derivation` with the display ``label`` of the
    other tables, its LaTeX written by :func:`latex` for a table."""

    label: str = ""

    @property
    def function_latex(self) -> str:
        return latex(self.function)

    @property
    def derivative_latex(self) -> str:
        return latex(self.derivative)


@dataclass(frozen=True)
class FormulaTable:
    """Formulas, shown by Jupyter (and by MyST-NB in the HTML book) as a Markdown table.

    Its only rich output is ``text/markdown``: one row per activation, the
    formulas as ``$…$`` inline math. JupyterLab, Colab and MyST-NB (with the
    cell's ``markdown_format`` set to ``myst``) typeset it; ``repr`` is a
    plain-text version for a console.
    """

    rows: tuple[Formula, ...]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Formula]:
        return iter(self.rows)

    def __getitem__(self, label: str) -> Formula:
        """The row with this label (``"ReLU"``) or registry name (``"relu"``)."""
        for row in self.rows:
            if label in (row.label, row.name):
                return row
        raise KeyError(label)

    def _repr_markdown_(self) -> str:
        # The function and its derivative one above the other: side by side,
        # the longest rows would not fit a page's text column.
        lines = ["| activation | | |", "|:---|:---|:---|"]
        for r in self.rows:
            lines.append(f"| {_cell(r.label)} | $f(x)$ | {_math(r.function)} |")
            lines.append(f"| | $f'(x)$ | {_math(r.derivative)} |")
        return "\n".join(lines) + "\n"

    def __repr__(self) -> str:
        width = max(len(r.label) for r in self.rows)

        def text(expr: sp.Expr) -> str:
            return sp.sstr(symbolic.rounded(expr), full_prec=False)

        return "\n".join(f"{r.label:<{width}}  f(x) = {text(r.function)}\n"
                         f"{'':<{width}}  f'(x) = {text(r.derivative)}"
                         for r in self.rows)


def formulas(names: Iterable[str] = activations.NAMES, *, simplify: bool = False,
             symbolic_params: bool = True) -> FormulaTable:
    """Each activation's SymPy expression and its derivative, for a Markdown table.

    Args:
        names: registry names; the rows keep their order and carry the labels
            of the other tables (:meth:`afe.activations.Activation.label`).
        simplify: False (default): the derivative as ``sympy.diff`` returns
            it, built from the same pieces as the function, e.g.
            ``e^{-x} / (1 + e^{-x})^2`` for the sigmoid and ``1 − tanh²(x)``
            for tanh. True: the simplified derivative of
            :func:`afe.symbolic.derive`, which SymPy often writes with cosh
            (``1 / (4 cosh²(x/2))``). Both are the same function.
        symbolic_params: write parameters as symbols (α, λ), whose default
            values the labels give; False puts the default numbers in.
    """
    rows = []
    for name in names:
        act = activations.get(name)
        f = symbolic.expression(name, symbolic=symbolic_params)
        if simplify:
            d = symbolic.derive(name, symbolic=symbolic_params).derivative
        else:
            d = sp.diff(f, symbolic.X)
        rows.append(Formula(act.name, f, d, label=act.label()))
    return FormulaTable(tuple(rows))


def _bound(value: float) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.3g}".replace("-", "−")


def value_range(act: activations.Activation, grid: np.ndarray = GRID) -> str:
    """The set of values, e.g. ``(0, 1)`` or ``[−0.17, ∞)`` (no-break space after the comma).

    Each end is the smaller (larger) of the limit at ±∞ and the extreme on the
    grid; it is closed (``[``, ``]``) when a finite input reaches it, open
    when only the limit does.
    """
    values = act(grid)
    limits = act(np.array([-np.inf, np.inf]))
    low, high = float(values.min()), float(values.max())
    lower_limit, upper_limit = float(limits.min()), float(limits.max())
    left = "[" if low <= lower_limit else "("
    right = "]" if high >= upper_limit else ")"
    # A no-break space after the comma: a table cell never splits a range.
    return (f"{left}{_bound(min(low, lower_limit))},\u00a0"
            f"{_bound(max(high, upper_limit))}{right}")


def mean_output(act: activations.Activation) -> float:
    """E[f(z)] for z ~ N(0, 1), by quadrature on each side of 0 (exact to ~1e-10)."""
    def weighted(x: float) -> float:
        return float(act(x)) * math.exp(-x * x / 2) / math.sqrt(2 * math.pi)

    left, _ = integrate.quad(weighted, -np.inf, 0)
    right, _ = integrate.quad(weighted, 0, np.inf)
    return round(left + right, 12) + 0.0  # SELU's is 0: no −0.0 or 1e-16 rounding noise


def corners(name: str, **params: float) -> list[float]:
    """The kinks of the registry entry where the one-sided derivatives really differ.

    ELU with α = 1 lists 0 as a kink, but both slopes there are 1: no corner.
    """
    derivative = symbolic.derive(name, **params).derivative
    found = []
    for k in activations.spec(name).kinks:
        left, right = symbolic.one_sided_limits(derivative, k)
        if abs(float(left - right)) > 0:
            found.append(float(k))
    return found


def shape_properties(names: Iterable[str] = activations.NAMES) -> pd.DataFrame:
    """One row per activation (defaults): range, mean output, corners, monotonic, slopes.

    Columns: ``range``; ``mean output, N(0, 1) input``; ``corners at``
    (``none`` for a smooth function); ``monotonic`` (no negative slope on
    :data:`GRID`); ``slope at 0`` (the value the book and TensorFlow use at a
    corner); ``largest slope`` (on :data:`GRID` and next to each kink, where
    SELU's is largest).
    """
    rows = []
    for name in names:
        act = activations.get(name)
        beside = [np.nextafter(k, side) for k in act.spec.kinks for side in (-np.inf, np.inf)]
        slopes = act.derivative(np.concatenate([GRID, beside]))
        at = corners(name)
        rows.append({
            "activation": act.label(),
            "range": value_range(act),
            "mean output, N(0, 1) input": mean_output(act),
            "corners at": ", ".join(f"{c:g}" for c in at) or "none",
            "monotonic": "yes" if slopes.min() >= 0 else "no",
            "slope at 0": float(act.derivative(0.0)),
            "largest slope": float(slopes.max()),
        })
    return pd.DataFrame(rows).set_index("activation")


def gradient_shares(act: activations.Activation, *, scale: float = 1.0, n: int = 200_000,
                    tiny: float = 1e-3, seed: int = 0) -> dict[str, float]:
    """Shares of float32 inputs x ~ N(0, scale²) whose derivative is exactly 0, or below ``tiny``.

    A unit whose inputs all fall where the derivative is exactly 0 is dead: no
    gradient reaches its weights. Below ``tiny`` it is saturated: it learns,
    but a thousand times more slowly than at slope 1.

    Raises:
        ValueError: if ``scale`` or ``tiny`` is not positive.
    """
    if not scale > 0 or not tiny > 0:
        raise ValueError(f"scale and tiny must be > 0, got {scale} and {tiny}")
    x = (scale * np.random.default_rng(seed).standard_normal(n)).astype(np.float32)
    d = np.abs(act.derivative(x))
    return {"zero": float(np.mean(d == 0)), "tiny": float(np.mean(d < tiny))}


def mnist_accuracy(reference: dict) -> dict[str, tuple[float, float, int]]:
    """Per registry name in the stored sweep: (mean, sample sd, number of seeds) of test accuracy."""
    by_name: dict[str, list[float]] = {}
    for run in reference["runs"]:
        by_name.setdefault(run["activation"], []).append(run["test_accuracy"])
    return {name: (float(np.mean(v)), float(np.std(v, ddof=1)) if len(v) > 1 else math.nan,
                   len(v)) for name, v in by_name.items()}


def training_properties(names: Iterable[str] = activations.NAMES, *,
                        costs: dict[str, float] | None = None,
                        reference: dict | None = None) -> pd.DataFrame:
    """One row per activation: initializer, dead and saturated shares, cost, MNIST accuracy.

    Args:
        costs: registry name → time relative to ReLU (e.g. from
            :func:`afe.benchmark.activation_costs`); column left out if None.
        reference: the stored MNIST sweep (:func:`afe.experiments.mnist_comparison.load_reference`);
            columns (mean ± sd in percent, and the number of seeds) left out if
            None. Activations it did not train read "not trained".
    """
    accuracy = mnist_accuracy(reference) if reference is not None else None
    rows = []
    for name in names:
        act = activations.get(name)
        narrow = gradient_shares(act)
        wide = gradient_shares(act, scale=5.0)
        row = {
            "activation": act.label(),
            "initializer": act.spec.initializer,
            "gradient exactly 0, N(0, 1) inputs": narrow["zero"],
            "gradient < 1e-3, N(0, 5²) inputs": wide["tiny"],
        }
        if costs is not None:
            row["cost relative to ReLU"] = costs[name]
        if accuracy is not None:
            if name in accuracy:
                mean, sd, seeds = accuracy[name]
                row["MNIST test accuracy, %"] = f"{100 * mean:.2f} ± {100 * sd:.2f}"
                row["MNIST seeds"] = f"{seeds}"
            else:
                row["MNIST test accuracy, %"] = "not trained"
                row["MNIST seeds"] = "–"
        rows.append(row)
    return pd.DataFrame(rows).set_index("activation")

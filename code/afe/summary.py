"""Every activation of the registry side by side, from what the book computes and measures.

The closing chapter ("Choosing an activation") shows these tables; nothing in
them is typed in by hand:

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
from typing import Iterable

import numpy as np
import pandas as pd
from scipy import integrate

from . import activations, symbolic

__all__ = ["GRID", "value_range", "mean_output", "corners", "shape_properties",
           "gradient_shares", "mnist_accuracy", "training_properties"]

#: Where ranges, slopes and monotonicity are measured: 30,001 points on [−15, 15].
#: Near enough that no function reaches a limit at ±∞ exactly in float64
#: (tanh(x) rounds to 1 from x ≈ 19); the functions' extremes all lie inside.
GRID = np.linspace(-15.0, 15.0, 30_001)


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

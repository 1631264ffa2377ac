"""The book's figure style, and helpers that take data and return figures.

Every chapter draws through these helpers so that colours, fonts and labels
agree across the book: an activation has the same colour in every figure.
Functions return a :class:`matplotlib.figure.Figure` and never call ``show``.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np

from . import activations

__all__ = ["STYLE", "COLORS", "color_of", "use_book_style", "activation_grid"]

#: Matplotlib settings for every figure of the book.
STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "figure.figsize": (7.0, 4.0),
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
}

#: One colour per activation (colour-blind-safe Tol "muted" and "bright" sets).
COLORS = {
    "sigmoid": "#332288", "tanh": "#88CCEE", "relu": "#CC6677", "leaky_relu": "#DDCC77",
    "elu": "#117733", "selu": "#44AA99", "gelu": "#AA4499", "gelu_tanh": "#882255",
    "gelu_sigmoid": "#999933", "silu": "#EE7733", "softplus": "#0077BB", "relu6": "#555555",
}


def color_of(name: str) -> str:
    """The colour of an activation (by registry name or alias)."""
    return COLORS[activations.spec(name).name]


def use_book_style() -> None:
    """Apply :data:`STYLE` to matplotlib (call once at the top of a notebook)."""
    plt.rcParams.update(STYLE)


def activation_grid(acts: Iterable[str | activations.Activation],
                    x: Sequence[float] | None = None, ncols: int = 4) -> plt.Figure:
    """A grid of small plots, one per activation: the function and its derivative.

    Args:
        acts: registry names (defaults) or bound activations.
        x: points to draw at (default: 801 points on [-8, 8], wide enough for ReLU6's cap).
        ncols: plots per row.
    """
    acts = [activations.get(a) if isinstance(a, str) else a for a in acts]
    x = np.linspace(-8, 8, 801) if x is None else np.asarray(x, dtype=float)
    nrows = -(-len(acts) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols, 2.3 * nrows),
                             sharex=True, squeeze=False)
    for ax, act in zip(axes.flat, acts):
        c = color_of(act.name)
        ax.plot(x, act(x), color=c, label="f(x)")
        ax.plot(x, act.derivative(x), color=c, linestyle="--", linewidth=1.4, label="f′(x)")
        ax.axhline(0, color="black", linewidth=0.6)
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_title(act.label())
    for ax in list(axes.flat)[len(acts):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("x")
    axes.flat[0].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig

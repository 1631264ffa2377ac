"""The book's figure style, and helpers that take data and return figures.

Every chapter draws through these helpers so that colours, fonts and labels
agree across the book: an activation has the same colour in every figure.
Functions return a :class:`matplotlib.figure.Figure` and never call ``show``.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import ticker

from . import activations

__all__ = ["STYLE", "COLORS", "color_of", "use_book_style", "activation_grid", "scatter",
           "function_plot", "lines", "barh"]

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
    "prelu": "#EE3377",
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


def function_plot(acts: Iterable[str | activations.Activation], x: Sequence[float] | None = None,
                  derivative: bool = True, title: str | None = None,
                  colors: Sequence[str] | None = None) -> plt.Figure:
    """Activations (solid) and, optionally, their derivatives (dashed) on one pair of axes.

    ``colors`` overrides the registry colours, one per activation (useful when
    one activation is drawn with several parameter values).
    """
    acts = [activations.get(a) if isinstance(a, str) else a for a in acts]
    x = np.linspace(-8, 8, 801) if x is None else np.asarray(x, dtype=float)
    fig, ax = plt.subplots()
    for i, act in enumerate(acts):
        c = colors[i] if colors is not None else color_of(act.name)
        ax.plot(x, act(x), color=c, label=act.label())
        if derivative:
            ax.plot(x, act.derivative(x), color=c, linestyle="--", linewidth=1.4,
                    label=f"{act.label()}′")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel("x")
    ax.legend()
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def lines(panels: Mapping[str, Mapping[str, Sequence[float]]], *, xlabel: str, ylabel: str,
          logy: bool = False, x: Sequence[float] | None = None,
          colors: Mapping[str, str] | None = None, ncols: int | None = None,
          sharey: bool = True, legend: str = "first") -> plt.Figure:
    """One or more panels of line plots.

    Args:
        panels: panel title -> (series label -> y values); an empty title
            gives an untitled single panel.
        xlabel, ylabel: axis labels.
        logy: logarithmic y axis.
        x: shared x values (default: 0, 1, 2, ...).
        colors: series label -> colour (a registry name's colour, say);
            unlisted series take matplotlib's cycle.
        ncols: panels per row (default: all in one row).
        sharey: one y scale for all panels.
        legend: ``"first"`` (a legend on the first panel only) or ``"all"``.
    """
    if legend not in ("first", "all"):
        raise ValueError(f"legend must be 'first' or 'all', got {legend!r}")
    ncols = ncols or len(panels)
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols + 0.6, 3.2 * nrows),
                             squeeze=False, sharey=sharey)
    for ax, (title, series) in zip(axes.flat, panels.items()):
        for label, ys in series.items():
            ys = np.asarray(ys, dtype=float)
            xs = np.arange(len(ys)) if x is None else np.asarray(x)
            ax.plot(xs, ys, label=label, color=(colors or {}).get(label))
        if logy:
            ax.set_yscale("log")
        if title:
            ax.set_title(title)
        ax.set_xlabel(xlabel)
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    for ax in list(axes.flat)[: 1 if legend == "first" else len(panels)]:
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def barh(panels: Mapping[str, Mapping[str, float]], *, xlabel: str, logx: bool = False,
         colors: Mapping[str, str] | None = None, reference: float | None = None,
         ncols: int | None = None) -> plt.Figure:
    """One or more panels of horizontal bars.

    Args:
        panels: panel title -> (bar label -> value), bars drawn in the given order.
        xlabel: label of the value axis.
        logx: logarithmic value axis.
        colors: bar label -> colour.
        reference: draw a vertical line at this value (1 for ratios, say).
        ncols: panels per row (default: all in one row).
    """
    ncols = ncols or len(panels)
    nrows = -(-len(panels) // ncols)
    longest = max(len(label) for bars in panels.values() for label in bars)
    fig, axes = plt.subplots(nrows, ncols, squeeze=False,
                             figsize=(3.4 * ncols + 0.07 * longest, 0.25 * max(map(len, panels.values())) * nrows + 1.2 * nrows))
    for ax, (title, bars) in zip(axes.flat, panels.items()):
        labels = list(bars)
        ax.barh(labels, [bars[k] for k in labels],
                color=[(colors or {}).get(k, "#777777") for k in labels])
        ax.invert_yaxis()
        if reference is not None:
            ax.axvline(reference, color="black", linewidth=0.8)
        if logx:
            ax.set_xscale("log")
            # Plain numbers at 1, 2 and 5 times the powers of ten: ratios read directly.
            ax.xaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
            ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            ax.xaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def scatter(points: Mapping[str, tuple[float, float, float]], *, xlabel: str, ylabel: str,
            colors: Mapping[str, str] | None = None, logx: bool = False) -> plt.Figure:
    """One labelled point per series, with a vertical error bar.

    Args:
        points: label -> (x, y, half-height of the error bar; 0 for none).
        xlabel, ylabel: axis labels.
        colors: label -> colour.
        logx: logarithmic x axis.
    """
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for i, (label, (px, py, err)) in enumerate(points.items()):
        color = (colors or {}).get(label, "#777777")
        ax.errorbar([px], [py], yerr=[err], fmt="o", color=color, capsize=3)
        # Labels alternate above and below their points, so that neighbours overlap less.
        ax.annotate(label, (px, py), textcoords="offset points",
                    xytext=(6, 5 if i % 2 == 0 else -12), fontsize=8)
    if logx:
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.tight_layout()
    return fig

"""What a deep stack of layers does to its activations at initialization.

A batch of inputs passes through ``depth`` dense layers of ``width`` units,
each with fresh random weights from an initializer and the same activation;
the mean and standard deviation of every layer's outputs are recorded. This
is the measurement behind the initialization tips (He for ReLU, Glorot for
tanh), ELU's claim to push the mean towards zero, and SELU's
self-normalization. Dropout can be applied after every layer, as plain
(inverted) dropout or as SELU's alpha dropout.
"""

from __future__ import annotations

import numpy as np

from .. import activations, initializers

__all__ = ["forward_stats", "relative_means"]


def _dropout(a: np.ndarray, rate: float, kind: str, rng: np.random.Generator) -> np.ndarray:
    keep = rng.uniform(size=a.shape) >= rate
    if kind == "dropout":  # inverted dropout, as Keras: zero the dropped, scale the kept
        return np.where(keep, a / (1 - rate), 0.0)
    # Alpha dropout (Klambauer et al. 2017, eq. 10): set dropped units to SELU's
    # saturation value −λα, then an affine map restores mean 0 and variance 1.
    alpha_p = -activations.SELU_SCALE * activations.SELU_ALPHA
    q = 1 - rate
    scale = (q + alpha_p**2 * q * rate) ** -0.5
    shift = -scale * alpha_p * rate
    return scale * np.where(keep, a, alpha_p) + shift


def forward_stats(activation: str, *, depth: int = 64, width: int = 256, batch: int = 1000,
                  weight_init=None, bias: float = 0.0, dropout: float = 0.0,
                  dropout_kind: str = "dropout", x: np.ndarray | None = None,
                  seed: int = 0, **params) -> dict[str, np.ndarray]:
    """Mean and standard deviation of every layer's outputs through a random deep stack.

    Args:
        activation: registry name (``params`` are its parameters).
        depth, width: number of layers and units per layer.
        batch: rows of standard normal input when ``x`` is not given.
        weight_init: an :mod:`afe.initializers` name, or a function
            (fan_in, fan_out, rng) → (fan_out, fan_in) matrix such as
            :func:`afe.initializers.keras_draw`; default: the registry's usual one.
        bias: constant bias of every unit.
        dropout: rate of dropout after every layer (0: none).
        dropout_kind: ``"dropout"`` or ``"alpha_dropout"``.
        x: the input batch (rows are examples), instead of N(0, 1) draws.

    Returns:
        Per layer, shape (depth,): ``mean`` and ``std`` over all units and
        examples; ``zeros``, the share of exact zeros; ``saturated``, the share
        of outputs within 1 % of a bounded activation's limits (tanh's ±1,
        say; 0 for unbounded ones); ``unit_spread``, the standard deviation
        across the units of a layer, averaged over examples (0 when every unit
        computes the same thing, as with constant initializers).
    """
    if dropout_kind not in ("dropout", "alpha_dropout"):
        raise ValueError(f"dropout_kind must be 'dropout' or 'alpha_dropout', got {dropout_kind!r}")
    act = activations.get(activation, **params)
    init = weight_init or act.spec.initializer
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((batch, width)) if x is None else np.asarray(x, dtype=float)
    means, stds, zeros, saturated, spread = [], [], [], [], []
    lo, hi = (float(v) for v in act(np.array([-np.inf, np.inf])))
    bounded = np.isfinite(lo) and np.isfinite(hi) and hi > lo
    for _ in range(depth):
        w = init(a.shape[1], width, rng) if callable(init) else initializers.draw(init, a.shape[1], width, rng)
        a = act(a @ w.T + bias)
        if dropout:
            a = _dropout(a, dropout, dropout_kind, rng)
        means.append(a.mean())
        stds.append(a.std())
        zeros.append(np.mean(a == 0))
        near = 0.01 * (hi - lo)
        saturated.append(np.mean((a < lo + near) | (a > hi - near)) if bounded else 0.0)
        spread.append(a.std(axis=1).mean())
    return {"mean": np.array(means), "std": np.array(stds), "zeros": np.array(zeros),
            "saturated": np.array(saturated), "unit_spread": np.array(spread)}


def relative_means(activation: str, seeds=(0, 1, 2), **kwargs) -> np.ndarray:
    """Every layer's mean output in units of its standard deviation, for several random stacks.

    Args:
        activation: registry name, as for :func:`forward_stats`.
        seeds: one random stack (input and weights) per seed.
        **kwargs: the other arguments of :func:`forward_stats` (``depth``,
            ``alpha``, ...).

    Returns:
        An array of shape (len(seeds), depth): ``mean / std`` of each layer's
        outputs, one row per seed.

    Raises:
        ValueError: when no seed is given.
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("relative_means needs at least one seed")
    rows = []
    for seed in seeds:
        stats = forward_stats(activation, seed=seed, **kwargs)
        rows.append(stats["mean"] / stats["std"])
    return np.array(rows)

"""Training experiments behind the ReLU guide's tips (chapter "ReLU in practice").

The guide (Brownlee 2019) advises, for ReLU networks, He rather than Glorot
initialization, a small positive bias, scaled inputs, and an L1 or L2 weight
penalty. A forward pass at initialization shows why He's initializer keeps
the signal alive (see :mod:`afe.experiments.depth_stats`); the functions here
measure what the tips promise after training, on the book's NumPy MLP
(:mod:`afe.experiments.mlp`), over several seeds:

- :func:`init_runs`: a deep, narrow ReLU network trained from He's and from
  Glorot's initial weights, everything else equal;
- :func:`dead_unit_run`: one run of :func:`afe.experiments.dead_units.run`
  (the two-layer network of the ReLU chapter) as one row of a table, with
  the dead units counted;
- :func:`penalty_runs`: the same small network, trained on a small subset of
  the digits so that it can overfit, with and without each penalty;
- :func:`weight_sparsity`: the share of weights that a penalty has driven to
  (nearly) zero.

Every function is deterministic for given seeds and returns data.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import numpy as np

from . import dead_units, mlp

__all__ = ["init_runs", "dead_unit_run", "weight_sparsity", "penalty_runs"]


def init_runs(x: np.ndarray, y: np.ndarray, x_test: np.ndarray, y_test: np.ndarray, *,
              inits: Sequence[str] = ("he_normal", "glorot_normal"), seeds: Iterable[int] = (0, 1, 2),
              depth: int = 15, width: int = 32, lr: float = 0.05, epochs: int = 3,
              batch: int = 64):
    """Train a deep ReLU MLP from each initializer and seed; measure it after training.

    For a given seed, the networks differ only in their initial weights: the
    same architecture, the same biases (zeros), the same order of batches and
    the same learning rate.

    Args:
        x, y: training inputs (N, 784) and one-hot labels (N, 10).
        x_test, y_test: held-out inputs and labels.
        inits: :mod:`afe.initializers` names to compare.
        seeds: seeds of the initial weights and of the batch order.
        depth: number of hidden ReLU layers.
        width: units per hidden layer.
        lr: learning rate of plain mini-batch SGD.
        epochs: passes over the training data.
        batch: examples per step.

    Returns:
        A DataFrame with a row per initializer and seed: ``init``, ``seed``,
        ``training loss`` (mean cross-entropy on all of ``x`` after the last
        epoch) and ``test accuracy``.

    Raises:
        ValueError: if ``depth`` or ``epochs`` is below 1, or an
            initializer is unknown.
    """
    import pandas as pd

    from .. import initializers

    if depth < 1 or epochs < 1:
        raise ValueError(f"depth and epochs must be at least 1, got {depth} and {epochs}")
    for name in inits:
        initializers.variance(name, 1, 1)  # raises ValueError for an unknown name
    sizes = (x.shape[1], *(width,) * depth, y.shape[1])
    rows = []
    for init in inits:
        for seed in seeds:
            net = mlp.init_mlp(sizes, "relu", weight_init=init, output="softmax", seed=seed)
            with np.errstate(over="ignore", invalid="ignore"):
                mlp.train_sgd(net, x, y, epochs=epochs, batch=batch, lr=lr, seed=seed)
            rows.append({"init": init, "seed": seed, "training loss": mlp.cost(net, x, y),
                         "test accuracy": mlp.accuracy(net, x_test, y_test)})
    return pd.DataFrame(rows)


def dead_unit_run(x: np.ndarray, y: np.ndarray, x_test: np.ndarray, y_test: np.ndarray, *,
                  lr: float = 0.1, bias: float = 0.0, seed: int = 0, epochs: int = 2,
                  sizes: Sequence[int] = (784, 256, 256, 10)) -> dict:
    """Train the ReLU chapter's network once and summarize it as one table row.

    Calls :func:`afe.experiments.dead_units.run` (SGD, the registry's He
    initialization for ReLU) and counts its dead units: hidden units whose
    weighted input is ≤ 0 for every row of ``x``, so that they output 0 and
    their weights receive no gradient from any training example.

    Args:
        x, y: training inputs and one-hot labels (dead units are counted on ``x``).
        x_test, y_test: held-out inputs and labels.
        lr: learning rate.
        bias: initial value of every hidden bias.
        seed: seed of the initial weights and the batch order.
        epochs: passes over the training data.
        sizes: units per layer, input first.

    Returns:
        A dict: ``learning rate``, ``bias``, ``seed``, ``diverged`` (the
        weights overflowed), ``dead units`` (a count over all hidden layers;
        NaN when diverged), ``dead (worst layer)`` (the largest share of one
        layer) and ``test accuracy``. A run that diverged scores a test
        accuracy of 0: its outputs are not numbers, so it classifies no
        digit.
    """
    r = dead_units.run(x, y, lr=lr, bias=bias, seed=seed, epochs=epochs, sizes=tuple(sizes),
                       x_test=x_test, y_test=y_test)
    widths = np.asarray(sizes[1:-1], dtype=float)
    return {
        "learning rate": lr, "bias": bias, "seed": seed, "diverged": r["diverged"],
        "dead units": float(np.round(np.dot(r["dead_trained"], widths))),
        "dead (worst layer)": float(np.max(r["dead_trained"])),
        "test accuracy": 0.0 if r["diverged"] else r["test_accuracy"],
    }


def weight_sparsity(net: mlp.MLP, tol: float = 1e-3) -> float:
    """Share of all weights (not biases) whose magnitude is below ``tol``.

    Raises:
        ValueError: if ``tol`` is not positive.
    """
    if tol <= 0:
        raise ValueError(f"tol must be positive, got {tol}")
    small = sum(int(np.sum(np.abs(w) < tol)) for w in net.weights)
    return small / sum(w.size for w in net.weights)


def penalty_runs(x: np.ndarray, y: np.ndarray, x_test: np.ndarray, y_test: np.ndarray, *,
                 penalties: Mapping[str, Mapping[str, float]], seeds: Iterable[int] = (0, 1, 2),
                 n_train: int = 500, sizes: Sequence[int] = (784, 128, 128, 10),
                 lr: float = 0.1, epochs: int = 40, batch: int = 64, tol: float = 1e-3):
    """Train a ReLU MLP on a small training subset with each penalty and seed.

    A few hundred training images are too few for a network of this size:
    it fits them perfectly and generalizes worse than it could, which is
    where a weight penalty can show whether it helps. For a given seed every
    penalty sees the same training subset, initial weights and batch order.

    Args:
        x, y: the full training set; each seed draws its own ``n_train`` rows.
        x_test, y_test: held-out inputs and labels.
        penalties: label → keywords of :func:`afe.experiments.mlp.train_sgd`, e.g.
            ``{"none": {}, "L2": {"l2": 1e-3}, "L1": {"l1": 1e-4}}``.
        seeds: seeds of the subset, the initial weights and the batch order.
        n_train: rows of the training subset.
        sizes: units per layer, input first.
        lr, epochs, batch: the SGD settings.
        tol: weights below this magnitude count as zero (:func:`weight_sparsity`).

    Returns:
        A DataFrame with a row per penalty and seed: ``penalty``, ``seed``,
        ``training accuracy`` (on the subset), ``test accuracy``, ``test
        loss``, ``weight norm`` (Euclidean, all weights), ``near-zero
        weights`` (:func:`weight_sparsity`), ``zero activations`` (share of
        exact zeros among the hidden activations on the test set) and
        ``largest activation`` (the largest hidden activation on the test set).

    Raises:
        ValueError: if ``n_train`` exceeds the training set, or a penalty's
            keywords are not ``l1``/``l2``.
    """
    import pandas as pd

    if not 0 < n_train <= len(x):
        raise ValueError(f"n_train must be between 1 and {len(x)}, got {n_train}")
    for label, kw in penalties.items():
        if set(kw) - {"l1", "l2"}:
            raise ValueError(f"penalty {label!r} may set only l1 and l2, got {sorted(kw)}")
    rows = []
    for seed in seeds:
        idx = np.random.default_rng(seed).choice(len(x), n_train, replace=False)
        xs, ys = x[idx], y[idx]
        for label, kw in penalties.items():
            net = mlp.init_mlp(sizes, "relu", output="softmax", seed=seed)
            with np.errstate(over="ignore", invalid="ignore"):
                mlp.train_sgd(net, xs, ys, epochs=epochs, batch=batch, lr=lr, seed=seed, **kw)
            _, acts = mlp.forward(net, x_test)
            rows.append({
                "penalty": label, "seed": seed,
                "training accuracy": mlp.accuracy(net, xs, ys),
                "test accuracy": mlp.accuracy(net, x_test, y_test),
                "test loss": mlp.cost(net, x_test, y_test),
                "weight norm": float(np.sqrt(sum((w * w).sum() for w in net.weights))),
                "near-zero weights": weight_sparsity(net, tol),
                "zero activations": float(np.mean(np.concatenate(
                    [a.ravel() == 0 for a in acts[1:-1]]))),
                "largest activation": float(max(a.max() for a in acts[1:-1])),
            })
    return pd.DataFrame(rows)

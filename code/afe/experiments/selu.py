"""SELU's constants and its self-normalizing map (Klambauer et al. 2017).

If a unit's weighted input z is standard normal, SELU's output has mean 0 and
variance 1 exactly when α and λ solve

    E[selu(z)] = 0   and   E[selu(z)²] = 1,   z ~ N(0, 1).

:func:`derive_constants` writes both expectations as integrals, lets SymPy
evaluate them in closed form, solves the first for α (it is linear in α) and
the second for λ, and evaluates both with mpmath to any number of digits.

A layer maps the mean μ and variance ν of its inputs to those of its outputs.
With n inputs and weights w, the weighted input z has mean μω and variance ντ,
where ω = Σw and τ = Σw²; the layer's outputs then have mean
μ̃ = E[selu(z)] and variance ν̃ = E[selu(z)²] − μ̃². :func:`mean_variance_map`
computes that map by numerical integration (mpmath, split at the kink).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import mpmath
import numpy as np
import sympy as sp

from .. import activations

__all__ = ["SeluConstants", "derive_constants", "moments", "mean_variance_map", "iterate",
           "jacobian", "four_properties", "property_values", "NETWORKS", "normalized_mlp",
           "selu_vs_batchnorm"]


@dataclass(frozen=True)
class SeluConstants:
    """α and λ as closed-form SymPy expressions and as decimal strings."""

    alpha_expr: sp.Expr
    scale_expr: sp.Expr
    alpha: str
    scale: str
    digits: int


def derive_constants(digits: int = 40) -> SeluConstants:
    """Solve E[selu(z)] = 0 and E[selu(z)²] = 1 for z ~ N(0, 1), with SymPy; evaluate to ``digits``."""
    z = sp.Symbol("z", real=True)
    alpha, scale = sp.symbols("alpha lambda", positive=True)
    pdf = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)
    pos1 = sp.integrate(z * pdf, (z, 0, sp.oo))
    neg1 = sp.integrate((sp.exp(z) - 1) * pdf, (z, -sp.oo, 0))
    pos2 = sp.integrate(z**2 * pdf, (z, 0, sp.oo))
    neg2 = sp.integrate(sp.expand((sp.exp(z) - 1) ** 2) * pdf, (z, -sp.oo, 0))
    # E[selu] = λ(pos1 + α·neg1) = 0 does not involve λ: solve it for α.
    alpha_expr = sp.simplify(sp.solve(sp.Eq(pos1 + alpha * neg1, 0), alpha)[0])
    # E[selu²] = λ²(pos2 + α²·neg2) = 1, with that α, gives λ.
    scale_expr = sp.simplify(1 / sp.sqrt(pos2 + alpha_expr**2 * neg2))
    return SeluConstants(alpha_expr, scale_expr, str(sp.N(alpha_expr, digits)),
                         str(sp.N(scale_expr, digits)), digits)


def _selu_mp(x, alpha, scale):
    return scale * x if x > 0 else scale * alpha * mpmath.expm1(x)


def _moments_mp(m, s, a, l):
    """E[selu(z)] and E[selu(z)²] for z ~ N(m, s²), as mpf at the working precision."""
    pdf = lambda x: mpmath.npdf(x, m, s)  # noqa: E731
    e1 = mpmath.quad(lambda x: _selu_mp(x, a, l) * pdf(x), [-mpmath.inf, 0, mpmath.inf])
    e2 = mpmath.quad(lambda x: _selu_mp(x, a, l) ** 2 * pdf(x), [-mpmath.inf, 0, mpmath.inf])
    return e1, e2


def _map_mp(mu, nu, omega, tau, a, l):
    e1, e2 = _moments_mp(mu * omega, mpmath.sqrt(nu * tau), a, l)
    return e1, e2 - e1 * e1


def moments(mean: float, std: float, alpha=activations.SELU_ALPHA,
            scale=activations.SELU_SCALE, dps: int = 20) -> tuple[float, float]:
    """E[selu(z)] and E[selu(z)²] for z ~ N(mean, std²), by mpmath quadrature split at 0."""
    with mpmath.workdps(dps):
        e1, e2 = _moments_mp(mpmath.mpf(mean), mpmath.mpf(std), mpmath.mpf(alpha), mpmath.mpf(scale))
        return float(e1), float(e2)


def mean_variance_map(mu: float, nu: float, omega: float = 0.0, tau: float = 1.0,
                      alpha=activations.SELU_ALPHA, scale=activations.SELU_SCALE,
                      dps: int = 20) -> tuple[float, float]:
    """One SELU layer's map (μ, ν) → (μ̃, ν̃) for weight statistics ω = Σw and τ = Σw²."""
    if nu <= 0 or tau <= 0:
        raise ValueError(f"nu and tau must be positive, got nu={nu!r}, tau={tau!r}")
    with mpmath.workdps(dps):
        m, v = _map_mp(*(mpmath.mpf(t) for t in (mu, nu, omega, tau, alpha, scale)))
        return float(m), float(v)


def iterate(mu: float, nu: float, steps: int, omega: float = 0.0, tau: float = 1.0) -> np.ndarray:
    """The path (μ, ν), (μ̃, ν̃), ... of ``steps`` applications of the map: shape (steps + 1, 2)."""
    path = [(mu, nu)]
    for _ in range(steps):
        path.append(mean_variance_map(*path[-1], omega=omega, tau=tau))
    return np.array(path)


def jacobian(mu: float = 0.0, nu: float = 1.0, omega: float = 0.0, tau: float = 1.0,
             alpha=activations.SELU_ALPHA, scale=activations.SELU_SCALE) -> np.ndarray:
    """∂(μ̃, ν̃)/∂(μ, ν) at a point, by mpmath's numerical differentiation at 30 digits."""
    with mpmath.workdps(30):
        w, t, a, l = (mpmath.mpf(v) for v in (omega, tau, alpha, scale))
        rows = []
        for i in range(2):
            f = lambda m, n, i=i: _map_mp(m, n, w, t, a, l)[i]  # noqa: E731
            rows.append([float(mpmath.diff(f, (mu, nu), (1, 0))),
                         float(mpmath.diff(f, (mu, nu), (0, 1)))])
        return np.array(rows)


def four_properties(name: str, **params) -> dict[str, bool]:
    """The four properties Klambauer et al. ask of a self-normalizing activation, checked numerically.

    1. negative and positive values (to control the mean);
    2. a saturation region, where the derivative approaches 0 (to damp large variance);
    3. a slope above 1 somewhere (to increase a small variance);
    4. continuity (for a fixed point to exist).

    The thresholds: a derivative below 1e-6 in the tails counts as saturation,
    a jump below 1e-3 between grid points 1e-4 apart as continuity (see
    :func:`property_values` for the measured numbers).
    """
    v = property_values(name, **params)
    return {
        "negative and positive values": v["lowest value"] < 0 < v["highest value"],
        "saturation region": v["smallest |derivative| in the tails"] < 1e-6,
        "slope above 1": v["largest slope"] > 1 + 1e-9,
        "continuous": v["largest jump"] < 1e-3,
    }


def property_values(name: str, **params) -> dict[str, float]:
    """The numbers behind :func:`four_properties`, measured on a grid of x in [−30, 30].

    Args:
        name: a registry name (``params`` are its parameters).

    Returns:
        ``lowest value`` and ``highest value`` of the function; ``smallest
        |derivative| in the tails`` (the 1,000 grid points at each end, step
        1e-4); ``largest slope``; ``largest jump`` between neighbouring grid
        points (small for a continuous function).
    """
    act = activations.get(name, **params)
    x = np.linspace(-30, 30, 600_001)
    f, df = act(x), act.derivative(x)
    tails = np.concatenate([df[:1000], df[-1000:]])
    return {
        "lowest value": float(f.min()),
        "highest value": float(f.max()),
        "smallest |derivative| in the tails": float(np.min(np.abs(tails))),
        "largest slope": float(df.max()),
        "largest jump": float(np.abs(np.diff(f)).max()),
    }


#: The two networks :func:`selu_vs_batchnorm` compares.
NETWORKS = ("SELU, LeCun", "ReLU, He, BatchNorm")


def normalized_mlp(network: str, *, depth: int = 8, width: int = 64, inputs: int = 784,
                   classes: int = 10, seed: int = 0):
    """A dense softmax classifier of ``depth`` hidden layers, normalized one of two ways.

    Args:
        network: ``"SELU, LeCun"`` (SELU units, ``lecun_normal`` weights: the
            network normalizes itself) or ``"ReLU, He, BatchNorm"`` (each dense
            layer, with ``he_normal`` weights and no bias, is followed by
            ``BatchNormalization`` and then ReLU: external normalization).
        depth, width: hidden layers and units per layer.
        inputs, classes: input size and number of classes.
        seed: seed of the initial weights.

    Returns:
        An uncompiled ``keras.Sequential``.

    Raises:
        ValueError: for an unknown ``network``.
    """
    import keras

    if network not in NETWORKS:
        raise ValueError(f"network must be one of {NETWORKS}, got {network!r}")
    layers = [keras.Input((inputs,))]
    for k in range(depth):
        if network == NETWORKS[0]:
            layers.append(keras.layers.Dense(
                width, activation=activations.get("selu").keras(),
                kernel_initializer=keras.initializers.LecunNormal(seed=seed * 1000 + k)))
        else:
            layers += [
                keras.layers.Dense(width, use_bias=False,
                                   kernel_initializer=keras.initializers.HeNormal(seed=seed * 1000 + k)),
                keras.layers.BatchNormalization(),
                keras.layers.Activation(activations.get("relu").keras()),
            ]
    layers.append(keras.layers.Dense(
        classes, activation="softmax",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed * 1000 + 999)))
    return keras.Sequential(layers, name=network.split(",")[0].lower() + "_mlp")


def _epoch_clock():
    import time

    import keras

    class EpochClock(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []  # kept across fit calls: fit_seeds calls fit once per epoch

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    return EpochClock()


def selu_vs_batchnorm(x: np.ndarray, y: np.ndarray, *, seeds: Sequence[int] = (0, 1, 2),
                      learning_rates: Sequence[float] = (1e-3,), epochs: int = 4,
                      batch_size: int = 64, depth: int = 8, width: int = 64) -> list[dict]:
    """Train the two networks of :func:`normalized_mlp` on the same data; record the training loss.

    Every run trains with Adam at one learning rate, on batches of
    ``batch_size`` drawn in an order set by the seed, from the initial
    weights of :func:`normalized_mlp` with that seed. Inputs are
    standardized (mean 0, standard deviation 1 over all pixels), as SELU's
    theory assumes. Runs go through :func:`afe.models.fit_seeds`, so each
    network is traced once.

    Args:
        x: inputs, shape (N, features).
        y: one-hot labels, shape (N, classes).
        seeds: one run per seed, network and learning rate.
        learning_rates: Adam's learning rates to try.
        epochs: epochs per run.
        batch_size: examples per step.
        depth, width: of the hidden layers.

    Returns:
        One dict per run: ``network``, ``learning_rate``, ``seed``, ``loss``
        and ``accuracy`` (Keras's training loss and accuracy per epoch, the
        mean over the epoch's batches), ``epoch_seconds`` (wall time per
        epoch) and ``traced`` (whether the run's first epoch included
        TensorFlow's tracing, so that its time is not the epoch's cost).
    """
    import keras

    from .. import models

    x = np.asarray(x, dtype=np.float32)
    x = (x - x.mean()) / x.std()
    y = np.asarray(y, dtype=np.float32)
    runs = []
    for network in NETWORKS:
        clocks = []

        def clock():
            clocks.append(_epoch_clock())
            return [clocks[-1]]

        def build(seed, network=network):
            return normalized_mlp(network, depth=depth, width=width, inputs=x.shape[1],
                                  classes=y.shape[1], seed=seed)

        fits = models.fit_seeds(build, x, y, seeds=seeds, learning_rates=learning_rates,
                                optimizer=keras.optimizers.Adam(learning_rates[0]),
                                loss="categorical_crossentropy", metrics=["accuracy"],
                                epochs=epochs, batch_size=batch_size, callbacks=clock)
        for k, (fit, timer) in enumerate(zip(fits, clocks)):
            runs.append({"network": network, "learning_rate": fit["learning_rate"],
                         "seed": fit["seed"], "loss": fit["history"]["loss"],
                         "accuracy": fit["history"]["accuracy"],
                         "epoch_seconds": list(timer.seconds), "traced": k == 0})
    return runs

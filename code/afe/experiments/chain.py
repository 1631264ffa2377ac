"""Nielsen's chain network: one sigmoid neuron per layer, and why its gradient vanishes or explodes.

Layer j computes z_j = w_j a_{j−1} + b_j and a_j = σ(z_j). The gradient of the
cost with respect to the first bias is a product with one factor w_j σ'(z_j)
per later layer (Nielsen 2015, chapter 5):

    ∂C/∂b₁ = σ'(z₁) · w₂σ'(z₂) · w₃σ'(z₃) · w₄σ'(z₄) · ∂C/∂a₄.

This module follows a small change of b₁ through the chain link by link (the
argument behind the product), derives the product with SymPy, evaluates it
numerically, checks it against TensorFlow, and measures when it really explodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import sympy as sp

from .. import activations
from .sigmoid import saturation_point

__all__ = [
    "ChainDerivation",
    "derive_bias_gradient",
    "forward",
    "bias_gradient",
    "tf_bias_gradient",
    "trace_nudge",
    "extreme_case",
    "explosion_window",
    "random_chains",
]


class sigma(sp.Function):
    """The sigmoid as an opaque SymPy function whose derivative is σ(1 − σ)."""

    def fdiff(self, argindex=1):
        s = sigma(self.args[0])
        return s * (1 - s)


@dataclass(frozen=True)
class ChainDerivation:
    """∂C/∂b₁ from ``sympy.diff``, Nielsen's product form, and whether they are equal."""

    n: int
    derived: sp.Expr
    product: sp.Expr
    equal: bool

    @property
    def product_latex(self) -> str:
        """Nielsen's product, written out: σ'(z₁) w₂σ'(z₂) ⋯ ∂C/∂a_n."""
        later = r"\,".join(rf"w_{j}\sigma'(z_{j})" for j in range(2, self.n + 1))
        return rf"\sigma'(z_1)\,{later}\,\frac{{\partial C}}{{\partial a_{self.n}}}"


def derive_bias_gradient(n: int = 4) -> ChainDerivation:
    """Differentiate C(a_n) for an n-neuron chain with respect to b₁, symbolically."""
    if n < 1:
        raise ValueError(f"the chain needs at least one neuron, got n = {n}")
    w = sp.symbols(f"w1:{n + 1}")
    b = sp.symbols(f"b1:{n + 1}")
    a = sp.Symbol("a0")
    cost = sp.Function("C")
    zs = []
    for j in range(n):
        z = w[j] * a + b[j]
        zs.append(z)
        a = sigma(z)
    derived = sp.diff(cost(a), b[0])
    a_n = sp.Symbol(f"a{n}")
    dsig = [sigma(zj) * (1 - sigma(zj)) for zj in zs]
    product = dsig[0] * sp.Mul(*[w[j] * dsig[j] for j in range(1, n)])
    dc = sp.Subs(sp.Derivative(cost(a_n), a_n), a_n, a)
    product = product * dc.doit()
    equal = sp.simplify(derived - product) == 0
    return ChainDerivation(n, derived, product, bool(equal))


def forward(w: Sequence[float], b: Sequence[float], a0: float,
            activation: str = "sigmoid") -> tuple[np.ndarray, np.ndarray]:
    """Weighted inputs z_j and outputs a_j of the chain (float64), with any registered activation."""
    w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
    if w.shape != b.shape or w.ndim != 1:
        raise ValueError(f"w and b must be 1-D and of one length; got {w.shape}, {b.shape}")
    act = activations.get(activation)
    zs, outs, a = [], [], float(a0)
    for wj, bj in zip(w, b):
        z = wj * a + bj
        a = float(act(z))
        zs.append(z)
        outs.append(a)
    return np.array(zs), np.array(outs)


def bias_gradient(w: Sequence[float], b: Sequence[float], a0: float, dc_da: float = 1.0,
                  activation: str = "sigmoid") -> float:
    """∂C/∂b₁ by the product formula: g'(z₁) Π_{j≥2} w_j g'(z_j) · ∂C/∂a_n (g the activation)."""
    zs, _ = forward(w, b, a0, activation)
    d = activations.get(activation).derivative(zs)
    return float(d[0] * np.prod(np.asarray(w[1:], dtype=float) * d[1:]) * dc_da)


def tf_bias_gradient(w: Sequence[float], b: Sequence[float], a0: float,
                     activation: str = "sigmoid") -> float:
    """∂a_n/∂b₁ (that is, ∂C/∂b₁ with ∂C/∂a_n = 1) by TensorFlow autodiff, float64."""
    import tensorflow as tf

    act = activations.get(activation).keras()
    b1 = tf.Variable(float(b[0]), dtype=tf.float64)
    with tf.GradientTape() as tape:
        a = tf.constant(float(a0), dtype=tf.float64)
        for j, (wj, bj) in enumerate(zip(w, b)):
            a = act(wj * a + (b1 if j == 0 else bj))
    return float(tape.gradient(a, b1))


def _sub(j: int) -> str:
    return str(j).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def trace_nudge(w: Sequence[float], b: Sequence[float], a0: float, db: float = 1e-6,
                target: float | None = None, activation: str = "sigmoid") -> list[dict]:
    """Follow a small change Δb₁ of the first bias through the chain, link by link.

    The chain is run twice, with b₁ and with b₁ + Δb₁, and every change is
    recorded twice: as it actually happens (the difference of the two runs)
    and as Nielsen's argument predicts it, the previous predicted change
    times the link's factor: Δa_j ≈ g'(z_j) Δz_j, Δz_{j+1} = w_{j+1} Δa_j
    and ΔC ≈ ∂C/∂a_n Δa_n. The last prediction is therefore the product
    formula of :func:`bias_gradient` times Δb₁.

    Args:
        w, b: the weights and biases of the n neurons.
        a0: the chain's input.
        db: the change Δb₁ of the first bias.
        target: ``None`` for the cost C = a_n (∂C/∂a_n = 1, as in
            :func:`bias_gradient`'s default); a number y for the quadratic
            cost C = (a_n − y)²/2, whose ∂C/∂a_n is a_n − y.
        activation: the registered activation g of every neuron.

    Returns:
        One dict per change, in the order Δz₁, Δa₁, Δz₂, …, Δa_n, ΔC, with
        the keys ``change``, ``factor`` (its name), ``factor value``,
        ``predicted`` and ``actual``; ready for ``pandas.DataFrame``.

    Raises:
        ValueError: for a Δb₁ of zero.
    """
    if db == 0:
        raise ValueError("the nudge db must not be 0")
    zs, outs = forward(w, b, a0, activation)
    nudged = np.array(b, dtype=float)
    nudged[0] += db
    zs_new, outs_new = forward(w, nudged, a0, activation)
    slopes = activations.get(activation).derivative(zs)
    g = "σ′" if activation == "sigmoid" else "g′"

    def cost(a):
        return a if target is None else (a - target) ** 2 / 2

    rows, predicted = [], float(db)

    def record(change, factor, value, actual):
        nonlocal predicted
        predicted *= value
        rows.append({"change": change, "factor": factor, "factor value": value,
                     "predicted": predicted, "actual": float(actual)})

    for j in range(len(zs)):
        k = _sub(j + 1)
        weight = 1.0 if j == 0 else float(w[j])  # z₁ moves with b₁ one for one
        record(f"Δz{k}", "1" if j == 0 else f"w{k}", weight, zs_new[j] - zs[j])
        record(f"Δa{k}", f"{g}(z{k})", float(slopes[j]), outs_new[j] - outs[j])
    dc_da = 1.0 if target is None else float(outs[-1] - target)
    record("ΔC", f"∂C/∂a{_sub(len(zs))}", dc_da, cost(outs_new[-1]) - cost(outs[-1]))
    return rows


def extreme_case(w: float = 100.0, n: int = 4, b1: float = 1.56, eta: float = 0.5,
                 draws: int = 100_000, seed: int = 0) -> dict:
    """The article's extreme case: every w = 100, σ' values in [0, 1/4], ∂C/∂a_n = 1.

    Returns the largest possible gradient (every σ' at its maximum 1/4), the
    bias it would produce after one update b₁ − η∂C/∂b₁, and the distribution
    of the gradient when the σ' values are drawn uniformly from [0, 1/4].
    """
    bound = 0.25**n * w ** (n - 1)
    rng = np.random.default_rng(seed)
    grads = rng.uniform(0, 0.25, size=(draws, n)).prod(axis=1) * w ** (n - 1)
    return {
        "bound": bound,
        "b1_after_bound": b1 - eta * bound,
        "median": float(np.median(grads)),
        "mean": float(grads.mean()),
        "p_update_over_1": float((eta * grads > 1).mean()),
        "b1_after_median": b1 - eta * float(np.median(grads)),
    }


def explosion_window(w: float) -> float:
    """Width of the range of inputs a for which |w σ'(w a + b)| ≥ 1, at the best b.

    |w|σ'(z) ≥ 1 needs |z| ≤ z*, where σ'(z*) = 1/|w|; z = w a + b then
    confines a to an interval of width 2z*/|w|. Empty (0) when |w| < 4.
    """
    w = abs(float(w))
    if w < 4:
        return 0.0
    return 2 * saturation_point(1 / w) / w


def random_chains(w: float = 100.0, n: int = 4, chains: int = 10_000, seed: int = 0,
                  bias_range: tuple[float, float] | None = None) -> np.ndarray:
    """∂C/∂b₁ (with ∂C/∂a_n = 1) for random chains with every weight ``w``.

    Args:
        w: the weight of every link.
        n: the number of neurons.
        chains: how many chains to draw.
        seed: seed of the draws.
        bias_range: ``None`` for biases from N(0, 1) (Nielsen's
            initialization), or ``(low, high)`` for biases uniform on that
            interval (with ``(-w, 0)`` a bias can cancel the weighted input
            of any a ∈ (0, 1), so z_j may land anywhere in (−w, w)).

    Returns:
        One gradient per chain, shape (chains,). The input a₀ is drawn from
        U(0, 1) for each chain.

    Raises:
        ValueError: for a ``bias_range`` whose low end is not below its high end.
    """
    if bias_range is not None and not bias_range[0] < bias_range[1]:
        raise ValueError(f"bias_range must be (low, high) with low < high, got {bias_range!r}")
    rng = np.random.default_rng(seed)
    ws = np.full(n, float(w))

    def biases():
        if bias_range is None:
            return rng.standard_normal(n)
        return rng.uniform(bias_range[0], bias_range[1], n)

    return np.array([bias_gradient(ws, biases(), rng.uniform()) for _ in range(chains)])

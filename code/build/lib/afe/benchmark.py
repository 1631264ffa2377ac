"""How long one call of each activation takes, relative to ReLU, on this CPU.

Every activation of the registry is timed in two back ends and two modes:

- ``numpy``: the registry's NumPy function (``forward``), and the function
  plus its hand-written derivative times an upstream gradient
  (``forward+backward``, what backpropagation through the layer costs);
- ``tensorflow``: the Keras twin inside a ``tf.function`` (``forward``),
  and the same with ``tf.GradientTape`` computing the input gradient
  (``forward+backward``).

Each measurement is repeated; the median, the interquartile range and the
median relative to ReLU's median in the same back end and mode are returned.
Timings depend on the machine and its load: compare the ratios, not the
microseconds, and expect them to move by several percent from run to run.
"""

from __future__ import annotations

import time
from typing import Callable, Iterable

import numpy as np

from . import activations

__all__ = ["time_call", "activation_costs"]


def time_call(fn: Callable[[], object], repeats: int = 15, warmup: int = 3) -> np.ndarray:
    """Seconds per call of ``fn``, ``repeats`` times, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    out = np.empty(repeats)
    for i in range(repeats):
        start = time.perf_counter()
        fn()
        out[i] = time.perf_counter() - start
    return out


def _numpy_calls(act: activations.Activation, x: np.ndarray) -> dict[str, Callable[[], object]]:
    upstream = np.ones_like(x)
    return {
        "forward": lambda: act(x),
        "forward+backward": lambda: (act(x), act.derivative(x) * upstream),
    }


def _tensorflow_calls(act: activations.Activation, x: np.ndarray) -> dict[str, Callable[[], object]]:
    import tensorflow as tf

    fn = act.keras()
    xt = tf.constant(x)

    @tf.function
    def forward(t):
        return fn(t)

    @tf.function
    def forward_backward(t):
        with tf.GradientTape() as tape:
            tape.watch(t)
            y = fn(t)
        return y, tape.gradient(y, t)

    # On the CPU an eager call returns once the result is computed, so no
    # .numpy() copy is needed (or timed).
    return {
        "forward": lambda: forward(xt),
        "forward+backward": lambda: forward_backward(xt),
    }


def activation_costs(names: Iterable[str] = activations.NAMES, *, size: int = 1_000_000,
                     repeats: int = 15, backends: Iterable[str] = ("numpy", "tensorflow"),
                     seed: int = 0) -> list[dict]:
    """Time every activation on ``size`` float32 inputs drawn from N(0, 1).

    Returns:
        One record per (activation, back end, mode): ``median_ms``, ``q1_ms``,
        ``q3_ms`` and ``relative_to_relu`` (median over ReLU's median).
    """
    x = np.random.default_rng(seed).standard_normal(size).astype(np.float32)
    makers = {"numpy": _numpy_calls, "tensorflow": _tensorflow_calls}
    names = list(names)
    if "relu" not in names:
        names.insert(0, "relu")
    records = []
    for backend in backends:
        if backend not in makers:
            raise ValueError(f"unknown back end {backend!r}; choose from {', '.join(makers)}")
        for name in names:
            act = activations.get(name)
            for mode, call in makers[backend](act, x).items():
                t = time_call(call, repeats) * 1e3
                records.append({"activation": act.label(), "name": act.name, "backend": backend,
                                "mode": mode, "median_ms": float(np.median(t)),
                                "q1_ms": float(np.percentile(t, 25)),
                                "q3_ms": float(np.percentile(t, 75))})
    relu = {(r["backend"], r["mode"]): r["median_ms"] for r in records if r["name"] == "relu"}
    for r in records:
        r["relative_to_relu"] = r["median_ms"] / relu[r["backend"], r["mode"]]
    return records

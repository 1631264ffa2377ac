"""The registry of activation functions.

Every activation of the book lives here, once, with its four faces side by side:

1. a NumPy function and its **hand-written** derivative (the textbook formula),
   vectorized, dtype-preserving (float32 in, float32 out) and numerically sound
   for inputs of ±1e4, ±inf and NaN;
2. a SymPy expression (``Piecewise`` where the function has branches) from which
   :mod:`afe.symbolic` derives the derivative;
3. the matching Keras/TensorFlow callable, with the same parameters (a Keras
   built-in wherever one exists);
4. the paper it comes from.

Look an activation up by name with :func:`get`::

    >>> from afe import activations
    >>> elu = activations.get("elu", alpha=0.2)
    >>> float(elu(-5.0))
    -0.19865241060018292
    >>> float(elu.derivative(-5.0))
    0.0013475893998170934

Derivatives at kinks
--------------------
At a point where a function has a corner (x = 0 for ReLU, Leaky ReLU, PReLU, SELU and
ELU with α ≠ 1; x = 0 and x = 6 for ReLU6) the derivative is not defined. The
book uses, for each activation, the value that TensorFlow's gradient returns
there, so that all four faces agree everywhere. The ``Piecewise`` expression
encodes the convention: the kink belongs to the branch whose condition holds
there (``x > 0`` puts 0 in the left branch, ``x >= 0`` in the right one), and
``sympy.diff`` then returns that branch's slope. Each entry's ``kink_rule``
states the convention in words.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np
import sympy as sp
from scipy import special

__all__ = [
    "Activation",
    "ActivationSpec",
    "InvalidParameterError",
    "Param",
    "Reference",
    "UnknownActivationError",
    "REGISTRY",
    "NAMES",
    "SELU_ALPHA",
    "SELU_SCALE",
    "describe",
    "get",
    "spec",
]

# --------------------------------------------------------------------------
# Errors and input handling
# --------------------------------------------------------------------------


class UnknownActivationError(KeyError):
    """Raised for a name that is not in the registry; the message lists the valid names."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class InvalidParameterError(ValueError):
    """Raised for a parameter that is unknown or out of its valid range."""


def _as_real_array(x: Any) -> np.ndarray:
    """Return ``x`` as a floating-point array; integers become float64.

    Raises:
        TypeError: if ``x`` is not real-valued numeric data (strings, complex
            numbers, booleans, ``None`` and other objects are refused).
    """
    arr = np.asarray(x)
    if arr.dtype.kind == "f":
        return arr
    if arr.dtype.kind in "iu":
        return arr.astype(np.float64)
    raise TypeError(
        "activation input must be a real number or an array of real numbers "
        f"(float or int); got {type(x).__name__} with dtype {arr.dtype}"
    )


def _finish(out: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Return ``out`` in the dtype of the input ``like``; a 0-d result becomes a NumPy scalar.

    Most operations keep float32 as float32 on their own; this makes the rule
    hold for every function (SciPy computes float16 in float32, for instance).
    """
    out = np.asarray(out).astype(like.dtype, copy=False)
    return out[()] if out.ndim == 0 else out


def _step(x: np.ndarray) -> np.ndarray:
    """1 for x > 0, 0 for x ≤ 0, NaN for NaN, in ``x``'s dtype.

    sign(max(x, 0)) is that step in two fast passes; max and sign both pass
    NaN through, which a comparison such as ``x > 0`` would turn into False.
    """
    return np.sign(np.maximum(x, 0))


def _times_vanishing(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a * b`` where ``b`` decays exponentially as ``a`` grows without bound.

    In products such as x·Φ(x) or x·σ(x)σ(−x) the second factor reaches exactly
    0 long before x reaches infinity, and the true limit of the product is 0.
    IEEE arithmetic would give ``inf * 0 = nan`` (with a warning); this helper
    returns the limit 0 there instead and the plain product everywhere else.
    """
    a, b = np.broadcast_arrays(a, b)
    out = np.zeros(a.shape, dtype=np.result_type(a, b))
    np.multiply(a, b, out=out, where=~(np.isinf(a) & (b == 0)))
    return out


def _real_param(name: str, value: Any, *, positive: bool = False) -> float:
    """Validate a scalar parameter (finite, ≥ 0 or > 0) and return it as a Python float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(
            f"{name} must be a real number, got {value!r} ({type(value).__name__})"
        )
    value = float(value)
    if not math.isfinite(value):
        raise InvalidParameterError(f"{name} must be finite, got {value!r}")
    if positive and value <= 0:
        raise InvalidParameterError(f"{name} must be > 0, got {value!r}")
    if value < 0:
        raise InvalidParameterError(f"{name} must be >= 0, got {value!r}")
    return value


def _sympy_number(value: Any) -> sp.Expr:
    """A parameter for a SymPy expression: symbols stay symbols, numbers become exact Floats.

    A Python float such as 0.2 is turned into the SymPy Float of the same binary
    value (0.2000000000000000111...), so SymPy and NumPy compute with one number.
    """
    if isinstance(value, sp.Basic):
        return value
    return sp.Float(float(value), 30)


# --------------------------------------------------------------------------
# Registry records
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A publication, with the key it has in the book's ``references.bib``."""

    key: str
    authors: str
    title: str
    year: int
    url: str

    def __str__(self) -> str:
        return f"{self.authors} ({self.year}). {self.title}. {self.url}"

    @property
    def short(self) -> str:
        """Author-year form: ``Maas et al. (2013)``, ``Hendrycks & Gimpel (2016)``."""
        surnames = re.findall(r"(\S+), [A-Z]\.", self.authors)
        if len(surnames) == 1:
            who = surnames[0]
        elif len(surnames) == 2:
            who = " & ".join(surnames)
        else:
            who = f"{surnames[0]} et al."
        return f"{who} ({self.year})"


@dataclass(frozen=True)
class Param:
    """A parameter of an activation: its default, LaTeX symbol and valid range."""

    name: str
    default: float
    latex: str
    doc: str
    positive: bool = False  # True: must be > 0; False: must be >= 0
    tunable: bool = True  # False: a derived constant (SELU's), not a knob to turn
    unicode: str = "α"

    def validate(self, value: Any) -> float:
        return _real_param(self.name, value, positive=self.positive)


@dataclass(frozen=True)
class ActivationSpec:
    """One registry entry: the four faces of an activation and what to know about them.

    Attributes:
        name: registry name (lower case, as in Keras where Keras has one).
        title: display name.
        numpy: ``f(x, **params)``, the NumPy function.
        derivative: ``f'(x, **params)``, the hand-written NumPy derivative.
        sympy: ``expr(x, **params)``, the SymPy expression in the symbol ``x``;
            parameters may be numbers or SymPy symbols.
        keras: ``keras_fn(**params)`` returning a callable on tensors.
        keras_builtin: how the Keras twin is spelled when it is a Keras
            built-in (``None`` when Keras has none and the twin is written with
            ``keras.ops``).
        params: the parameters, in order.
        kinks: points where the function has a corner (derivative undefined).
        kink_rule: the derivative used at the kinks (always TensorFlow's value).
        monotonic: whether the function is non-decreasing for every valid
            parameter value.
        references: the papers it comes from.
        aliases: other names that :func:`get` accepts.
        initializer: the Keras weight initializer usually paired with it:
            ``glorot_normal`` for the sigmoid-like functions (Glorot & Bengio
            derived it for them), ``lecun_normal`` for SELU (its
            self-normalization assumes it), ``he_normal`` for the ReLU family.
    """

    name: str
    title: str
    numpy: Callable[..., Any]
    derivative: Callable[..., Any]
    sympy: Callable[..., sp.Expr]
    keras: Callable[..., Callable[[Any], Any]]
    keras_builtin: str | None
    params: tuple[Param, ...] = ()
    kinks: tuple[float, ...] = ()
    kink_rule: str = "none (smooth)"
    monotonic: bool = True
    references: tuple[Reference, ...] = ()
    aliases: tuple[str, ...] = ()
    initializer: str = "he_normal"

    @property
    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}

    def bind(self, **params: Any) -> "Activation":
        """Return the activation with its parameters fixed (and validated)."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(params) - set(known))
        if unknown:
            valid = ", ".join(known) if known else "none"
            raise InvalidParameterError(
                f"{self.name} has no parameter {', '.join(unknown)}; its parameters: {valid}"
            )
        values = {n: p.validate(params.get(n, p.default)) for n, p in known.items()}
        return Activation(self, values)


@dataclass(frozen=True)
class Activation:
    """An activation with its parameters fixed: callable, with its other faces as methods."""

    spec: ActivationSpec
    params: Mapping[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    def __call__(self, x: Any) -> Any:
        """The NumPy function."""
        return self.spec.numpy(x, **self.params)

    def derivative(self, x: Any) -> Any:
        """The hand-written NumPy derivative."""
        return self.spec.derivative(x, **self.params)

    def sympy(self, x: sp.Symbol | None = None) -> sp.Expr:
        """The SymPy expression with these numeric parameters."""
        return self.spec.sympy(sp.Symbol("x", real=True) if x is None else x, **self.params)

    def keras(self) -> Callable[[Any], Any]:
        """The Keras/TensorFlow twin with the same parameters (imports Keras)."""
        return self.spec.keras(**self.params)

    def label(self) -> str:
        """A short label for legends, e.g. ``ELU (α=0.2)``; fixed constants (SELU's) are left out."""
        shown = ", ".join(
            f"{p.unicode}={self.params[p.name]:g}"
            for p in self.spec.params
            if p.tunable or self.params[p.name] != p.default
        )
        return f"{self.spec.title} ({shown})" if shown else self.spec.title

# --------------------------------------------------------------------------
# The papers
# --------------------------------------------------------------------------

RUMELHART_1986 = Reference(
    "rumelhart1986learning",
    "Rumelhart, D. E., Hinton, G. E. & Williams, R. J.",
    "Learning representations by back-propagating errors. Nature 323, 533-536",
    1986,
    "https://doi.org/10.1038/323533a0",
)
LECUN_1998 = Reference(
    "lecun1998efficient",
    "LeCun, Y., Bottou, L., Orr, G. B. & Müller, K.-R.",
    "Efficient BackProp. In Neural Networks: Tricks of the Trade",
    1998,
    "https://doi.org/10.1007/3-540-49430-8_2",
)
GLOROT_2011 = Reference(
    "glorot2011deep",
    "Glorot, X., Bordes, A. & Bengio, Y.",
    "Deep Sparse Rectifier Neural Networks. AISTATS 2011",
    2011,
    "https://proceedings.mlr.press/v15/glorot11a.html",
)
MAAS_2013 = Reference(
    "maas2013rectifier",
    "Maas, A. L., Hannun, A. Y. & Ng, A. Y.",
    "Rectifier Nonlinearities Improve Neural Network Acoustic Models. ICML 2013 workshop",
    2013,
    "https://ai.stanford.edu/~amaas/papers/relu_hybrid_icml2013_final.pdf",
)
HE_2015 = Reference(
    "he2015delving",
    "He, K., Zhang, X., Ren, S. & Sun, J.",
    "Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet "
    "Classification. ICCV 2015",
    2015,
    "https://arxiv.org/abs/1502.01852",
)
CLEVERT_2015 = Reference(
    "clevert2015fast",
    "Clevert, D.-A., Unterthiner, T. & Hochreiter, S.",
    "Fast and Accurate Deep Network Learning by Exponential Linear Units (ELUs)",
    2015,
    "https://arxiv.org/abs/1511.07289",
)
KLAMBAUER_2017 = Reference(
    "klambauer2017self",
    "Klambauer, G., Unterthiner, T., Mayr, A. & Hochreiter, S.",
    "Self-Normalizing Neural Networks. NeurIPS 2017",
    2017,
    "https://arxiv.org/abs/1706.02515",
)
HENDRYCKS_2016 = Reference(
    "hendrycks2016gaussian",
    "Hendrycks, D. & Gimpel, K.",
    "Gaussian Error Linear Units (GELUs)",
    2016,
    "https://arxiv.org/abs/1606.08415",
)
ELFWING_2018 = Reference(
    "elfwing2018sigmoid",
    "Elfwing, S., Uchibe, E. & Doya, K.",
    "Sigmoid-Weighted Linear Units for Neural Network Function Approximation "
    "in Reinforcement Learning. Neural Networks 107, 3-11",
    2018,
    "https://arxiv.org/abs/1702.03118",
)
RAMACHANDRAN_2017 = Reference(
    "ramachandran2017searching",
    "Ramachandran, P., Zoph, B. & Le, Q. V.",
    "Searching for Activation Functions",
    2017,
    "https://arxiv.org/abs/1710.05941",
)
DUGAS_2001 = Reference(
    "dugas2001incorporating",
    "Dugas, C., Bengio, Y., Bélisle, F., Nadeau, C. & Garcia, R.",
    "Incorporating Second-Order Functional Knowledge for Better Option Pricing. NIPS 13",
    2001,
    "https://papers.nips.cc/paper/1920-incorporating-second-order-functional-knowledge-for-better-option-pricing",
)
KRIZHEVSKY_2010 = Reference(
    "krizhevsky2010convolutional",
    "Krizhevsky, A.",
    "Convolutional Deep Belief Networks on CIFAR-10 (unpublished manuscript)",
    2010,
    "https://www.cs.toronto.edu/~kriz/conv-cifar10-aug2010.pdf",
)

# --------------------------------------------------------------------------
# Sigmoid
# --------------------------------------------------------------------------


def sigmoid(x):
    """Logistic sigmoid.

    σ(x) = 1 / (1 + e^(−x)), with values in (0, 1).

    Args:
        x: real number or array (float32 stays float32).

    Returns:
        σ(x), computed without overflow for any input (``scipy.special.expit``).

    Reference: Rumelhart, Hinton & Williams (1986).
    """
    x = _as_real_array(x)
    return _finish(special.expit(x), x)


def sigmoid_derivative(x):
    """Derivative of the sigmoid.

    σ'(x) = σ(x)(1 − σ(x)), written as σ(x)·σ(−x) since 1 − σ(x) = σ(−x):
    the same number, without the cancellation of 1 − σ(x) for large x.
    Its maximum is 1/4, at x = 0.
    """
    x = _as_real_array(x)
    return _finish(special.expit(x) * special.expit(-x), x)


def sigmoid_sympy(x):
    return 1 / (1 + sp.exp(-x))


def sigmoid_keras():
    import keras

    return keras.activations.sigmoid


# --------------------------------------------------------------------------
# Tanh
# --------------------------------------------------------------------------


def tanh(x):
    """Hyperbolic tangent.

    tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x)) = 2σ(2x) − 1, with values in (−1, 1).

    Reference: LeCun, Bottou, Orr & Müller (1998), on why it beats the sigmoid
    in hidden layers (it is centred on 0).
    """
    x = _as_real_array(x)
    return _finish(np.tanh(x), x)


def tanh_derivative(x):
    """Derivative of tanh: tanh'(x) = 1 − tanh²(x), at most 1 (at x = 0).

    Computed as sech²(x) = 4e/(1 + e)² with e = exp(−2|x|): the same number,
    without the cancellation of 1 − tanh²(x), which loses every digit once
    tanh(x) rounds to ±1 (|x| > 9 in float32, > 19 in float64) while the
    true value, about 4·exp(−2|x|), is still representable.
    """
    x = _as_real_array(x)
    e = np.exp(-2 * np.abs(x))
    return _finish(4 * e / ((1 + e) * (1 + e)), x)


def tanh_sympy(x):
    return sp.tanh(x)


def tanh_keras():
    import keras

    return keras.activations.tanh


# --------------------------------------------------------------------------
# ReLU
# --------------------------------------------------------------------------


def relu(x):
    """Rectified linear unit.

    ReLU(x) = max(0, x).

    Reference: Glorot, Bordes & Bengio (2011), Deep Sparse Rectifier Neural Networks.
    """
    x = _as_real_array(x)
    return _finish(np.maximum(x, 0), x)


def relu_derivative(x):
    """Derivative of ReLU: 1 for x > 0, 0 for x ≤ 0 (0 at the kink, as TensorFlow)."""
    x = _as_real_array(x)
    return _finish(_step(x), x)


def relu_sympy(x):
    return sp.Piecewise((x, x > 0), (0, True))


def relu_keras():
    import keras

    return keras.activations.relu


# --------------------------------------------------------------------------
# Leaky ReLU
# --------------------------------------------------------------------------


def leaky_relu(x, alpha=0.2):
    """Leaky rectified linear unit.

    LReLU(x) = x for x > 0, αx for x ≤ 0.

    Args:
        x: real number or array.
        alpha: slope for negative inputs, finite and ≥ 0. The book's default is
            0.2, as in the article and in ``keras.activations.leaky_relu``; the
            paper used 0.01 and the layer ``keras.layers.LeakyReLU`` defaults
            to 0.3.

    Reference: Maas, Hannun & Ng (2013).
    """
    alpha = _real_param("alpha", alpha)
    x = _as_real_array(x)
    if alpha == 0.0:  # 0 · (−inf) would be NaN; the limit is ReLU's 0
        return relu(x)
    # For α ≤ 1 the larger of x and αx is x when x > 0 and αx otherwise (for
    # α > 1 the smaller one is): one branch-free pass instead of a select.
    pick = np.maximum if alpha <= 1 else np.minimum
    return _finish(pick(x, alpha * x), x)


def leaky_relu_derivative(x, alpha=0.2):
    """Derivative of Leaky ReLU: 1 for x > 0, α for x ≤ 0 (α at the kink, as TensorFlow)."""
    alpha = _real_param("alpha", alpha)
    x = _as_real_array(x)
    return _finish(alpha + (1 - alpha) * _step(x), x)


def leaky_relu_sympy(x, alpha=0.2):
    return sp.Piecewise((x, x > 0), (_sympy_number(alpha) * x, True))


def leaky_relu_keras(alpha=0.2):
    import keras

    return lambda t: keras.activations.leaky_relu(t, negative_slope=alpha)


# --------------------------------------------------------------------------
# PReLU
# --------------------------------------------------------------------------


def prelu(x, alpha=0.25):
    """Parametric rectified linear unit: a Leaky ReLU whose slope is learned.

    PReLU(x) = x for x > 0, αx for x ≤ 0.

    In a network α is a weight like any other, one per channel or shared by a
    layer, and trained by backpropagation; as a function of x with α fixed,
    PReLU is Leaky ReLU. Only the derivative at 0 differs (see
    :func:`prelu_derivative`).

    Args:
        x: real number or array.
        alpha: the slope for negative inputs, finite and ≥ 0. The default is
            0.25, the initial value of He et al. (2015); Keras's
            ``keras.layers.PReLU`` starts from 0 unless given an
            ``alpha_initializer``.

    Reference: He, Zhang, Ren & Sun (2015).
    """
    return leaky_relu(x, alpha)


def prelu_derivative(x, alpha=0.25):
    """Derivative of PReLU with respect to x: 1 for x > 0, α for x < 0, 0 at x = 0.

    The value 0 at the corner is what Keras's PReLU layer gives: it computes
    relu(x) − α·relu(−x), and both ReLUs have slope 0 at 0. It is neither
    one-sided slope, and for 0 < α < 1 not even a subgradient (those lie in
    [α, 1]).
    """
    alpha = _real_param("alpha", alpha)
    x = _as_real_array(x)
    return _finish(_step(x) + alpha * _step(-x), x)


def prelu_sympy(x, alpha=0.25):
    return sp.Piecewise((x, x > 0), (0, sp.Eq(x, 0)), (_sympy_number(alpha) * x, True))


def prelu_keras(alpha=0.25):
    """A ``keras.layers.PReLU`` with α fixed at ``alpha``, one α shared by all inputs.

    The layer is made on first use, in the input's dtype, once per number of
    dimensions (its ``shared_axes`` are all axes after the first).
    """
    import keras

    layers = {}

    def apply(t):
        dtype = getattr(t.dtype, "name", t.dtype)
        key = (len(t.shape), dtype)
        if key not in layers:
            layers[key] = keras.layers.PReLU(
                alpha_initializer=keras.initializers.Constant(alpha),
                shared_axes=list(range(1, len(t.shape))) or None,
                dtype=dtype,
            )
        return layers[key](t)

    return apply


# --------------------------------------------------------------------------
# ELU
# --------------------------------------------------------------------------


def elu(x, alpha=1.0):
    """Exponential linear unit.

    ELU(x) = x for x > 0, α(e^x − 1) for x ≤ 0; it saturates at −α.

    Args:
        x: real number or array.
        alpha: saturation value for negative inputs, finite and ≥ 0. The ELU
            paper and Keras use α = 1 (the article suggests 0.1 to 0.3).

    Reference: Clevert, Unterthiner & Hochreiter (2015).
    """
    alpha = _real_param("alpha", alpha)
    x = _as_real_array(x)
    # The positive part plus α(e^x − 1) of the negative part: each term is 0
    # where the other branch applies, and expm1 never sees a positive input,
    # so nothing can overflow.
    return _finish(np.maximum(x, 0) + alpha * np.expm1(np.minimum(x, 0)), x)


def elu_derivative(x, alpha=1.0):
    """Derivative of ELU: 1 for x > 0, α·e^x = ELU(x) + α for x ≤ 0.

    At the kink x = 0 the left slope α is used, as TensorFlow does (for α = 1
    both slopes are 1 and ELU is smooth there).
    """
    alpha = _real_param("alpha", alpha)
    x = _as_real_array(x)
    # α·e^x on the left; on the right e^min(x, 0) = 1, and the step adds 1 − α.
    return _finish(alpha * np.exp(np.minimum(x, 0)) + (1 - alpha) * _step(x), x)


def elu_sympy(x, alpha=1.0):
    return sp.Piecewise((x, x > 0), (_sympy_number(alpha) * (sp.exp(x) - 1), True))


def elu_keras(alpha=1.0):
    import keras

    return lambda t: keras.activations.elu(t, alpha=alpha)


# --------------------------------------------------------------------------
# SELU
# --------------------------------------------------------------------------

#: α of SELU, from Klambauer et al. (2017), eq. (14) (the fixed point of mean 0 and variance 1).
SELU_ALPHA = 1.6732632423543772848170429916717
#: λ (scale) of SELU, from Klambauer et al. (2017), eq. (14).
SELU_SCALE = 1.0507009873554804934193349852946


def selu(x, alpha=SELU_ALPHA, scale=SELU_SCALE):
    """Scaled exponential linear unit.

    SELU(x) = λx for x > 0, λα(e^x − 1) for x ≤ 0; it saturates at −λα.

    Args:
        x: real number or array.
        alpha: α, > 0; the default is the paper's constant, which (with
            ``scale``) makes mean 0 and variance 1 a stable fixed point.
        scale: λ, > 0.

    Reference: Klambauer, Unterthiner, Mayr & Hochreiter (2017).
    """
    alpha = _real_param("alpha", alpha, positive=True)
    scale = _real_param("scale", scale, positive=True)
    x = _as_real_array(x)
    return _finish(scale * np.asarray(elu(x, alpha)), x)


def selu_derivative(x, alpha=SELU_ALPHA, scale=SELU_SCALE):
    """Derivative of SELU: λ for x ≥ 0, λα·e^x for x < 0.

    At the kink x = 0 the right slope λ is used, as TensorFlow does.
    """
    alpha = _real_param("alpha", alpha, positive=True)
    scale = _real_param("scale", scale, positive=True)
    x = _as_real_array(x)
    left = _step(-x)  # 1 for x < 0, 0 for x ≥ 0: the kink belongs to the right branch
    return _finish(scale * (alpha * np.exp(np.minimum(x, 0)) * left + (1 - left)), x)


def selu_sympy(x, alpha=SELU_ALPHA, scale=SELU_SCALE):
    a, s = _sympy_number(alpha), _sympy_number(scale)
    return sp.Piecewise((s * x, x >= 0), (s * a * (sp.exp(x) - 1), True))


def selu_keras(alpha=SELU_ALPHA, scale=SELU_SCALE):
    import keras

    if alpha == SELU_ALPHA and scale == SELU_SCALE:
        return keras.activations.selu
    return lambda t: scale * keras.activations.elu(t, alpha=alpha)


# --------------------------------------------------------------------------
# GELU: exact, tanh approximation, sigmoid approximation
# --------------------------------------------------------------------------

_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_GELU_CUBIC = 0.044715
_GELU_SIGMOID = 1.702


def _std_normal_pdf(x):
    # Beyond |x| = 40 the density is below the smallest double, so clipping
    # there changes nothing and keeps x² from overflowing in float32.
    xc = np.clip(x, -40, 40)
    return _INV_SQRT_2PI * np.exp(-0.5 * xc * xc)


def gelu(x):
    """Gaussian error linear unit, exact form.

    GELU(x) = x·Φ(x) = (x/2)(1 + erf(x/√2)), Φ the standard normal CDF.

    Reference: Hendrycks & Gimpel (2016).
    """
    x = _as_real_array(x)
    return _finish(_times_vanishing(x, special.ndtr(x)), x)


def gelu_derivative(x):
    """Derivative of GELU: Φ(x) + x·φ(x), φ the standard normal density."""
    x = _as_real_array(x)
    return _finish(special.ndtr(x) + _times_vanishing(x, _std_normal_pdf(x)), x)


def gelu_sympy(x):
    return x * (1 + sp.erf(x / sp.sqrt(2))) / 2


def gelu_keras():
    import keras

    return lambda t: keras.activations.gelu(t, approximate=False)


def _gelu_tanh_inner(x):
    """u(x) = √(2/π)(x + 0.044715x³), on x clipped to ±100 where tanh(u) is already ±1."""
    xc = np.clip(x, -100, 100)
    return _SQRT_2_OVER_PI * (xc + _GELU_CUBIC * xc * xc * xc), xc


def gelu_tanh(x):
    """GELU, tanh approximation (as in BERT and GPT-2).

    GELU_tanh(x) = (x/2)(1 + tanh(√(2/π)(x + 0.044715x³))).

    Computed as x·σ(2u), the same number since (1 + tanh u)/2 = σ(2u), which
    keeps full relative precision for large negative x.

    Reference: Hendrycks & Gimpel (2016), section 2.
    """
    x = _as_real_array(x)
    u, _ = _gelu_tanh_inner(x)
    return _finish(_times_vanishing(x, special.expit(2 * u)), x)


def gelu_tanh_derivative(x):
    """Derivative of the tanh approximation.

    d/dx = ½(1 + tanh u) + ½x(1 − tanh²u)·u',  u' = √(2/π)(1 + 3·0.044715x²),
    written with s = σ(2u) = ½(1 + tanh u) and 1 − tanh²u = 4s(1 − s) as
    s + 2x·s·σ(−2u)·u'.
    """
    x = _as_real_array(x)
    u, xc = _gelu_tanh_inner(x)
    s = special.expit(2 * u)
    du = _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * xc * xc)
    return _finish(s + _times_vanishing(2 * x * du, s * special.expit(-2 * u)), x)


def gelu_tanh_sympy(x):
    c = sp.Float(_GELU_CUBIC, 30)
    return x / 2 * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (x + c * x**3)))


def gelu_tanh_keras():
    import keras

    return lambda t: keras.activations.gelu(t, approximate=True)


def gelu_sigmoid(x):
    """GELU, sigmoid approximation.

    GELU_σ(x) = x·σ(1.702x).

    Reference: Hendrycks & Gimpel (2016), section 2.
    """
    x = _as_real_array(x)
    return _finish(_times_vanishing(x, special.expit(_GELU_SIGMOID * x)), x)


def gelu_sigmoid_derivative(x):
    """Derivative of the sigmoid approximation: σ(1.702x) + 1.702x·σ(1.702x)σ(−1.702x)."""
    x = _as_real_array(x)
    s, t = special.expit(_GELU_SIGMOID * x), special.expit(-_GELU_SIGMOID * x)
    return _finish(s + _times_vanishing(_GELU_SIGMOID * x, s * t), x)


def gelu_sigmoid_sympy(x):
    k = sp.Float(_GELU_SIGMOID, 30)
    return x / (1 + sp.exp(-k * x))


def gelu_sigmoid_keras():
    import keras

    return lambda t: t * keras.ops.sigmoid(_GELU_SIGMOID * t)


# --------------------------------------------------------------------------
# SiLU / Swish
# --------------------------------------------------------------------------


def silu(x):
    """Sigmoid linear unit, also called Swish (with β = 1).

    SiLU(x) = x·σ(x).

    References: Elfwing, Uchibe & Doya (2018); Ramachandran, Zoph & Le (2017).
    """
    x = _as_real_array(x)
    return _finish(_times_vanishing(x, special.expit(x)), x)


def silu_derivative(x):
    """Derivative of SiLU: σ(x)(1 + x(1 − σ(x))) = σ(x) + x·σ(x)σ(−x)."""
    x = _as_real_array(x)
    s, t = special.expit(x), special.expit(-x)
    return _finish(s + _times_vanishing(x, s * t), x)


def silu_sympy(x):
    return x / (1 + sp.exp(-x))


def silu_keras():
    import keras

    return keras.activations.silu


# --------------------------------------------------------------------------
# Softplus
# --------------------------------------------------------------------------


def softplus(x):
    """Softplus, a smooth ReLU.

    softplus(x) = ln(1 + e^x), computed as max(x, 0) + ln(1 + e^(−|x|)), the same
    number, so that the exponential never overflows.

    Reference: Dugas, Bengio, Bélisle, Nadeau & Garcia (2001).
    """
    x = _as_real_array(x)
    return _finish(np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x))), x)


def softplus_derivative(x):
    """Derivative of softplus: the sigmoid, softplus'(x) = σ(x)."""
    x = _as_real_array(x)
    return _finish(special.expit(x), x)


def softplus_sympy(x):
    return sp.log(1 + sp.exp(x))


def softplus_keras():
    import keras

    return keras.activations.softplus


# --------------------------------------------------------------------------
# ReLU6
# --------------------------------------------------------------------------


def relu6(x):
    """ReLU capped at 6.

    ReLU6(x) = min(max(0, x), 6).

    Reference: Krizhevsky (2010), Convolutional Deep Belief Networks on CIFAR-10.
    """
    x = _as_real_array(x)
    return _finish(np.clip(x, 0, 6), x)


def relu6_derivative(x):
    """Derivative of ReLU6: 1 for 0 < x < 6, else 0 (0 at both kinks, as TensorFlow)."""
    x = _as_real_array(x)
    return _finish(_step(x) * (x < 6), x)


def relu6_sympy(x):
    return sp.Piecewise((0, x <= 0), (x, x < 6), (6, True))


def relu6_keras():
    import keras

    return keras.activations.relu6


# --------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------

_ALPHA_LEAKY = Param("alpha", 0.2, r"\alpha", "slope for x <= 0")
_ALPHA_ELU = Param("alpha", 1.0, r"\alpha", "saturation value -alpha for x -> -inf")

REGISTRY: dict[str, ActivationSpec] = {}


def _register(spec: ActivationSpec) -> None:
    for key in (spec.name, *spec.aliases):
        if key in REGISTRY or key in _ALIASES:
            raise RuntimeError(f"activation name {key!r} registered twice")
    REGISTRY[spec.name] = spec
    for alias in spec.aliases:
        _ALIASES[alias] = spec.name


_ALIASES: dict[str, str] = {}

_register(ActivationSpec(
    "sigmoid", "Sigmoid", sigmoid, sigmoid_derivative, sigmoid_sympy, sigmoid_keras,
    "keras.activations.sigmoid(x)",
    references=(RUMELHART_1986,), aliases=("logistic",), initializer="glorot_normal",
))
_register(ActivationSpec(
    "tanh", "Tanh", tanh, tanh_derivative, tanh_sympy, tanh_keras,
    "keras.activations.tanh(x)",
    references=(LECUN_1998,), initializer="glorot_normal",
))
_register(ActivationSpec(
    "relu", "ReLU", relu, relu_derivative, relu_sympy, relu_keras,
    "keras.activations.relu(x)",
    kinks=(0.0,), kink_rule="f'(0) = 0 (left slope)",
    references=(GLOROT_2011,),
))
_register(ActivationSpec(
    "leaky_relu", "Leaky ReLU", leaky_relu, leaky_relu_derivative, leaky_relu_sympy,
    leaky_relu_keras, "keras.activations.leaky_relu(x, negative_slope=alpha)",
    params=(_ALPHA_LEAKY,), kinks=(0.0,),
    kink_rule="f'(0) = α (left slope)",
    references=(MAAS_2013,), aliases=("leaky-relu", "lrelu"),
))
_register(ActivationSpec(
    "prelu", "PReLU", prelu, prelu_derivative, prelu_sympy, prelu_keras,
    "keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(alpha))",
    params=(Param("alpha", 0.25, r"\alpha", "slope for x < 0, learned in a network"),),
    kinks=(0.0,), kink_rule="f'(0) = 0 (neither slope; Keras's PReLU layer)",
    references=(HE_2015,),
))
_register(ActivationSpec(
    "elu", "ELU", elu, elu_derivative, elu_sympy, elu_keras,
    "keras.activations.elu(x, alpha=alpha)",
    params=(_ALPHA_ELU,), kinks=(0.0,),
    kink_rule="f'(0) = α (left slope); smooth if α = 1",
    references=(CLEVERT_2015,),
))
_register(ActivationSpec(
    "selu", "SELU", selu, selu_derivative, selu_sympy, selu_keras,
    "keras.activations.selu(x)  (default constants only)",
    params=(
        Param("alpha", SELU_ALPHA, r"\alpha", "negative-branch constant",
              positive=True, tunable=False),
        Param("scale", SELU_SCALE, r"\lambda", "overall scale",
              positive=True, tunable=False, unicode="λ"),
    ),
    kinks=(0.0,), kink_rule="f'(0) = λ (right slope)",
    references=(KLAMBAUER_2017,), initializer="lecun_normal",
))
_register(ActivationSpec(
    "gelu", "GELU", gelu, gelu_derivative, gelu_sympy, gelu_keras,
    "keras.activations.gelu(x, approximate=False)",
    monotonic=False, references=(HENDRYCKS_2016,), aliases=("gelu_exact",),
))
_register(ActivationSpec(
    "gelu_tanh", "GELU (tanh approx.)", gelu_tanh, gelu_tanh_derivative, gelu_tanh_sympy,
    gelu_tanh_keras, "keras.activations.gelu(x, approximate=True)",
    monotonic=False, references=(HENDRYCKS_2016,),
))
_register(ActivationSpec(
    "gelu_sigmoid", "GELU (sigmoid approx.)", gelu_sigmoid, gelu_sigmoid_derivative,
    gelu_sigmoid_sympy, gelu_sigmoid_keras, None,
    monotonic=False, references=(HENDRYCKS_2016,),
))
_register(ActivationSpec(
    "silu", "SiLU / Swish", silu, silu_derivative, silu_sympy, silu_keras,
    "keras.activations.silu(x)",
    monotonic=False, references=(ELFWING_2018, RAMACHANDRAN_2017), aliases=("swish",),
))
_register(ActivationSpec(
    "softplus", "Softplus", softplus, softplus_derivative, softplus_sympy, softplus_keras,
    "keras.activations.softplus(x)",
    references=(DUGAS_2001,),
))
_register(ActivationSpec(
    "relu6", "ReLU6", relu6, relu6_derivative, relu6_sympy, relu6_keras,
    "keras.activations.relu6(x)",
    kinks=(0.0, 6.0), kink_rule="f'(0) = f'(6) = 0",
    references=(KRIZHEVSKY_2010,),
))

#: The registered names, in the book's order.
NAMES: tuple[str, ...] = tuple(REGISTRY)


def spec(name: str) -> ActivationSpec:
    """The registry entry for ``name`` (or one of its aliases).

    Raises:
        UnknownActivationError: for a name that is not registered; the message
            lists the valid names.
    """
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a string, got {type(name).__name__}")
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    try:
        return REGISTRY[key]
    except KeyError:
        valid = ", ".join(NAMES)
        aliases = ", ".join(f"{a} (= {n})" for a, n in sorted(_ALIASES.items()))
        raise UnknownActivationError(
            f"unknown activation {name!r}; valid names: {valid}; aliases: {aliases}"
        ) from None


def describe() -> list[dict[str, str]]:
    """One row per registered activation: what it is, its parameters, kink rule, Keras twin, paper."""
    return [
        {
            "activation": spec.title,
            "name": spec.name,
            "parameters": ", ".join(f"{p.name}={p.default!r}" for p in spec.params) or "none",
            "kink rule": spec.kink_rule,
            "Keras twin": spec.keras_builtin or "keras.ops expression (no built-in)",
            "paper": "; ".join(r.short for r in spec.references),
        }
        for spec in REGISTRY.values()
    ]


def get(name: str, **params: Any) -> Activation:
    """The activation ``name`` with parameters ``params`` (defaults for the rest).

    Examples:
        >>> get("leaky_relu", alpha=0.2)(-5.0)
        np.float64(-1.0)

    Raises:
        UnknownActivationError: unknown name (the message lists the valid ones).
        InvalidParameterError: unknown parameter, or a value that is not a
            finite real number in the parameter's range.
    """
    return spec(name).bind(**params)

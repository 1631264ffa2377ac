"""The article's formulas, transcribed: each activation and the derivative it prints.

Hansen's article (mlfromscratch.com, 2019; ``hansen2019activation`` in the
book's references) gives, for each of its six activations, the function and
its derivative as typeset equations. Both copies of the Chinese translation
the book follows (``shared/sources/000_*.txt`` and ``001_*.txt``) keep those
equations as images and describe most of them in words next to them; the
line numbers below refer to ``001_*.txt``. The expressions here are the
article's equations symbol for symbol: the same piecewise split (the left
branch owns ``x = 0``, as the article writes ``x ≤ 0``), the same arrangement
(``ELU(x) + α``, not ``αeˣ``) and the same constants, decimals included
(WolframAlpha's six-digit numbers in GELU's derivative, SELU's 32-digit α
and λ).

Nothing here is derived: :mod:`afe.verify` differentiates each *function*
with SymPy and compares the result with the article's *derivative*
(:func:`afe.verify.article_check`).

Decimal constants are SymPy ``Float`` objects carrying 50 significant digits
of the decimal the article prints (0.044715 is 0.044715 to 50 digits, not the
nearest double), so that a comparison at 50 digits tests the formula and not
a binary rounding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .symbolic import X

__all__ = [
    "X", "ALPHA", "LAMBDA", "SELU_ALPHA", "SELU_LAMBDA", "ELU_PLOT_ALPHA", "LEAKY_PLOT_ALPHA",
    "WOLFRAM_CONSTANTS", "ArticleDerivative", "DERIVATIVES", "decimal",
    "sigmoid", "sigmoid_derivative", "sigmoid_derivative_exp",
    "relu", "relu_derivative", "elu", "elu_derivative",
    "leaky_relu", "leaky_relu_derivative", "selu", "selu_derivative",
    "gelu_tanh", "gelu_wolfram_derivative", "gelu_wolfram_derivative_exact_constants",
]

DIGITS = 50

#: The article's α (ELU, Leaky ReLU, SELU) and λ (SELU), as symbols.
ALPHA = sp.Symbol("alpha", positive=True)
LAMBDA = sp.Symbol("lambda", positive=True)


def decimal(text: str) -> sp.Float:
    """The decimal number ``text`` as the article prints it, to 50 significant digits."""
    return sp.Float(text, DIGITS)


#: SELU's constants as the article prints them (section "Scaled Exponential
#: Linear Unit"; translation line 395), 32 significant digits each.
SELU_ALPHA = decimal("1.6732632423543772848170429916717")
SELU_LAMBDA = decimal("1.0507009873554804934193349852946")
#: The α of the article's ELU and Leaky ReLU plots (translation lines 316, 362).
ELU_PLOT_ALPHA = decimal("0.2")
LEAKY_PLOT_ALPHA = decimal("0.2")

_HALF = decimal("0.5")


# --------------------------------------------------------------------------
# Sigmoid
# --------------------------------------------------------------------------


def sigmoid() -> sp.Expr:
    """σ(x) = 1 / (1 + e^(−x)).

    Source: the article, section "What is the sigmoid function?", its first
    equation (the translation, line 74, describes it: every input is scaled
    to a value between 0 and 1).
    """
    return 1 / (1 + sp.exp(-X))


def sigmoid_derivative() -> sp.Expr:
    """σ′(x) = σ(x)(1 − σ(x)), the first of the two forms the article prints.

    Source: the article, section "What is the sigmoid function?": the
    equation that follows "the derivative of the sigmoid function is"
    (translation line 91, 则 sigmoid 函数的导数就为). The same equation goes on
    to a second form, :func:`sigmoid_derivative_exp`.
    """
    s = sigmoid()
    return s * (1 - s)


def sigmoid_derivative_exp() -> sp.Expr:
    """σ′(x) = e^(−x) / (e^(−x) + 1)², the second form in the same equation.

    Source: as :func:`sigmoid_derivative`; the article writes the two forms
    as one chain of equalities, σ(x)(1 − σ(x)) = e^(−x)/(e^(−x) + 1)².
    """
    return sp.exp(-X) / (sp.exp(-X) + 1) ** 2


# --------------------------------------------------------------------------
# ReLU
# --------------------------------------------------------------------------


def relu() -> sp.Expr:
    """ReLU(x) = max(0, x).

    Source: the article, section "Rectified Linear Unit (ReLU)" (translation
    line 238, ReLU 的公式如下; the text after it reads the formula as "0 below
    zero, the input itself above").
    """
    return sp.Max(0, X)


def relu_derivative() -> sp.Expr:
    """ReLU′(x) = 1 if x > 0, 0 if x ≤ 0.

    Source: the article, section "Rectified Linear Unit (ReLU)": the
    "differentiated equation" (translation line 252); the translation's next
    lines read it as 1 for inputs above 0 and 0 for inputs less than or
    equal to 0, so the article gives x = 0 the value 0.
    """
    return sp.Piecewise((1, X > 0), (0, True))


# --------------------------------------------------------------------------
# ELU
# --------------------------------------------------------------------------


def elu() -> sp.Expr:
    """ELU(x) = x if x > 0, α(eˣ − 1) if x ≤ 0.

    Source: the article, section "Exponential Linear Unit (ELU)" (translation
    line 309). The article names α a free parameter, "usually 0.1 to 0.3",
    and plots α = 0.2.
    """
    return sp.Piecewise((X, X > 0), (ALPHA * (sp.exp(X) - 1), True))


def elu_derivative() -> sp.Expr:
    """ELU′(x) = 1 if x > 0, ELU(x) + α if x ≤ 0.

    Source: the article, section "Exponential Linear Unit (ELU)", the
    equation after "what about the derivative of ELU?" (translation line
    322); the translation reads its left branch as "the (undifferentiated)
    ELU function plus α", which is how it is written here.
    """
    return sp.Piecewise((1, X > 0), (elu() + ALPHA, True))


# --------------------------------------------------------------------------
# Leaky ReLU
# --------------------------------------------------------------------------


def leaky_relu() -> sp.Expr:
    """LReLU(x) = x if x > 0, αx if x ≤ 0.

    Source: the article, section "Leaky Rectified Linear Unit (Leaky ReLU)"
    (translation line 355: x above 0, α times the input at or below 0). The
    article plots α = 0.2 (−5 maps to −1).
    """
    return sp.Piecewise((X, X > 0), (ALPHA * X, True))


def leaky_relu_derivative() -> sp.Expr:
    """LReLU′(x) = 1 if x > 0, α if x ≤ 0.

    Source: the article, section "Leaky Rectified Linear Unit (Leaky ReLU)":
    "its derivative is simple" (translation line 368), two constants.
    """
    return sp.Piecewise((1, X > 0), (ALPHA, True))


# --------------------------------------------------------------------------
# SELU
# --------------------------------------------------------------------------


def selu() -> sp.Expr:
    """SELU(x) = λ · (x if x > 0, αeˣ − α if x ≤ 0).

    Source: the article, section "Scaled Exponential Linear Unit (SELU)"
    (translation line 403; the text reads the left branch as "α times the
    exponential of x, minus α, times λ"). α and λ are printed just before
    (line 395): :data:`SELU_ALPHA`, :data:`SELU_LAMBDA`.
    """
    return LAMBDA * sp.Piecewise((X, X > 0), (ALPHA * sp.exp(X) - ALPHA, True))


def selu_derivative() -> sp.Expr:
    """SELU′(x) = λ · (1 if x > 0, αeˣ if x ≤ 0).

    Source: the article, section "Scaled Exponential Linear Unit (SELU)",
    the "differentiated function" (translation line 439: λ above 0; α times
    eˣ times λ below).
    """
    return LAMBDA * sp.Piecewise((1, X > 0), (ALPHA * sp.exp(X), True))


# --------------------------------------------------------------------------
# GELU
# --------------------------------------------------------------------------


def gelu_tanh() -> sp.Expr:
    """GELU(x) = 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).

    Source: the article, section "Gaussian Error Linear Unit (GELU)": the
    one equation it gives for GELU (translation line 468, described as
    tanh combined with "approximate numbers"). It is the tanh approximation
    of x·Φ(x) from Hendrycks & Gimpel (2016); the article's code registers
    the same expression as its Keras activation.
    """
    return _HALF * X * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (X + decimal("0.044715") * X**3)))


#: WolframAlpha's decimals in the article's GELU derivative, each with the
#: exact value of the tanh form it stands for (c = √(2/π), k = 0.044715).
WOLFRAM_CONSTANTS: dict[str, sp.Expr] = {
    "0.797885": sp.sqrt(2 / sp.pi),                              # c
    "0.0356774": sp.sqrt(2 / sp.pi) * decimal("0.044715"),       # c·k
    "0.398942": sp.sqrt(2 / sp.pi) / 2,                          # c/2
    "0.0535161": 3 * sp.sqrt(2 / sp.pi) * decimal("0.044715") / 2,  # 3c·k/2
}


def _wolfram_form(c1, c2, c3, c4) -> sp.Expr:
    u = c2 * X**3 + c1 * X
    return _HALF * sp.tanh(u) + (c4 * X**3 + c3 * X) * sp.sech(u) ** 2 + _HALF


def gelu_wolfram_derivative() -> sp.Expr:
    """GELU′(x) = 0.5 tanh(0.0356774x³ + 0.797885x)
    + (0.0535161x³ + 0.398942x) sech²(0.0356774x³ + 0.797885x) + 0.5.

    Source: the article, section "Gaussian Error Linear Unit (GELU)": not
    finding the derivative, the author had WolframAlpha differentiate the
    function and printed its answer (translation line 477). WolframAlpha
    prints six significant digits, so the constants are decimals.
    """
    return _wolfram_form(decimal("0.797885"), decimal("0.0356774"),
                         decimal("0.398942"), decimal("0.0535161"))


def gelu_wolfram_derivative_exact_constants() -> sp.Expr:
    """:func:`gelu_wolfram_derivative` with each decimal replaced by the exact value it rounds.

    The values are those of :data:`WOLFRAM_CONSTANTS`; whether each decimal
    really is its value rounded to six significant digits is checked by
    :func:`afe.verify.wolfram_constants`.
    """
    return _wolfram_form(*WOLFRAM_CONSTANTS.values())


# --------------------------------------------------------------------------
# The list the checks run over
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleDerivative:
    """One derivative the article prints, with the function it is the derivative of.

    Attributes:
        key: short name, unique.
        activation: the activation's name as the article writes it.
        form: which of the article's formulas this is, in words.
        latex: the derivative as the article typesets it, for display (the
            checks use ``derivative``, never this text).
        function: the article's function (SymPy, in :data:`X`).
        derivative: the article's derivative, as printed.
        values: numbers for the symbols (α, λ) in the numerical comparison:
            the article's own values.
        corners: points where the function has a corner and the printed
            derivative picks a value.
        exact_constants: for a derivative printed with rounded decimals, the
            same formula with the exact constants; ``None`` otherwise.
        approximates: where the article's function is an approximation, the
            registry name of the function it approximates (``"gelu"``, the
            exact x·Φ(x)); ``None`` otherwise.
    """

    key: str
    activation: str
    form: str
    latex: str
    function: sp.Expr
    derivative: sp.Expr
    values: dict = field(default_factory=dict)
    corners: tuple[float, ...] = ()
    exact_constants: sp.Expr | None = None
    approximates: str | None = None

    @property
    def checked(self) -> sp.Expr:
        """The expression whose structure is compared: exact constants where the print rounds."""
        return self.derivative if self.exact_constants is None else self.exact_constants


_IF = r"& \text{if } x > 0 \\ "
_ELSE = r"& \text{if } x \le 0 \end{cases}"

#: Every derivative the article prints, in the article's order.
DERIVATIVES: tuple[ArticleDerivative, ...] = (
    ArticleDerivative(
        "sigmoid", "sigmoid", "σ(x)(1 − σ(x))",
        r"\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)",
        sigmoid(), sigmoid_derivative()),
    ArticleDerivative(
        "sigmoid-exp", "sigmoid", "e^(−x)/(e^(−x) + 1)²",
        r"\sigma'(x) = \frac{e^{-x}}{(e^{-x} + 1)^2}",
        sigmoid(), sigmoid_derivative_exp()),
    ArticleDerivative(
        "relu", "ReLU", "1 if x > 0, 0 if x ≤ 0",
        r"\operatorname{ReLU}'(x) = \begin{cases} 1 " + _IF + "0 " + _ELSE,
        relu(), relu_derivative(), corners=(0.0,)),
    ArticleDerivative(
        "elu", "ELU", "1 if x > 0, ELU(x) + α if x ≤ 0",
        r"\operatorname{ELU}'(x) = \begin{cases} 1 " + _IF
        + r"\operatorname{ELU}(x) + \alpha " + _ELSE,
        elu(), elu_derivative(), values={ALPHA: ELU_PLOT_ALPHA}, corners=(0.0,)),
    ArticleDerivative(
        "leaky-relu", "Leaky ReLU", "1 if x > 0, α if x ≤ 0",
        r"\operatorname{LReLU}'(x) = \begin{cases} 1 " + _IF + r"\alpha " + _ELSE,
        leaky_relu(), leaky_relu_derivative(), values={ALPHA: LEAKY_PLOT_ALPHA},
        corners=(0.0,)),
    ArticleDerivative(
        "selu", "SELU", "λ·(1 if x > 0, αeˣ if x ≤ 0)",
        r"\operatorname{SELU}'(x) = \lambda \begin{cases} 1 " + _IF + r"\alpha e^{x} " + _ELSE,
        selu(), selu_derivative(), values={ALPHA: SELU_ALPHA, LAMBDA: SELU_LAMBDA},
        corners=(0.0,)),
    ArticleDerivative(
        "gelu", "GELU", "WolframAlpha's, six-digit decimals",
        r"\begin{aligned} \operatorname{GELU}'(x) = {} & 0.5\tanh(0.0356774x^3 + 0.797885x) \\"
        r" & + (0.0535161x^3 + 0.398942x)\operatorname{sech}^2(0.0356774x^3 + 0.797885x)"
        r" + 0.5 \end{aligned}",
        gelu_tanh(), gelu_wolfram_derivative(),
        exact_constants=gelu_wolfram_derivative_exact_constants(), approximates="gelu"),
)

"""The side-by-side tables of the closing chapter: computed, complete, and right where known."""

import math
import re

import numpy as np
import pytest
import sympy as sp

from afe import activations, summary, symbolic


def test_shape_table_covers_the_registry_and_knows_textbook_facts():
    table = summary.shape_properties()
    table["range"] = table["range"].str.replace("\u00a0", " ")
    assert list(table.index) == [activations.get(n).label() for n in activations.NAMES]
    assert table.loc["Sigmoid", "range"] == "(0, 1)"
    assert table.loc["Tanh", "range"] == "(−1, 1)"
    assert table.loc["ReLU", "range"] == "[0, ∞)"
    assert table.loc["ReLU6", "range"] == "[0, 6]"
    assert table.loc["Softplus", "range"] == "(0, ∞)"
    assert table.loc["GELU", "range"].startswith("[−0.17")
    assert table.loc["ReLU6", "corners at"] == "0, 6"
    assert table.loc["ELU (α=1)", "corners at"] == "none"  # listed as a kink, but smooth at α = 1
    assert table.loc["SELU", "corners at"] == "0"
    assert table.loc["GELU", "monotonic"] == "no" and table.loc["ELU (α=1)", "monotonic"] == "yes"
    assert table.loc["Sigmoid", "largest slope"] == pytest.approx(0.25)
    selu_left_slope = activations.SELU_SCALE * activations.SELU_ALPHA
    assert table.loc["SELU", "largest slope"] == pytest.approx(selu_left_slope, rel=1e-12)


def test_mean_outputs_match_closed_forms():
    relu = summary.mean_output(activations.get("relu"))
    assert relu == pytest.approx(1 / math.sqrt(2 * math.pi), abs=1e-10)
    assert summary.mean_output(activations.get("tanh")) == 0.0  # odd function
    assert summary.mean_output(activations.get("selu")) == 0.0  # SELU's fixed point: mean 0
    assert summary.mean_output(activations.get("sigmoid")) == pytest.approx(0.5, abs=1e-10)


def test_corners_follow_the_parameters():
    assert summary.corners("elu", alpha=1.0) == []
    assert summary.corners("elu", alpha=0.5) == [0.0]
    assert summary.corners("relu") == [0.0]
    assert summary.corners("gelu") == []


def test_gradient_shares_measure_dead_and_saturated_inputs():
    relu = summary.gradient_shares(activations.get("relu"), n=100_000)
    assert relu["zero"] == pytest.approx(0.5, abs=0.01)
    leaky = summary.gradient_shares(activations.get("leaky_relu"), n=100_000)
    assert leaky == {"zero": 0.0, "tiny": 0.0}
    # σ′ < 1e-3 beyond |x| ≈ 6.9: with sd 5 that is about 17 % of the inputs.
    wide = summary.gradient_shares(activations.get("sigmoid"), scale=5.0, n=100_000)
    assert 0.15 < wide["tiny"] < 0.19
    with pytest.raises(ValueError, match="must be > 0"):
        summary.gradient_shares(activations.get("relu"), scale=0.0)


def test_training_table_marks_what_the_sweep_did_not_train():
    reference = {"runs": [{"activation": "relu", "test_accuracy": a} for a in (0.9, 0.92)]}
    costs = {n: 1.0 for n in activations.NAMES}
    table = summary.training_properties(costs=costs, reference=reference)
    assert table.loc["ReLU", "MNIST test accuracy, %"] == "91.00 ± 1.41"
    assert table.loc["ReLU", "MNIST seeds"] == "2"
    assert table.loc["Tanh", "MNIST test accuracy, %"] == "not trained"
    assert table.loc["SELU", "initializer"] == "lecun_normal"
    assert np.isclose(table.loc["ReLU", "gradient exactly 0, N(0, 1) inputs"], 0.5, atol=0.01)
    assert "MNIST seeds" not in summary.training_properties(["relu"]).columns


def test_formula_table_has_a_row_per_activation_with_sympys_derivative():
    table = summary.formulas()
    labels = [activations.get(n).label() for n in activations.NAMES]
    assert [row.label for row in table] == labels
    assert [row.name for row in table] == list(activations.NAMES)
    body = table._repr_markdown_().splitlines()
    assert body[0] == "| activation | | |"
    assert len(body[2:]) == 2 * len(labels)  # f(x) above f'(x)
    folded = {"gelu", "gelu_tanh"}  # fractions in a function's argument: a / b
    for row, upper, lower in zip(table, body[2::2], body[3::2]):
        f = symbolic.expression(row.name, symbolic=True)
        assert row.function == f  # the registry's SymPy expression, untouched
        assert row.derivative == sp.diff(f, symbolic.X)
        assert row.derivative_latex == summary.latex(row.derivative)
        label, f_name, function = upper.strip("| ").split(" | ")
        f_prime, derivative = lower.strip("| ").split(" | ")
        assert (label, f_name, f_prime) == (row.label, "$f(x)$", "$f'(x)$")
        assert _joined(function) == row.function_latex
        assert _joined(derivative) == row.derivative_latex
        # The LaTeX is sympy.latex's: verbatim where it has no \left( to drop,
        # the same up to bracket sizing elsewhere (fractions in arguments aside).
        for expr, tex in ((row.function, row.function_latex),
                          (row.derivative, row.derivative_latex)):
            reference = sp.latex(_rounded(expr), full_prec=False, ln_notation=True)
            if r"\left(" not in reference:
                assert tex == reference
            elif row.name not in folded:
                assert _unsized(tex) == _unsized(reference)
            assert r"\left(" not in tex and "$" not in tex and "|" not in tex


def _joined(cell):
    """The LaTeX of a table cell, its lines (if split) joined into one."""
    assert cell.startswith("$\\displaystyle ") and cell.endswith("$")
    tex = cell[len("$\\displaystyle "):-1]
    if tex.startswith(r"\begin{aligned} &"):
        tex = tex[len(r"\begin{aligned} &"):-len(r" \end{aligned}")]
        tex = tex.replace(r" \\ &{} ", " ")
    return tex


def test_a_long_sum_is_set_on_lines_in_the_table():
    table = summary.formulas()
    lines = table._repr_markdown_().splitlines()[3::2]  # the derivatives' rows
    split = [row.name for row, line in zip(table, lines) if "aligned" in line]
    assert split == ["gelu_tanh"]  # the only derivative longer than a line
    cell = lines[activations.NAMES.index("gelu_tanh")].strip("| ").split(" | ")[1]
    assert cell.count(r" \\ &{} + ") == 1
    x = symbolic.X
    long = sum(sp.exp(k * x) for k in range(1, 40)) - sp.tanh(x)
    cell = summary._math(long)
    assert _joined(cell) == summary.latex(long)
    inner = cell[len("$\\displaystyle \\begin{aligned} &"):-len(r" \end{aligned}$")]
    assert all(len(line) <= summary.LINE_LENGTH + 3 for line in inner.split(r" \\ &"))
    assert inner.endswith(r"+ e^{x} - \tanh(x)")  # the minus sign kept


def _rounded(expr):
    return expr.xreplace({c: sp.Float(float(c), 15) for c in expr.atoms(sp.Float)})


def _unsized(tex):
    """LaTeX with bracket sizing and the braces around function arguments taken out."""
    tex = tex.replace(r"\left(", "(").replace(r"\right)", ")")
    return re.sub(r"\s+", "", tex).replace("{(", "(").replace(")}", ")")


def test_formula_table_reads_as_expected_for_known_rows():
    table = summary.formulas()
    relu, sigmoid = table["ReLU"], table["sigmoid"]
    assert relu.function_latex == (
        r"\begin{cases} x & \text{for}\: x > 0 \\0 & \text{otherwise} \end{cases}")
    # 0 at the corner: the "otherwise" branch owns x = 0, as in TensorFlow's gradient.
    assert relu.derivative_latex == (
        r"\begin{cases} 1 & \text{for}\: x > 0 \\0 & \text{otherwise} \end{cases}")
    assert sigmoid.function_latex == r"\frac{1}{1 + e^{- x}}"
    assert sigmoid.derivative_latex == r"\frac{e^{- x}}{(1 + e^{- x})^{2}}"
    assert table["tanh"].derivative_latex == r"1 - \tanh^{2}(x)"
    assert table["softplus"].function_latex == r"\ln(e^{x} + 1)"
    assert table["elu"].function_latex == (
        r"\begin{cases} x & \text{for}\: x > 0 \\"
        r"\alpha (e^{x} - 1) & \text{otherwise} \end{cases}")
    assert table["gelu"].derivative_latex == (
        r"\frac{\sqrt{2} x e^{- x^{2} / 2}}{2 \sqrt{\pi}} "
        r"+ \frac{\operatorname{erf}(\sqrt{2} x / 2)}{2} + \frac{1}{2}")
    # Constants are rounded for the reader, not shown as their binary value.
    assert r"\tanh(\sqrt{2} (0.044715 x^{3} + x) / \sqrt{\pi})" in (
        table["gelu_tanh"].function_latex)


def test_formula_table_is_the_same_function_as_the_books_derivation():
    plain, simplified = summary.formulas(), summary.formulas(simplify=True)
    for a, b in zip(plain, simplified):
        assert b.derivative == symbolic.derive(a.name, symbolic=True).derivative
        numeric = {s: 0.7 for s in a.derivative.free_symbols if s != symbolic.X}
        for x in (-2.5, -0.3, 0.4, 3.0):
            values = [float(d.subs(numeric).subs(symbolic.X, x))
                      for d in (a.derivative, b.derivative)]
            assert values[0] == pytest.approx(values[1], rel=1e-12)
    numbers = summary.formulas(["leaky_relu"], symbolic_params=False)
    assert numbers["leaky_relu"].derivative_latex == (
        r"\begin{cases} 1 & \text{for}\: x > 0 \\0.2 & \text{otherwise} \end{cases}")
    assert "Leaky ReLU (α=0.2)" in repr(numbers) and "0.2" in repr(numbers)
    with pytest.raises(KeyError):
        summary.formulas(["relu"])["tanh"]


def test_table_latex_sizes_brackets_and_folds_fractions_only_where_it_reads_better():
    x, a = symbolic.X, sp.Symbol("alpha")
    assert summary.latex(sp.tanh(x)) == r"\tanh(x)"
    assert summary.latex(a * (sp.exp(x) - 1)) == r"\alpha (e^{x} - 1)"
    assert summary.latex(sp.log(1 + sp.exp(x))) == r"\ln(e^{x} + 1)"
    assert summary.latex(sp.exp(-x**2 / 2)) == r"e^{- x^{2} / 2}"
    assert summary.latex(sp.tanh(x / 2)) == r"\tanh(x / 2)"
    # A denominator of two tokens stays a fraction: "x / 2 \sqrt{\pi}" is ambiguous.
    assert summary.latex(sp.tanh(x / (2 * sp.sqrt(sp.pi)))) == (
        r"\tanh{\left(\frac{x}{2 \sqrt{\pi}} \right)}")
    assert summary.latex(x / 2) == r"\frac{x}{2}"  # outside an argument: a fraction
    assert summary._plain_brackets(r"\cosh^{2}{\left(x \right)}") == r"\cosh^{2}(x)"
    nested = r"\left(1 - \tanh^{2}{\left(x \right)}\right)^{2}"
    assert summary._plain_brackets(nested) == r"(1 - \tanh^{2}(x))^{2}"
    tall = r"\cosh^{2}{\left(\frac{x}{2} \right)}"
    assert summary._plain_brackets(tall) == tall
    # Braces after ^ or in \frac's arguments are not a function's: they stay.
    assert summary._plain_brackets(r"\frac{1}{\left(x\right)}") == r"\frac{1}{(x)}"
    assert summary._plain_brackets(r"e^{\left(x\right)}") == r"e^{(x)}"

"""The side-by-side tables of the closing chapter: computed, complete, and right where known."""

import math

import numpy as np
import pytest

from afe import activations, summary


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

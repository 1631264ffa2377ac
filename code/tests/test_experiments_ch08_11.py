"""Experiments behind the verdicts of chapters 8, 9 and 11: SELU against batch
normalization, seeded runs on one compiled model, the two Keras APIs, and the
checks on the MNIST comparison (imports, val_accuracy, the plateau callback,
single runs)."""

import random

import numpy as np
import pandas as pd
import pytest

from afe import models
from afe.claims import Claim, Criterion
from afe.experiments import mnist_comparison as mc
from afe.experiments import selu

keras = pytest.importorskip("keras")


# --- chapter 8 --------------------------------------------------------------------------

def test_property_values_behind_the_four_properties():
    v = selu.property_values("selu")
    assert v["lowest value"] < 0 < v["highest value"]
    assert v["smallest |derivative| in the tails"] < 1e-6 and v["largest slope"] > 1
    assert v["largest jump"] < 1e-3
    relu = selu.property_values("relu")
    assert relu["lowest value"] == 0.0 and relu["largest slope"] == pytest.approx(1.0)
    assert selu.four_properties("relu")["negative and positive values"] is False
    assert all(selu.four_properties("selu").values())


def test_normalized_mlp_layers():
    s = selu.normalized_mlp("SELU, LeCun", depth=3, width=8, inputs=5, classes=4)
    b = selu.normalized_mlp("ReLU, He, BatchNorm", depth=3, width=8, inputs=5, classes=4)
    kinds = [type(layer).__name__ for layer in b.layers]
    assert kinds.count("BatchNormalization") == 3 and kinds.count("Dense") == 4
    assert [type(layer).__name__ for layer in s.layers] == ["Dense"] * 4
    assert s.output_shape == b.output_shape == (None, 4)
    with pytest.raises(ValueError, match="network"):
        selu.normalized_mlp("tanh, Glorot")


def test_selu_vs_batchnorm_records_every_run_and_epoch():
    rng = np.random.default_rng(0)
    x, labels = rng.normal(size=(64, 6)), rng.integers(0, 3, 64)
    runs = selu.selu_vs_batchnorm(x, np.eye(3)[labels], seeds=(0, 1), learning_rates=(1e-2,),
                                  epochs=2, batch_size=16, depth=2, width=4)
    assert [(r["network"], r["seed"], r["learning_rate"]) for r in runs] == [
        (net, seed, 1e-2) for net in selu.NETWORKS for seed in (0, 1)]
    for r in runs:
        assert len(r["loss"]) == len(r["accuracy"]) == len(r["epoch_seconds"]) == 2
        assert all(np.isfinite(r["loss"]))
    assert [r["traced"] for r in runs] == [True, False] * 2


# --- chapter 9: seeded runs on one compiled model, and the two APIs ----------------------

def _tiny(seed):
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(5, activation="relu"),
                             keras.layers.Dense(1)])


def test_fit_seeds_equals_a_freshly_built_model_per_seed():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]])).astype("float32")
    runs = models.fit_seeds(_tiny, x, y, seeds=[0, 1], optimizer=keras.optimizers.Adam(0.05),
                            loss="mse", epochs=3, batch_size=8,
                            measure=lambda m: {"w": [w.copy() for w in m.get_weights()]})
    assert [r["seed"] for r in runs] == [0, 1] and len(runs[1]["history"]["loss"]) == 3
    # Seed 1 again, from scratch: a new model, compiled and trained by hand.
    random.seed(1)
    np.random.seed(1)
    fresh = _tiny(1)
    fresh.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    order, losses = np.random.default_rng(1), []
    for _ in range(3):
        visit = order.permutation(len(x))
        fit = fresh.fit(x[visit], y[visit], epochs=1, batch_size=8, shuffle=False, verbose=0)
        losses += fit.history["loss"]
    np.testing.assert_allclose(runs[1]["history"]["loss"], losses, rtol=1e-5)
    for a, b in zip(runs[1]["w"], fresh.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # Different seeds are different runs.
    assert runs[0]["history"]["loss"] != runs[1]["history"]["loss"]


def test_fit_seeds_sets_each_learning_rate_and_refuses_no_seeds():
    x = np.zeros((8, 3), "float32")
    runs = models.fit_seeds(_tiny, x, x[:, :1], seeds=[0], learning_rates=[0.1, 0.2],
                            optimizer=keras.optimizers.SGD(0.01), loss="mse")
    assert [r["learning_rate"] for r in runs] == [0.1, 0.2]
    with pytest.raises(ValueError, match="seed"):
        models.fit_seeds(_tiny, x, x[:, :1], seeds=[], optimizer=keras.optimizers.SGD(),
                         loss="mse")


def test_the_two_apis_train_to_the_same_model_and_the_check_can_fail():
    rng = np.random.default_rng(0)
    images = rng.uniform(size=(8, 28, 28, 1)).astype("float32")
    labels = np.eye(10, dtype="float32")[rng.integers(0, 10, 8)]
    same = models.compare_apis(images, labels, images[:2], steps=2, batch_size=4)
    assert same["parameters, Sequential"] == same["parameters, functional"] == 1_199_882
    assert same["largest weight difference"] == 0.0 == same["largest prediction difference"]
    other = models.compare_apis(images, labels, images[:2], functional_seed=1, steps=2,
                                batch_size=4)
    criterion = Criterion("largest |weight difference|", other["largest weight difference"],
                          "<", 1e-6, domain=(0, np.inf))
    assert not criterion.met
    with pytest.raises(ValueError, match="examples"):
        models.train_article_cnn("sequential", images, labels, steps=3, batch_size=4)


# --- chapter 11 -------------------------------------------------------------------------

def test_plateau_check_follows_the_rule():
    # patience 2: stalls at epochs 3 and 4, cut at 4; improvement at 5; stalls 6, 7, cut at 7.
    val_loss = [1.0, 0.9, 0.95, 0.9, 0.8, 0.85, 0.8]
    rates = [1e-3, 1e-3, 1e-3, 1e-4, 1e-4, 1e-4, 1e-5]
    ok = mc.plateau_check(val_loss, rates, patience=2, initial_rate=1e-3)
    assert ok["cuts"] == 2 and ok["waits"] == [2, 2]
    assert ok["cuts not after patience"] == 0 and ok["stalls without a cut"] == 0
    assert ok["largest factor error"] == pytest.approx(0.0, abs=1e-12)
    assert [row["epochs without improvement"] for row in ok["epochs"]] == [0, 0, 1, 2, 0, 1, 2]
    # A change smaller than min_delta is no improvement.
    assert not mc.plateau_check([1.0, 1.0 - 5e-5], [1e-3] * 2, patience=5,
                                initial_rate=1e-3)["epochs"][1]["improved"]


def test_plateau_check_catches_a_callback_that_breaks_the_rule():
    early = mc.plateau_check([1.0, 1.1, 1.2], [1e-3, 1e-4, 1e-4], patience=2, initial_rate=1e-3)
    assert early["cuts not after patience"] == 1
    late = mc.plateau_check([1.0, 1.1, 1.2, 1.3], [1e-3] * 4, patience=2, initial_rate=1e-3)
    assert late["cuts"] == 0 and late["stalls without a cut"] == 2
    halved = mc.plateau_check([1.0, 1.1, 1.2], [1e-3, 1e-3, 5e-4], patience=2, initial_rate=1e-3)
    assert halved["largest factor error"] == pytest.approx(0.4)
    claim = Claim("cuts when val_loss stalls", holds=[
        Criterion("stalls without a cut", late["stalls without a cut"], "==", 0, domain=(0, 4))])
    assert claim.verdict == "does not hold"
    with pytest.raises(ValueError, match="learning rates"):
        mc.plateau_check([1.0, 0.9], [1e-3], patience=1, initial_rate=1e-3)


def test_final_values_and_single_run_disagreement():
    results = {"config": {"activations": ["b", "a"]},
               "runs": [{"activation": a, "seed": s, "history": {"val_accuracy": [0.1, v]}}
                        for (a, s), v in {("a", 0): 0.9, ("a", 1): 0.8, ("b", 0): 0.7,
                                          ("b", 1): 0.95}.items()]}
    table = mc.final_values(results)
    assert list(table.index) == ["b", "a"] and table.loc["a", 1] == 0.8
    swapped = mc.single_run_disagreement(table)
    assert swapped["pairs of activations"] == 1 and swapped["mean share"] == 1.0
    agree = pd.DataFrame({0: [0.9, 0.8, 0.7], 1: [0.95, 0.85, 0.6], 2: [0.9, 0.7, 0.6]})
    r = mc.single_run_disagreement(agree)
    assert r["mean share"] == 0.0 and len(r["per seed pair"]) == 3
    with pytest.raises(ValueError):
        mc.single_run_disagreement(agree[[0]])


def test_keras3_homes_behave_like_keras2_and_the_table_says_so():
    for name in mc.KERAS3_MODULES:
        assert mc.same_behaviour(name), name
    rows = {r["the article's import"]: r for r in mc.defect_imports()}
    for line, row in rows.items():
        if row["in Keras 3"] == "works":
            assert row["same behaviour"] is None
        else:
            assert row["same behaviour"] is True, line
    with pytest.raises(KeyError):
        mc.same_behaviour("Merge")
    unused = mc.defect_unused_dropout_rate()
    assert unused["layers that differ"] == 0 and unused["layers"] == 8


def test_val_accuracy_is_the_recomputed_validation_accuracy():
    from afe.data import load_mnist

    data = mc.prepare(load_mnist("sample", verbose=False), n_train=100, val_fraction=0.2)
    r = mc.defect_validation_split(data)
    assert r["reported val_accuracy"] == pytest.approx(
        r["validation accuracy recomputed from the predictions"], abs=1e-6)
    assert "val_acc" not in r["history keys"]

"""The MNIST comparison: corrected training, the defect demonstrations, the stored sweep."""

import json
import math

import numpy as np
import pytest

from afe.data import load_mnist
from afe.experiments import mnist_comparison as mc

tf = pytest.importorskip("tensorflow")


@pytest.fixture(scope="module")
def tiny():
    return mc.prepare(load_mnist("sample", verbose=False), n_train=300, val_fraction=0.2)


def test_prepare_shapes_and_split(tiny):
    assert tiny["x_train"].shape == (240, 28, 28, 1) and tiny["x_val"].shape == (60, 28, 28, 1)
    assert tiny["x_train"].dtype == np.float32 and tiny["x_train"].max() <= 1.0
    assert tiny["y_train"].shape == (240, 10) and np.all(tiny["y_train"].sum(axis=1) == 1)
    assert tiny["x_test"].shape[0] == 2000


def test_train_one_is_seeded_and_records_every_epoch(tiny):
    a = mc.train_one("relu", tiny, epochs=2, verbose=0)
    b = mc.train_one("relu", tiny, epochs=2, verbose=0)
    assert set(a["history"]) == {"accuracy", "loss", "val_accuracy", "val_loss"}
    assert len(a["epoch_seconds"]) == 2 and len(a["history"]["val_loss"]) == 2
    assert a["history"] == b["history"] and a["test_accuracy"] == b["test_accuracy"]


def test_learning_rate_recorder_sees_a_schedule(tiny):
    import keras

    recorder = mc.learning_rate_recorder()
    halve = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr / 2 if epoch else lr)
    mc.train_one("relu", tiny, epochs=3, verbose=0, callbacks=[halve, recorder])
    assert recorder.rates == pytest.approx([1e-3, 5e-4, 2.5e-4])


def test_validation_split_is_ignored_when_validation_data_is_given(tiny):
    r = mc.defect_validation_split(tiny)
    assert r["reported val_loss"] == pytest.approx(r["loss on validation_data"], rel=1e-5)
    assert "val_acc" not in r["history keys"] and "val_accuracy" in r["history keys"]


def test_binary_crossentropy_accuracies(tiny):
    r = mc.defect_binary_crossentropy(tiny)
    assert r["binary_accuracy"] == pytest.approx(r["binary_accuracy_recomputed"], abs=1e-3)
    assert r["categorical_accuracy"] == pytest.approx(r["categorical_accuracy_recomputed"], abs=1e-3)
    assert r["binary_accuracy_of_all_no"] == pytest.approx(0.9)
    assert r["binary_accuracy"] >= r["binary_accuracy_of_all_no"] - 0.05


def test_old_imports_fail_and_unused_argument_changes_nothing():
    rows = {r["the article's import"]: r for r in mc.defect_imports()}
    assert list(rows) == list(mc.ARTICLE_IMPORTS)
    gone = [line for line, r in rows.items() if r["in Keras 3"] != "works"]
    assert gone == [l for l in mc.ARTICLE_IMPORTS if "np_utils" in l or "noise" in l or "generic_utils" in l]
    for line in gone:
        assert rows[line]["Keras 3 import"].startswith("from keras.")
        assert mc.try_import(rows[line]["Keras 3 import"]) == "works"
    [row] = mc.defect_imports(["from json import dumps"])
    assert row["in Keras 3"] == "works" and row["Keras 3 import"] == "(unchanged)"
    unused = mc.defect_unused_dropout_rate()
    assert unused["identical layer configurations"] and unused["dropout rates actually used"] == [0.25, 0.5]


def test_seed_summary():
    results = {"config": {"activations": ["relu"]},
               "runs": [{"activation": "relu", "history": {"val_loss": [1.0, 0.5]}},
                        {"activation": "relu", "history": {"val_loss": [3.0, 0.5]}}]}
    s = mc.seed_summary(results, "val_loss")["relu"]
    assert s["mean"].tolist() == [2.0, 0.5] and s["std"][0] == pytest.approx(math.sqrt(2)) and s["n"] == 2


# --- the stored reference sweep -------------------------------------------------------

@pytest.fixture(scope="module")
def reference():
    assert mc.REFERENCE_PATH.is_file(), "run scripts/reference_sweep.py and commit its results"
    return json.loads(mc.REFERENCE_PATH.read_text())


def test_reference_records_what_the_code_runs_now(reference):
    assert reference["schema_version"] == mc.SCHEMA_VERSION
    assert reference["config"] == mc.reference_config()
    assert reference["data"]["source"] in ("keras", "sample")


def test_reference_schema(reference):
    for key in ("created", "updated", "command", "environment", "data", "runs"):
        assert key in reference
    for key in ("python", "tensorflow", "keras", "numpy", "platform", "cpu", "cpu_count", "gpus"):
        assert key in reference["environment"]
    for key in ("description", "n_train", "n_val", "n_test"):
        assert key in reference["data"]


def test_reference_covers_every_activation_and_seed_for_every_epoch(reference):
    config = reference["config"]
    assert len(config["seeds"]) >= 3 and config["epochs"] >= 15
    done = {(r["activation"], r["seed"]) for r in reference["runs"]}
    assert done == {(a, s) for a in config["activations"] for s in config["seeds"]}
    assert len(reference["runs"]) == len(done)
    for run in reference["runs"]:
        assert len(run["epoch_seconds"]) == config["epochs"]
        for key in ("accuracy", "loss", "val_accuracy", "val_loss"):
            values = run["history"][key]
            assert len(values) == config["epochs"] and all(math.isfinite(v) for v in values)
        assert 0.0 <= run["test_accuracy"] <= 1.0

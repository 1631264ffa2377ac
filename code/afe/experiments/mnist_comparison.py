"""The article's MNIST comparison: the same CNN trained once per activation, faithful then corrected.

The article trains its CNN (:func:`afe.models.article_cnn`) with Adam
(``clipvalue=0.5``), batches of 128, and compares validation accuracy and
loss per epoch across activations. This module holds the corrected training
run (categorical cross-entropy, a validation split carved out of the
training data, the test set evaluated once at the end, fixed seeds), the
small experiments that expose each defect of the original code, and the
configuration of the stored multi-seed reference sweep.
"""

from __future__ import annotations

import importlib
import json
import time
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from .. import activations, models

__all__ = [
    "ACTIVATIONS", "PARAMS", "SCHEMA_VERSION", "reference_config", "prepare", "train_one",
    "defect_binary_crossentropy", "defect_validation_split", "defect_imports",
    "defect_unused_dropout_rate", "REFERENCE_PATH", "load_reference", "learning_rate_recorder",
    "seed_summary", "ARTICLE_IMPORTS", "KERAS3_MODULES", "try_import", "same_behaviour",
    "plateau_check", "final_values", "single_run_disagreement",
]

#: Where the reference sweep's results are stored (inside the package, so that
#: an installed copy, on Colab say, has them too).
REFERENCE_PATH = Path(__file__).resolve().parents[1] / "results" / "mnist_reference.json"

#: The activations compared: the article's six (GELU in the tanh form it registered), plus SiLU.
ACTIVATIONS = ("sigmoid", "relu", "elu", "leaky_relu", "selu", "gelu_tanh", "silu")
#: Parameters of those activations: the article's Leaky ReLU slope.
PARAMS: dict[str, dict[str, float]] = {"leaky_relu": {"alpha": 0.2}}
SCHEMA_VERSION = 1


def reference_config() -> dict[str, Any]:
    """What the reference sweep runs: the configuration its results file must record."""
    return {
        "activations": list(ACTIVATIONS), "params": PARAMS, "seeds": [0, 1, 2], "epochs": 15,
        "batch_size": 128, "optimizer": "adam", "learning_rate": 0.001, "clipvalue": 0.5,
        "loss": "categorical_crossentropy", "val_fraction": 0.2, "model": "article_cnn",
    }


def prepare(mnist, *, n_train: int | None = None, val_fraction: float = 0.2, seed: int = 0) -> dict:
    """Images as (N, 28, 28, 1) float32 in [0, 1], one-hot labels, and a validation split.

    The validation set is a random ``val_fraction`` of the (first ``n_train``)
    training images; the test set is kept apart, to be evaluated once.
    """
    def images(x):
        return (x.reshape(-1, 28, 28, 1) / 255.0).astype(np.float32)

    def onehot(y):
        return np.eye(10, dtype=np.float32)[y]

    x, y = mnist.x_train, mnist.y_train
    if n_train is not None:
        x, y = x[:n_train], y[:n_train]
    order = np.random.default_rng(seed).permutation(len(x))
    n_val = int(round(len(x) * val_fraction))
    val, train = order[:n_val], order[n_val:]
    return {"x_train": images(x[train]), "y_train": onehot(y[train]),
            "x_val": images(x[val]), "y_val": onehot(y[val]),
            "x_test": images(mnist.x_test), "y_test": onehot(mnist.y_test),
            "source": mnist.source, "description": mnist.description}


def _seed_everything(seed: int) -> None:
    """Start a run from a clean slate: free the previous models' graphs, then seed everything."""
    import gc

    import keras
    import tensorflow as tf

    keras.backend.clear_session()  # without it every trained model's state stays in memory
    gc.collect()
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def _epoch_timer():
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    return EpochTimer()


def train_one(activation: str, data: dict, *, epochs: int, seed: int = 0, batch_size: int = 128,
              learning_rate: float = 0.001, clipvalue: float = 0.5,
              loss: str = "categorical_crossentropy", verbose: int = 2,
              callbacks: Sequence = ()) -> dict:
    """Train the article's CNN with one activation, corrected: validation data, test once at the end.

    Returns:
        ``history`` (Keras's per-epoch ``accuracy``, ``loss``, ``val_accuracy``,
        ``val_loss`` and, with callbacks such as a scheduler, ``learning_rate``),
        ``epoch_seconds``, ``test_accuracy`` and ``test_loss``.
    """
    import keras

    _seed_everything(seed)
    model = models.article_cnn(activation, seed=seed, **PARAMS.get(activations.spec(activation).name, {}))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, clipvalue=clipvalue),
                  loss=loss, metrics=["accuracy"])
    timer = _epoch_timer()
    fit = model.fit(data["x_train"], data["y_train"], validation_data=(data["x_val"], data["y_val"]),
                    epochs=epochs, batch_size=batch_size, verbose=verbose,
                    callbacks=[timer, *callbacks], shuffle=True)
    test_loss, test_accuracy = model.evaluate(data["x_test"], data["y_test"], verbose=0)
    history = {k: [float(v) for v in vals] for k, vals in fit.history.items()}
    return {"activation": activation, "seed": seed, "history": history,
            "epoch_seconds": [float(s) for s in timer.seconds],
            "test_accuracy": float(test_accuracy), "test_loss": float(test_loss)}


def defect_binary_crossentropy(data: dict, *, epochs: int = 1, seed: int = 0) -> dict:
    """The original compiles a 10-way softmax with ``binary_crossentropy``: what its "accuracy" means.

    Trains once that way and scores the *same* test predictions: with the
    metric string ``"accuracy"`` (Keras 2 resolved it to binary accuracy
    under this loss, scoring each of the ten output units as a separate
    yes/no answer; Keras 3 resolves it from the shapes), with
    ``BinaryAccuracy`` and with ``CategoricalAccuracy`` (is the top class the
    right one?), and recomputes the last two from the predictions.

    Returns:
        ``keras3_accuracy``, ``binary_accuracy``, ``categorical_accuracy``,
        the two ``*_recomputed`` values, and ``binary_accuracy_of_all_no``:
        the binary accuracy of a model that answers "no" for every class.
    """
    import keras

    _seed_everything(seed)
    model = models.article_cnn("relu", seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(clipvalue=0.5), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.BinaryAccuracy(name="binary"),
                           keras.metrics.CategoricalAccuracy(name="categorical")])
    model.fit(data["x_train"], data["y_train"], epochs=epochs, batch_size=128, verbose=0)
    scores = model.evaluate(data["x_test"], data["y_test"], verbose=0, return_dict=True)
    # In batches: one call on all test images would hold every convolution's
    # output for all of them at once (hundreds of MB).
    probs = np.concatenate([np.asarray(model(data["x_test"][i:i + 256], training=False))
                            for i in range(0, len(data["x_test"]), 256)])
    y = data["y_test"]
    return {
        "keras3_accuracy": float(scores["accuracy"]),
        "binary_accuracy": float(scores["binary"]),
        "categorical_accuracy": float(scores["categorical"]),
        "binary_accuracy_recomputed": float(np.mean((probs > 0.5) == (y > 0.5))),
        "categorical_accuracy_recomputed": float(np.mean(probs.argmax(1) == y.argmax(1))),
        "binary_accuracy_of_all_no": float(np.mean(y == 0)),
    }


def defect_validation_split(data: dict, *, seed: int = 0) -> dict:
    """The original passes ``validation_split=0.2`` and ``validation_data`` together: which one is used?

    Trains one epoch with both and compares the reported ``val_loss`` with the
    model's loss on ``validation_data`` and on the last 20 % of the training
    arrays (what ``validation_split`` would hold out). Also recomputes the
    validation accuracy from the trained model's predictions (the share of
    images whose most probable class is the label), to compare with what the
    history reports as ``val_accuracy``.

    Returns:
        The three losses, ``reported val_accuracy``, ``validation accuracy
        recomputed from the predictions`` and the sorted ``history keys``.
    """
    import keras

    _seed_everything(seed)
    model = models.article_cnn("relu", seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(clipvalue=0.5), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    fit = model.fit(data["x_train"], data["y_train"], validation_split=0.2,
                    validation_data=(data["x_val"], data["y_val"]), epochs=1, batch_size=128,
                    verbose=0)
    n = len(data["x_train"])
    tail = slice(int(n * 0.8), n)
    on_val = model.evaluate(data["x_val"], data["y_val"], verbose=0, return_dict=True)
    on_tail = model.evaluate(data["x_train"][tail], data["y_train"][tail], verbose=0, return_dict=True)
    probs = np.concatenate([np.asarray(model(data["x_val"][i:i + 256], training=False))
                            for i in range(0, len(data["x_val"]), 256)])
    hits = probs.argmax(axis=1) == data["y_val"].argmax(axis=1)
    return {"reported val_loss": float(fit.history["val_loss"][-1]),
            "loss on validation_data": float(on_val["loss"]),
            "loss on the last 20 % of the training arrays": float(on_tail["loss"]),
            "reported val_accuracy": float(fit.history["val_accuracy"][-1]),
            "validation accuracy recomputed from the predictions": float(hits.mean()),
            "history keys": sorted(fit.history)}


#: The article's Keras 2 imports, and what a reader would use in Keras 3 instead.
#: The article's Keras imports, exactly as it prints them (Keras 2, 2019).
ARTICLE_IMPORTS = (
    "from keras.datasets import mnist",
    "from keras.utils.np_utils import to_categorical",
    "from keras.models import Sequential",
    "from keras.layers import Dense, Dropout, Flatten, Conv2D, MaxPooling2D, Activation, LeakyReLU",
    "from keras.layers.noise import AlphaDropout",
    "from keras.utils.generic_utils import get_custom_objects",
    "from keras import backend as K",
    "from keras.optimizers import Adam",
)
#: Where Keras 3 keeps each name whose Keras 2 module is gone.
KERAS3_MODULES = {
    "to_categorical": "keras.utils",
    "AlphaDropout": "keras.layers",
    "get_custom_objects": "keras.saving",
}


def try_import(line: str) -> str:
    """Run one import statement in a fresh namespace: ``"works"``, or the error it raises."""
    try:
        exec(line, {})  # noqa: S102 - the statements are the fixed ones above
    except ImportError as err:
        return f"{type(err).__name__}: {err}"
    return "works"


def _probe_to_categorical(module) -> bool:
    labels = np.array([0, 2, 1, 2])
    return bool(np.array_equal(module.to_categorical(labels, 3), np.eye(3)[labels]))


def _probe_alpha_dropout(module) -> bool:
    # Keras 2's AlphaDropout: the identity at inference; in training it drops
    # units to SELU's saturation and keeps the mean and variance of a standard
    # normal input at 0 and 1.
    z = np.random.default_rng(0).standard_normal((200, 500)).astype("float32")
    layer = module.AlphaDropout(0.2, seed=0)
    kept = np.asarray(layer(z, training=False))
    dropped = np.asarray(layer(z, training=True))
    return bool(np.array_equal(kept, z) and not np.array_equal(dropped, z)
                and abs(dropped.mean()) < 0.02 and abs(dropped.std() - 1) < 0.02)


def _probe_get_custom_objects(module) -> bool:
    # Keras 2's get_custom_objects returned the global registry: an object
    # stored there under a name is what Keras finds under that name.
    import keras

    registry, marker = module.get_custom_objects(), object()
    registry["afe_probe"] = marker
    try:
        return keras.saving.get_registered_object("afe_probe") is marker
    finally:
        del registry["afe_probe"]


#: For each name in :data:`KERAS3_MODULES`, a check that its Keras 3 home
#: gives something that does what the Keras 2 name did.
_PROBES = {"to_categorical": _probe_to_categorical, "AlphaDropout": _probe_alpha_dropout,
           "get_custom_objects": _probe_get_custom_objects}


def same_behaviour(name: str) -> bool:
    """Whether Keras 3's ``name`` (imported from :data:`KERAS3_MODULES`) does what Keras 2's did.

    Args:
        name: one of the names in :data:`KERAS3_MODULES`.

    Raises:
        KeyError: for a name without a Keras 3 home or a probe.
    """
    module = importlib.import_module(KERAS3_MODULES[name])
    return _PROBES[name](module)


def defect_imports(lines: Iterable[str] = ARTICLE_IMPORTS) -> list[dict]:
    """Run each of the article's imports in the installed Keras; record what happens.

    Returns one row per statement: the statement, its outcome, the Keras 3
    statement that replaces it (itself run, so it is known to work), or
    "(unchanged)" where the original still works, and ``same behaviour``:
    for a replacement, whether the name does there what it did in Keras 2
    (:func:`same_behaviour`); ``None`` where the original works or nothing
    replaces it.
    """
    rows = []
    for line in lines:
        outcome = try_import(line)
        replacement, behaves = "(unchanged)", None
        if outcome != "works":
            name = line.split()[-1]
            replacement = "(no replacement found)"
            if name in KERAS3_MODULES:
                candidate = f"from {KERAS3_MODULES[name]} import {name}"
                if try_import(candidate) == "works":
                    replacement = candidate
                    behaves = same_behaviour(name)
        rows.append({"the article's import": line, "in Keras 3": outcome,
                     "Keras 3 import": replacement, "same behaviour": behaves})
    return rows


def defect_unused_dropout_rate() -> dict:
    """The original's model builder takes a ``dropout_rate`` it never uses; build it with two values.

    Written like the article's builder: the argument is accepted, the layers
    use fixed rates. The two models' configurations are compared layer by
    layer (names aside).

    Returns:
        ``identical layer configurations``, the number of ``layers that
        differ`` out of ``layers``, and the ``dropout rates actually used``.
    """
    def build(activation, dropout_rate=0.2):  # dropout_rate is never read, as in the article
        return models.article_cnn(activation)

    a, b = build("relu", dropout_rate=0.1), build("relu", dropout_rate=0.9)
    rates = [layer.rate for layer in a.layers if hasattr(layer, "rate")]
    same = [la.get_config() | {"name": ""} == lb.get_config() | {"name": ""}
            for la, lb in zip(a.layers, b.layers)]
    return {"identical layer configurations": all(same),
            "layers that differ": len(same) - sum(same), "layers": len(same),
            "dropout rates actually used": rates}


def learning_rate_recorder():
    """A Keras callback that records the optimizer's learning rate at the end of every epoch."""
    import keras

    class LearningRateRecorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.rates = []

        def on_epoch_end(self, epoch, logs=None):
            self.rates.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))

    return LearningRateRecorder()


def load_reference(path: Path = REFERENCE_PATH) -> dict:
    """The stored reference sweep (see ``scripts/reference_sweep.py``)."""
    return json.loads(Path(path).read_text())


def seed_summary(results: dict, key: str) -> dict[str, dict[str, np.ndarray]]:
    """Per activation: mean and sample standard deviation over seeds of ``history[key]`` per epoch."""
    out = {}
    for activation in results["config"]["activations"]:
        curves = np.array([r["history"][key] for r in results["runs"] if r["activation"] == activation])
        out[activation] = {"mean": curves.mean(axis=0),
                           "std": curves.std(axis=0, ddof=1) if len(curves) > 1 else np.zeros(curves.shape[1]),
                           "n": len(curves)}
    return out


def plateau_check(val_loss: Sequence[float], rates: Sequence[float], *, patience: int,
                  initial_rate: float, factor: float = 0.1, min_delta: float = 1e-4) -> dict:
    """Check from a run's record that the learning rate was cut exactly when val_loss stalled.

    The rule ``ReduceLROnPlateau`` states: an epoch improves when its
    ``val_loss`` is below the best so far by more than ``min_delta`` (Keras's
    default 1e-4); after ``patience`` epochs in a row without improvement,
    multiply the learning rate by ``factor``, and start counting again. This
    function counts, from the recorded numbers alone, the epochs without
    improvement before each cut, and the epochs at which the count reached
    ``patience`` and no cut followed.

    Args:
        val_loss: the validation loss of every epoch.
        rates: the learning rate at the end of every epoch (after any cut).
        patience: the callback's patience.
        initial_rate: the learning rate the run started with.
        factor: the callback's factor.
        min_delta: the smallest decrease that counts as an improvement.

    Returns:
        ``epochs``: one row per epoch (val_loss, improved, epochs without
        improvement before any cut, learning rate, cut); ``cuts``; ``waits``,
        the epochs without improvement before each cut; ``cuts not after
        patience``, the cuts whose wait was not ``patience``; ``stalls without
        a cut``, epochs whose wait reached ``patience`` with no cut; and
        ``largest factor error``, the largest |new rate / old rate − factor|
        over the cuts (0 when there was none).

    Raises:
        ValueError: if ``val_loss`` and ``rates`` differ in length.
    """
    if len(val_loss) != len(rates):
        raise ValueError(f"{len(val_loss)} val_loss values but {len(rates)} learning rates")
    best, wait, previous = np.inf, 0, float(initial_rate)
    rows, waits, errors, stalls = [], [], [], 0
    for epoch, (value, rate) in enumerate(zip(val_loss, rates), start=1):
        improved = bool(value < best - min_delta)
        if improved:
            best, wait = value, 0
        else:
            wait += 1
        cut = bool(rate < previous * (1 - 1e-6))  # float32 rates: ignore rounding
        rows.append({"epoch": epoch, "val_loss": float(value), "improved": improved,
                     "epochs without improvement": wait, "learning rate": float(rate),
                     "cut": cut})
        if cut:
            waits.append(wait)
            errors.append(abs(rate / previous - factor))
            wait = 0
        elif wait >= patience:
            stalls += 1
        previous = float(rate)
    return {"epochs": rows, "cuts": len(waits), "waits": waits,
            "cuts not after patience": sum(w != patience for w in waits),
            "stalls without a cut": stalls,
            "largest factor error": float(max(errors, default=0.0))}


def final_values(results: dict, key: str = "val_accuracy"):
    """A DataFrame of the last epoch's ``history[key]``: one row per activation, one column per seed.

    Args:
        results: the stored sweep (:func:`load_reference`) or a dict of the
            same shape (``config["activations"]`` and ``runs``).
        key: a history key, such as ``"val_accuracy"`` or ``"val_loss"``.
    """
    import pandas as pd

    table = pd.DataFrame([{"activation": r["activation"], "seed": r["seed"],
                           key: r["history"][key][-1]} for r in results["runs"]])
    table = table.pivot(index="activation", columns="seed", values=key)
    return table.loc[[a for a in results["config"]["activations"] if a in table.index]]


def single_run_disagreement(table) -> dict:
    """How often two single runs (different seeds) rank a pair of activations differently.

    Args:
        table: one row per activation, one column per seed (as from
            :func:`final_values`, or test accuracies); higher is better.

    Returns:
        ``pairs of activations``; ``per seed pair``, for each pair of seeds
        the share of activation pairs that the two seeds order differently
        (a tie in one seed and not the other counts as different); ``mean
        share`` and ``largest share`` over the seed pairs.

    Raises:
        ValueError: with fewer than two seeds or two activations.
    """
    from itertools import combinations

    values = np.asarray(table, dtype=float)
    if values.shape[0] < 2 or values.shape[1] < 2:
        raise ValueError("need at least two activations and two seeds")
    acts = list(combinations(range(values.shape[0]), 2))
    shares = {}
    for s, t in combinations(range(values.shape[1]), 2):
        differ = [np.sign(values[i, s] - values[j, s]) != np.sign(values[i, t] - values[j, t])
                  for i, j in acts]
        shares[(list(table.columns)[s], list(table.columns)[t]) if hasattr(table, "columns")
               else (s, t)] = float(np.mean(differ))
    return {"pairs of activations": len(acts), "per seed pair": shares,
            "mean share": float(np.mean(list(shares.values()))),
            "largest share": float(max(shares.values()))}

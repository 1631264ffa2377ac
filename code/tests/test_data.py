"""The MNIST loader: checksum, split, source choice and offline fallback (no network touched)."""

import shutil
import socket
import threading
import time

import numpy as np
import pytest

from afe import data


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.delenv(data.ENV_VAR, raising=False)


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No Keras cache on disk and the download server unreachable; Keras must not be called."""
    monkeypatch.setattr(data, "KERAS_CACHE", tmp_path / "absent.npz")
    monkeypatch.setattr(data, "_server_reachable", lambda address, timeout: False)

    def keras_must_not_run(timeout):
        raise AssertionError("the Keras loader was called offline")

    monkeypatch.setattr(data, "_load_keras", keras_must_not_run)


def fake_keras(timeout):
    x = np.zeros((6, 28, 28), np.uint8)
    y = np.arange(6, dtype=np.uint8)
    return data.MNIST(x, y, x[:2], y[:2], "keras", "fake Keras MNIST")


def test_sample_is_intact_and_real_sized():
    images, labels = data.load_sample()
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,) and set(np.unique(labels)) == set(range(10))
    assert images.max() == 255 and images.min() == 0
    assert np.bincount(labels).tolist() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]


def test_damaged_sample_is_refused(tmp_path):
    broken = tmp_path / "mnist_sample.npz"
    shutil.copy(data.SAMPLE_PATH, broken)
    raw = bytearray(broken.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    broken.write_bytes(bytes(raw))
    with pytest.raises(data.ChecksumError, match="SHA-256"):
        data.load_sample(broken)


def test_split_is_stratified_deterministic_and_disjoint():
    _, labels = data.load_sample()
    train, test = data.stratified_split(labels, 0.2, seed=0)
    again_train, again_test = data.stratified_split(labels, 0.2, seed=0)
    np.testing.assert_array_equal(train, again_train)
    np.testing.assert_array_equal(test, again_test)
    assert len(set(train) & set(test)) == 0 and len(train) + len(test) == len(labels)
    share = np.bincount(labels[test]) / np.bincount(labels)
    np.testing.assert_allclose(share, 0.2, atol=0.001)
    other, _ = data.stratified_split(labels, 0.2, seed=1)
    assert not np.array_equal(train, other)


def test_bad_test_fraction_is_refused():
    with pytest.raises(ValueError, match="test_fraction"):
        data.stratified_split(np.zeros(10), 1.5)


def test_offline_auto_falls_back_to_the_sample_and_says_why(offline, capsys):
    mnist = data.load_mnist(verbose=True)
    assert mnist.source == "sample"
    assert mnist.x_train.shape == (8000, 28, 28) and mnist.x_test.shape == (2000, 28, 28)
    out = capsys.readouterr().out
    assert "MNIST sample bundled with the book" in out and "did not answer" in out


def test_forced_sample_never_probes_the_network(offline, monkeypatch, capsys):
    monkeypatch.setattr(data, "_server_reachable", pytest.fail)
    assert data.load_mnist("sample").source == "sample"
    monkeypatch.setenv(data.ENV_VAR, "sample")
    assert data.load_mnist().source == "sample"
    assert "because" not in capsys.readouterr().out


def test_online_auto_uses_keras(monkeypatch, tmp_path):
    monkeypatch.setattr(data, "KERAS_CACHE", tmp_path / "absent.npz")
    monkeypatch.setattr(data, "_server_reachable", lambda address, timeout: True)
    monkeypatch.setattr(data, "_load_keras", fake_keras)
    assert data.load_mnist(verbose=False).source == "keras"


def test_cached_keras_copy_is_used_without_probing(monkeypatch, tmp_path):
    cache = tmp_path / "mnist.npz"
    cache.write_bytes(b"")
    monkeypatch.setattr(data, "KERAS_CACHE", cache)
    monkeypatch.setattr(data, "_server_reachable", pytest.fail)
    monkeypatch.setattr(data, "_load_keras", fake_keras)
    assert data.load_mnist(verbose=False).source == "keras"


def test_failed_download_falls_back(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(data, "KERAS_CACHE", tmp_path / "absent.npz")
    monkeypatch.setattr(data, "_server_reachable", lambda address, timeout: True)

    def broken(timeout):
        raise OSError("connection reset")

    monkeypatch.setattr(data, "_load_keras", broken)
    assert data.load_mnist(verbose=True).source == "sample"
    assert "connection reset" in capsys.readouterr().out


def test_forced_keras_does_not_hide_a_failure(monkeypatch):
    def broken(timeout):
        raise OSError("no route")

    monkeypatch.setattr(data, "_load_keras", broken)
    with pytest.raises(OSError, match="no route"):
        data.load_mnist("keras")


def test_unknown_source_is_refused(monkeypatch):
    with pytest.raises(ValueError, match="auto, keras, sample"):
        data.load_mnist("mnist.org")
    monkeypatch.setenv(data.ENV_VAR, "cloud")
    with pytest.raises(ValueError, match=data.ENV_VAR):
        data.load_mnist()


def test_probe_gives_up_within_its_timeout(monkeypatch):
    released = threading.Event()

    def hang(address, timeout):
        released.wait(10)
        raise OSError("gave up")

    monkeypatch.setattr(socket, "create_connection", hang)
    start = time.monotonic()
    assert data._server_reachable(("example.invalid", 443), timeout=0.3) is False
    assert time.monotonic() - start < 2
    released.set()  # let the probe thread finish inside this test

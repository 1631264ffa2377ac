"""Executions of the reader notebooks as readers run them, in the background.

Every reader notebook is executed once in a Colab-like environment
(`.venv-colab`: `afe` installed as a package, no jupyter-book, no MyST-NB),
alone in an empty folder, and two of them once more in the book's own
environment (Binder-like). These executions take about as long as the book
build, and neither needs the other until the results are compared, so they
run in a background thread while the build and the other tests run: on two
cores the build's kernel and Sphinx leave one core mostly idle.

The results are compared with the build's in `test_reader_notebooks.py`.
Each execution is a separate process (nbconvert) with its own environment,
so nothing here changes the test process's `os.environ`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path

from book_helpers import CHAPTERS, ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import reader_notebooks as rn  # noqa: E402

READERS = ROOT / rn.READER_DIR
COLAB_VENV = ROOT / ".venv-colab"
BINDER_LIKE = ["02_sigmoid", "06_elu"]
#: Chapter 11's training runs take minutes at the book's profile; its
#: Colab-like run uses a smaller one, injected after the parameters cell as
#: papermill would. The build's values that come from the profile are then
#: not comparable; those of the stored sweep are.
SMALL_PROFILES = {
    "11_mnist_comparison": (
        'PROFILES["test"] = {"source": None, "n_train": 1000, "epochs": 1, "seeds": [0]}\n'
        'PROFILE = "test"'
    ),
}
#: The glued values of such a run that do not depend on its profile, to compare
#: with the build's: (key prefixes, keys excepted). Chapter 11's come from the
#: stored sweep, except the sentence that sets the sweep against the page's run.
PROFILE_FREE = {
    "11_mnist_comparison": (("ref-",), ("ref-sigmoid-takeoff",)),
}
CELL_TIMEOUT = 900  # seconds, per cell


def colab_environment() -> Path:
    """Make `.venv-colab` and install the current afe into it as a package; its python."""
    env = {**os.environ, "AFE_VENV": str(COLAB_VENV)}
    subprocess.run(["bash", str(ROOT / "scripts" / "setup-env.sh"), "requirements-colab.txt"],
                   check=True, env=env, cwd=ROOT, capture_output=True)
    python = COLAB_VENV / "bin" / "python"
    # setup-env.sh reinstalls only when the requirements change; afe is a copy in this
    # environment (not editable, as on Colab), so put the current code there every time.
    # It is built from a copy of code/, so that setuptools' scratch folders never appear
    # in the checkout while the book build reads it.
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "code"
        shutil.copytree(ROOT / "code", source,
                        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
        subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", "--no-deps", "--force-reinstall",
                        str(source)], check=True, capture_output=True)
    probe = subprocess.run([str(python), "-c", (
        "import importlib.util as u, afe, pathlib; "
        "print([m for m in ('myst_nb', 'jupyter_book', 'myst_parser') if u.find_spec(m)]); "
        "print(pathlib.Path(afe.__file__).resolve())")], capture_output=True, text=True, check=True)
    present, location = probe.stdout.splitlines()
    if present != "[]":
        raise RuntimeError(f"the Colab-like environment has {present}")
    if str(ROOT / "code") in location:
        raise RuntimeError(f"afe must be installed as a package, not from {location}")
    return python


def with_parameters(nb: dict, code: str) -> dict:
    """``nb`` with a code cell of ``code`` after its cell tagged ``parameters``."""
    cells = nb["cells"]
    at = next(i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    cell = {"cell_type": "code", "execution_count": None, "id": "injected-parameters",
            "metadata": {"tags": ["injected-parameters"]}, "outputs": [], "source": code}
    return {**nb, "cells": [*cells[:at + 1], cell, *cells[at + 1:]]}


def execute(notebook: Path, cwd: Path, python: Path, scratch: Path) -> Path:
    """Execute ``notebook`` (in folder ``cwd``) in a kernel running ``python``; the executed copy."""
    jupyter = scratch / "jupyter"
    spec = jupyter / "kernels" / "afe-test"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "afe test", "language": "python"}))
    env = {k: v for k, v in os.environ.items()
           if k not in ("MPLBACKEND", "AFE_BOOK_BUILD", "PYTHONPATH")}
    env["JUPYTER_PATH"] = str(jupyter)
    out = scratch / "executed.ipynb"
    result = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
         f"--ExecutePreprocessor.timeout={CELL_TIMEOUT}",
         "--ExecutePreprocessor.kernel_name=afe-test",
         "--output", str(out), str(notebook)],
        cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0 or not out.is_file():
        raise RuntimeError(f"nbconvert could not execute {notebook.name}:\n{result.stderr[-3000:]}")
    return out


class ReaderRuns:
    """The background executions: ``colab(name)`` and ``binder(name)`` wait for one."""

    def __init__(self, scratch: Path, colab: list[str] | None = None,
                 binder: list[str] | None = None) -> None:
        self.scratch = scratch
        if colab is None:
            colab = [p.stem for p in CHAPTERS]
        self._colab = {name: Future() for name in colab}
        self._binder = {name: Future() for name in BINDER_LIKE if binder is None or name in binder}
        self._thread = threading.Thread(target=self._run, name="reader-runs", daemon=True)

    def start(self) -> "ReaderRuns":
        self._thread.start()
        return self

    def done(self) -> bool:
        return not self._thread.is_alive()

    def colab(self, name: str) -> Path:
        return self._colab[name].result()

    def binder(self, name: str) -> Path:
        return self._binder[name].result()

    def _run(self) -> None:
        if self._colab:
            try:
                python = colab_environment()
            except Exception as error:  # every Colab-like test reports it
                for future in self._colab.values():
                    future.set_exception(error)
            else:
                for name, future in self._colab.items():
                    self._settle(future, lambda: self._run_alone(name, python))
        for name, future in self._binder.items():
            self._settle(future, lambda: execute(READERS / f"{name}.ipynb", READERS,
                                                 Path(sys.executable), self._folder(f"binder-{name}")))

    @staticmethod
    def _settle(future: Future, run) -> None:
        try:
            future.set_result(run())
        except Exception as error:
            future.set_exception(error)

    def _folder(self, name: str) -> Path:
        folder = self.scratch / name
        folder.mkdir(parents=True)
        return folder

    def _run_alone(self, name: str, python: Path) -> Path:
        """As on Colab: the notebook alone in an empty folder."""
        alone = self._folder(f"colab-{name}") / "alone"
        alone.mkdir()
        nb = json.loads((READERS / f"{name}.ipynb").read_text())
        if name in SMALL_PROFILES:
            nb = with_parameters(nb, SMALL_PROFILES[name])
        (alone / f"{name}.ipynb").write_text(json.dumps(nb))
        return execute(alone / f"{name}.ipynb", alone, python, alone.parent)


_RUNS: ReaderRuns | None = None


def reader_runs(colab: list[str] | None = None, binder: list[str] | None = None) -> ReaderRuns:
    """The session's background executions, started on the first call.

    ``colab`` and ``binder`` name the notebooks to run each way (default: all
    chapters, and :data:`BINDER_LIKE`).
    """
    global _RUNS
    if _RUNS is None:
        scratch = Path(tempfile.mkdtemp(prefix="afe-reader-runs-"))
        _RUNS = ReaderRuns(scratch, colab, binder).start()
    return _RUNS


def started() -> ReaderRuns | None:
    """The session's background executions, if they were started."""
    return _RUNS

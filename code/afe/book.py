"""Small helpers for the book's notebooks, so that they run and read well anywhere.

The chapters are executed three ways: by the book build (Jupyter Book and
MyST-NB), by a reader in JupyterLab or on Binder, and on Colab, where MyST-NB
is missing. :func:`glue` behaves accordingly:

- inside a book build it stores the value for the prose to quote
  (``{glue:text}`name```) and shows nothing, so that nothing appears twice;
- anywhere else it *shows* the value, as an output of the cell that computed
  it: a figure is drawn, a table rendered, a number printed as
  ``name = value``. The output's metadata carries the name and the text the
  book would quote, so that a run outside the book can be compared with the
  build (``tests/test_reader_notebooks.py`` does).

The book build announces itself by setting the environment variable
``AFE_BOOK_BUILD=1`` (see ``_ext/reader_notebooks.py``); the notebook kernels
inherit it.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Mapping

from .claims import CAVEAT, FAILS, HOLDS, OUTDATED, VERDICTS, Claim, Criterion

__all__ = ["glue", "glue_all", "in_book_build", "quiet_import_tensorflow", "setup",
           "single_threaded_blas",
           "verdicts", "verdict_table", "Claim", "Criterion",
           "HOLDS", "CAVEAT", "OUTDATED", "FAILS", "VERDICTS", "BUILD_ENV", "METADATA_KEY"]

#: The environment variable by which a book build announces itself to its kernels.
BUILD_ENV = "AFE_BOOK_BUILD"
#: The key, in an output's metadata, under which :func:`glue` records what it showed.
METADATA_KEY = "afe_glue"


def in_book_build() -> bool:
    """Whether this kernel runs inside a Jupyter Book build of the book."""
    return os.environ.get(BUILD_ENV) == "1"


@contextlib.contextmanager
def _stderr_silenced():
    """Send the process's file descriptor 2 to /dev/null for the duration.

    TensorFlow's C++ start-up messages bypass Python's logging and
    ``TF_CPP_MIN_LOG_LEVEL``; Jupyter copies whatever reaches descriptor 2
    into a red box under the cell.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 to silence
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def quiet_import_tensorflow():
    """Import TensorFlow without its start-up messages and return the module."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with _stderr_silenced():
        import tensorflow as tf
    return tf


def setup(tensorflow: bool = True) -> None:
    """Prepare a notebook: quiet TensorFlow, one BLAS thread, the figure style, short printing.

    Call it in the first code cell after the set-up cell, before anything
    imports TensorFlow.

    NumPy's matrix products run on one thread from here on (see
    :func:`single_threaded_blas`), so the book's NumPy training runs give the
    same numbers on a laptop, on Binder, on Colab and in the build.

    Args:
        tensorflow: import TensorFlow now, with its start-up messages silenced,
            so that none reaches a cell's output later.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if tensorflow:
        quiet_import_tensorflow()
    import numpy as np
    import pandas as pd

    single_threaded_blas()

    from . import plotting

    plotting.use_book_style()
    np.set_printoptions(precision=6, suppress=False)
    pd.set_option("display.precision", 3)
    pd.set_option("display.width", 88)
    # Show every table cell whole: pandas cuts text longer than 50 characters
    # to "...", which would hide part of a Keras call or a sentence.
    pd.set_option("display.max_colwidth", None)


def single_threaded_blas() -> None:
    """Run NumPy's BLAS (its matrix products) on one thread, for the rest of the process.

    A multithreaded BLAS splits some sums between its threads and adds the
    partial sums in an order that depends on how many threads there are. A
    training run amplifies such a difference in the last bit into a different
    network, so the same seeded NumPy experiment gave different accuracies on
    machines with different core counts. On one thread it gives the same
    numbers everywhere; the networks in this book are small, so it is barely
    slower. TensorFlow's own thread pools are not affected.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _is_figure(value: Any) -> bool:
    return type(value).__module__.startswith("matplotlib.figure")


def quoted_text(plain: str) -> str:
    """The text that ``{glue:text}`` pastes for a value whose ``text/plain`` is ``plain``.

    MyST-NB evaluates the representation as a literal where it can, so a
    string glued as ``'0.25'`` is quoted as ``0.25``.
    """
    from ast import literal_eval

    try:
        return str(literal_eval(plain))
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return plain


def _format(value: Any) -> tuple[dict, dict]:
    """The MIME bundle IPython would display for ``value`` (plain ``repr`` outside IPython)."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython ships with every Jupyter kernel
        shell = None
    if shell is None:
        return {"text/plain": repr(value)}, {}
    data, metadata = shell.display_formatter.format(value)
    return dict(data), dict(metadata)


def _show(values: Mapping[str, Any]) -> None:
    """Show glued values where no book build will paste them (outside a build)."""
    from IPython.display import display

    lines, record = [], {}
    for name, value in values.items():
        data, metadata = _format(value)
        if _is_figure(value) or set(data) != {"text/plain"}:
            # A figure or a rich value (a table): shown as itself.
            display(data, raw=True, metadata={**metadata, METADATA_KEY: {"name": name}})
            continue
        text = quoted_text(data["text/plain"])
        record[name] = text
        lines.append(f"{name} = {text}")
    if lines:
        display({"text/plain": "\n".join(lines)}, raw=True,
                metadata={METADATA_KEY: {"values": record}})


def glue_all(values: Mapping[str, Any]) -> None:
    """Glue several values at once: ``{name: value}``, in order (see :func:`glue`).

    Outside a book build the plain values are shown together, one
    ``name = value`` line each, and figures and tables one by one.
    """
    for name in values:
        if not isinstance(name, str) or not name or name != name.strip():
            raise ValueError(f"glue names are non-empty strings without surrounding spaces, got {name!r}")
    if in_book_build():
        from myst_nb import glue as _glue

        for name, value in values.items():
            _glue(name, value, display=False)
    else:
        _show(values)
    for value in values.values():
        if _is_figure(value):
            import matplotlib.pyplot as plt

            plt.close(value)


def glue(name: str, value: Any, display: bool = False) -> None:
    """Glue ``value`` under ``name`` for the prose to quote.

    Inside a book build the value is stored (MyST-NB) and nothing is shown,
    unless ``display`` is true. Anywhere else (JupyterLab, Binder, Colab) it
    is shown as an output of the cell, once. A matplotlib figure is closed
    once glued, so that Jupyter does not draw it again at the end of the cell.
    """
    if in_book_build() and display:
        from IPython.display import display as _display

        _display(value)
    glue_all({name: value})


def verdicts(claims: Mapping[str, Claim]) -> None:
    """Glue the verdicts of a chapter's checked claims for the claims ledger, and show them.

    Each entry ``key: Claim(...)`` (see :mod:`afe.claims`) glues three texts:
    ``claim-<key>``, the claim's wording; ``verdict-<key>``, its verdict; and
    ``evidence-<key>``, its criteria with the measured values. The ledger
    page pastes all three. The criteria's values must be the chapter's own
    measurements, never typed in.

    The cell shows one table, a row per claim (claim, criteria and
    measurement, verdict); outside a book build its metadata records the
    glued texts, as :func:`glue` does.
    """
    from IPython.display import display

    table = verdict_table(claims)
    glued = {}
    for key, row in table.iterrows():
        glued[f"claim-{key}"] = row["claim"]
        glued[f"evidence-{key}"] = row["criteria and measurement"]
        glued[f"verdict-{key}"] = row["verdict"]
    metadata = {}
    if in_book_build():
        from myst_nb import glue as _glue

        for name, value in glued.items():
            _glue(name, value, display=False)
    else:
        metadata = {METADATA_KEY: {"values": {k: quoted_text(repr(v)) for k, v in glued.items()}}}
    data, _ = _format(table)
    display(data, raw=True, metadata=metadata)


def verdict_table(claims: Mapping[str, Claim]):
    """The verdicts of ``claims`` (see :func:`verdicts`) as a DataFrame.

    Columns: claim, criteria and measurement, verdict; indexed by key.
    """
    import pandas as pd

    rows = []
    for key, claim in claims.items():
        if not isinstance(key, str) or not key or key != key.strip().lower() or " " in key:
            raise ValueError(f"claim keys are lower-case words joined by hyphens, got {key!r}")
        if not isinstance(claim, Claim):
            raise TypeError(f"the claim {key!r} must be an afe.claims.Claim, got {type(claim).__name__}")
        rows.append({"claim": claim.text, "criteria and measurement": claim.evidence(),
                     "verdict": claim.verdict})
    return pd.DataFrame(rows, index=pd.Index(list(claims), name="key"))

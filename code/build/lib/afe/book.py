"""Small helpers for the book's notebooks, so that they run anywhere.

In a Jupyter Book build, :func:`glue` stores a value for the prose to quote
(``{glue:text}`name```); in plain Jupyter or on Colab, where MyST-NB may be
missing, it just shows the value, so the notebook still runs top to bottom.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["glue", "setup"]


def setup() -> None:
    """Prepare a notebook: quiet TensorFlow's start-up logs, apply the figure style, short printing.

    Call it in the first code cell, before anything imports TensorFlow.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np
    import pandas as pd

    from . import plotting

    plotting.use_book_style()
    np.set_printoptions(precision=6, suppress=False)
    pd.set_option("display.precision", 3)
    pd.set_option("display.width", 120)


def glue(name: str, value: Any, display: bool = False) -> None:
    """Glue ``value`` under ``name`` for the prose (MyST-NB), or show it if MyST-NB is absent.

    A matplotlib figure is closed once glued, so that the notebook does not
    draw it a second time at the end of the cell; outside a book build it is
    shown instead (where the prose would have placed it).
    """
    try:
        from myst_nb import glue as _glue
    except ImportError:  # Colab or a bare Jupyter: nothing to glue into
        _glue = None
    is_figure = type(value).__module__.startswith("matplotlib.figure")
    if _glue is not None:
        _glue(name, value, display=display)
    elif display or is_figure:
        from IPython.display import display as _display

        _display(value)
    if is_figure:
        import matplotlib.pyplot as plt

        plt.close(value)

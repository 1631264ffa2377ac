"""Small helpers for the book's notebooks, so that they run anywhere.

In a Jupyter Book build, :func:`glue` stores a value for the prose to quote
(``{glue:text}`name```); in plain Jupyter or on Colab, where MyST-NB may be
missing, it just shows the value, so the notebook still runs top to bottom.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["glue", "setup", "verdict", "verdicts", "HOLDS", "CAVEAT", "FAILS"]

HOLDS, CAVEAT, FAILS = "holds", "holds, with a caveat", "does not hold"


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


def verdict(holds: bool, caveat: bool = False) -> str:
    """The verdict on a checked claim: holds, holds with a caveat, or does not hold.

    Args:
        holds: whether the measurement confirms the claim.
        caveat: whether it confirms it only in part, or only under conditions
            the source does not state (ignored when ``holds`` is false).

    Returns:
        One of :data:`HOLDS`, :data:`CAVEAT` and :data:`FAILS`.
    """
    import numpy as np

    if not isinstance(holds, (bool, np.bool_)) or not isinstance(caveat, (bool, np.bool_)):
        raise TypeError("holds and caveat must be booleans computed from the chapter's data")
    if not holds:
        return FAILS
    return CAVEAT if caveat else HOLDS


def verdicts(claims: dict[str, tuple[str, bool, bool]]):
    """Glue the verdicts of a chapter's checked claims for the claims ledger, and tabulate them.

    Each entry ``key: (claim, holds, caveat)`` glues the claim's wording as
    ``claim-<key>`` and its :func:`verdict` as ``verdict-<key>``; the ledger
    page pastes both. ``holds`` and ``caveat`` must be computed from the
    chapter's own measurements, never typed in.

    Returns:
        A DataFrame with one row per claim (claim, verdict), for the chapter to show.
    """
    import pandas as pd

    rows = []
    for key, (claim, holds, caveat) in claims.items():
        if not key or key != key.strip().lower() or " " in key:
            raise ValueError(f"claim keys are lower-case words joined by hyphens, got {key!r}")
        said = verdict(holds, caveat)
        glue(f"claim-{key}", claim)
        glue(f"verdict-{key}", said)
        rows.append({"claim": claim, "verdict": said})
    return pd.DataFrame(rows, index=pd.Index(list(claims), name="key"))

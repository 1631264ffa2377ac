"""Small helpers for the book's notebooks, so that they run anywhere.

In a Jupyter Book build, :func:`glue` stores a value for the prose to quote
(``{glue:text}`name```); in plain Jupyter or on Colab, where MyST-NB may be
missing, it just shows the value, so the notebook still runs top to bottom.
"""

from __future__ import annotations

from typing import Any

__all__ = ["glue"]


def glue(name: str, value: Any, display: bool = False) -> None:
    """Glue ``value`` under ``name`` for the prose (MyST-NB), or show it if MyST-NB is absent."""
    try:
        from myst_nb import glue as _glue
    except ImportError:  # Colab or a bare Jupyter: nothing to glue into
        if display:
            from IPython.display import display as _display

            _display(value)
        return
    _glue(name, value, display=display)

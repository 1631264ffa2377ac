"""Activation Functions, Executed: the shared code of the book.

The registry of activations is :mod:`afe.activations`; start with
``afe.activations.get(name, **params)`` and ``afe.activations.NAMES``.
"""

from . import activations
from .activations import NAMES, get

__all__ = ["activations", "NAMES", "get"]
__version__ = "0.1.0"

"""Checked claims: a verdict computed from measurements, with its criterion in words.

A claim of the sources is checked by one or more :class:`Criterion` objects.
Each compares one measured quantity with a threshold, and knows the range of
values the quantity could have taken. A criterion whose threshold lies
outside that range, so that it could not have come out the other way, is
refused when it is made: a verdict that cannot fail asserts nothing.

A :class:`Claim` turns its criteria into one of four verdicts:

- ``holds``: every ``holds`` criterion is met and no ``caveat`` criterion is;
- ``holds, with a caveat``: every ``holds`` criterion is met and at least one
  ``caveat`` criterion is (true only in part, or only under conditions the
  source does not state);
- ``outdated``: a ``holds`` criterion fails, but every ``outdated`` criterion
  is met (the claim was right for the libraries of its day and the failure
  is a later renaming or removal);
- ``does not hold``: otherwise.

:meth:`Claim.evidence` says the criteria and the measured margins in words
and numbers, for the claims ledger.

Example:

>>> gain = Criterion("accuracy gained by clipping (worst seed)", 0.675, ">", 0.10,
...                  domain=(-1, 1), fmt="{:.1%}")
>>> claim = Claim("Clipping tames exploding gradients.", holds=[gain], seeds=3)
>>> claim.verdict
'holds'
>>> claim.evidence()
'accuracy gained by clipping (worst seed) = 67.5% (needs > 10.0%) ✓; over 3 seeds'
"""

from __future__ import annotations

import math
import numbers
import operator
from dataclasses import dataclass, field
from typing import Callable, Sequence

__all__ = ["Criterion", "Claim", "HOLDS", "CAVEAT", "OUTDATED", "FAILS", "VERDICTS"]

HOLDS, CAVEAT, OUTDATED, FAILS = "holds", "holds, with a caveat", "outdated", "does not hold"
#: Every verdict a claim can get.
VERDICTS = (HOLDS, CAVEAT, OUTDATED, FAILS)

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
}
_WORDS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "="}


def _number(name: str, value) -> float:
    if isinstance(value, bool) or type(value).__name__ in ("bool_", "bool"):
        raise TypeError(
            f"{name} must be a measured number, not a boolean: count what was checked "
            "(e.g. the number of cases that disagree) and compare the count"
        )
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} is NaN: a criterion needs a measured value it can compare")
    return value


@dataclass(frozen=True)
class Criterion:
    """One measured quantity compared with a threshold.

    Args:
        quantity: what was measured, in words a reader can follow
            ("test accuracy gained by clipping, worst of 3 seeds").
        value: the measurement (a real number; count booleans).
        op: the comparison that must be true for the criterion to be met:
            ``"<"``, ``"<="``, ``">"``, ``">="`` or ``"=="``.
        threshold: what ``value`` is compared with.
        domain: ``(low, high)``, the values the quantity could have taken
            (``(0, 1)`` for a fraction, ``(0, n)`` for a count of ``n``
            cases). The threshold must split it, so that the measurement
            could have met the criterion or failed it.
        fmt: format of ``value`` and ``threshold`` in :meth:`describe`, a
            ``str.format`` pattern such as ``"{:.1%}"``.

    Raises:
        TypeError: for a boolean or non-numeric ``value`` or ``threshold``.
        ValueError: for an unknown ``op``, a NaN, a value outside ``domain``,
            or a threshold that no value in ``domain`` could fail (or pass).
    """

    quantity: str
    value: float
    op: str
    threshold: float
    domain: tuple[float, float] = (-math.inf, math.inf)
    fmt: str = "{:.3g}"

    def __post_init__(self):
        if not isinstance(self.quantity, str) or not self.quantity.strip():
            raise ValueError("a criterion names the quantity it measures")
        if self.op not in _OPS:
            raise ValueError(f"op must be one of {sorted(_OPS)}, got {self.op!r}")
        value = _number(f"the value of {self.quantity!r}", self.value)
        threshold = _number(f"the threshold of {self.quantity!r}", self.threshold)
        low, high = (_number("the domain's bound", b) for b in self.domain)
        if not low < high:
            raise ValueError(f"the domain of {self.quantity!r} must be (low, high) with low < high")
        if not low <= value <= high:
            raise ValueError(
                f"{self.quantity!r} measured {value!r}, outside its declared domain {self.domain}"
            )
        if not self._falsifiable(low, high, threshold):
            raise ValueError(
                f"the criterion {self.quantity!r} {self.op} {threshold!r} cannot come out "
                f"both ways for values in {self.domain}: it asserts nothing"
            )
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "threshold", threshold)
        object.__setattr__(self, "domain", (low, high))
        self.fmt.format(value)  # fail early on a bad format

    def _falsifiable(self, low: float, high: float, t: float) -> bool:
        """Whether some value in [low, high] meets the criterion and some value fails it."""
        if self.op == "==":
            return low <= t <= high
        if self.op in ("<", "<="):
            meets_somewhere = low < t or (self.op == "<=" and low <= t)
            fails_somewhere = high > t or (self.op == "<" and high >= t)
        else:
            meets_somewhere = high > t or (self.op == ">=" and high >= t)
            fails_somewhere = low < t or (self.op == ">" and low <= t)
        return meets_somewhere and fails_somewhere

    @property
    def met(self) -> bool:
        """Whether the measurement meets the criterion."""
        return bool(_OPS[self.op](self.value, self.threshold))

    def describe(self, role: str = "needs") -> str:
        """The measurement, the criterion and its outcome, in words.

        ``role`` says what the criterion decides: ``"needs"`` for a criterion
        the claim needs, ``"caveat if"`` or ``"outdated if"`` for the others.
        For example ``'gain = 67.5% (needs > 10.0%) ✓'``.
        """
        value, threshold = self.fmt.format(self.value), self.fmt.format(self.threshold)
        mark = "✓" if self.met else "✗"
        return f"{self.quantity} = {value} ({role} {_WORDS[self.op]} {threshold}) {mark}"


@dataclass(frozen=True)
class Claim:
    """A claim of a source and the criteria that decide it.

    Args:
        text: the source's statement, in brief.
        holds: criteria that must all be met for the claim to hold.
        caveat: criteria of which any one, met, qualifies a claim that holds.
        outdated: criteria that, all met, make a failed claim ``outdated``
            rather than wrong (true for the libraries of its day).
        seeds: how many seeds the measurement ran over, when it rests on
            training runs; said in the evidence.
    """

    text: str
    holds: Sequence[Criterion]
    caveat: Sequence[Criterion] = field(default_factory=tuple)
    outdated: Sequence[Criterion] = field(default_factory=tuple)
    seeds: int | None = None

    def __post_init__(self):
        if not isinstance(self.text, str) or not self.text.strip():
            raise ValueError("a claim has a text")
        for name in ("holds", "caveat", "outdated"):
            criteria = tuple(getattr(self, name))
            if not all(isinstance(c, Criterion) for c in criteria):
                raise TypeError(f"{name} must be a sequence of Criterion objects")
            object.__setattr__(self, name, criteria)
        if not self.holds:
            raise ValueError(f"the claim {self.text!r} has no criterion to decide it")
        if self.seeds is not None and (isinstance(self.seeds, bool) or not isinstance(self.seeds, int)
                                       or self.seeds < 1):
            raise ValueError("seeds is a positive integer (or None when nothing was trained)")

    @property
    def verdict(self) -> str:
        """One of :data:`VERDICTS`, computed from the criteria."""
        if all(c.met for c in self.holds):
            return CAVEAT if any(c.met for c in self.caveat) else HOLDS
        if self.outdated and all(c.met for c in self.outdated):
            return OUTDATED
        return FAILS

    def evidence(self) -> str:
        """The criteria with their measured values and outcomes, in one line."""
        parts = [c.describe("needs") for c in self.holds]
        parts += [c.describe("caveat if") for c in self.caveat]
        parts += [c.describe("outdated if") for c in self.outdated]
        text = "; ".join(parts)
        if self.seeds is not None:
            text += f"; over {self.seeds} seed" + ("s" if self.seeds != 1 else "")
        return text

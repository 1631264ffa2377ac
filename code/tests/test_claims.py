"""Claims and criteria: four verdicts, computed; criteria that cannot fail are refused."""

import math

import numpy as np
import pytest

from afe.claims import CAVEAT, FAILS, HOLDS, OUTDATED, VERDICTS, Claim, Criterion


def crit(value, op=">", threshold=0.5, domain=(0, 1), **kwargs):
    return Criterion("share", value, op, threshold, domain=domain, **kwargs)


@pytest.mark.parametrize("op, value, met", [
    (">", 0.6, True), (">", 0.5, False), (">=", 0.5, True), ("<", 0.4, True),
    ("<", 0.5, False), ("<=", 0.5, True), ("==", 0.5, True), ("==", 0.6, False),
])
def test_a_criterion_compares_its_value_with_its_threshold(op, value, met):
    assert crit(value, op).met is met


def test_numpy_numbers_are_accepted_and_stored_as_floats():
    c = crit(np.float32(0.75))
    assert c.met and type(c.value) is float


@pytest.mark.parametrize("op, threshold, domain", [
    (">", 1.0, (0, 1)),      # nothing in [0, 1] exceeds 1: always fails
    (">", -0.1, (0, 1)),     # everything exceeds -0.1: always met
    (">=", 0.0, (0, 1)),     # always met
    ("<", 0.0, (0, 1)),      # always fails
    ("<=", 1.0, (0, 1)),     # always met
    ("<", 2.0, (0, 1)),      # always met
    ("==", 2.0, (0, 1)),     # never met
])
def test_a_criterion_that_cannot_come_out_both_ways_is_refused(op, threshold, domain):
    with pytest.raises(ValueError, match="asserts nothing"):
        Criterion("share", 0.5, op, threshold, domain=domain)


@pytest.mark.parametrize("op, threshold", [(">", 0.0), (">=", 1.0), ("<", 1.0), ("<=", 0.0)])
def test_thresholds_at_the_edge_of_the_domain_can_still_fail(op, threshold):
    Criterion("share", 0.5, op, threshold, domain=(0, 1))


@pytest.mark.parametrize("value", [True, False, np.bool_(True)])
def test_a_boolean_is_not_a_measurement(value):
    with pytest.raises(TypeError, match="not a boolean"):
        crit(value)


@pytest.mark.parametrize("kwargs, message", [
    ({"value": float("nan")}, "NaN"),
    ({"value": 1.5}, "outside its declared domain"),
    ({"value": "0.5"}, "real number"),
    ({"value": 0.5, "op": "!="}, "op must be"),
    ({"value": 0.5, "domain": (1, 0)}, "low < high"),
])
def test_malformed_criteria_are_refused(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        crit(**kwargs)


def test_a_claim_needs_a_criterion_and_criteria_objects():
    with pytest.raises(ValueError, match="no criterion"):
        Claim("A claim.", holds=[])
    with pytest.raises(TypeError, match="Criterion"):
        Claim("A claim.", holds=[True])
    with pytest.raises(ValueError, match="seeds"):
        Claim("A claim.", holds=[crit(0.6)], seeds=0)


@pytest.mark.parametrize("holds, caveat, outdated, verdict", [
    ([0.6, 0.7], [], [], HOLDS),
    ([0.6], [0.1], [], HOLDS),
    ([0.6], [0.1, 0.9], [], CAVEAT),
    ([0.6, 0.1], [0.9], [], FAILS),
    ([0.1], [], [0.9], OUTDATED),
    ([0.1], [], [0.9, 0.1], FAILS),
    ([0.6], [], [0.9], HOLDS),
])
def test_the_four_verdicts(holds, caveat, outdated, verdict):
    claim = Claim("A claim.", holds=[crit(v) for v in holds], caveat=[crit(v) for v in caveat],
                  outdated=[crit(v) for v in outdated])
    assert claim.verdict == verdict
    assert set(VERDICTS) == {HOLDS, CAVEAT, OUTDATED, FAILS}


def test_the_evidence_says_every_criterion_its_value_its_outcome_and_the_seeds():
    claim = Claim(
        "A claim.",
        holds=[Criterion("gain, worst seed", 0.675, ">", 0.1, domain=(-1, 1), fmt="{:.1%}")],
        caveat=[Criterion("dead units", 3, ">", 0, domain=(0, 20), fmt="{:.0f}")],
        seeds=3,
    )
    assert claim.evidence() == (
        "gain, worst seed = 67.5% (needs > 10.0%) ✓; dead units = 3 (caveat if > 0) ✓; "
        "over 3 seeds"
    )
    assert claim.verdict == CAVEAT

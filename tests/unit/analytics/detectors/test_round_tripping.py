from collections.abc import Sequence

from analytics.detectors.base import Detector
from analytics.detectors.round_tripping import (
    RoundTripParameters,
    RoundTrippingDetector,
    find_round_trip_rings,
)
from graph.findings import RingCandidate
from graph.projection import Projection

DAY = 86_400.0
#: (sender, receiver, amount, day)
Transfer = tuple[str, str, float, float]


def circle(accounts: Sequence[str], amount: float, day: float, fee: float = 0.01) -> list[Transfer]:
    """One round: each account passes the money to the next a day later, keeping ``fee``."""
    hops = []
    for hop, sender in enumerate(accounts):
        hops.append((sender, accounts[(hop + 1) % len(accounts)], amount, day + hop))
        amount *= 1 - fee
    return hops


def find(transfers: Sequence[Transfer], **params: object) -> list[RingCandidate]:
    keys = sorted({k for t in transfers for k in t[:2]})
    projection = Projection.from_edges(
        [("Account", k) for k in keys],
        [(keys.index(a), keys.index(b), "TRANSFER") for a, b, _, _ in transfers],
        weight=[t[2] for t in transfers],
        time=[t[3] * DAY for t in transfers],
    )
    owners = {k: [f"Company:owner-of-{k}"] for k in keys}
    return find_round_trip_rings(projection, owners, RoundTripParameters(**params))  # type: ignore[arg-type]


def keys(ring: RingCandidate, role: str) -> set[str]:
    return {m.key for m in ring.members if m.role == role}


TRADERS = ("A1", "A2", "A3", "A4")
ROUNDS = circle(TRADERS, 5e8, 10) + circle(TRADERS[1:] + TRADERS[:1], 4e8, 200) + circle(TRADERS, 6e8, 400)


def test_money_that_goes_round_the_same_firms_again_and_again_is_a_ring() -> None:
    [ring] = find(ROUNDS)
    assert keys(ring, "cycle_account") == set(TRADERS)
    assert keys(ring, "trader") == {f"owner-of-{a}" for a in TRADERS}


def test_the_evidence_is_each_round_hop_by_hop_with_amounts_and_times() -> None:
    [ring] = find(ROUNDS)
    rounds = [e for e in ring.evidence if "TRANSFER" in e.relationships]
    first = rounds[0]
    assert first.nodes[0] == first.nodes[-1] and len(first.relationships) == 4
    assert first.facts["amounts"][0] == 5e8 and first.facts["amounts"][-1] < 5e8
    assert first.facts["sent_at"][0] == "1970-01-11T00:00:00Z"
    assert first.facts["times_round"] == 3
    holders = [e for e in ring.evidence if e.relationships == ("OWNS_ACCOUNT",)]
    assert len(holders) == 4


def test_a_circle_run_once_is_not_a_ring() -> None:
    assert find(circle(TRADERS, 5e8, 10)) == []
    assert len(find(circle(TRADERS, 5e8, 10), min_repeats=1)) == 1


def test_honest_payments_that_happen_to_go_round_are_not_a_ring() -> None:
    # A family passing different sums around within a week, twice: the amount does not survive the trip.
    family = [("K1", "K2", 150_000.0, 1), ("K2", "K3", 40_000.0, 2), ("K3", "K1", 300_000.0, 3)]
    family += [("K1", "K2", 90_000.0, 30), ("K2", "K3", 95_000.0, 31), ("K3", "K1", 20_000.0, 32)]
    assert find(family) == []


def test_money_that_grows_on_the_way_or_takes_too_long_is_not_round_tripping() -> None:
    assert find(circle(TRADERS, 5e8, 10, fee=-0.02) + circle(TRADERS, 5e8, 100, fee=-0.02)) == []
    slow = [(a, b, amount, day * 10) for a, b, amount, day in ROUNDS]
    assert find(slow) == []


def test_two_separate_circles_are_two_rings_the_busier_first() -> None:
    other = ("B1", "B2", "B3")
    transfers = ROUNDS + circle(other, 1e8, 50) + circle(other, 1e8, 80)
    found = find(transfers)
    assert [keys(ring, "cycle_account") for ring in found] == [set(TRADERS), set(other)]
    assert found[0].score > found[1].score


def test_the_detector_keeps_the_contract() -> None:
    detector = RoundTrippingDetector(RoundTripParameters(window_days=10))
    assert isinstance(detector, Detector)
    assert detector.scheme == "round_tripping"
    assert detector.parameters()["window_days"] == 10

"""Round-tripping: money sent round a circle of firms and back to where it started, again and again.

Trading companies inflate their turnover (or launder a sum) by passing the same money from one to the
next until it returns to the first, each hop a few days after the one before, each keeping a small
fee. The detector looks for the money-flow motif (:func:`analytics.motifs.temporal_cycles`: transfers
through distinct accounts, each later than the one before, back to the first account within
``window_days``) and asks two more things of each cycle, which honest payments going round by chance
(a family's transfers to each other, a supplier that also buys) do not show:

1. **the amount survives the trip**: every hop passes on at least ``1 - max_hop_fee`` of what it
   received and never more (plus a rounding ``tolerance``);
2. **it is done again**: every hop of the cycle carried at least ``min_repeats`` transfers.

Cycles that share accounts are one ring: the accounts and the parties holding them (the traders).
The evidence is the earliest round, hop by hop, with amounts and times, and each trader's account.

Example
-------
>>> import numpy as np
>>> from graph.projection import Projection
>>> DAY = 86_400.0
>>> hops = [(0, 1, "TRANSFER"), (1, 2, "TRANSFER"), (2, 0, "TRANSFER")] * 2
>>> p = Projection.from_edges([("Account", k) for k in ("A1", "A2", "A3")], hops,
...                           weight=[5e8, 4.96e8, 4.93e8, 3e8, 2.98e8, 2.96e8],
...                           time=[0, DAY, 2 * DAY, 90 * DAY, 91 * DAY, 92 * DAY])
>>> owners = {"A1": ["Company:C1"], "A2": ["Company:C2"], "A3": ["Company:C3"]}
>>> [ring] = find_round_trip_rings(p, owners, RoundTripParameters())
>>> sorted((m.role, m.key) for m in ring.members)[:3]
[('cycle_account', 'A1'), ('cycle_account', 'A2'), ('cycle_account', 'A3')]
>>> ring.evidence[0].reason
'500,000,000 went round 3 accounts in 2.0 days and came back as 493,000,000; the circle ran 2 times'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from neo4j import Driver

from analytics.detectors.common import groups, parameters_of
from analytics.motifs import temporal_cycles
from analytics.types import Cycle
from bigfinder.settings import Settings
from graph.findings import EvidencePath, RingCandidate, RingMember
from graph.projection import Projection
from graph.projector import ProjectionSpec, read_projection
from graph.tables import read_columns

__all__ = [
    "RoundTrip",
    "RoundTripParameters",
    "RoundTrippingDetector",
    "find_round_trip_rings",
    "read_account_owners",
    "read_transfers",
    "rings_of_round_trips",
    "round_trip_accounts",
    "round_trips",
]

QUERY_FILE = "detect_people_money"
_DAY = 86_400.0


@dataclass(frozen=True)
class RoundTripParameters:
    """Thresholds of the round-tripping detector (defaults in brackets).

    ``max_accounts`` (6): the longest circle searched, in accounts.
    ``window_days`` (20): one round, first hop to last, takes at most this long.
    ``max_hop_fee`` (0.05): each hop passes on at least 95% of what it received ...
    ``tolerance`` (0.001): ... and at most 0.1% more (amounts are rounded).
    ``min_repeats`` (2): every hop of the circle carried at least this many transfers.
    ``max_cycles`` (100,000): a safety valve on the motif search in very dense graphs.
    """

    max_accounts: int = 6
    window_days: float = 20.0
    max_hop_fee: float = 0.05
    tolerance: float = 0.001
    min_repeats: int = 2
    max_cycles: int = 100_000


def read_transfers(driver: Driver, settings: Settings) -> Projection:
    """Accounts and the transfers between them, weighted by amount."""
    spec = ProjectionSpec(labels=("Account",), rel_types=("TRANSFER",), weight_property="amount")
    return read_projection(driver, settings, spec)


def read_account_owners(driver: Driver, settings: Settings, accounts: Sequence[str]) -> dict[str, list[str]]:
    """The holders (``Label:key``) of each of ``accounts``."""
    table = read_columns(driver, settings, QUERY_FILE, "account_owners", accounts=list(accounts))
    owners: dict[str, list[str]] = {}
    for account, owner in zip(table["account"], table["owner"], strict=True):
        owners.setdefault(account, []).append(owner)
    return {account: sorted(held) for account, held in owners.items()}


@dataclass(frozen=True)
class RoundTrip:
    """A cycle that passed the tests, and how many transfers its least-used hop carried."""

    cycle: Cycle
    repeats: int

    @property
    def kept(self) -> float:
        """Share of the first amount that came back."""
        return float(self.cycle.amounts[-1] / self.cycle.amounts[0])


def _hop_counts(transfers: Projection) -> dict[tuple[int, int], int]:
    pairs, counts = np.unique(np.column_stack([transfers.src, transfers.dst]), axis=0, return_counts=True)
    return {(int(a), int(b)): int(c) for (a, b), c in zip(pairs.tolist(), counts.tolist(), strict=True)}


def _round_trip(
    cycle: Cycle, hops: Mapping[tuple[int, int], int], params: RoundTripParameters
) -> RoundTrip | None:
    passed_on = cycle.amounts[1:] / cycle.amounts[:-1]
    if np.any(passed_on < 1 - params.max_hop_fee) or np.any(passed_on > 1 + params.tolerance):
        return None
    nodes = cycle.nodes.tolist()
    repeats = min(hops.get((a, b), 0) for a, b in zip(nodes, nodes[1:] + nodes[:1], strict=True))
    return RoundTrip(cycle, repeats) if repeats >= params.min_repeats else None


def round_trips(transfers: Projection, params: RoundTripParameters) -> list[list[RoundTrip]]:
    """The circles that pass the tests, grouped by shared accounts: one group per ring."""
    found = temporal_cycles(
        transfers,
        max_length=params.max_accounts,
        window_seconds=params.window_days * _DAY,
        max_cycles=params.max_cycles,
    )
    hops = _hop_counts(transfers)
    circles = [c for c in (_round_trip(cycle, hops, params) for cycle in found) if c is not None]
    accounts = sorted({int(n) for c in circles for n in c.cycle.nodes})
    links = [(int(c.cycle.nodes[0]), int(n)) for c in circles for n in c.cycle.nodes[1:]]
    return [[c for c in circles if int(c.cycle.nodes[0]) in set(group)] for group in groups(accounts, links)]


def round_trip_accounts(transfers: Projection, found: Sequence[Sequence[RoundTrip]]) -> list[str]:
    """The keys of the accounts on the circles of ``found``."""
    return sorted({transfers.key_of(int(n))[1] for ring in found for c in ring for n in c.cycle.nodes})


def rings_of_round_trips(
    transfers: Projection, found: Sequence[Sequence[RoundTrip]], owners: Mapping[str, Sequence[str]]
) -> list[RingCandidate]:
    """One ring per group of ``found``, best first; ``owners`` maps an account key to its holders
    (``Label:key``)."""
    rings = [_ring(transfers, circles, owners) for circles in found]
    return sorted(rings, key=lambda ring: (-ring.score, ring.ring_id))


def find_round_trip_rings(
    transfers: Projection, owners: Mapping[str, Sequence[str]], params: RoundTripParameters
) -> list[RingCandidate]:
    """Round-tripping rings in ``transfers`` (accounts and TRANSFER relationships), best first."""
    return rings_of_round_trips(transfers, round_trips(transfers, params), owners)


def _ring(
    transfers: Projection, circles: Sequence[RoundTrip], owners: Mapping[str, Sequence[str]]
) -> RingCandidate:
    best = max(circles, key=lambda c: (c.repeats, len(c.cycle.nodes)))
    # Ten rounds, each returning 99% of the money, is as sure as the detector gets.
    score = round(min(1.0, best.repeats / 10) * 0.5 + best.kept * 0.5, 6)
    account_keys = [transfers.key_of(int(n))[1] for c in circles for n in c.cycle.nodes]
    accounts = list(dict.fromkeys(account_keys))
    members = [RingMember("Account", key, "cycle_account", score) for key in accounts]
    holders = {owner: key for key in accounts for owner in owners.get(key, ())}
    members += [RingMember(*_split(owner), "trader", score) for owner in sorted(holders)]
    evidence = [_round_path(transfers, c) for c in sorted(circles, key=lambda c: c.cycle.first_time)]
    evidence += [
        EvidencePath(
            nodes=(_split(owner), ("Account", account)),
            relationships=("OWNS_ACCOUNT",),
            reason=f"{_split(owner)[1]} holds account {account} on the circle",
        )
        for owner, account in sorted(holders.items())
    ]
    return RingCandidate("round_tripping", score, tuple(members), tuple(evidence))


def _split(owner: str) -> tuple[str, str]:
    label, _, key = owner.partition(":")
    return label, key


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _round_path(transfers: Projection, circle: RoundTrip) -> EvidencePath:
    cycle = circle.cycle
    keys = [transfers.key_of(int(n))[1] for n in cycle.nodes]
    times = transfers.time[cycle.edges]
    days = (cycle.last_time - cycle.first_time) / _DAY
    facts: dict[str, Any] = {
        "accounts": keys,
        "amounts": [round(float(a), 2) for a in cycle.amounts],
        "sent_at": [_iso(float(t)) for t in times],
        "days": round(days, 2),
        "share_returned": round(circle.kept, 4),
        "times_round": circle.repeats,
    }
    return EvidencePath(
        nodes=tuple(("Account", key) for key in [*keys, keys[0]]),
        relationships=("TRANSFER",) * len(keys),
        reason=(
            f"{cycle.amounts[0]:,.0f} went round {len(keys)} accounts in {days:.1f} days and came back as "
            f"{cycle.amounts[-1]:,.0f}; the circle ran {circle.repeats} times"
        ),
        facts=facts,
    )


class RoundTrippingDetector:
    """The :class:`~analytics.detectors.base.Detector` for round-tripping."""

    scheme = "round_tripping"
    version = "1"

    def __init__(self, params: RoundTripParameters | None = None) -> None:
        self.params = params or RoundTripParameters()

    def parameters(self) -> Mapping[str, Any]:
        return parameters_of(self.params)

    def detect(self, driver: Driver, settings: Settings) -> list[RingCandidate]:
        transfers = read_transfers(driver, settings)
        found = round_trips(transfers, self.params)
        # Holders only of the accounts that went round: every account's holder is most of the graph.
        owners = read_account_owners(driver, settings, round_trip_accounts(transfers, found))
        return rings_of_round_trips(transfers, found, owners)

"""Courier rings: travellers who carry goods or cash in for one organiser, trip after trip.

An organiser recruits a handful of travellers, sends them abroad together, gives them one or two phones
to reach them on and pays each of them after every trip. The detector starts from the money, because
that is what honest groups lack: it takes every account that paid at least ``min_payees`` people who
travel, and looks at how those people are tied to each other:

1. **they travel together**: two or more of them on the same voyage on the same day, on at least
   ``min_shared_occasions`` different occasions (a family flies together too, but nobody pays the
   family; a busy flight puts strangers together once, not again and again);
2. **they share phones** with each other;
3. **the payer pays mostly them**: an employer paying salaries to a whole staff, two of whom once took
   the same flight, pays many people outside the group (``min_payee_share``);
4. **their baggage scans** show gold, cash or cigarettes (a score, not a requirement).

A ring is the account's owner (the organiser), the account and the couriers. Its evidence: the
payments, the shared voyages, the shared phones and the X-ray hits, each with its figures.

Example
-------
>>> pay = [TravellerPayment("ACC9", ("Person:P9",), p, f"ACC-{p}", f"X{p}", 1e6, "KRW",
...                         "2023-05-06T10:00:00Z") for p in ("P1", "P2", "P3")]
>>> trips = [CoTravel("flight", "KE0852", day, ("P1", "P2", "P3"), (f"T{day}1", f"T{day}2", f"T{day}3"))
...          for day in ("2023-05-04", "2023-09-01")]
>>> [ring] = find_courier_rings(CourierTable(tuple(pay), tuple(trips), (), ()), CourierParameters())
>>> sorted((m.role, m.key) for m in ring.members)
[('courier', 'P1'), ('courier', 'P2'), ('courier', 'P3'), ('organiser', 'P9'), ('organiser_account', 'ACC9')]
>>> ring.evidence[0].reason
'P9 paid 3 of the group 3 times from account ACC9'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from neo4j import Driver

from analytics.detectors.common import groups, named_rows, parameters_of
from bigfinder.settings import Settings
from graph.findings import EvidencePath, RingCandidate, RingMember
from graph.tables import read_columns

__all__ = [
    "BaggageHit",
    "CoTravel",
    "CourierParameters",
    "CourierRingDetector",
    "CourierTable",
    "SharedPhone",
    "TravellerPayment",
    "find_courier_rings",
    "read_courier_table",
]

QUERY_FILE = "detect_people_money"


@dataclass(frozen=True)
class CourierParameters:
    """Thresholds of the courier detector (defaults in brackets).

    ``min_payees`` (3): an account must pay at least this many travelling people to be looked at.
    ``min_couriers`` (3): a ring has at least this many couriers.
    ``min_shared_occasions`` (2): the couriers travelled together (two or more of them on one voyage
    on one day) on at least this many occasions.
    ``min_payee_share`` (0.5): at least this share of the travellers the account paid are in the group.
    ``smuggling_classes`` and ``min_hit_confidence`` (0.7): the X-ray findings on baggage that count.
    """

    min_payees: int = 3
    min_couriers: int = 3
    min_shared_occasions: int = 2
    min_payee_share: float = 0.5
    smuggling_classes: tuple[str, ...] = ("gold_bar", "currency_bundle", "cigarettes")
    min_hit_confidence: float = 0.7


@dataclass(frozen=True)
class TravellerPayment:
    """One transfer from ``payer_account`` (held by ``payer_owners``, ``Label:key``) to a traveller."""

    payer_account: str
    payer_owners: tuple[str, ...]
    payee: str
    payee_account: str
    transfer_id: str
    amount: float
    currency: str
    sent_at: str


@dataclass(frozen=True)
class CoTravel:
    """Two or more travellers on the same voyage on the same day, with their trips (same order)."""

    carrier: str
    voyage: str
    departs_on: str
    travellers: tuple[str, ...]
    trips: tuple[str, ...]


@dataclass(frozen=True)
class SharedPhone:
    person_a: str
    person_b: str
    phone: str


@dataclass(frozen=True)
class BaggageHit:
    """An X-ray finding on the baggage of ``person``'s ``trip``."""

    person: str
    trip: str
    scan_id: str
    detected_class: str
    confidence: float


@dataclass(frozen=True)
class CourierTable:
    """Everything the courier detector reads from the graph."""

    payments: tuple[TravellerPayment, ...]
    occasions: tuple[CoTravel, ...]
    phones: tuple[SharedPhone, ...]
    hits: tuple[BaggageHit, ...]


def read_courier_table(driver: Driver, settings: Settings, params: CourierParameters) -> CourierTable:
    """The payments to travellers, and the shared voyages, phones and baggage hits of those paid."""

    def read(name: str, **query_params: Any) -> dict[str, list[Any]]:
        return read_columns(driver, settings, QUERY_FILE, name, **query_params)

    paid = read("traveller_payments", min_payees=params.min_payees)
    payments = tuple(
        TravellerPayment(account, tuple(owners), payee, received, transfer, float(amount), currency, sent)
        for account, owners, payee, received, transfer, amount, currency, sent in named_rows(
            paid,
            *("payer_account", "payer_owners", "payee", "payee_account", "transfer_id", "amount"),
            *("currency", "sent_at"),
        )
    )
    persons = sorted({p.payee for p in payments})
    trips = read("co_travel_occasions", persons=persons)
    phones = read("shared_phones", persons=persons)
    hits = read(
        "baggage_hits",
        persons=persons,
        classes=list(params.smuggling_classes),
        min_confidence=params.min_hit_confidence,
    )
    return CourierTable(
        payments,
        tuple(
            CoTravel(carrier, voyage, day, tuple(travellers), tuple(trip_ids))
            for carrier, voyage, day, travellers, trip_ids in named_rows(
                trips, "carrier", "voyage", "departs_on", "travellers", "trips"
            )
        ),
        tuple(SharedPhone(*row) for row in named_rows(phones, "person_a", "person_b", "phone")),
        tuple(
            BaggageHit(person, trip, scan, cls, float(conf))
            for person, trip, scan, cls, conf in named_rows(
                hits, "person", "trip", "scan_id", "detected_class", "confidence"
            )
        ),
    )


@dataclass(frozen=True)
class _Group:
    """Travellers one account paid who are tied together, and what ties them."""

    payer_account: str
    couriers: tuple[str, ...]
    payments: tuple[TravellerPayment, ...]
    occasions: tuple[CoTravel, ...]
    phones: tuple[SharedPhone, ...]
    hits: tuple[BaggageHit, ...]
    payee_share: float

    @property
    def score(self) -> float:
        """Mean of four signals in [0, 1]: repeated travel, phones, payer focus, X-ray findings."""
        travel = min(1.0, len(self.occasions) / 3)
        on_shared_phone = {p for phone in self.phones for p in (phone.person_a, phone.person_b)}
        phones = len(on_shared_phone) / len(self.couriers)
        hits = min(1.0, len(self.hits) / 2)
        return round((travel + phones + self.payee_share + hits) / 4, 6)


def _split(owner: str) -> tuple[str, str]:
    label, _, key = owner.partition(":")
    return label, key


def _groups_of_payer(
    payer_account: str,
    payments: Sequence[TravellerPayment],
    table: CourierTable,
    occasions_of: Mapping[str, list[int]],
    params: CourierParameters,
) -> list[_Group]:
    payees = {p.payee for p in payments}
    together: list[tuple[CoTravel, tuple[str, ...]]] = []
    for at in sorted({at for person in payees for at in occasions_of.get(person, [])}):
        travellers = tuple(p for p in table.occasions[at].travellers if p in payees)
        if len(travellers) >= 2:
            together.append((table.occasions[at], travellers))
    phones = [ph for ph in table.phones if ph.person_a in payees and ph.person_b in payees]
    links = [(t[0], other) for _, t in together for other in t[1:]]
    links += [(ph.person_a, ph.person_b) for ph in phones]
    found = []
    for members in groups(sorted(payees), links):
        group = set(members)
        shared = tuple(o for o, t in together if sum(p in group for p in t) >= 2)
        if len(members) < params.min_couriers or len(shared) < params.min_shared_occasions:
            continue
        share = len(members) / len(payees)
        if share < params.min_payee_share:
            continue
        found.append(
            _Group(
                payer_account,
                tuple(members),
                tuple(p for p in payments if p.payee in group),
                shared,
                tuple(ph for ph in phones if ph.person_a in group),
                tuple(h for h in table.hits if h.person in group),
                round(share, 6),
            )
        )
    return found


def find_courier_rings(table: CourierTable, params: CourierParameters) -> list[RingCandidate]:
    """Courier rings, best first: see the module docstring for what makes one."""
    occasions_of: dict[str, list[int]] = defaultdict(list)
    for at, occasion in enumerate(table.occasions):
        for person in occasion.travellers:
            occasions_of[person].append(at)
    by_payer: dict[str, list[TravellerPayment]] = defaultdict(list)
    for payment in table.payments:
        by_payer[payment.payer_account].append(payment)
    found = [
        group
        for account in sorted(by_payer)
        for group in _groups_of_payer(account, by_payer[account], table, occasions_of, params)
    ]
    found.sort(key=lambda g: (-g.score, g.payer_account))
    rings: list[RingCandidate] = []
    claimed: set[str] = set()
    for group in found:
        # Two accounts paying the same couriers are one ring: the better-supported one reports it.
        if len(claimed.intersection(group.couriers)) * 2 > len(group.couriers):
            continue
        claimed.update(group.couriers)
        rings.append(_ring(group))
    return rings


def _ring(group: _Group) -> RingCandidate:
    owners = group.payments[0].payer_owners
    travelled: dict[str, int] = defaultdict(int)
    for occasion in group.occasions:
        for person in occasion.travellers:
            travelled[person] += 1
    members = [RingMember(*_split(owner), "organiser", 1.0) for owner in owners]
    members.append(RingMember("Account", group.payer_account, "organiser_account", 1.0))
    members += [
        RingMember("Person", c, "courier", round(travelled[c] / len(group.occasions), 6))
        for c in group.couriers
    ]
    evidence = (
        *_payment_paths(group),
        *(_occasion_path(o, set(group.couriers)) for o in group.occasions),
        *_phone_paths(group.phones),
        *(_hit_path(hit) for hit in group.hits),
    )
    return RingCandidate("courier", group.score, tuple(members), evidence)


def _payment_paths(group: _Group) -> list[EvidencePath]:
    owners = [_split(owner) for owner in group.payments[0].payer_owners]
    payer = owners[0][1] if owners else f"account {group.payer_account}"
    by_courier: dict[str, list[TravellerPayment]] = defaultdict(list)
    for payment in group.payments:
        by_courier[payment.payee].append(payment)
    paths = [
        EvidencePath(
            nodes=(
                *owners[:1],
                ("Account", group.payer_account),
                ("Account", paid[0].payee_account),
                ("Person", courier),
            ),
            relationships=(*(("OWNS_ACCOUNT",) if owners else ()), "TRANSFER", "OWNS_ACCOUNT"),
            reason=f"{payer} paid {courier} {len(paid)} time(s)",
            facts={
                "transfers": [p.transfer_id for p in paid],
                "amounts": [p.amount for p in paid],
                "currency": paid[0].currency,
                "sent_at": [p.sent_at for p in paid],
            },
        )
        for courier, paid in sorted(by_courier.items())
    ]
    summary = EvidencePath(
        nodes=(*owners[:1], ("Account", group.payer_account)),
        relationships=("OWNS_ACCOUNT",) if owners else (),
        reason=(
            f"{payer} paid {len(by_courier)} of the group {len(group.payments)} times from account "
            f"{group.payer_account}"
        ),
        facts={
            "couriers_paid": len(by_courier),
            "share_of_travellers_paid_in_group": group.payee_share,
            "total": round(sum(p.amount for p in group.payments), 2),
        },
    )
    return [summary, *paths]


def _occasion_path(occasion: CoTravel, couriers: set[str]) -> EvidencePath:
    aboard = [(p, t) for p, t in zip(occasion.travellers, occasion.trips, strict=True) if p in couriers]
    first, trip = aboard[0]
    return EvidencePath(
        nodes=(("Person", first), ("Trip", trip)),
        relationships=("TOOK_TRIP",),
        reason=f"{len(aboard)} of the group travelled on {occasion.voyage} on {occasion.departs_on}",
        facts={
            "carrier": occasion.carrier,
            "voyage": occasion.voyage,
            "departs_on": occasion.departs_on,
            "travellers": [p for p, _ in aboard],
            "trips": [t for _, t in aboard],
            "others_aboard": len(occasion.travellers) - len(aboard),
        },
    )


def _phone_paths(phones: Sequence[SharedPhone]) -> list[EvidencePath]:
    holders: dict[str, set[str]] = defaultdict(set)
    for ph in phones:
        holders[ph.phone].update((ph.person_a, ph.person_b))
    paths = []
    for phone, people in sorted(holders.items()):
        first, second, *_ = sorted(people)
        paths.append(
            EvidencePath(
                nodes=(("Person", first), ("Phone", phone), ("Person", second)),
                relationships=("HAS_PHONE", "HAS_PHONE"),
                reason=f"{len(people)} of the group gave the phone {phone}",
                facts={"phone": phone, "holders": sorted(people)},
            )
        )
    return paths


def _hit_path(hit: BaggageHit) -> EvidencePath:
    return EvidencePath(
        nodes=(("XRayHit", hit.scan_id), ("Trip", hit.trip), ("Person", hit.person)),
        relationships=("SCANNED", "TOOK_TRIP"),
        reason=f"the X-ray of {hit.person}'s baggage showed {hit.detected_class.replace('_', ' ')}",
        facts={"detected_class": hit.detected_class, "confidence": hit.confidence},
    )


class CourierRingDetector:
    """The :class:`~analytics.detectors.base.Detector` for courier rings."""

    scheme = "courier"
    version = "1"

    def __init__(self, params: CourierParameters | None = None) -> None:
        self.params = params or CourierParameters()

    def parameters(self) -> Mapping[str, Any]:
        return parameters_of(self.params)

    def detect(self, driver: Driver, settings: Settings) -> list[RingCandidate]:
        return find_courier_rings(read_courier_table(driver, settings, self.params), self.params)

"""The fraud rings planted in a synthetic world: who is in each ring and how its members are linked.

:func:`plan_rings` picks the members of every ring before any file is written and decides what ties
them together: which identifiers a front company shares with its delinquent (and how each is written
differently), which phones a courier group shares, which trips it makes together. The writer then
streams the files and applies the plan as it reaches each planted party. A plan is small: it holds
ring members and a few overridden fields, never rows.

Example
-------
>>> import numpy as np
>>> from ingest.parties import Population, WorldParties
>>> parties = WorldParties(Population.for_scale(10_000), seed=7)
>>> plan = plan_rings(parties, np.random.default_rng(1), rings=6)
>>> plan.rings()[Scheme.COURIER], len(plan.bypass[0].fronts) >= 2
(6, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from ingest.catalogue import COUNTRIES, COURIER_ROUTES, KOREAN_GIVEN_NAMES, KOREAN_SURNAMES
from ingest.formats import Scheme
from ingest.parties import PersonBlock, Population, WorldParties, day_number, iso_dates
from ingest.variants import (
    ACCOUNT_STYLES,
    ADDRESS_STYLES,
    COMPANY_NAME_STYLES,
    PHONE_STYLES,
    PhoneNumber,
    korean_latin_name,
    render_account,
    render_address,
    render_company_name,
    render_phone,
)

__all__ = [
    "DUTY_FREE_THRESHOLD_USD",
    "PERIOD_END",
    "PERIOD_START",
    "BypassRing",
    "CourierRing",
    "Occasion",
    "RingPlan",
    "RoundTripRing",
    "SplitRing",
    "UndervaluationRing",
    "online_seller",
    "plan_rings",
]

#: First and last day of trade, travel and payments in a generated world.
PERIOD_START = date(2022, 1, 1)
PERIOD_END = date(2024, 12, 31)
#: E-commerce parcels at or under this value (USD) clear without duty.
DUTY_FREE_THRESHOLD_USD = 150.0

I64 = npt.NDArray[np.int64]

_START = day_number(PERIOD_START)
_END = day_number(PERIOD_END)


@dataclass
class BypassRing:
    ring_id: str
    delinquent: int
    listed_day: int
    fronts: list[int]
    front_registered: list[int]
    shares: list[list[str]]
    shared_phone: str = ""
    shared_address: str = ""
    shared_account: str = ""


@dataclass
class UndervaluationRing:
    ring_id: str
    importers: list[int]
    suppliers: list[int]
    items: list[int]
    agent: int
    price_ratio: float
    containers: list[str] = field(default_factory=list)


@dataclass
class SplitRing:
    ring_id: str
    buyer: int
    delivery_address: str
    consignees: list[str]
    sellers: list[int]
    first_day: int
    span_days: int
    orders: int
    tracking_numbers: list[str] = field(default_factory=list)


@dataclass
class Occasion:
    day: int
    voyage: int
    participants: list[int]


@dataclass
class CourierRing:
    ring_id: str
    organiser: int
    couriers: list[int]
    phones: list[PhoneNumber]
    occasions: list[Occasion]
    scanned_classes: list[str] = field(default_factory=list)


@dataclass
class RoundTripRing:
    ring_id: str
    traders: list[int]
    cycle_days: list[int]
    amount: float


@dataclass
class RingPlan:
    bypass: list[BypassRing]
    undervaluation: list[UndervaluationRing]
    split: list[SplitRing]
    courier: list[CourierRing]
    round_trip: list[RoundTripRing]
    company_fields: dict[int, dict[str, str]]
    person_fields: dict[int, dict[str, str]]
    #: Importers whose whole trade is planted, kept out of honest sampling.
    planted_importers: I64
    #: (person index, listing day) of couriers already known to enforcement.
    known_couriers: list[tuple[int, int]]

    def rings(self) -> dict[Scheme, int]:
        return {
            Scheme.BYPASS_IMPORT: len(self.bypass),
            Scheme.UNDERVALUATION: len(self.undervaluation),
            Scheme.SPLIT_SHIPMENT: len(self.split),
            Scheme.COURIER: len(self.courier),
            Scheme.ROUND_TRIPPING: len(self.round_trip),
        }


def _pick(rng: np.random.Generator, population: int, count: int, what: str) -> list[int]:
    if count > population // 2:
        raise ValueError(f"the world is too small to plant {count} {what}; raise the scale")
    return [int(i) for i in rng.choice(population, size=count, replace=False)]


def _distinct_style(render: Callable[[int], str], avoid: str, rng: np.random.Generator, styles: int) -> str:
    """A rendering that differs from ``avoid``: the point of a variant is that it is written differently."""
    first = int(rng.integers(0, styles))
    for step in range(styles):
        text = render(first + step)
        if text != avoid:
            return text
    return render(first)


def plan_rings(parties: WorldParties, rng: np.random.Generator, rings: int) -> RingPlan:
    pop = parties.population
    front_counts = rng.integers(2, 6, size=rings).tolist()
    under_counts = rng.integers(3, 7, size=rings).tolist()
    trip_counts = rng.integers(3, 7, size=rings).tolist()
    importers = _pick(
        rng, pop.importers, sum(front_counts) + rings + sum(under_counts) + sum(trip_counts), "importers"
    )
    residents = _pick(rng, pop.residents, 2 * rings, "residents")
    residents = [pop.person_starts[PersonBlock.RESIDENT] + r for r in residents]
    buyers = [pop.person_starts[PersonBlock.BUYER] + b for b in _pick(rng, pop.buyers, rings, "buyers")]
    plan = RingPlan([], [], [], [], [], {}, {}, np.zeros(0, dtype=np.int64), [])

    for ring in range(rings):
        fronts = [importers.pop() for _ in range(front_counts[ring])]
        plan.bypass.append(_plan_bypass(parties, rng, f"BYP-{ring + 1:04d}", importers.pop(), fronts, plan))
    suppliers = _candidate_suppliers(parties, rng, 2 * rings)
    for ring in range(rings):
        members = [importers.pop() for _ in range(under_counts[ring])]
        ring_suppliers = [suppliers.pop() for _ in range(int(rng.integers(1, 3)))]
        items = list(
            dict.fromkeys(
                parties.supplier_items(
                    np.array(ring_suppliers * 3), np.repeat(np.arange(3), len(ring_suppliers))
                ).tolist()
            )
        )[: int(rng.integers(1, 4))]
        plan.undervaluation.append(
            UndervaluationRing(
                f"UND-{ring + 1:04d}",
                members,
                ring_suppliers,
                items,
                residents.pop(),
                float(rng.uniform(0.2, 0.45)),
            )
        )
    for ring in range(rings):
        plan.split.append(_plan_split(parties, rng, f"SPL-{ring + 1:04d}", buyers.pop(), ring))
    couriers = _candidate_couriers(parties, rng, rings * 10)
    for ring in range(rings):
        members = [couriers.pop() for _ in range(int(rng.integers(4, 11)))]
        plan.courier.append(
            _plan_courier(parties, rng, f"COU-{ring + 1:04d}", residents.pop(), members, plan)
        )
    for ring in range(rings):
        traders = [importers.pop() for _ in range(trip_counts[ring])]
        cycles = sorted(rng.integers(_START, _END - 20, size=int(rng.integers(4, 13))).tolist())
        plan.round_trip.append(
            RoundTripRing(f"RTR-{ring + 1:04d}", traders, cycles, float(rng.uniform(5e7, 8e8)))
        )
    planted = [r.delinquent for r in plan.bypass] + [f for r in plan.bypass for f in r.fronts]
    planted += [i for r in plan.undervaluation for i in r.importers]
    plan.planted_importers = np.sort(np.array(planted, dtype=np.int64))
    return plan


def _plan_bypass(
    parties: WorldParties,
    rng: np.random.Generator,
    ring_id: str,
    delinquent: int,
    fronts: list[int],
    plan: RingPlan,
) -> BypassRing:
    pop = parties.population
    listed = int(rng.integers(day_number(date(2022, 4, 1)), day_number(date(2023, 9, 30))))
    ring = BypassRing(ring_id, delinquent, listed, fronts, [], [])
    boss = parties.companies(np.array([delinquent]))
    own = parties.companies(np.array(fronts))
    boss_rep = int(parties.person_identity(np.array([pop.travelers + delinquent]))[0])
    boss_phone = boss.phone_number[0]
    for at, front in enumerate(fronts):
        shares = [kind for kind in ("phone", "address", "representative", "account") if rng.random() < 0.45]
        shares = shares or [str(rng.choice(["phone", "address", "representative", "account"]))]
        registered = listed + int(rng.integers(14, 240))
        fields = {"registered_on": iso_dates(np.array([registered]))[0]}
        if "phone" in shares and boss_phone is not None:
            fields["phone"] = _distinct_style(
                lambda s: render_phone(boss_phone, s), boss.phone[0], rng, PHONE_STYLES
            )
            ring.shared_phone = fields["phone"]
        if "address" in shares:
            fields["address"] = _distinct_style(
                lambda s: render_address(boss.address_canonical[0], s), boss.address[0], rng, ADDRESS_STYLES
            )
            ring.shared_address = fields["address"]
        if "account" in shares:
            shared = _distinct_style(
                lambda s: render_account(boss.accounts[0][0], s), boss.accounts[0][0], rng, ACCOUNT_STYLES
            )
            fields["bank_accounts"] = ";".join([*own.bank_accounts[at].split(";"), shared])
            ring.shared_account = boss.accounts[0][0]
        if "representative" in shares:
            parties.plant_identity(pop.travelers + front, boss_rep)
        if rng.random() < 0.5:
            words = boss.name_words[0]
            variant = (f"New {words}", f"{words} Korea", f"{words.split()[0]} Global")[
                int(rng.integers(0, 3))
            ]
            fields["name"] = render_company_name(
                variant, "Co., Ltd.", None, int(rng.integers(0, COMPANY_NAME_STYLES))
            )
        plan.company_fields[front] = fields
        ring.front_registered.append(registered)
        ring.shares.append(shares)
    return ring


def _candidate_suppliers(parties: WorldParties, rng: np.random.Generator, count: int) -> list[int]:
    pop = parties.population
    drawn = pop.importers + np.array(
        _pick(rng, pop.suppliers, min(pop.suppliers // 2, 3 * count), "suppliers")
    )
    # A supplier registered twice would split the ring's trade over two records; planted ones are single.
    single = drawn[parties.company_identity(drawn) == drawn].tolist()
    if len(single) < count:
        raise ValueError("the world is too small to plant undervaluation rings; raise the scale")
    return [int(s) for s in single[:count]]


def _candidate_couriers(parties: WorldParties, rng: np.random.Generator, count: int) -> list[int]:
    pop = parties.population
    drawn = np.array(
        _pick(rng, pop.travelers, min(pop.travelers // 2, 3 * count), "couriers"), dtype=np.int64
    )
    people = parties.people(drawn)
    nationality = np.array([COUNTRIES[n].code for n in people.nationality.tolist()])
    usable = drawn[~parties.is_family(drawn) & np.isin(nationality, ("KR", "CN"))].tolist()
    if len(usable) < count:
        raise ValueError("the world is too small to plant courier rings; raise the scale")
    return [int(c) for c in usable[:count]]


def _korean_name(rng: np.random.Generator) -> str:
    surname = KOREAN_SURNAMES[int(rng.integers(0, len(KOREAN_SURNAMES)))]
    given = KOREAN_GIVEN_NAMES[int(rng.integers(0, len(KOREAN_GIVEN_NAMES)))]
    if rng.random() < 0.4:
        return surname.native + given.native
    return korean_latin_name(
        surname, given, int(rng.integers(0, 4)), int(rng.integers(0, 3)), rng.random() < 0.3, False
    )


def _plan_split(
    parties: WorldParties, rng: np.random.Generator, ring_id: str, buyer: int, ring: int
) -> SplitRing:
    pop = parties.population
    person = parties.people(np.array([buyer]))
    address = person.address_canonical[0] if rng.random() < 0.5 else parties.drop_address(ring)
    names = [person.name[0], *person.name_variants[0], person.passport_name[0].title()]
    names += [_korean_name(rng) for _ in range(int(rng.integers(2, 6)))]
    sellers = [
        online_seller(pop, int(k)) for k in rng.integers(0, pop.suppliers // 4, size=int(rng.integers(1, 4)))
    ]
    span = int(rng.integers(30, 121))
    first = int(rng.integers(_START, _END - span - 10))
    return SplitRing(
        ring_id, buyer, address, list(dict.fromkeys(names)), sellers, first, span, int(rng.integers(15, 41))
    )


def online_seller(pop: Population, slot: int) -> int:
    """Every fourth supplier also sells to consumers on the marketplaces."""
    return pop.importers + 4 * slot


def _plan_courier(
    parties: WorldParties,
    rng: np.random.Generator,
    ring_id: str,
    organiser: int,
    couriers: list[int],
    plan: RingPlan,
) -> CourierRing:
    phones = [parties.korean_mobile(parties.new_phone_serial()) for _ in range(int(rng.integers(1, 3)))]
    for at, courier in enumerate(couriers):
        plan.person_fields[courier] = {
            "phone": render_phone(phones[at % len(phones)], int(rng.integers(0, PHONE_STYLES)))
        }
        if rng.random() < 0.3:
            plan.known_couriers.append((courier, int(rng.integers(_START - 400, _END - 30))))
    occasions = []
    for trip in range(int(rng.integers(3, 9))):
        # The whole group travels once; later trips are made by part of it.
        size = len(couriers) if trip == 0 else int(rng.integers(min(3, len(couriers)), len(couriers) + 1))
        participants = [int(c) for c in rng.choice(couriers, size=size, replace=False)]
        occasions.append(
            Occasion(int(rng.integers(_START, _END - 5)), int(rng.choice(COURIER_ROUTES)), participants)
        )
    occasions.sort(key=lambda o: o.day)
    return CourierRing(ring_id, organiser, couriers, phones, occasions)

"""Synthetic customs world: every bigfinder source file, with planted fraud rings and honest noise.

:func:`generate_world` writes one world directory in the formats of :mod:`ingest.formats`: travellers
and their trips, companies, import declarations, bank transfers, the e-commerce ledger, X-ray hits, the
watchlist and investigation reports, plus two answer keys, ``ground_truth.csv`` (who belongs to which
planted ring) and ``identity_truth.csv`` (which records are the same real party).

Five schemes are planted, about six rings of each per 10,000 entities:

``bypass_import``
    A tax-delinquent importer keeps importing through 2-5 front companies registered after its listing;
    each front shares the delinquent's phone, address, representative or bank account, written
    differently, and buys the same goods from the same suppliers.
``undervaluation``
    3-6 importers declare 20-45% of the market unit price for the same goods from the same suppliers;
    the rest of the price reaches the supplier from a third party's account.
``split_shipment``
    One buyer orders dozens of parcels to one address under many consignee names, each declared under
    the USD 150 duty-free threshold though the ledger price is above it.
``courier``
    4-10 travellers fly in together, share one or two phones, are paid by one organiser, and their
    baggage scans show gold, cash or cigarettes.
``round_tripping``
    3-6 trading companies pass money around a cycle within days, minus fees, again and again.

The honest majority is built to mislead naive methods: office buildings full of unrelated firms,
hundreds of people named Kim Min-su, families sharing a home phone, logistics hubs receiving thousands
of parcels, utilities paid by everyone, honest discounters (clearance stock, lower grades, second-hand
goods, volume deals) declaring much of their cargo at 25-60% of the market price on their own, and a
low rate of illicit findings among honest declarations.

Generation streams: files are written in chunks, parties are recomputed from their index when needed
(see :mod:`ingest.parties`), and the only state kept is ring plans and counters, so memory stays flat
from 10^3 to 10^7 entities. The same seed gives byte-identical files.

Example
-------
>>> import tempfile
>>> from pathlib import Path
>>> from ingest.generate import generate_world
>>> with tempfile.TemporaryDirectory() as folder:
...     summary = generate_world(Path(folder), scale=1000, seed=7)
>>> summary.rows["companies.csv"] > 0 and min(summary.rings.values()) >= 1
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ingest.catalogue import (
    AIR_OFFICES,
    COUNTRIES,
    EXPRESS_OFFICE,
    HS_CATALOGUE,
    MARKETPLACES,
    SEA_OFFICES,
    SMUGGLING_CLASSES,
    VOYAGES,
    HsItem,
)
from ingest.formats import (
    COMPANIES,
    DECLARATIONS,
    DECLARATIONS_BACUDA,
    DOCUMENTS,
    GROUND_TRUTH,
    IDENTITY_TRUTH,
    LEDGER,
    PERSONS,
    TRANSFERS,
    TRAVELERS,
    TRIPS,
    WATCHLIST,
    XRAY_HITS,
    RingRole,
    Scheme,
)
from ingest.parties import (
    PersonBlock,
    Population,
    WorldParties,
    day_number,
    iso_dates,
)
from ingest.reports import investigation_reports
from ingest.rings import (
    DUTY_FREE_THRESHOLD_USD,
    PERIOD_END,
    PERIOD_START,
    BypassRing,
    CourierRing,
    RoundTripRing,
    online_seller,
    plan_rings,
)
from ingest.sinks import BadRowLog, CsvSink, JsonlSink, LedgerSink, ProgressCallback
from ingest.variants import (
    ADDRESS_STYLES,
    AffineBijection,
    booking_reference,
    iso6346_container,
    render_address,
    s10_tracking_number,
)

__all__ = [
    "DUTY_FREE_THRESHOLD_USD",
    "MIN_SCALE",
    "PERIOD_END",
    "PERIOD_START",
    "ProgressCallback",
    "WorldSummary",
    "generate_world",
]

#: Smallest world that still holds at least one ring of every scheme.
MIN_SCALE = 1000

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Row = list[object]

_CHUNK = 50_000
_RINGS_PER_ENTITY = 6e-4
_START = day_number(PERIOD_START)
_END = day_number(PERIOD_END)
_DAY = 86_400
#: Duty plus VAT a declaration's undeclared value escapes (8% duty, 10% VAT on top).
_TAX_RATE = 0.188
_CONTAINER_OWNERS = ("KSLU", "HNDU", "PCXU", "TRMU", "OCAU", "BFXU")
#: Share of cargo declarations customs inspects: honest ones, and those of rings risk profiling has
#: caught up with; and the share of honest inspections that still find something.
_INSPECTION_RATE = 0.04
_RING_INSPECTION_RATE = 0.2
_HONEST_ILLICIT_RATE = 0.04
#: Honest discounters: the share of importers that buy cheap for legitimate reasons (clearance stock,
#: lower grades, second-hand goods, volume deals), the share of their declarations so priced, and the
#: range of each one's usual price as a share of the market (rings declare 20-45%, so a low price alone
#: does not tell them apart). Price profiling sends a further share of the discounted declarations to
#: inspection, so about one in five is inspected, as the rings' are; those inspections find them clear.
_DISCOUNTER_SHARE = 0.06
_DISCOUNTED_SHARE = 0.8
_DISCOUNT_LEVELS = (0.3, 0.55)
_DISCOUNT_SCATTER = (0.85, 1.15)
_PRICE_CHECK_RATE = 0.17
#: The random stream of the honest discounts: their own, so adding them left every other draw alone.
_DISCOUNT_STREAM = 8
_PURPOSES_P2P = ("family support", "rent", "dinner", "loan repayment", "gift", "", "", "tuition")
_UTILITY_PURPOSES = ("electricity bill", "gas bill", "phone bill")
_BENIGN_BAGGAGE = ("laptop", "liquid_bottle", "clothing", "cosmetics", "electronics", "food")
#: The authority that keeps each kind of list.
_LIST_SOURCES = {
    "tax_delinquent": "national_tax_service",
    "known_offender": "customs_enforcement_db",
    "sanctioned": "domestic_sanctions_list",
}
_SCAN_POINT = {
    "ICN": "INCHEON_AIRPORT",
    "PUS": "GIMHAE_AIRPORT",
    "KRINC": "INCHEON_FERRY",
    "KRPUS": "BUSAN_FERRY",
}

_ITEM_PRICE = np.array([item.market_unit_price for item in HS_CATALOGUE])
_ITEM_KG = np.array([item.kg_per_unit for item in HS_CATALOGUE])
_ITEM_BY_SEA = np.array([item.by_sea for item in HS_CATALOGUE])
_ITEM_COUNTED = np.array([item.unit in ("pcs", "pairs", "g") for item in HS_CATALOGUE])
_PRICE_FACTOR = np.array([country.price_factor for country in COUNTRIES])
_ONLINE_ITEMS = np.array([i for i, item in enumerate(HS_CATALOGUE) if item.retail_titles], dtype=np.int64)
_PRICEY_ONLINE_ITEMS = np.array(
    [i for i, item in enumerate(HS_CATALOGUE) if item.retail_titles and item.retail_price >= 40],
    dtype=np.int64,
)
_VOYAGE_P = np.array([v.weight for v in VOYAGES]) / sum(v.weight for v in VOYAGES)
_SEA_P = np.array([share for _, share in SEA_OFFICES])
_AIR_P = np.array([share for _, share in AIR_OFFICES])


@dataclass(frozen=True)
class WorldSummary:
    """What :func:`generate_world` wrote: rows per file and planted rings per scheme."""

    out_dir: Path
    scale: int
    seed: int
    rows: dict[str, int]
    rings: dict[Scheme, int]
    bad_rows: int

    @property
    def total_rows(self) -> int:
        """Data rows across all files."""
        return sum(self.rows.values())


class _Salt(IntEnum):
    """Hash streams of the listings and travel habits drawn here (parties draw theirs in parties.py)."""

    COMPANY_LISTED_ON = 900
    TAX_DELINQUENT = 901
    SANCTIONED = 902
    BIRTH_DATE_KEPT = 910
    KNOWN_OFFENDER = 911
    PERSON_LISTED_ON = 912
    FREQUENT_FLYER = 920
    DISCOUNTER = 930
    DISCOUNT_LEVEL = 931


# -- the writer ---------------------------------------------------------------------------------------


def _money(values: npt.NDArray[np.floating[Any]]) -> list[str]:
    return [f"{v:.2f}" for v in values.tolist()]


def _quantity(values: F64) -> list[str]:
    return [f"{v:g}" if v >= 1 else f"{v:.3f}" for v in values.tolist()]


def _iso_times(seconds: I64) -> list[str]:
    return [text + "Z" for text in np.datetime_as_string(seconds.astype("datetime64[s]")).tolist()]


def _listings(
    ids: list[str], listed: Bools, entity_kind: str, kind: str, day: I64
) -> list[tuple[str, str, str, int]]:
    return [(ids[at], entity_kind, kind, int(day[at])) for at in np.flatnonzero(listed).tolist()]


def _rows(*columns: Sequence[object]) -> list[Row]:
    return [list(row) for row in zip(*columns, strict=True)]


def _choose(rng: np.random.Generator, options: Sequence[str], size: int) -> list[str]:
    return [options[i] for i in rng.integers(0, len(options), size=size).tolist()]


class _WorldWriter:
    """Writes the files of one world, pass by pass."""

    def __init__(
        self, out_dir: Path, scale: int, seed: int, progress: ProgressCallback | None, bad_rows: float
    ) -> None:
        self.out_dir = out_dir
        self.scale = scale
        self.seed = seed
        self.population = Population.for_scale(scale)
        self.parties = WorldParties(self.population, seed)
        rings = max(1, round(scale * _RINGS_PER_ENTITY))
        self.plan = plan_rings(self.parties, self._rng(1), rings)
        self.bad_rows = BadRowLog(out_dir, bad_rows, seed)
        self.travelers = CsvSink(out_dir, TRAVELERS, progress, self.bad_rows)
        self.persons = CsvSink(out_dir, PERSONS, progress, self.bad_rows)
        self.trips = CsvSink(out_dir, TRIPS, progress, self.bad_rows)
        self.companies = CsvSink(out_dir, COMPANIES, progress, self.bad_rows)
        self.declarations = CsvSink(out_dir, DECLARATIONS, progress, self.bad_rows)
        self.bacuda = CsvSink(out_dir, DECLARATIONS_BACUDA, progress, self.bad_rows)
        self.transfers = CsvSink(out_dir, TRANSFERS, progress, self.bad_rows)
        self.ledger = LedgerSink(out_dir, LEDGER, progress, self.bad_rows)
        self.xray = JsonlSink(out_dir, XRAY_HITS, progress, self.bad_rows)
        self.watchlist = CsvSink(out_dir, WATCHLIST, progress, self.bad_rows)
        self.documents = JsonlSink(out_dir, DOCUMENTS, progress, self.bad_rows)
        self.ground_truth = CsvSink(out_dir, GROUND_TRUTH, progress)
        self.identities = CsvSink(out_dir, IDENTITY_TRUTH, progress)
        self._counters: dict[str, int] = {}
        self._bookings = AffineBijection(32**6, seed, 20)
        self._tracking = AffineBijection(10**8, seed, 21)

    def _rng(self, stream: int) -> np.random.Generator:
        """An independent random stream per pass, so changing one pass leaves the others' draws alone."""
        return np.random.default_rng([self.seed, stream])

    def _ids(self, prefix: str, width: int, count: int) -> list[str]:
        first = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = first + count - 1
        return [f"{prefix}{n:0{width}d}" for n in range(first, first + count)]

    def run(self) -> WorldSummary:
        sinks = (
            self.travelers,
            self.persons,
            self.trips,
            self.companies,
            self.declarations,
            self.bacuda,
            self.transfers,
            self.ledger,
            self.xray,
            self.watchlist,
            self.documents,
            self.ground_truth,
            self.identities,
        )
        try:
            self._write_ring_members()
            self._write_companies()
            self._write_people()
            self._write_trips()
            self._write_cargo()
            self._write_ledger()
            self._write_other_transfers()
            self._write_documents()
            self._write_bacuda()
        finally:
            for sink in sinks:
                sink.close()
            self.bad_rows.close()
        rows = {sink.format.file_name: sink.rows for sink in sinks}
        if self.bad_rows.count:
            rows["bad_rows.csv"] = self.bad_rows.count
        return WorldSummary(self.out_dir, self.scale, self.seed, rows, self.plan.rings(), self.bad_rows.count)

    # -- ground truth -----------------------------------------------------------------------------

    def _write_ring_members(self) -> None:
        plan = self.plan
        rows: list[Row] = []

        def company(c: int, scheme: Scheme, ring: str, role: RingRole) -> None:
            rows.append([f"C{c:08d}", "company", scheme.value, ring, role.value])

        def person(p: int, scheme: Scheme, ring: str, role: RingRole) -> None:
            rows.append([f"P{p:08d}", "person", scheme.value, ring, role.value])

        def account(number: str, scheme: Scheme, ring: str, role: RingRole) -> None:
            rows.append([number, "account", scheme.value, ring, role.value])

        for b in plan.bypass:
            company(b.delinquent, Scheme.BYPASS_IMPORT, b.ring_id, RingRole.DELINQUENT)
            for front in b.fronts:
                company(front, Scheme.BYPASS_IMPORT, b.ring_id, RingRole.FRONT)
        for u in plan.undervaluation:
            for importer in u.importers:
                company(importer, Scheme.UNDERVALUATION, u.ring_id, RingRole.IMPORTER)
            for supplier in u.suppliers:
                company(supplier, Scheme.UNDERVALUATION, u.ring_id, RingRole.SUPPLIER)
            person(u.agent, Scheme.UNDERVALUATION, u.ring_id, RingRole.PAYMENT_AGENT)
            agent = self.parties.person_accounts(np.array([u.agent]))[0][0]
            account(agent, Scheme.UNDERVALUATION, u.ring_id, RingRole.THIRD_PARTY_ACCOUNT)
        for s in plan.split:
            person(s.buyer, Scheme.SPLIT_SHIPMENT, s.ring_id, RingRole.BUYER)
        for c in plan.courier:
            person(c.organiser, Scheme.COURIER, c.ring_id, RingRole.ORGANISER)
            organiser = self.parties.person_accounts(np.array([c.organiser]))[0][0]
            account(organiser, Scheme.COURIER, c.ring_id, RingRole.ORGANISER_ACCOUNT)
            for courier in c.couriers:
                person(courier, Scheme.COURIER, c.ring_id, RingRole.COURIER)
        for r in plan.round_trip:
            accounts = self.parties.main_accounts(np.array(r.traders))
            for trader, own in zip(r.traders, accounts, strict=True):
                company(trader, Scheme.ROUND_TRIPPING, r.ring_id, RingRole.TRADER)
                account(own, Scheme.ROUND_TRIPPING, r.ring_id, RingRole.CYCLE_ACCOUNT)
        self.ground_truth.write(rows)

    # -- parties --------------------------------------------------------------------------------

    def _watch(self, rows: list[tuple[str, str, str, int]]) -> None:
        """Write listings given as (entity id, entity kind, watchlist kind, listing day)."""
        if not rows:
            return
        ids = self._ids("W", 7, len(rows))
        days = iso_dates(np.array([r[3] for r in rows], dtype=np.int64))
        self.watchlist.write(
            [
                [entry, entity, kind, watch, _LIST_SOURCES[watch], day]
                for entry, (entity, kind, watch, _), day in zip(ids, rows, days, strict=True)
            ]
        )

    def _write_companies(self) -> None:
        pop = self.population
        parties = self.parties
        hash_ = parties.hash
        delinquents = {b.delinquent: b.listed_day for b in self.plan.bypass}
        columns = COMPANIES.column_names
        for start in range(0, pop.companies, _CHUNK):
            index = np.arange(start, min(start + _CHUNK, pop.companies), dtype=np.int64)
            batch = parties.companies(index)
            registered = iso_dates(batch.registered_day)
            rows = _rows(
                batch.company_id,
                batch.registration_number,
                batch.name,
                batch.roles,
                [COUNTRIES[c].code for c in batch.country.tolist()],
                batch.address,
                batch.phone,
                batch.email,
                batch.representative_id,
                batch.representative_name,
                batch.bank_accounts,
                registered,
            )
            for at, c in enumerate(index.tolist()):
                for name, value in self.plan.company_fields.get(c, {}).items():
                    rows[at][columns.index(name)] = value
            self.companies.write(rows)
            self.identities.write(_rows(batch.company_id, batch.identity_id))
            listing_day = _START - 700 + hash_.below(_Salt.COMPANY_LISTED_ON, index, _END - _START + 600)
            delinquent = (batch.block == 0) & hash_.chance(_Salt.TAX_DELINQUENT, index, 0.004)
            sanctioned = (batch.block == 1) & hash_.chance(_Salt.SANCTIONED, index, 0.003)
            watch = _listings(batch.company_id, delinquent, "company", "tax_delinquent", listing_day)
            watch += _listings(batch.company_id, sanctioned, "company", "sanctioned", listing_day)
            watch += [
                (f"C{c:08d}", "company", "tax_delinquent", delinquents[c])
                for c in index.tolist()
                if c in delinquents
            ]
            self._watch(watch)

    def _write_people(self) -> None:
        pop = self.population
        parties = self.parties
        hash_ = parties.hash
        known = dict(self.plan.known_couriers)
        phone_at = TRAVELERS.column_names.index("phone")
        for start in range(0, pop.persons, _CHUNK):
            index = np.arange(start, min(start + _CHUNK, pop.persons), dtype=np.int64)
            people = parties.people(index)
            codes = [COUNTRIES[n].code for n in people.nationality.tolist()]
            births = iso_dates(people.birth_day)
            travellers = np.flatnonzero(people.block == PersonBlock.TRAVELER).tolist()
            rows = [
                [
                    people.person_id[at],
                    people.name[at],
                    people.name_latin[at],
                    people.passport_number[at],
                    codes[at],
                    codes[at],
                    births[at],
                    people.phone[at],
                    people.email[at],
                    people.address[at],
                ]
                for at in travellers
            ]
            for row, at in zip(rows, travellers, strict=True):
                override = self.plan.person_fields.get(int(index[at]))
                if override:
                    row[phone_at] = override["phone"]
            if rows:
                self.travelers.write(rows)
            others = np.flatnonzero(people.block != PersonBlock.TRAVELER).tolist()
            has_birth = hash_.chance(_Salt.BIRTH_DATE_KEPT, index, 0.95).tolist()
            if others:
                self.persons.write(
                    [
                        [
                            people.person_id[at],
                            people.name[at],
                            people.name_latin[at],
                            codes[at],
                            births[at] if has_birth[at] else "",
                            people.phone[at],
                            people.email[at],
                            people.address[at],
                        ]
                        for at in others
                    ]
                )
            self.identities.write(_rows(people.person_id, people.identity_id))
            offender = hash_.chance(
                _Salt.KNOWN_OFFENDER, index, np.where(people.block == PersonBlock.TRAVELER, 0.001, 0.0005)
            )
            listing_day = _START - 700 + hash_.below(_Salt.PERSON_LISTED_ON, index, _END - _START + 600)
            watch = _listings(people.person_id, offender, "person", "known_offender", listing_day)
            watch += [
                (f"P{p:08d}", "person", "known_offender", known[p]) for p in index.tolist() if p in known
            ]
            self._watch(watch)

    # -- travel ---------------------------------------------------------------------------------

    def _booking_refs(self, count: int) -> list[str]:
        first = self._counters.get("booking", 0)
        self._counters["booking"] = first + count
        return [booking_reference(v) for v in self._bookings.apply(np.arange(first, first + count)).tolist()]

    def _write_trips(self) -> None:
        pop = self.population
        parties = self.parties
        rng = self._rng(2)
        chunks = max(1, math.ceil(pop.travelers / _CHUNK))
        for chunk in range(chunks):
            index = np.arange(chunk * _CHUNK, min((chunk + 1) * _CHUNK, pop.travelers), dtype=np.int64)
            frequent = parties.hash.chance(_Salt.FREQUENT_FLYER, index, 0.04)
            count = rng.poisson(np.where(frequent, 6.0, 0.8))
            traveller = np.repeat(index, count)
            voyage = rng.choice(len(VOYAGES), size=traveller.size, p=_VOYAGE_P)
            day = rng.integers(_START, _END + 1, size=traveller.size)
            booking = np.array(self._booking_refs(traveller.size), dtype=object)
            # Household heads often travel with their family on the same booking.
            together = (
                (traveller % 3 == 0) & parties.is_family(traveller) & (rng.random(traveller.size) < 0.5)
            )
            heads = np.flatnonzero(together)
            companions = np.concatenate([traveller[heads] + 1, traveller[heads] + 2])
            traveller = np.concatenate([traveller, companions])
            voyage = np.concatenate([voyage, voyage[heads], voyage[heads]])
            day = np.concatenate([day, day[heads], day[heads]])
            booking = np.concatenate([booking, booking[heads], booking[heads]])
            ring_trips = self._courier_trips(range(chunk, len(self.plan.courier), chunks))
            traveller = np.concatenate([traveller, ring_trips[0]])
            voyage = np.concatenate([voyage, ring_trips[1]])
            day = np.concatenate([day, ring_trips[2]])
            booking = np.concatenate([booking, ring_trips[3]])
            planted = np.concatenate([np.full(traveller.size - ring_trips[4].size, -1), ring_trips[4]])
            order = rng.permutation(traveller.size)
            traveller, voyage, day, booking, planted = (
                traveller[order],
                voyage[order],
                day[order],
                booking[order],
                planted[order],
            )
            trip_ids = self._ids("T", 9, traveller.size)
            dates = iso_dates(day)
            rows: list[Row] = []
            for at, (v, p) in enumerate(zip(voyage.tolist(), traveller.tolist(), strict=True)):
                service = VOYAGES[v]
                code = service.code
                if service.carrier == "vessel":
                    code = f"{code} V.{dates[at][2:4]}{(int(day[at]) - 3) // 7 % 52 + 1:02d}"
                rows.append(
                    [
                        trip_ids[at],
                        f"P{p:08d}",
                        service.carrier,
                        code,
                        dates[at],
                        service.origin,
                        service.destination,
                        booking[at],
                    ]
                )
            self.trips.write(rows)
            self._baggage_scans(rng, trip_ids, voyage, day, planted)

    def _courier_trips(self, rings: range) -> tuple[I64, I64, I64, npt.NDArray[np.object_], I64]:
        """Traveller, voyage, day, booking and ring of every courier trip of ``rings``; a booking
        reference covers two couriers."""
        traveller: list[int] = []
        voyage: list[int] = []
        day: list[int] = []
        booking: list[str] = []
        ring_of: list[int] = []
        for ring_at in rings:
            for occasion in self.plan.courier[ring_at].occasions:
                size = len(occasion.participants)
                refs = self._booking_refs((size + 1) // 2)
                traveller += occasion.participants
                voyage += [occasion.voyage] * size
                day += [occasion.day] * size
                booking += [refs[k // 2] for k in range(size)]
                ring_of += [ring_at] * size
        return (
            np.array(traveller, dtype=np.int64),
            np.array(voyage, dtype=np.int64),
            np.array(day, dtype=np.int64),
            np.array(booking, dtype=object),
            np.array(ring_of, dtype=np.int64),
        )

    def _baggage_scans(
        self, rng: np.random.Generator, trip_ids: list[str], voyage: I64, day: I64, planted: I64
    ) -> None:
        ring_trip = planted >= 0
        draw = rng.random(len(trip_ids))
        smuggling = ring_trip & (draw < 0.55)
        benign = ~ring_trip & (draw < 0.01)
        suspicious = ~ring_trip & (draw > 0.9992)
        chosen = np.flatnonzero(smuggling | benign | suspicious)
        classes: list[str] = []
        confidence: list[float] = []
        for at in chosen.tolist():
            if smuggling[at]:
                ring = self.plan.courier[int(planted[at])]
                label = SMUGGLING_CLASSES[
                    (int(planted[at]) + len(ring.scanned_classes)) % len(SMUGGLING_CLASSES)
                ]
                ring.scanned_classes.append(label)
                classes.append(label)
                confidence.append(float(rng.uniform(0.72, 0.99)))
            elif benign[at]:
                classes.append(_BENIGN_BAGGAGE[int(rng.integers(0, len(_BENIGN_BAGGAGE)))])
                confidence.append(float(rng.uniform(0.5, 0.98)))
            else:
                classes.append(("cigarettes", "currency_bundle")[int(rng.integers(0, 2))])
                confidence.append(float(rng.uniform(0.35, 0.7)))
        points = []
        for v in voyage[chosen].tolist():
            service = VOYAGES[v]
            points.append(
                _SCAN_POINT.get(service.destination) or _SCAN_POINT.get(service.origin, "INCHEON_AIRPORT")
            )
        self._scans(
            rng, "baggage", [trip_ids[at] for at in chosen.tolist()], classes, confidence, day[chosen], points
        )

    def _scans(
        self,
        rng: np.random.Generator,
        kind: str,
        refs: list[str],
        classes: list[str],
        confidence: list[float],
        day: I64,
        points: list[str],
    ) -> None:
        if not refs:
            return
        n = len(refs)
        ids = self._ids("S", 9, n)
        moments = _iso_times(day * _DAY + rng.integers(0, _DAY, size=n))
        boxes = np.column_stack(
            [
                rng.integers(0, 600, size=n),
                rng.integers(0, 400, size=n),
                rng.integers(20, 200, size=n),
                rng.integers(15, 160, size=n),
            ]
        ).tolist()
        operators = rng.integers(1, 400, size=n).tolist()
        self.xray.write(
            [
                {
                    "scan_id": scan,
                    "object_type": kind,
                    "object_ref": ref,
                    "detected_class": label,
                    "confidence": round(conf, 3),
                    "bbox": box,
                    "image_ref": f"xray://{point}/{moment[:4]}/{moment[5:7]}/{moment[8:10]}/{scan}.png",
                    "scanned_at": moment,
                    "operator": f"OP-{operator:04d}",
                }
                for scan, ref, label, conf, box, point, moment, operator in zip(
                    ids, refs, classes, confidence, boxes, points, moments, operators, strict=True
                )
            ]
        )

    # -- cargo ----------------------------------------------------------------------------------

    def _sample_importers(self, rng: np.random.Generator, count: int) -> I64:
        """Honest importers: every 50th is a high-volume trader, nine in 50 are medium, the rest small."""
        pop = self.population
        chosen = np.zeros(0, dtype=np.int64)
        groups = math.ceil(pop.importers / 50)
        while chosen.size < count:
            need = 2 * (count - chosen.size) + 16
            tier = rng.choice(3, size=need, p=[0.28, 0.34, 0.38])
            offset = np.where(
                tier == 0, 0, np.where(tier == 1, rng.integers(1, 10, need), rng.integers(10, 50, need))
            )
            drawn = rng.integers(0, groups, size=need) * 50 + offset
            drawn = drawn[(drawn < pop.importers) & ~np.isin(drawn, self.plan.planted_importers)]
            chosen = np.concatenate([chosen, drawn])
        return chosen[:count]

    def _write_cargo(self) -> None:
        pop = self.population
        parties = self.parties
        rng = self._rng(3)
        discounts = self._rng(_DISCOUNT_STREAM)
        total = round(0.8 * (pop.persons + pop.companies))
        chunks = max(1, math.ceil(total / _CHUNK))
        for chunk in range(chunks):
            count = min(_CHUNK, total - chunk * _CHUNK)
            importer = self._sample_importers(rng, count)
            supplier = parties.preferred_suppliers(importer, rng.integers(0, 6, size=count))
            item = parties.supplier_items(supplier, rng.integers(0, 3, size=count))
            first = np.maximum(_START, parties.registered_day(importer) + 30)
            day = first + (rng.random(count) * (_END + 1 - first)).astype(np.int64)
            price_ratio, price_checked = self._honest_discounts(discounts, importer)
            honest = _CargoPart(importer, supplier, item, day, price_ratio, np.full(count, _INSPECTION_RATE))
            honest.price_checked = price_checked
            parts = [honest]
            for ring_at in range(chunk, len(self.plan.bypass), chunks):
                parts.extend(self._bypass_cargo(rng, self.plan.bypass[ring_at]))
            for ring_at in range(chunk, len(self.plan.undervaluation), chunks):
                parts.append(self._undervalued_cargo(rng, ring_at))
            self._write_cargo_part(rng, _CargoPart.join(parts))

    def _honest_discounts(self, rng: np.random.Generator, importer: I64) -> tuple[F64, Bools]:
        """Declared over market price of honest declarations (1, or an honest discounter's discount),
        and which discounted ones price profiling sends to inspection.

        Who discounts, and how deeply, is a property of the importer (hashed from its index); which of
        its declarations are discounted and checked is drawn from ``rng``, the discounts' own stream.
        The importer pays its supplier the declared value, as any honest importer does.
        """
        hash_ = self.parties.hash
        discounter = hash_.chance(_Salt.DISCOUNTER, importer, _DISCOUNTER_SHARE)
        low, high = _DISCOUNT_LEVELS
        level = low + (high - low) * hash_.uniform(_Salt.DISCOUNT_LEVEL, importer)
        discounted = discounter & (rng.random(importer.size) < _DISCOUNTED_SHARE)
        scatter = rng.uniform(*_DISCOUNT_SCATTER, size=importer.size)
        checked = discounted & (rng.random(importer.size) < _PRICE_CHECK_RATE)
        return np.where(discounted, level * scatter, 1.0), checked

    def _bypass_cargo(self, rng: np.random.Generator, ring: BypassRing) -> list[_CargoPart]:
        parties = self.parties
        parts = []
        windows = [(ring.delinquent, _START, ring.listed_day)]
        windows += list(zip(ring.fronts, ring.front_registered, [_END + 1] * len(ring.fronts), strict=True))
        for company, first, last in windows:
            if last <= first:
                continue
            count = int(rng.poisson(14)) + 3
            trade_as = np.full(count, ring.delinquent)
            supplier = parties.preferred_suppliers(trade_as, rng.integers(0, 6, size=count))
            part = _CargoPart(
                np.full(count, company),
                supplier,
                parties.supplier_items(supplier, rng.integers(0, 3, size=count)),
                rng.integers(first, last, size=count),
                np.ones(count),
                np.full(count, _INSPECTION_RATE),
            )
            if company != ring.delinquent and ring.shared_account:
                part.pays_for = np.full(count, ring.delinquent)
            parts.append(part)
        return parts

    def _undervalued_cargo(self, rng: np.random.Generator, ring_at: int) -> _CargoPart:
        ring = self.plan.undervaluation[ring_at]
        count = int(sum(rng.poisson(14) + 4 for _ in ring.importers))
        part = _CargoPart(
            np.array(ring.importers)[rng.integers(0, len(ring.importers), size=count)],
            np.array(ring.suppliers)[rng.integers(0, len(ring.suppliers), size=count)],
            np.array(ring.items)[rng.integers(0, len(ring.items), size=count)],
            rng.integers(_START, _END + 1, size=count),
            ring.price_ratio * rng.uniform(0.9, 1.1, size=count),
            np.full(count, _RING_INSPECTION_RATE),
        )
        part.undervalued_by = np.full(count, ring_at)
        return part

    def _write_cargo_part(self, rng: np.random.Generator, part: _CargoPart) -> None:
        parties = self.parties
        order = rng.permutation(part.size)
        part = part.take(order)
        n = part.size
        item = part.item
        origin = parties.company_country(part.supplier)
        market_unit = _ITEM_PRICE[item] * _PRICE_FACTOR[origin]
        declared_unit = market_unit * rng.lognormal(0.0, 0.12, size=n) * part.price_ratio
        high_volume = part.importer % 50 == 0
        target = rng.lognormal(np.log(np.where(high_volume, 60_000.0, 22_000.0)), 0.8)
        quantity = target / market_unit
        quantity = np.where(
            _ITEM_COUNTED[item], np.maximum(1, np.round(quantity)), np.maximum(0.1, np.round(quantity, 1))
        )
        declared_value = np.round(quantity * declared_unit, 2)
        market_value = quantity * market_unit
        gross = np.maximum(0.1, np.round(quantity * _ITEM_KG[item] * rng.uniform(1.03, 1.15, size=n), 1))
        by_sea = _ITEM_BY_SEA[item] | (gross > 3000)
        sea_office = rng.choice(len(SEA_OFFICES), size=n, p=_SEA_P)
        air_office = rng.choice(len(AIR_OFFICES), size=n, p=_AIR_P)
        offices = [
            SEA_OFFICES[s][0] if sea else AIR_OFFICES[a][0]
            for sea, s, a in zip(by_sea.tolist(), sea_office.tolist(), air_office.tolist(), strict=True)
        ]
        pool = max(500, n // 4)
        container_serial = rng.integers(0, pool, size=n)
        containers = [
            iso6346_container(_CONTAINER_OWNERS[s % len(_CONTAINER_OWNERS)][:3], s * 7919) if sea else ""
            for sea, s in zip(by_sea.tolist(), container_serial.tolist(), strict=True)
        ]
        brokered = rng.random(n) < 0.85
        brokers = [
            f"C{b:08d}" if ok else ""
            for b, ok in zip(parties.broker_of(part.importer).tolist(), brokered.tolist(), strict=True)
        ]
        undervalued = part.undervalued_by >= 0
        inspected = rng.random(n) < part.inspect_rate
        honest_illicit = inspected & ~undervalued & (rng.random(n) < _HONEST_ILLICIT_RATE)
        illicit = inspected & (undervalued | honest_illicit)
        # After the usual draws, so the price checks (drawn in the discounts' stream) change no other
        # draw; they find the honest discounters clear.
        inspected |= part.price_checked
        revenue = np.where(
            undervalued,
            (market_value - declared_value) * _TAX_RATE,
            declared_value * rng.uniform(0.02, 0.1, size=n),
        )
        revenue_text = [
            (f"{r:.2f}" if bad else "0.00") if seen else ""
            for r, bad, seen in zip(revenue.tolist(), illicit.tolist(), inspected.tolist(), strict=True)
        ]
        outcome = [
            "illicit" if bad else "clear" if seen else ""
            for bad, seen in zip(illicit.tolist(), inspected.tolist(), strict=True)
        ]
        ids = self._ids("D", 9, n)
        rows = _rows(
            ids,
            iso_dates(part.day),
            [f"C{c:08d}" for c in part.importer.tolist()],
            [f"C{s:08d}" for s in part.supplier.tolist()],
            brokers,
            [HS_CATALOGUE[i].code for i in item.tolist()],
            _descriptions(rng, item),
            _quantity(quantity),
            [HS_CATALOGUE[i].unit for i in item.tolist()],
            [f"{g:g}" for g in gross.tolist()],
            _money(declared_value),
            ["USD"] * n,
            [COUNTRIES[o].code for o in origin.tolist()],
            offices,
            ["true" if i else "false" for i in inspected.tolist()],
            outcome,
            revenue_text,
            [""] * n,
            containers,
        )
        self.declarations.write(rows)
        for ring_at, container in zip(part.undervalued_by.tolist(), containers, strict=True):
            ring_containers = self.plan.undervaluation[ring_at].containers if ring_at >= 0 else None
            if ring_containers is not None and container and len(ring_containers) < 3:
                ring_containers.append(container)
        self._cargo_payments(rng, part, declared_value, market_value, brokered)
        scanned = np.flatnonzero(by_sea & (rng.random(n) < 0.015)).tolist()
        classes = [
            "cigarettes" if illicit[at] and rng.random() < 0.3 else HS_CATALOGUE[int(item[at])].xray_class
            for at in scanned
        ]
        self._scans(
            rng,
            "container",
            [ids[at] for at in scanned],
            classes,
            rng.uniform(0.55, 0.99, size=len(scanned)).tolist(),
            part.day[scanned] + 1,
            [offices[at] for at in scanned],
        )

    def _cargo_payments(
        self,
        rng: np.random.Generator,
        part: _CargoPart,
        declared_value: F64,
        market_value: F64,
        brokered: Bools,
    ) -> None:
        parties = self.parties
        n = part.size
        importer_accounts = parties.main_accounts(part.importer)
        importer_ids = [f"C{c:08d}" for c in part.importer.tolist()]
        supplier_accounts = parties.main_accounts(part.supplier)
        supplier_owner = [f"C{c:08d}" for c in parties.company_identity(part.supplier).tolist()]
        undervalued = part.undervalued_by >= 0
        pays = rng.random(n) < np.where(undervalued, 0.6, 0.85)
        via_delinquent = (part.pays_for >= 0) & (rng.random(n) < 0.5)
        # Paid up to 25 days before clearance, but not before the world's first day.
        sent = np.maximum(_START, part.day - rng.integers(0, 26, size=n)) * _DAY + rng.integers(
            0, 9 * 3600, size=n
        )
        purposes = _invoice_purposes(rng, part.day)
        rows: list[Row] = []
        for at in np.flatnonzero(pays).tolist():
            if via_delinquent[at]:
                delinquent = int(part.pays_for[at])
                sender, owner = parties.main_accounts(np.array([delinquent]))[0], f"C{delinquent:08d}"
            else:
                sender, owner = importer_accounts[at], importer_ids[at]
            rows.append(
                [
                    sender,
                    owner,
                    supplier_accounts[at],
                    supplier_owner[at],
                    f"{declared_value[at]:.2f}",
                    "USD",
                    int(sent[at]),
                    purposes[at],
                ]
            )
        agents = [self.plan.undervaluation[r].agent for r in part.undervalued_by[undervalued].tolist()]
        if agents:
            agent_accounts, agent_owners = self.parties.person_accounts(np.array(agents, dtype=np.int64))
            remainder = (market_value - declared_value)[undervalued]
            for k, at in enumerate(np.flatnonzero(undervalued).tolist()):
                rows.append(
                    [
                        agent_accounts[k],
                        agent_owners[k],
                        supplier_accounts[at],
                        supplier_owner[at],
                        f"{remainder[k]:.2f}",
                        "USD",
                        int(sent[at]) + int(rng.integers(3600, 5 * _DAY)),
                        ("consulting fee", "trade settlement", "")[int(rng.integers(0, 3))],
                    ]
                )
        broker_fee = brokered & (rng.random(n) < 0.25)
        broker_ids = parties.broker_of(part.importer)
        broker_accounts = parties.main_accounts(broker_ids)
        fee = np.round(rng.uniform(80_000, 600_000, size=n), -3)
        for at in np.flatnonzero(broker_fee).tolist():
            rows.append(
                [
                    importer_accounts[at],
                    importer_ids[at],
                    broker_accounts[at],
                    f"C{int(broker_ids[at]):08d}",
                    f"{fee[at]:.0f}",
                    "KRW",
                    int(part.day[at]) * _DAY + int(rng.integers(0, _DAY)),
                    "customs brokerage fee",
                ]
            )
        self._write_transfers(rows)

    def _write_transfers(self, rows: list[Row]) -> None:
        """Write transfers given as (sender, owner, receiver, owner, amount, currency, seconds, purpose)."""
        if not rows:
            return
        ids = self._ids("X", 9, len(rows))
        moments = _iso_times(np.array([row[6] for row in rows], dtype=np.int64))
        self.transfers.write(
            [[tid, *row[:6], moment, row[7]] for tid, row, moment in zip(ids, rows, moments, strict=True)]
        )

    # -- e-commerce -----------------------------------------------------------------------------

    def _write_ledger(self) -> None:
        pop = self.population
        rng = self._rng(4)
        orders_per_day = 0.12 * (pop.persons + pop.companies) / (_END - _START + 1)
        hubs = [self.parties.hub_address(k) for k in range(max(3, min(8, pop.persons // 20_000)))]
        ring_orders = self._split_orders(rng)
        pending: dict[int, list[dict[str, object]]] = {}
        # Honest purchases are drawn a month at a time (buyers looked up in one batch), then appended
        # day by day so the ledger stays in time order.
        for month_start in range(_START, _END + 1, 30):
            days = np.arange(month_start, min(month_start + 30, _END + 1))
            counts = rng.poisson(orders_per_day, size=days.size)
            purchases = self._honest_orders(rng, np.repeat(days, counts), hubs)
            offset = 0
            for day, count in zip(days.tolist(), counts.tolist(), strict=True):
                orders = purchases[offset : offset + count]
                offset += count
                for ring_at, seller, item, price, name, address in ring_orders.pop(day, []):
                    order = self._order(
                        rng,
                        f"P{self.plan.split[ring_at].buyer:08d}",
                        item,
                        price,
                        name,
                        address,
                        day,
                        ring_at,
                    )
                    order["seller_id"] = f"C{seller:08d}"
                    orders.append(order)
                for order in orders:
                    pending.setdefault(day + int(rng.integers(1, 5)), []).append(order)
                self._append_ledger(rng, day, orders, pending.pop(day, []))

    def _honest_orders(self, rng: np.random.Generator, day: I64, hubs: list[str]) -> list[dict[str, object]]:
        count = day.size
        people = self.parties.people(self._sample_buyers(rng, count))
        item = rng.choice(_ONLINE_ITEMS, size=count)
        retail = np.array([HS_CATALOGUE[i].retail_price for i in item.tolist()])
        price = np.round(retail * rng.lognormal(0, 0.45, count), 2)
        to_hub = rng.random(count) < 0.3
        hub_at = rng.integers(0, len(hubs), size=count)
        style = np.where(rng.random(count) < 0.3, rng.integers(0, ADDRESS_STYLES, size=count), 0)
        variant_name = rng.random(count) < 0.2
        orders = []
        for at in range(count):
            home = people.address_canonical[at]
            address = hubs[int(hub_at[at])] if to_hub[at] or not home else home
            name = people.name_variants[at][0] if variant_name[at] else people.name[at]
            orders.append(
                self._order(
                    rng,
                    people.person_id[at],
                    int(item[at]),
                    float(price[at]),
                    name,
                    render_address(address, int(style[at])),
                    int(day[at]),
                    None,
                )
            )
        return orders

    def _sample_buyers(self, rng: np.random.Generator, count: int) -> I64:
        pop = self.population
        from_block = rng.random(count) < 0.75
        buyer = pop.person_starts[PersonBlock.BUYER] + rng.integers(0, pop.buyers, size=count)
        anyone = rng.integers(0, pop.persons, size=count)
        return np.where(from_block, buyer, anyone)

    def _order(
        self,
        rng: np.random.Generator,
        buyer: str,
        item: int,
        price: float,
        name: str,
        address: str,
        day: int,
        ring_at: int | None,
    ) -> dict[str, object]:
        pop = self.population
        entry = HS_CATALOGUE[item]
        title = entry.retail_titles[int(rng.integers(0, len(entry.retail_titles)))]
        return {
            "event": "purchase",
            "record_id": "",
            "order_id": self._ids("ORD-", 9, 1)[0],
            "marketplace": MARKETPLACES[int(rng.integers(0, len(MARKETPLACES)))],
            "seller_id": f"C{online_seller(pop, int(rng.integers(0, pop.suppliers // 4))):08d}",
            "buyer_id": buyer,
            "item": _fills(rng, [title], [entry])[0],
            "hs_code": entry.code,
            "price": price,
            "currency": "USD",
            "tracking_number": None,
            "consignee_name": name,
            "consignee_address": address,
            "recorded_at": day * _DAY + int(rng.integers(0, _DAY)),
            "_ring": ring_at,
            "_item": item,
        }

    def _split_orders(
        self, rng: np.random.Generator
    ) -> dict[int, list[tuple[int, int, int, float, str, str]]]:
        schedule: dict[int, list[tuple[int, int, int, float, str, str]]] = {}
        for ring_at, ring in enumerate(self.plan.split):
            for _ in range(ring.orders):
                day = ring.first_day + int(rng.integers(0, ring.span_days))
                seller = ring.sellers[int(rng.integers(0, len(ring.sellers)))]
                item = int(rng.choice(_PRICEY_ONLINE_ITEMS))
                price = round(float(rng.uniform(DUTY_FREE_THRESHOLD_USD + 10, 600)), 2)
                name = ring.consignees[int(rng.integers(0, len(ring.consignees)))]
                address = render_address(ring.delivery_address, int(rng.integers(0, ADDRESS_STYLES)))
                schedule.setdefault(day, []).append((ring_at, seller, item, price, name, address))
        return schedule

    def _append_ledger(
        self,
        rng: np.random.Generator,
        day: int,
        purchases: list[dict[str, object]],
        shipped: list[dict[str, object]],
    ) -> None:
        sellers = np.array([int(str(order["seller_id"])[1:]) for order in shipped], dtype=np.int64)
        countries = self.parties.company_country(sellers).tolist()
        first = self._counters.get("parcel", 0)
        self._counters["parcel"] = first + len(shipped)
        serials = self._tracking.apply(np.arange(first, first + len(shipped), dtype=np.int64)).tolist()
        moments_shipped = (day * _DAY + rng.integers(0, _DAY, size=len(shipped))).tolist()
        shipments = [
            {
                **order,
                "event": "shipment",
                "tracking_number": s10_tracking_number(
                    ("LX", "RR", "EE", "CP")[serial % 4], serial, COUNTRIES[c].code
                ),
                "recorded_at": moment,
            }
            for order, c, serial, moment in zip(shipped, countries, serials, moments_shipped, strict=True)
        ]
        events = sorted(purchases + shipments, key=lambda e: int(str(e["recorded_at"])))
        if not events:
            return
        ids = self._ids("LR", 10, len(events))
        moments = _iso_times(np.array([int(str(e["recorded_at"])) for e in events], dtype=np.int64))
        records = [
            {
                key: (record_id if key == "record_id" else moment if key == "recorded_at" else value)
                for key, value in event.items()
                if not key.startswith("_")
            }
            for record_id, event, moment in zip(ids, events, moments, strict=True)
        ]
        self.ledger.write(records)
        self._parcel_declarations(rng, day, shipments)

    def _parcel_declarations(
        self, rng: np.random.Generator, day: int, shipments: list[dict[str, object]]
    ) -> None:
        if not shipments:
            return
        pop = self.population
        n = len(shipments)
        ring = np.array([-1 if s["_ring"] is None else int(str(s["_ring"])) for s in shipments])
        planted = ring >= 0
        price = np.array([float(str(s["price"])) for s in shipments])
        gift = ~planted & (rng.random(n) < 0.03)
        declared = np.where(
            planted,
            np.minimum(rng.uniform(0.35, 0.97, n) * DUTY_FREE_THRESHOLD_USD, price * 0.9),
            np.where(gift, price * rng.uniform(0.4, 0.9, n), price),
        )
        declared = np.round(declared, 2)
        inspected = rng.random(n) < np.where(planted, 0.06, 0.012)
        illicit = inspected & (planted | gift)
        revenue = np.where(planted, price * _TAX_RATE, (price - declared) * _TAX_RATE)
        express = pop.company_starts[3] - pop.express_brokers + rng.integers(0, pop.express_brokers, size=n)
        items = [int(str(s["_item"])) for s in shipments]
        origin = [str(s["tracking_number"])[-2:] for s in shipments]
        ids = self._ids("D", 9, n)
        weights = np.round(
            np.array([HS_CATALOGUE[i].kg_per_unit for i in items]) * rng.uniform(1.1, 1.6, n) + 0.1, 2
        )
        rows = _rows(
            ids,
            iso_dates(np.full(n, day + 1)),
            [""] * n,
            [str(s["seller_id"]) for s in shipments],
            [f"C{b:08d}" for b in express.tolist()],
            [HS_CATALOGUE[i].code for i in items],
            [str(s["item"]) for s in shipments],
            ["1"] * n,
            ["pcs"] * n,
            [f"{w:g}" for w in weights.tolist()],
            _money(declared),
            ["USD"] * n,
            origin,
            [EXPRESS_OFFICE] * n,
            ["true" if i else "false" for i in inspected.tolist()],
            [
                "illicit" if b else "clear" if i else ""
                for b, i in zip(illicit.tolist(), inspected.tolist(), strict=True)
            ],
            [
                (f"{r:.2f}" if b else "0.00") if i else ""
                for r, b, i in zip(revenue.tolist(), illicit.tolist(), inspected.tolist(), strict=True)
            ],
            [str(s["tracking_number"]) for s in shipments],
            [""] * n,
        )
        self.declarations.write(rows)
        truth: list[Row] = []
        for at in np.flatnonzero(planted).tolist():
            split = self.plan.split[int(ring[at])]
            tracking = str(shipments[at]["tracking_number"])
            truth.append(
                [tracking, "parcel", Scheme.SPLIT_SHIPMENT.value, split.ring_id, RingRole.SPLIT_PARCEL.value]
            )
            if len(split.tracking_numbers) < 4:
                split.tracking_numbers.append(tracking)
        if truth:
            self.ground_truth.write(truth)
        scanned = np.flatnonzero(rng.random(n) < 0.02).tolist()
        self._scans(
            rng,
            "parcel",
            [str(shipments[at]["tracking_number"]) for at in scanned],
            [HS_CATALOGUE[items[at]].xray_class for at in scanned],
            rng.uniform(0.6, 0.99, len(scanned)).tolist(),
            np.full(len(scanned), day + 1),
            [EXPRESS_OFFICE] * len(scanned),
        )

    # -- money ----------------------------------------------------------------------------------

    def _write_other_transfers(self) -> None:
        pop = self.population
        parties = self.parties
        rng = self._rng(5)
        people_total = pop.persons + pop.companies
        p2p, bills, salaries = (
            round(0.25 * people_total),
            round(0.2 * people_total),
            round(0.08 * people_total),
        )
        total = p2p + bills + salaries
        chunks = max(1, math.ceil(total / _CHUNK))
        utilities = np.arange(pop.company_starts[3], pop.company_starts[3] + 3)
        utility_accounts = parties.main_accounts(utilities)
        for chunk in range(chunks):
            share = (chunk + 1) / chunks
            counts = [round(x * share) - round(x * chunk / chunks) for x in (p2p, bills, salaries)]
            rows: list[Row] = []
            rows += self._p2p(rng, counts[0])
            rows += self._bills(rng, counts[1], utilities, utility_accounts)
            rows += self._salaries(rng, counts[2])
            for ring_at in range(chunk, len(self.plan.courier), chunks):
                rows += self._courier_payments(rng, self.plan.courier[ring_at])
            for ring_at in range(chunk, len(self.plan.round_trip), chunks):
                rows += self._round_trips(rng, self.plan.round_trip[ring_at])
            order = rng.permutation(len(rows))
            self._write_transfers([rows[at] for at in order.tolist()])

    def _people_outside_registers(self, rng: np.random.Generator, count: int) -> I64:
        """Person records of people who bank: travellers, buyers and residents (not representatives)."""
        pop = self.population
        pick = rng.integers(0, pop.travelers + pop.buyers + pop.residents, size=count)
        return np.where(pick < pop.travelers, pick, pick + pop.companies)

    def _p2p(self, rng: np.random.Generator, count: int) -> list[Row]:
        sender = self._people_outside_registers(rng, count)
        family = self.parties.is_family(sender) & (rng.random(count) < 0.6)
        relative = sender // 3 * 3 + (sender % 3 + rng.integers(1, 3, size=count)) % 3
        receiver = np.where(family, relative, self._people_outside_registers(rng, count))
        amount = np.round(rng.lognormal(np.log(150_000), 1.0, size=count), -3) + 1000
        return self._person_transfers(rng, sender, receiver, amount, _choose(rng, _PURPOSES_P2P, count))

    def _person_transfers(
        self, rng: np.random.Generator, sender: I64, receiver: I64, amount: F64, purpose: list[str]
    ) -> list[Row]:
        sender_accounts, sender_owners = self.parties.person_accounts(sender)
        receiver_accounts, receiver_owners = self.parties.person_accounts(receiver)
        moments = rng.integers(_START * _DAY, (_END + 1) * _DAY, size=sender.size).tolist()
        return [
            [sa, so, ra, ro, f"{a:.0f}", "KRW", t, p]
            for sa, so, ra, ro, a, t, p in zip(
                sender_accounts,
                sender_owners,
                receiver_accounts,
                receiver_owners,
                amount.tolist(),
                moments,
                purpose,
                strict=True,
            )
            if sa != ra
        ]

    def _bills(
        self, rng: np.random.Generator, count: int, utilities: I64, utility_accounts: list[str]
    ) -> list[Row]:
        payer = self._people_outside_registers(rng, count)
        accounts, owners = self.parties.person_accounts(payer)
        which = rng.integers(0, len(utilities), size=count).tolist()
        amount = np.round(rng.uniform(20_000, 300_000, size=count), -2).tolist()
        moments = rng.integers(_START * _DAY, (_END + 1) * _DAY, size=count).tolist()
        return [
            [
                acc,
                owner,
                utility_accounts[u],
                f"C{int(utilities[u]):08d}",
                f"{a:.0f}",
                "KRW",
                t,
                _UTILITY_PURPOSES[u],
            ]
            for acc, owner, u, a, t in zip(accounts, owners, which, amount, moments, strict=True)
        ]

    def _salaries(self, rng: np.random.Generator, count: int) -> list[Row]:
        pop = self.population
        employer = rng.integers(0, pop.importers, size=count)
        employee = self._people_outside_registers(rng, count)
        employer_accounts = self.parties.main_accounts(employer)
        accounts, owners = self.parties.person_accounts(employee)
        amount = np.round(rng.uniform(2_500_000, 7_000_000, size=count), -4).tolist()
        month = rng.integers(0, 36, size=count)
        paid_on = np.array(
            [day_number(date(2022 + int(m) // 12, int(m) % 12 + 1, 25)) for m in month.tolist()],
            dtype=np.int64,
        )
        moments = (paid_on * _DAY + rng.integers(0, 9 * 3600, size=count)).tolist()
        return [
            [
                ea,
                f"C{int(e):08d}",
                acc,
                owner,
                f"{a:.0f}",
                "KRW",
                t,
                f"salary {2022 + int(m) // 12}-{int(m) % 12 + 1:02d}",
            ]
            for ea, e, acc, owner, a, t, m in zip(
                employer_accounts,
                employer.tolist(),
                accounts,
                owners,
                amount,
                moments,
                month.tolist(),
                strict=True,
            )
        ]

    def _courier_payments(self, rng: np.random.Generator, ring: CourierRing) -> list[Row]:
        organiser_account, organiser_id = (
            v[0] for v in self.parties.person_accounts(np.array([ring.organiser]))
        )
        rows: list[Row] = []
        for occasion in ring.occasions:
            accounts, owners = self.parties.person_accounts(np.array(occasion.participants, dtype=np.int64))
            for account, owner in zip(accounts, owners, strict=True):
                when = (occasion.day + int(rng.integers(0, 4))) * _DAY + int(rng.integers(0, _DAY))
                amount = round(float(rng.uniform(500_000, 2_000_000)), -4)
                rows.append(
                    [
                        organiser_account,
                        organiser_id,
                        account,
                        owner,
                        f"{amount:.0f}",
                        "KRW",
                        when,
                        ("", "reimbursement", "travel expenses", "thanks")[int(rng.integers(0, 4))],
                    ]
                )
        return rows

    def _round_trips(self, rng: np.random.Generator, ring: RoundTripRing) -> list[Row]:
        accounts = self.parties.main_accounts(np.array(ring.traders))
        ids = [f"C{t:08d}" for t in ring.traders]
        rows: list[Row] = []
        for cycle, start in enumerate(ring.cycle_days):
            amount = ring.amount * float(rng.uniform(0.8, 1.2))
            moment = start * _DAY + int(rng.integers(0, 9 * 3600))
            # Each cycle starts at a different member, so no single account always opens it.
            first = cycle % len(accounts)
            for hop in range(len(accounts)):
                a, b = (first + hop) % len(accounts), (first + hop + 1) % len(accounts)
                rows.append(
                    [
                        accounts[a],
                        ids[a],
                        accounts[b],
                        ids[b],
                        f"{round(amount, -3):.0f}",
                        "KRW",
                        moment,
                        f"trade settlement {start - _START + hop:05d}",
                    ]
                )
                amount *= 1 - float(rng.uniform(0.002, 0.015))
                moment += int(rng.integers(4 * 3600, 3 * _DAY))
        return rows

    # -- documents ------------------------------------------------------------------------------

    def _write_documents(self) -> None:
        reports = investigation_reports(self.parties, self.plan, self._rng(6))
        ids = self._ids("DOC", 6, len(reports))
        dates = iso_dates(np.array([report.written_day for report in reports], dtype=np.int64))
        self.documents.write(
            [
                {
                    "document_id": document_id,
                    "written_on": written,
                    "author": report.author,
                    "title": report.title,
                    "text": report.text,
                }
                for document_id, written, report in zip(ids, dates, reports, strict=True)
            ]
        )

    # -- BACUDA layout ----------------------------------------------------------------------------

    def _write_bacuda(self) -> None:
        """A few hundred declarations in the WCO BACUDA layout, with their own anonymous parties."""
        rng = self._rng(7)
        n = 400
        fraudsters = 8
        importer = rng.integers(0, 60, size=n)
        fraud = importer < fraudsters
        item = rng.integers(0, len(HS_CATALOGUE), size=n)
        country = [
            HS_CATALOGUE[i].origins[int(rng.integers(0, len(HS_CATALOGUE[i].origins)))] for i in item.tolist()
        ]
        factor = np.array([_PRICE_FACTOR[[c.code for c in COUNTRIES].index(code)] for code in country])
        market = _ITEM_PRICE[item] * factor
        quantity = np.where(
            _ITEM_COUNTED[item],
            np.maximum(1, np.round(rng.lognormal(np.log(20_000), 0.8, n) / market)),
            np.round(rng.lognormal(np.log(20_000), 0.8, n) / market, 1) + 0.1,
        )
        ratio = np.where(fraud & (rng.random(n) < 0.7), rng.uniform(0.25, 0.5, n), rng.lognormal(0, 0.1, n))
        fob = np.round(quantity * market * ratio, 2)
        cif = np.round(fob * rng.uniform(1.03, 1.1, n), 2)
        taxes = np.round(cif * _TAX_RATE, 2)
        illicit = (fraud & (ratio < 0.6)) | (rng.random(n) < 0.03)
        revenue = np.where(
            illicit, np.round(np.maximum(quantity * market * 1.06 - cif, cif * 0.05) * _TAX_RATE, 2), 0.0
        )
        day = np.sort(rng.integers(_START, _END + 1, size=n))
        dates = [d[2:] for d in iso_dates(day)]
        national = rng.choice(["0000", "1000", "9000"], size=n).tolist()
        self.bacuda.write(
            _rows(
                [f"SGD{k + 1:06d}" for k in range(n)],
                dates,
                [f"IMP{i:06d}" for i in (importer * 7919 % 1_000_000).tolist()],
                [f"DEC{d:04d}" for d in rng.integers(1, 13, size=n).tolist()],
                country,
                [f"OFFICE{o:02d}" for o in rng.integers(1, 7, size=n).tolist()],
                [HS_CATALOGUE[i].code + s for i, s in zip(item.tolist(), national, strict=True)],
                _quantity(quantity),
                [f"{g:g}" for g in np.round(quantity * _ITEM_KG[item] * 1.08 + 0.1, 1).tolist()],
                _money(fob),
                _money(cif),
                _money(taxes),
                [str(int(b)) for b in illicit.tolist()],
                _money(revenue),
            )
        )


@dataclass
class _CargoPart:
    """Declarations to write, as columns: honest ones and each planted ring's, joined and shuffled."""

    importer: I64
    supplier: I64
    item: I64
    day: I64
    price_ratio: F64
    inspect_rate: F64
    #: Undervaluation ring each declaration belongs to, -1 for none.
    undervalued_by: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: Delinquent whose shared account may pay for a front's declaration, -1 for none.
    pays_for: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: Honest discounted declaration that price profiling sends to inspection on top of the usual ones.
    price_checked: Bools = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))

    def __post_init__(self) -> None:
        if self.undervalued_by.size != self.importer.size:
            self.undervalued_by = np.full(self.importer.size, -1, dtype=np.int64)
        if self.pays_for.size != self.importer.size:
            self.pays_for = np.full(self.importer.size, -1, dtype=np.int64)
        if self.price_checked.size != self.importer.size:
            self.price_checked = np.zeros(self.importer.size, dtype=np.bool_)

    @property
    def size(self) -> int:
        return int(self.importer.size)

    @staticmethod
    def join(parts: list[_CargoPart]) -> _CargoPart:
        return _CargoPart(*(np.concatenate([getattr(p, name) for p in parts]) for name in _CARGO_COLUMNS))

    def take(self, order: I64) -> _CargoPart:
        return _CargoPart(*(getattr(self, name)[order] for name in _CARGO_COLUMNS))


_CARGO_COLUMNS = (
    "importer",
    "supplier",
    "item",
    "day",
    "price_ratio",
    "inspect_rate",
    "undervalued_by",
    "pays_for",
    "price_checked",
)


def _fills(rng: np.random.Generator, templates: list[str], items: list[HsItem]) -> list[str]:
    """Templates with their ``{model}`` and ``{size}`` slots filled (``... 128 GB, model HX-4417``)."""
    n = len(templates)
    letters = rng.integers(65, 91, size=(n, 2)).tolist()
    numbers = rng.integers(100, 9999, size=n).tolist()
    size_at = rng.integers(0, 1 << 30, size=n).tolist()
    return [
        template.format(model=f"{chr(a)}{chr(b)}-{number}", size=item.sizes[at % len(item.sizes)])
        for template, item, (a, b), number, at in zip(
            templates, items, letters, numbers, size_at, strict=True
        )
    ]


def _descriptions(rng: np.random.Generator, item: I64) -> list[str]:
    template_at = rng.integers(0, 12, size=item.size).tolist()
    entries = [HS_CATALOGUE[i] for i in item.tolist()]
    templates = [
        entry.descriptions[t % len(entry.descriptions)] for entry, t in zip(entries, template_at, strict=True)
    ]
    return _fills(rng, templates, entries)


def _invoice_purposes(rng: np.random.Generator, day: I64) -> list[str]:
    kind = rng.integers(0, 5, size=day.size).tolist()
    serial = rng.integers(1, 9999, size=day.size).tolist()
    months = [d[2:4] + d[5:7] for d in iso_dates(day)]
    return [
        (f"invoice INV-{m}-{s:04d}", f"INV{m}{s:04d}", "payment for goods", f"PO {s:05d}", "")[k]
        for k, s, m in zip(kind, serial, months, strict=True)
    ]


def generate_world(
    out_dir: Path,
    scale: int,
    seed: int,
    progress: ProgressCallback | None = None,
    bad_rows: float = 0.0,
) -> WorldSummary:
    """Write a synthetic customs world of about ``scale`` persons and companies into ``out_dir``.

    The same ``seed`` gives byte-identical files. ``progress(source, rows_written)`` is called after
    each chunk a file receives. ``bad_rows`` is the fraction of source rows deliberately spoiled (listed
    in ``bad_rows.csv``) for testing a loader on dirty input.
    """
    if scale < MIN_SCALE:
        raise ValueError(f"scale must be at least {MIN_SCALE}, got {scale}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    if not 0.0 <= bad_rows < 0.5:
        raise ValueError(f"bad_rows is a fraction in [0, 0.5), got {bad_rows}")
    out_dir.mkdir(parents=True, exist_ok=True)
    return _WorldWriter(out_dir, scale, seed, progress, bad_rows).run()

"""Investigation reports of a synthetic world, for the text-analysis work to come.

Investigators write about some planted rings in English: the report names the parties in whatever
spelling the investigator used, gives phone numbers in any layout, and quotes accounts, passports,
tracking and container numbers and addresses. Routine notes about honest parties are mixed in, so a
mention is not by itself a sign of fraud.

Example
-------
>>> import numpy as np
>>> from ingest.parties import Population, WorldParties
>>> from ingest.rings import plan_rings
>>> parties = WorldParties(Population.for_scale(1000), seed=7)
>>> plan = plan_rings(parties, np.random.default_rng(1), rings=1)
>>> reports = investigation_reports(parties, plan, np.random.default_rng(2))
>>> len(reports) >= 5 and all(report.title and report.text for report in reports)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.catalogue import HS_CATALOGUE, VOYAGES
from ingest.parties import WorldParties, day_number, iso_dates
from ingest.rings import (
    DUTY_FREE_THRESHOLD_USD,
    PERIOD_END,
    PERIOD_START,
    BypassRing,
    CourierRing,
    RingPlan,
    RoundTripRing,
    SplitRing,
    UndervaluationRing,
)
from ingest.variants import ADDRESS_STYLES, PHONE_STYLES, render_account, render_address, render_phone

__all__ = ["Report", "investigation_reports"]

_START = day_number(PERIOD_START)
_END = day_number(PERIOD_END)
_INVESTIGATORS = (
    ("Inspector", "Han Ji-won", "Seoul Customs Investigation Division"),
    ("Senior Inspector", "Park Seong-ho", "Busan Customs Investigation Division"),
    ("Investigator", "Lee Eun-ju", "Incheon Airport Customs Enforcement"),
    ("Analyst", "Choi Dong-wook", "Financial Intelligence Liaison Office"),
    ("Inspector", "Jung Ha-na", "Post-Clearance Audit Bureau"),
)


@dataclass(frozen=True)
class Report:
    """One investigation report: the day it was written, its author, title and text."""

    written_day: int
    author: str
    title: str
    text: str


def investigation_reports(parties: WorldParties, plan: RingPlan, rng: np.random.Generator) -> list[Report]:
    """Reports on about three in five planted rings, and routine notes on honest parties, shuffled."""
    pop = parties.population
    # About three in five rings have come to an investigator's attention.
    bypass = [r for r in plan.bypass if rng.random() < 0.6]
    undervaluation = [r for r in plan.undervaluation if rng.random() < 0.6]
    split = [r for r in plan.split if rng.random() < 0.6]
    courier = [r for r in plan.courier if rng.random() < 0.6]
    round_trip = [r for r in plan.round_trip if rng.random() < 0.6]
    routine = max(5, (pop.persons + pop.companies) // 2000)
    audited = rng.integers(0, pop.importers, size=routine).tolist()
    checked = rng.integers(0, pop.travelers, size=routine).tolist()
    audit = (rng.random(routine) < 0.6).tolist()
    # Every party a report mentions is looked up in one batch: a lookup has a fixed cost per call.
    companies = [c for b in bypass for c in (b.delinquent, *b.fronts)]
    companies += [c for u in undervaluation for c in (*u.importers, *u.suppliers)]
    companies += [c for t in round_trip for c in t.traders]
    people = [u.agent for u in undervaluation] + [s.buyer for s in split]
    people += [p for c in courier for p in (c.organiser, *c.occasions[-1].participants)]
    directory = _Directory(parties, companies + audited, people + checked)
    reports = [_bypass_report(plan, rng, directory, r) for r in bypass]
    reports += [_undervaluation_report(rng, directory, r) for r in undervaluation]
    reports += [_split_report(rng, directory, r) for r in split]
    reports += [_courier_report(rng, directory, r) for r in courier]
    reports += [_round_trip_report(rng, directory, r) for r in round_trip]
    reports += [
        _audit_report(rng, directory, c) if is_audit else _baggage_report(rng, directory, p)
        for c, p, is_audit in zip(audited, checked, audit, strict=True)
    ]
    order = rng.permutation(len(reports)).tolist()
    authors = rng.integers(0, len(_INVESTIGATORS), size=len(reports)).tolist()
    return [
        Report(min(reports[at][0], _END), _author(author), reports[at][1], reports[at][2])
        for at, author in zip(order, authors, strict=True)
    ]


def _author(at: int) -> str:
    rank, name, unit = _INVESTIGATORS[at]
    return f"{rank} {name}, {unit}"


def _bypass_report(
    plan: RingPlan, rng: np.random.Generator, d: _Directory, ring: BypassRing
) -> tuple[int, str, str]:
    boss = d.company_name(ring.delinquent)
    fronts = [plan.company_fields[f].get("name", d.company_name(f)) for f in ring.fronts]
    listed = iso_dates(np.array([ring.listed_day]))[0]
    at = d.company_at[ring.delinquent]
    lines = [
        f"{boss} (registration {d.companies.registration_number[at]}) was listed as a tax delinquent "
        f"on {listed}.",
        f"Since the listing, {len(fronts)} newly registered importers have cleared the same goods from "
        "the "
        f"same suppliers: {', '.join(fronts)}.",
    ]
    if ring.shared_phone:
        lines.append(
            f"The importers give the contact number {ring.shared_phone}, which is on file for {boss}."
        )
    if ring.shared_address:
        lines.append(f"Registered address {ring.shared_address} matches the delinquent's premises.")
    if ring.shared_account:
        lines.append(
            f"Duties and supplier invoices were paid from account {render_account(ring.shared_account, 1)}."
        )
    lines.append(f"Representative on file for {boss}: {d.companies.representative_name[at]}.")
    lines.append("Recommend a joint audit with the tax office and a hold on deferred payment privileges.")
    written = max(ring.front_registered) + int(rng.integers(60, 400))
    return written, f"Referral: suspected bypass imports by {boss}", " ".join(lines)


def _undervaluation_report(
    rng: np.random.Generator, d: _Directory, ring: UndervaluationRing
) -> tuple[int, str, str]:
    importers = [d.company_name(c) for c in ring.importers]
    supplier = d.company_name(ring.suppliers[0])
    supplier_account = d.companies.accounts[d.company_at[ring.suppliers[0]]][0]
    agent = d.person_at[ring.agent]
    agent_name = d.people.name_variants[agent][0]
    item = HS_CATALOGUE[ring.items[0]]
    goods = item.descriptions[0].split(",")[0].lower()
    lines = [
        f"Post-clearance audit: {', '.join(importers)} declared {goods} (HS {item.code}) from "
        f"{supplier} at about {round(ring.price_ratio * 100)}% of the market unit price.",
    ]
    if ring.containers:
        lines.append(
            f"Containers {', '.join(ring.containers)} were examined; invoices on board showed higher prices."
        )
    lines.append(
        f"Payments reaching the supplier's account {supplier_account} include transfers from account "
        f"{d.people.account[agent]} held by {agent_name}, who has no trading relationship with the "
        "importers."
    )
    if d.people.phone[agent]:
        lines.append(f"{agent_name} can be reached on {d.people.phone[agent]}.")
    written = _END - int(rng.integers(0, 200))
    return written, f"Undervaluation of HS {item.code} imports from {supplier}", " ".join(lines)


def _split_report(rng: np.random.Generator, d: _Directory, ring: SplitRing) -> tuple[int, str, str]:
    buyer = d.person_at[ring.buyer]
    address = render_address(ring.delivery_address, int(rng.integers(0, ADDRESS_STYLES)))
    lines = [
        f"Marketplace ledger records show buyer {d.people.name_variants[buyer][0]} placing "
        f"{ring.orders} orders "
        f"within {ring.span_days} days, all delivered to {address}.",
        f"The parcels were addressed to {', '.join(ring.consignees[:5])}.",
    ]
    if ring.tracking_numbers:
        lines.append(
            f"Parcels {', '.join(ring.tracking_numbers)} were each declared below USD "
            f"{DUTY_FREE_THRESHOLD_USD:.0f} although the ledger price was higher."
        )
    if d.people.phone[buyer]:
        lines.append(f"The buyer's account lists phone {d.people.phone[buyer]}.")
    written = ring.first_day + ring.span_days + int(rng.integers(20, 120))
    return written, "Split shipments to one address", " ".join(lines)


def _courier_report(rng: np.random.Generator, d: _Directory, ring: CourierRing) -> tuple[int, str, str]:
    occasion = ring.occasions[-1]
    voyage = VOYAGES[occasion.voyage]
    organiser = d.person_at[ring.organiser]
    when = iso_dates(np.array([occasion.day]))[0]
    found = ", ".join(sorted(set(ring.scanned_classes))) or "dense objects"
    travellers = ", ".join(
        f"{d.people.name_variants[at][0]} (passport {d.people.passport_number[at]})"
        for at in (d.person_at[p] for p in occasion.participants)
    )
    phone = render_phone(ring.phones[0], int(rng.integers(0, PHONE_STYLES)))
    lines = [
        f"On {when} the passengers {travellers} arrived together on {voyage.code} from {voyage.origin}.",
        f"Baggage scans flagged {found}.",
        f"Several gave the same contact number, {phone}.",
        f"Each received transfers from account {d.people.account[organiser]} "
        f"({d.people.name_variants[organiser][0]}) within days of travelling.",
    ]
    return (
        occasion.day + int(rng.integers(5, 60)),
        f"Courier group on {voyage.code}, {when}",
        " ".join(lines),
    )


def _round_trip_report(rng: np.random.Generator, d: _Directory, ring: RoundTripRing) -> tuple[int, str, str]:
    names = [d.company_name(c) for c in ring.traders]
    accounts = [d.companies.accounts[d.company_at[c]][0] for c in ring.traders]
    since = iso_dates(np.array([ring.cycle_days[0]]))[0]
    lines = [
        f"Funds moved {' -> '.join([*names, names[0]])} within days, {len(ring.cycle_days)} times "
        f"since {since}, "
        f"each pass slightly smaller (about KRW {ring.amount:,.0f}).",
        f"Accounts involved: {', '.join(accounts)}.",
        "No goods movements match these payments.",
    ]
    written = ring.cycle_days[-1] + int(rng.integers(10, 90))
    return written, "Circular payments among trading companies", " ".join(lines)


class _Directory:
    """The parties reports mention, looked up in one batch each."""

    def __init__(self, parties: WorldParties, companies: list[int], people: list[int]) -> None:
        company_index = np.array(sorted(set(companies)), dtype=np.int64)
        person_index = np.array(sorted(set(people)), dtype=np.int64)
        self.companies = parties.companies(company_index)
        self.people = parties.people(person_index)
        self.company_at = {c: at for at, c in enumerate(company_index.tolist())}
        self.person_at = {p: at for at, p in enumerate(person_index.tolist())}

    def company_name(self, company: int) -> str:
        return self.companies.name[self.company_at[company]]


def _audit_report(rng: np.random.Generator, d: _Directory, company: int) -> tuple[int, str, str]:
    at = d.company_at[company]
    c = d.companies
    text = (
        f"Routine post-clearance audit of {c.name[at]} ({c.registration_number[at]}) at {c.address[at]}. "
        f"Declarations checked against invoices and payments from account {c.accounts[at][0]}; no "
        f"irregularities. Contact: {c.representative_name[at]}, {c.phone[at]}."
    )
    return int(rng.integers(_START, _END)), f"Audit closed: {c.name[at]}", text


def _baggage_report(rng: np.random.Generator, d: _Directory, person: int) -> tuple[int, str, str]:
    at = d.person_at[person]
    p = d.people
    text = (
        f"Traveller {p.name_variants[at][0]} (passport {p.passport_number[at]}) was selected for a baggage "
        f"check on arrival; goods declared and duty paid. Contact: {p.phone[at] or 'none given'}."
    )
    return int(rng.integers(_START, _END)), "Baggage check, no finding", text

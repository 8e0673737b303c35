"""Bypass imports: a tax delinquent that keeps importing through front companies.

Once a firm is listed as a tax delinquent its own declarations stop clearing, so it registers new firms
that trade for it. A front gives itself away three ways at once, and the detector asks for all three:

1. it is **tied to the delinquent** by a phone, address, e-mail or bank account it also holds, or
   through its representative (the same person, or a person record sharing such an identifier with the
   delinquent's representative). Each tie counts by how specific the identifier is: an address forty
   firms of one office building share says little, a phone two firms share a lot
   (:func:`~analytics.detectors.common.identifier_specificity`); ties combine as a noisy-or;
2. it was **registered after the listing**, within a window;
3. it **buys from the delinquent's suppliers**: most of its declarations name a supplier the delinquent
   itself bought from.

A ring is the delinquent and its fronts. Each front carries the paths that tie it to the delinquent and
to a shared supplier, with the identifier's number of holders, the registration gap and the share of
its trade with the delinquent's suppliers as facts.

Example
-------
>>> from datetime import date
>>> link = BypassLink("C1", "Hanbit Trading", date(2022, 9, 1), "C2", "New Hanbit Trading",
...                   date(2022, 11, 20), "HAS_PHONE", "Phone", "+82234531290", 2, None, None)
>>> trade = [SupplierTrade("C1", "S1", 12, "D1"), SupplierTrade("C2", "S1", 9, "D7")]
>>> [ring] = find_bypass_rings(BypassTable((link,), tuple(trade)), BypassParameters())
>>> [(m.key, m.role) for m in ring.members]
[('C1', 'delinquent'), ('C2', 'front')]
>>> ring.evidence[0].facts["registration_gap_days"]
80
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from neo4j import Driver

from analytics.detectors.common import (
    as_date,
    groups,
    identifier_specificity,
    named_rows,
    parameters_of,
    read_trade_table,
    records,
)
from bigfinder.settings import Settings
from graph.findings import EvidencePath, RingCandidate, RingMember

__all__ = [
    "BypassImportDetector",
    "BypassLink",
    "BypassParameters",
    "BypassTable",
    "SupplierTrade",
    "find_bypass_rings",
    "read_bypass_table",
]

SCHEME = "bypass_import"
_IDENTIFIER_WORDS = {
    "HAS_PHONE": "phone",
    "HAS_ADDRESS": "address",
    "HAS_EMAIL": "e-mail address",
    "OWNS_ACCOUNT": "bank account",
}


@dataclass(frozen=True)
class BypassParameters:
    """Thresholds of the bypass-import detector."""

    #: A front is registered after the listing and at most this many days after it.
    max_registration_gap_days: int = 730
    #: Noisy-or of the ties' specificities a front needs; 0.05 still counts one address that 21
    #: parties share, and drops the hubs beyond.
    min_link_strength: float = 0.05
    #: Share of the front's declarations whose supplier the delinquent also bought from.
    min_supplier_overlap: float = 0.5


@dataclass(frozen=True)
class BypassLink:
    """One tie between a tax delinquent and another company (a row of the ``bypass_links`` read).

    ``relationship`` is the identifier's relationship type (``HAS_PHONE`` ...) or ``REPRESENTS`` when
    one person represents both; the representatives' ids are set when the tie runs through them.
    """

    delinquent_id: str
    delinquent_name: str
    listed_on: date
    company_id: str
    company_name: str
    registered_on: date | None
    relationship: str
    identifier_label: str | None
    identifier_key: str | None
    holders: int
    delinquent_rep_id: str | None
    front_rep_id: str | None

    @property
    def specificity(self) -> float:
        """How strongly this one tie links the two firms (1 for a shared representative)."""
        return 1.0 if self.identifier_label is None else identifier_specificity(self.holders)


@dataclass(frozen=True)
class SupplierTrade:
    """How many declarations ``company_id`` lodged with goods from ``supplier_id``, and one of them."""

    company_id: str
    supplier_id: str
    declarations: int
    example_declaration_id: str


@dataclass(frozen=True)
class BypassTable:
    """The detector's input: ties to delinquents and the trade of every company involved."""

    links: tuple[BypassLink, ...]
    trade: tuple[SupplierTrade, ...]


def read_bypass_table(driver: Driver, settings: Settings) -> BypassTable:
    """Read the ties of every tax delinquent, then the suppliers of the firms involved."""
    columns = read_trade_table(driver, settings, "bypass_links")
    links = tuple(
        BypassLink(
            **row
            | {
                "listed_on": _required_date(row["listed_on"]),
                "registered_on": as_date(row["registered_on"]),
                "holders": int(row["holders"]),
            }
        )
        for row in records(columns, *(field.name for field in fields(BypassLink)))
    )
    companies = sorted({link.delinquent_id for link in links} | {link.company_id for link in links})
    trade_columns = read_trade_table(driver, settings, "suppliers_of_importers", company_ids=companies)
    trade = tuple(
        SupplierTrade(company, supplier, int(count), example)
        for company, supplier, count, example in named_rows(
            trade_columns, "company_id", "supplier_id", "declarations", "example_declaration_id"
        )
    )
    return BypassTable(links, trade)


def _required_date(value: Any) -> date:
    day = as_date(value)
    if day is None:
        raise ValueError("a tax-delinquent listing without a date")
    return day


@dataclass(frozen=True)
class _Front:
    company_id: str
    strength: float
    overlap: float
    evidence: tuple[EvidencePath, ...]

    @property
    def score(self) -> float:
        return round((self.strength + self.overlap) / 2, 4)


def _link_strength(links: Sequence[BypassLink]) -> float:
    """Noisy-or over distinct ties: independent pieces of evidence that the two firms are one."""
    distinct = {(link.relationship, link.identifier_key, link.front_rep_id): link for link in links}
    missing = 1.0
    for link in distinct.values():
        missing *= 1.0 - link.specificity
    return 1.0 - missing


def _supplier_overlap(front: str, delinquent: str, trade: Mapping[str, dict[str, SupplierTrade]]) -> float:
    own = trade.get(front, {})
    total = sum(t.declarations for t in own.values())
    shared = sum(t.declarations for s, t in own.items() if s in trade.get(delinquent, {}))
    return shared / total if total else 0.0


def _tie_path(link: BypassLink, gap_days: int) -> EvidencePath:
    delinquent = ("Company", link.delinquent_id)
    front = ("Company", link.company_id)
    facts: dict[str, Any] = {"registration_gap_days": gap_days, "specificity": round(link.specificity, 4)}
    if link.identifier_label is None:
        rep = ("Person", link.front_rep_id or "")
        reason = f"{link.company_name} has the same representative as {link.delinquent_name}"
        return EvidencePath((delinquent, rep, front), ("REPRESENTS", "REPRESENTS"), reason, facts)
    identifier = (link.identifier_label, link.identifier_key or "")
    word = _IDENTIFIER_WORDS.get(link.relationship, link.identifier_label.lower())
    facts |= {"identifier": link.identifier_label, "holders": link.holders}
    shared_by = f"held by {link.holders} parties in all"
    if link.delinquent_rep_id is None:
        reason = f"{link.company_name} uses the {word} of tax delinquent {link.delinquent_name} ({shared_by})"
        return EvidencePath((delinquent, identifier, front), (link.relationship,) * 2, reason, facts)
    reason = (
        f"the representative of {link.company_name} shares a {word} with the representative of tax "
        f"delinquent {link.delinquent_name} ({shared_by})"
    )
    nodes = (delinquent, ("Person", link.delinquent_rep_id), identifier, ("Person", link.front_rep_id or ""))
    return EvidencePath(
        (*nodes, front), ("REPRESENTS", link.relationship, link.relationship, "REPRESENTS"), reason, facts
    )


def _supplier_paths(
    front: BypassLink, trade: Mapping[str, dict[str, SupplierTrade]], overlap: float
) -> list[EvidencePath]:
    paths = []
    theirs = trade.get(front.delinquent_id, {})
    for supplier, bought in sorted(trade.get(front.company_id, {}).items()):
        if supplier not in theirs:
            continue
        before = theirs[supplier]
        paths.append(
            EvidencePath(
                (
                    ("Company", front.delinquent_id),
                    ("Declaration", before.example_declaration_id),
                    ("Company", supplier),
                    ("Declaration", bought.example_declaration_id),
                    ("Company", front.company_id),
                ),
                ("IMPORTED", "SUPPLIED", "SUPPLIED", "IMPORTED"),
                f"{front.company_name} buys from {supplier}, a supplier of {front.delinquent_name}",
                {
                    "front_declarations": bought.declarations,
                    "delinquent_declarations": before.declarations,
                    "supplier_overlap": round(overlap, 4),
                },
            )
        )
    return paths


def _front(
    links: Sequence[BypassLink], trade: Mapping[str, dict[str, SupplierTrade]], params: BypassParameters
) -> _Front | None:
    first = links[0]
    if first.registered_on is None:
        return None
    gap = (first.registered_on - first.listed_on).days
    if not 0 < gap <= params.max_registration_gap_days:
        return None
    strength = _link_strength(links)
    overlap = _supplier_overlap(first.company_id, first.delinquent_id, trade)
    if strength < params.min_link_strength or overlap < params.min_supplier_overlap:
        return None
    ties = sorted((_tie_path(link, gap) for link in links), key=lambda p: -p.facts["specificity"])
    return _Front(first.company_id, strength, overlap, (*ties, *_supplier_paths(first, trade, overlap)))


def find_bypass_rings(table: BypassTable, params: BypassParameters) -> list[RingCandidate]:
    """Each tax delinquent with the fronts that pass all three tests, best ring first.

    A front that is itself listed later brings its own fronts into its delinquent's ring, so one
    network is reported once.
    """
    trade: dict[str, dict[str, SupplierTrade]] = {}
    for row in table.trade:
        trade.setdefault(row.company_id, {})[row.supplier_id] = row
    by_pair: dict[tuple[str, str], list[BypassLink]] = {}
    for link in table.links:
        by_pair.setdefault((link.delinquent_id, link.company_id), []).append(link)
    fronts: dict[tuple[str, str], _Front] = {}
    for pair, links in sorted(by_pair.items()):
        front = _front(links, trade, params)
        if front is not None:
            fronts[pair] = front
    rings = [_ring(group, fronts) for group in groups((), fronts)]
    return sorted(rings, key=lambda r: (-r.score, r.ring_id))


def _ring(group: Sequence[str], fronts: Mapping[tuple[str, str], _Front]) -> RingCandidate:
    inside = set(group)
    own = {pair: front for pair, front in fronts.items() if pair[0] in inside}
    fronted = {front for _, front in own}
    delinquents = sorted({d for d, _ in own} - fronted) or [min(d for d, _ in own)]
    front_score: dict[str, float] = {}
    for (_, company), front in own.items():
        front_score[company] = max(front_score.get(company, 0.0), front.score)
    for delinquent in delinquents:
        front_score.pop(delinquent, None)
    members = (
        *(RingMember("Company", d, "delinquent", 1.0) for d in delinquents),
        *(RingMember("Company", c, "front", s) for c, s in sorted(front_score.items(), key=lambda i: -i[1])),
    )
    score = round(sum(front_score.values()) / len(front_score), 4)
    evidence = tuple(path for front in own.values() for path in front.evidence)
    return RingCandidate(SCHEME, score, members, evidence)


class BypassImportDetector:
    """Tax delinquents importing through front companies (scheme ``bypass_import``)."""

    scheme = SCHEME
    version = "1"

    def __init__(self, params: BypassParameters | None = None) -> None:
        self.params = params or BypassParameters()

    def parameters(self) -> Mapping[str, Any]:
        return parameters_of(self.params)

    def detect(self, driver: Driver, settings: Settings) -> list[RingCandidate]:
        return find_bypass_rings(read_bypass_table(driver, settings), self.params)

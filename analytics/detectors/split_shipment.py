"""Split shipments: one buyer's order split into parcels that each clear under the duty-free threshold.

A buyer who imports goods for resale orders dozens of parcels to one address, puts a different
consignee name on many of them, and has each declared at less than the duty-free threshold although
the e-commerce ledger shows the price paid above it. The detector keeps only parcels with that
mismatch (**declared at or under the threshold, ledger price above it**), groups them by the buyer
who placed the orders, and reports a buyer as a ring when the group has enough parcels, enough
consignee names, and one delivery address receiving most of them.

Honest noise it leaves alone: gifts declared below their price (a parcel or two per buyer), and
logistics hubs that receive thousands of parcels for thousands of buyers (a buyer is grouped with their
own parcels only, never with everyone who ships to the same hub).

Example
-------
>>> parcels = [UnderdeclaredParcel("P1", f"LR{i}", f"RR{i}KR", ("Kim Minsu", "Lee Jiyoung")[i % 2],
...                                "101 1203 45 banpo daero", 12, 200.0 + i, 120.0, "USD", f"D{i}")
...            for i in range(12)]
>>> [ring] = find_split_shipment_rings(parcels, SplitShipmentParameters())
>>> ring.members[0].key, ring.members[0].role, len(ring.members)
('P1', 'buyer', 14)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from neo4j import Driver

from analytics.detectors.common import parameters_of, read_trade_table, records
from bigfinder.settings import Settings
from graph.findings import EvidencePath, RingCandidate, RingMember

__all__ = [
    "SplitShipmentDetector",
    "SplitShipmentParameters",
    "UnderdeclaredParcel",
    "find_split_shipment_rings",
    "read_split_shipment_table",
]

SCHEME = "split_shipment"


@dataclass(frozen=True)
class SplitShipmentParameters:
    """Thresholds of the split-shipment detector."""

    #: Parcels at or under this customs value (in ``currency``) clear without duty.
    duty_free_threshold: float = 150.0
    currency: str = "USD"
    #: Parcels over the threshold by their ledger price, declared under it, one buyer needs.
    min_parcels: int = 6
    #: Different consignee names on those parcels.
    min_consignee_names: int = 2
    #: Share of those parcels the buyer's main delivery address receives.
    min_address_share: float = 0.5


@dataclass(frozen=True)
class UnderdeclaredParcel:
    """A parcel declared below its ledger price (a row of the ``underdeclared_parcels`` read)."""

    buyer_id: str
    record_id: str
    tracking_number: str
    consignee_name: str | None
    address_key: str
    address_parcels: int
    ledger_price: float
    declared_value: float
    currency: str
    declaration_id: str


def read_split_shipment_table(driver: Driver, settings: Settings) -> list[UnderdeclaredParcel]:
    """Read every parcel declared below its ledger price."""
    columns = read_trade_table(driver, settings, "underdeclared_parcels")
    return [
        UnderdeclaredParcel(
            **row
            | {
                "address_parcels": int(row["address_parcels"]),
                "ledger_price": float(row["ledger_price"]),
                "declared_value": float(row["declared_value"]),
            }
        )
        for row in records(columns, *(field.name for field in fields(UnderdeclaredParcel)))
    ]


def _split(parcel: UnderdeclaredParcel, params: SplitShipmentParameters) -> bool:
    """Declared at or under the threshold though the ledger price is above it."""
    return (
        parcel.currency == params.currency
        and parcel.declared_value <= params.duty_free_threshold < parcel.ledger_price
    )


def _parcel_path(parcel: UnderdeclaredParcel) -> EvidencePath:
    return EvidencePath(
        (
            ("Person", parcel.buyer_id),
            ("PurchaseRecord", parcel.record_id),
            ("Parcel", parcel.tracking_number),
            ("Address", parcel.address_key),
        ),
        ("PURCHASED", "SHIPPED_AS", "DELIVERED_TO"),
        f"parcel {parcel.tracking_number} to {parcel.consignee_name or 'an unnamed consignee'} was bought "
        f"for {parcel.ledger_price:.2f} {parcel.currency} and declared at {parcel.declared_value:.2f}",
        {
            "ledger_price": parcel.ledger_price,
            "declared_value": parcel.declared_value,
            "consignee_name": parcel.consignee_name,
            "address_parcels": parcel.address_parcels,
        },
    )


def _ring(
    buyer: str, parcels: Sequence[UnderdeclaredParcel], params: SplitShipmentParameters
) -> RingCandidate | None:
    names = {p.consignee_name for p in parcels if p.consignee_name}
    addresses = Counter(p.address_key for p in parcels)
    address, at_address = addresses.most_common(1)[0]
    share = at_address / len(parcels)
    if len(parcels) < params.min_parcels or len(names) < params.min_consignee_names:
        return None
    if share < params.min_address_share:
        return None
    evaded = sum(p.ledger_price - p.declared_value for p in parcels)
    # More parcels and more names make a stronger case; both saturate well inside a ring's usual size.
    score = round(min(1.0, len(parcels) / 20) * 0.6 + min(1.0, len(names) / 5) * 0.2 + share * 0.2, 4)
    members = (
        RingMember("Person", buyer, "buyer", 1.0),
        *(RingMember("Parcel", p.tracking_number, "split_parcel", 1.0) for p in parcels),
        RingMember("Address", address, "delivery_address", round(share, 4)),
    )
    summary = EvidencePath(
        (
            ("Person", buyer),
            ("PurchaseRecord", parcels[0].record_id),
            ("Parcel", parcels[0].tracking_number),
            ("Address", address),
        ),
        ("PURCHASED", "SHIPPED_AS", "DELIVERED_TO"),
        f"{buyer} had {len(parcels)} parcels priced over {params.duty_free_threshold:g} {params.currency} "
        f"each declared under it, {at_address} of them to one address, under {len(names)} consignee names",
        {
            "parcels": len(parcels),
            "consignee_names": sorted(names),
            "address_share": round(share, 4),
            "ledger_total": round(sum(p.ledger_price for p in parcels), 2),
            "undeclared_value": round(evaded, 2),
        },
    )
    return RingCandidate(SCHEME, score, members, (summary, *(_parcel_path(p) for p in parcels)))


def find_split_shipment_rings(
    parcels: Sequence[UnderdeclaredParcel], params: SplitShipmentParameters
) -> list[RingCandidate]:
    """Buyers whose parcels were split under the duty-free threshold, best first."""
    by_buyer: dict[str, list[UnderdeclaredParcel]] = {}
    for parcel in parcels:
        if _split(parcel, params):
            by_buyer.setdefault(parcel.buyer_id, []).append(parcel)
    rings = []
    for buyer, own in sorted(by_buyer.items()):
        own.sort(key=lambda p: p.tracking_number)
        ring = _ring(buyer, own, params)
        if ring is not None:
            rings.append(ring)
    return sorted(rings, key=lambda r: (-r.score, r.ring_id))


class SplitShipmentDetector:
    """Parcels split under the duty-free threshold for one buyer (scheme ``split_shipment``)."""

    scheme = SCHEME
    version = "1"

    def __init__(self, params: SplitShipmentParameters | None = None) -> None:
        self.params = params or SplitShipmentParameters()

    def parameters(self) -> Mapping[str, Any]:
        return parameters_of(self.params)

    def detect(self, driver: Driver, settings: Settings) -> list[RingCandidate]:
        return find_split_shipment_rings(read_split_shipment_table(driver, settings), self.params)

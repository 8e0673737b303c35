"""Undervaluation rings: importers declaring a fraction of the market price, the rest paid on the side.

Importers in such a ring declare the same goods from the same suppliers at far below the market unit
price, and the difference reaches the supplier from a third party's account (a payment agent), so the
importer's own payments match the low invoices. The detector asks for both signals together:

1. **undervalued trade**: the market unit price of each kind of goods (HS code, origin country, unit,
   currency) is fitted from every importer's median declared price as an item price times an origin
   factor (:func:`market_unit_prices`), so a ring of a few importers cannot drag it down and goods only
   the ring imports are priced too. An (importer, supplier) pair is undervalued when at least
   ``min_undervalued_declarations`` of its declarations, and its median, are at most
   ``max_price_ratio`` of the market price;
2. **third-party payments**: the supplier of an undervalued pair receives money from an account that
   none of the supplier's importers holds.

A low price alone proves nothing: clearance stock, lower grades, second-hand goods and volume deals are
cheap too, and an honest discounter buys cheap from all its suppliers, one of which may happen to be a
ring's. The side payments are what make up a ring importer's low prices, so nearly all its cheap
declarations go to suppliers a third party pays (``min_side_paid_share``); an importer whose cheap
trade mostly goes elsewhere stays out. Importers, suppliers and third-party accounts linked by these two
kinds of tie form groups (:func:`~analytics.detectors.common.groups`); a group with enough importers and
at least one third-party account is a ring, with the accounts' holders as payment agents.

Example
-------
>>> prices = [CargoPrice(f"D{i}", f"I{i % 4}", "S9" if i % 4 < 2 else "S1", "851712", "CN", "pcs",
...                      "USD", 30.0 if i % 4 < 2 else 100.0) for i in range(24)]
>>> paid = [SupplierPayment("S9", "ACC-S9", ("S9",), "ACC-AGENT", 4, 9000.0, ("P7",), ())]
>>> [ring] = find_undervaluation_rings(UndervaluationTable(tuple(prices), tuple(paid)),
...                                    UndervaluationParameters(min_importers=2))
>>> sorted((m.key, m.role) for m in ring.members)  # doctest: +NORMALIZE_WHITESPACE
[('ACC-AGENT', 'third_party_account'), ('I0', 'importer'), ('I1', 'importer'),
 ('P7', 'payment_agent'), ('S9', 'supplier')]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from statistics import median
from typing import Any

from neo4j import Driver

from analytics.detectors.common import groups, parameters_of, read_trade_table, records
from bigfinder.settings import Settings
from graph.findings import EvidencePath, RingCandidate, RingMember

__all__ = [
    "CargoPrice",
    "SupplierPayment",
    "UndervaluationDetector",
    "UndervaluationParameters",
    "UndervaluationTable",
    "UndervaluedPair",
    "find_undervaluation_rings",
    "market_unit_prices",
    "read_undervaluation_table",
    "suspect_suppliers",
    "undervalued_pairs",
]

SCHEME = "undervaluation"

#: What makes goods comparable: HS code, origin country, unit of quantity, currency.
GoodsKey = tuple[str, str, str, str]
Node = tuple[str, str]
#: Rounds of median polish; the item and origin terms settle within a few.
_POLISH_ROUNDS = 8


@dataclass(frozen=True)
class UndervaluationParameters:
    """Thresholds of the undervaluation detector."""

    #: Declared unit price at most this share of the market price counts as undervalued (honest prices
    #: scatter about 12% around the market; rings declare 20-45% of it).
    max_price_ratio: float = 0.6
    #: Undervalued declarations an (importer, supplier) pair needs; one odd price is not a pattern.
    min_undervalued_declarations: int = 3
    #: Undervaluing importers a ring needs.
    min_importers: int = 2
    #: Share of an importer's undervalued declarations that must go to suppliers paid by a third party:
    #: the side payments make up nearly all a ring importer's low prices, while an honest discounter
    #: buys cheap from every supplier it has.
    min_side_paid_share: float = 0.75


@dataclass(frozen=True)
class CargoPrice:
    """One cargo declaration's declared unit price (a row of the ``cargo_unit_prices`` read)."""

    declaration_id: str
    importer_id: str
    supplier_id: str
    hs_code: str
    origin_country: str
    unit: str
    currency: str
    declared_unit_price: float

    @property
    def goods(self) -> GoodsKey:
        return (self.hs_code, self.origin_country, self.unit, self.currency)


@dataclass(frozen=True)
class SupplierPayment:
    """Money one account sent to a supplier's account, with the payer account's holders."""

    supplier_id: str
    supplier_account: str
    #: Every firm holding the receiving account: the supplier, and its second record if it has one.
    supplier_account_holder_ids: tuple[str, ...]
    payer_account: str
    transfers: int
    amount: float
    payer_person_ids: tuple[str, ...]
    payer_company_ids: tuple[str, ...]


@dataclass(frozen=True)
class UndervaluationTable:
    """The detector's input: declared unit prices, and payments to the suppliers under suspicion."""

    prices: tuple[CargoPrice, ...]
    payments: tuple[SupplierPayment, ...]


@dataclass(frozen=True)
class UndervaluedPair:
    """An undervalued (importer, supplier) pair."""

    importer_id: str
    supplier_id: str
    declarations: int
    undervalued: int
    median_ratio: float
    lowest: CargoPrice
    lowest_ratio: float
    market_unit_price: float


def market_unit_prices(prices: Sequence[CargoPrice]) -> dict[GoodsKey, float]:
    """The market unit price of each kind of goods, fitted as item price times origin-country factor.

    Each importer counts once per kind of goods (its median price), and each kind of goods once per
    origin (the median over its importers). The logarithm of that median is fitted as an item term plus
    an origin term by median polish, so goods that only a ring imports from one country are still priced
    from the same item's other origins and the same country's other goods, and a ring's low prices are
    outliers the medians ignore.
    """
    by_importer: dict[GoodsKey, dict[str, list[float]]] = {}
    for price in prices:
        if price.declared_unit_price > 0:
            by_importer.setdefault(price.goods, {}).setdefault(price.importer_id, []).append(
                price.declared_unit_price
            )
    cells = {
        goods: math.log(median(median(own) for own in importers.values()))
        for goods, importers in by_importer.items()
    }
    item_term: dict[tuple[str, str, str], float] = {}
    origin_term = {origin: 0.0 for _, origin, _, _ in cells}
    for _ in range(_POLISH_ROUNDS):
        residuals: dict[tuple[str, str, str], list[float]] = {}
        for (hs, origin, unit, currency), value in cells.items():
            residuals.setdefault((hs, unit, currency), []).append(value - origin_term[origin])
        item_term = {item: float(median(values)) for item, values in residuals.items()}
        by_origin: dict[str, list[float]] = {}
        for (hs, origin, unit, currency), value in cells.items():
            by_origin.setdefault(origin, []).append(value - item_term[(hs, unit, currency)])
        origin_term = {origin: float(median(values)) for origin, values in by_origin.items()}
    return {
        goods: math.exp(item_term[(goods[0], goods[2], goods[3])] + origin_term[goods[1]]) for goods in cells
    }


def _price_ratios(
    prices: Sequence[CargoPrice],
) -> tuple[dict[GoodsKey, float], dict[tuple[str, str], list[tuple[float, CargoPrice]]]]:
    """The market prices, and each (importer, supplier) pair's declarations as (price ratio, price)."""
    market = market_unit_prices(prices)
    ratios: dict[tuple[str, str], list[tuple[float, CargoPrice]]] = {}
    for price in prices:
        reference = market.get(price.goods)
        if reference:
            ratios.setdefault((price.importer_id, price.supplier_id), []).append(
                (price.declared_unit_price / reference, price)
            )
    return market, ratios


def undervalued_pairs(
    prices: Sequence[CargoPrice], params: UndervaluationParameters
) -> list[UndervaluedPair]:
    """The (importer, supplier) pairs that declare well below the market, sorted."""
    return _undervalued(*_price_ratios(prices), params)


def _undervalued(
    market: Mapping[GoodsKey, float],
    ratios: Mapping[tuple[str, str], list[tuple[float, CargoPrice]]],
    params: UndervaluationParameters,
) -> list[UndervaluedPair]:
    pairs = []
    for (importer, supplier), rows in sorted(ratios.items()):
        low = [ratio for ratio, _ in rows if ratio <= params.max_price_ratio]
        pair_median = float(median(ratio for ratio, _ in rows))
        if len(low) < params.min_undervalued_declarations or pair_median > params.max_price_ratio:
            continue
        lowest_ratio, lowest = min(rows, key=lambda row: (row[0], row[1].declaration_id))
        pairs.append(
            UndervaluedPair(
                importer,
                supplier,
                len(rows),
                len(low),
                pair_median,
                lowest,
                lowest_ratio,
                market[lowest.goods],
            )
        )
    return pairs


def suspect_suppliers(prices: Sequence[CargoPrice], params: UndervaluationParameters) -> list[str]:
    """The suppliers of undervalued pairs: whose incoming payments the detector reads next."""
    return sorted({pair.supplier_id for pair in undervalued_pairs(prices, params)})


def read_undervaluation_table(
    driver: Driver, settings: Settings, params: UndervaluationParameters
) -> UndervaluationTable:
    """Read every cargo declaration's unit price, then the payments to the suppliers under suspicion."""
    columns = read_trade_table(driver, settings, "cargo_unit_prices")
    prices = tuple(
        CargoPrice(**row | {"declared_unit_price": float(row["declared_unit_price"])})
        for row in records(columns, *(field.name for field in fields(CargoPrice)))
    )
    suppliers = suspect_suppliers(prices, params)
    paid = read_trade_table(driver, settings, "payments_to_suppliers", supplier_ids=suppliers)
    payments = tuple(
        SupplierPayment(
            **row
            | {
                "supplier_account_holder_ids": tuple(row["supplier_account_holder_ids"]),
                "transfers": int(row["transfers"]),
                "amount": float(row["amount"]),
                "payer_person_ids": tuple(row["payer_person_ids"]),
                "payer_company_ids": tuple(row["payer_company_ids"]),
            }
        )
        for row in records(paid, *(field.name for field in fields(SupplierPayment)))
    )
    return UndervaluationTable(prices, payments)


def _third_party_payments(
    prices: Sequence[CargoPrice], payments: Sequence[SupplierPayment], suppliers: set[str]
) -> list[SupplierPayment]:
    """Payments to ``suppliers`` from accounts that no importer of the receiving account's firms holds."""
    importers_of: dict[str, set[str]] = {}
    for price in prices:
        importers_of.setdefault(price.supplier_id, set()).add(price.importer_id)
    third_party = []
    for payment in payments:
        customers = set().union(*(importers_of.get(s, set()) for s in payment.supplier_account_holder_ids))
        if payment.supplier_id in suppliers and not set(payment.payer_company_ids) & customers:
            third_party.append(payment)
    return third_party


def _pair_path(pair: UndervaluedPair) -> EvidencePath:
    return EvidencePath(
        (
            ("Company", pair.importer_id),
            ("Declaration", pair.lowest.declaration_id),
            ("Company", pair.supplier_id),
        ),
        ("IMPORTED", "SUPPLIED"),
        f"{pair.importer_id} declares goods from {pair.supplier_id} at a median "
        f"{pair.median_ratio:.0%} of the market unit price ({pair.undervalued} of {pair.declarations} "
        "declarations far below it)",
        {
            "median_price_ratio": round(pair.median_ratio, 4),
            "lowest_price_ratio": round(pair.lowest_ratio, 4),
            "declared_unit_price": round(pair.lowest.declared_unit_price, 4),
            "market_unit_price": round(pair.market_unit_price, 4),
            "hs_code": pair.lowest.hs_code,
            "undervalued_declarations": pair.undervalued,
            "declarations": pair.declarations,
        },
    )


def _payment_path(payment: SupplierPayment) -> EvidencePath:
    holders = [("Person", p) for p in payment.payer_person_ids] + [
        ("Company", c) for c in payment.payer_company_ids
    ]
    start: tuple[tuple[str, str], ...] = (holders[0],) if holders else ()
    nodes = (
        *start,
        ("Account", payment.payer_account),
        ("Account", payment.supplier_account),
        ("Company", payment.supplier_id),
    )
    relationships = (*(("OWNS_ACCOUNT",) if holders else ()), "TRANSFER", "OWNS_ACCOUNT")
    payer = holders[0][1] if holders else "an unknown holder"
    return EvidencePath(
        nodes,
        relationships,
        f"account {payment.payer_account} of {payer}, who imports nothing from {payment.supplier_id}, "
        f"pays the supplier ({payment.transfers} transfers)",
        {"transfers": payment.transfers, "amount": round(payment.amount, 2)},
    )


def _ring(
    group: Sequence[Node], pairs: Sequence[UndervaluedPair], payments: Sequence[SupplierPayment]
) -> RingCandidate:
    inside = set(group)
    own_pairs = [p for p in pairs if ("importer", p.importer_id) in inside]
    own_payments = [p for p in payments if ("account", p.payer_account) in inside]
    importer_score: dict[str, float] = {}
    for pair in own_pairs:
        score = round(1.0 - pair.median_ratio, 4)
        importer_score[pair.importer_id] = max(importer_score.get(pair.importer_id, 0.0), score)
    agents = sorted({person for p in own_payments for person in p.payer_person_ids})
    members = (
        *(RingMember("Company", i, "importer", s) for i, s in sorted(importer_score.items())),
        *(RingMember("Company", key, "supplier", 1.0) for kind, key in group if kind == "supplier"),
        *(RingMember("Account", key, "third_party_account", 1.0) for kind, key in group if kind == "account"),
        *(RingMember("Person", person, "payment_agent", 1.0) for person in agents),
    )
    score = round(sum(importer_score.values()) / len(importer_score), 4)
    evidence = (*(_pair_path(p) for p in own_pairs), *(_payment_path(p) for p in own_payments))
    return RingCandidate(SCHEME, score, members, evidence)


def _side_paid_importers(
    ratios: Mapping[tuple[str, str], list[tuple[float, CargoPrice]]],
    paid_suppliers: set[str],
    params: UndervaluationParameters,
) -> set[str]:
    """Importers whose undervalued declarations go mostly to suppliers a third party pays."""
    cheap: dict[str, int] = {}
    side_paid: dict[str, int] = {}
    for (importer, supplier), rows in ratios.items():
        low = sum(ratio <= params.max_price_ratio for ratio, _ in rows)
        cheap[importer] = cheap.get(importer, 0) + low
        if supplier in paid_suppliers:
            side_paid[importer] = side_paid.get(importer, 0) + low
    return {
        importer
        for importer, paid in side_paid.items()
        if paid > 0 and paid >= params.min_side_paid_share * cheap[importer]
    }


def find_undervaluation_rings(
    table: UndervaluationTable, params: UndervaluationParameters
) -> list[RingCandidate]:
    """Groups of undervaluing importers, their suppliers and the third parties paying them, best first."""
    market, ratios = _price_ratios(table.prices)
    pairs = _undervalued(market, ratios, params)
    suppliers = {pair.supplier_id for pair in pairs}
    payments = _third_party_payments(table.prices, table.payments, suppliers)
    side_paid = _side_paid_importers(ratios, {p.supplier_id for p in payments}, params)
    pairs = [pair for pair in pairs if pair.importer_id in side_paid]
    links: list[tuple[Node, Node]] = [
        (("importer", p.importer_id), ("supplier", p.supplier_id)) for p in pairs
    ]
    links += [(("account", p.payer_account), ("supplier", p.supplier_id)) for p in payments]
    rings = []
    for group in groups([node for link in links for node in link], links):
        kinds = [kind for kind, _ in group]
        if kinds.count("importer") >= params.min_importers and "account" in kinds:
            rings.append(_ring(group, pairs, payments))
    return sorted(rings, key=lambda r: (-r.score, r.ring_id))


class UndervaluationDetector:
    """Importers declaring far below market, paid up by a third party (scheme ``undervaluation``)."""

    scheme = SCHEME
    version = "2"

    def __init__(self, params: UndervaluationParameters | None = None) -> None:
        self.params = params or UndervaluationParameters()

    def parameters(self) -> Mapping[str, Any]:
        return parameters_of(self.params)

    def detect(self, driver: Driver, settings: Settings) -> list[RingCandidate]:
        table = read_undervaluation_table(driver, settings, self.params)
        return find_undervaluation_rings(table, self.params)

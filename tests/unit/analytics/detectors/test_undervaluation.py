import math

import pytest

from analytics.detectors.undervaluation import (
    CargoPrice,
    SupplierPayment,
    UndervaluationDetector,
    UndervaluationParameters,
    UndervaluationTable,
    find_undervaluation_rings,
    market_unit_prices,
    suspect_suppliers,
    undervalued_pairs,
)

#: Market unit prices of three items and the price factors of three origins.
ITEMS = {"851712": 200.0, "640399": 40.0, "420221": 90.0}
FACTORS = {"CN": 1.0, "VN": 0.8, "IT": 1.6}


def declarations(
    importer: str, supplier: str, hs: str, origin: str, ratio: float, count: int = 6
) -> list[CargoPrice]:
    market = ITEMS[hs] * FACTORS[origin]
    # Honest prices scatter a few percent around the market.
    return [
        CargoPrice(
            f"D-{importer}-{supplier}-{hs}-{k}",
            importer,
            supplier,
            hs,
            origin,
            "pcs",
            "USD",
            market * ratio * (1 + 0.03 * math.sin(k)),
        )
        for k in range(count)
    ]


def honest_market() -> list[CargoPrice]:
    rows = []
    for n in range(8):
        for hs in ITEMS:
            for origin in FACTORS:
                rows += declarations(f"H{n}", f"S-{origin}", hs, origin, 1.0, count=3)
    return rows


def payment(
    supplier: str, payer: str, people: tuple[str, ...] = (), firms: tuple[str, ...] = ()
) -> SupplierPayment:
    return SupplierPayment(supplier, f"ACC-{supplier}", (supplier,), payer, 3, 5000.0, people, firms)


RING = (
    declarations("R1", "S-RING", "851712", "CN", 0.3)
    + declarations("R2", "S-RING", "851712", "CN", 0.35)
    + declarations("R3", "S-RING", "640399", "VN", 0.4)
)
AGENT = payment("S-RING", "ACC-AGENT", people=("P-AGENT",))


def test_market_price_is_item_price_times_origin_factor_even_for_goods_only_the_ring_buys() -> None:
    only_ring = declarations("R1", "S-X", "640399", "CN", 0.3) + declarations(
        "R2", "S-X", "640399", "CN", 0.3
    )
    others = [p for p in honest_market() if (p.hs_code, p.origin_country) != ("640399", "CN")]
    market = market_unit_prices(others + only_ring)
    assert market[("640399", "CN", "pcs", "USD")] == pytest.approx(40.0, rel=0.05)
    assert market[("851712", "VN", "pcs", "USD")] == pytest.approx(160.0, rel=0.05)


def test_ring_importers_suppliers_and_the_paying_third_party_form_one_ring() -> None:
    own_payment = payment("S-RING", "ACC-R1", firms=("R1",))
    table = UndervaluationTable(tuple(honest_market() + RING), (AGENT, own_payment))
    [ring] = find_undervaluation_rings(table, UndervaluationParameters())
    roles = {(m.key, m.role) for m in ring.members}
    assert roles == {
        ("R1", "importer"),
        ("R2", "importer"),
        ("R3", "importer"),
        ("S-RING", "supplier"),
        ("ACC-AGENT", "third_party_account"),
        ("P-AGENT", "payment_agent"),
    }
    ratios = [e.facts["median_price_ratio"] for e in ring.evidence if "median_price_ratio" in e.facts]
    assert len(ratios) == 3 and max(ratios) < 0.45


def test_low_prices_without_a_third_party_payment_are_not_a_ring() -> None:
    table = UndervaluationTable(tuple(honest_market() + RING), (payment("S-RING", "ACC-R1", firms=("R1",)),))
    assert find_undervaluation_rings(table, UndervaluationParameters()) == []


def test_the_suppliers_customers_paying_it_are_not_third_parties() -> None:
    # H1 buys from the supplier's second record, which holds the same account.
    customer = SupplierPayment("S-RING", "ACC-S", ("S-RING", "S-RING-2"), "ACC-H1", 2, 900.0, (), ("H1",))
    prices = honest_market() + RING + declarations("H1", "S-RING-2", "851712", "CN", 1.0)
    table = UndervaluationTable(tuple(prices), (customer,))
    assert find_undervaluation_rings(table, UndervaluationParameters()) == []


def test_one_odd_price_is_not_undervaluation() -> None:
    odd = declarations("H9", "S-RING", "851712", "CN", 0.3, count=2) + declarations(
        "H9", "S-RING", "851712", "CN", 1.0
    )
    pairs = undervalued_pairs(honest_market() + odd, UndervaluationParameters())
    assert pairs == []
    assert suspect_suppliers(honest_market() + RING, UndervaluationParameters()) == ["S-RING"]


def test_an_honest_buyer_of_a_ring_supplier_stays_out() -> None:
    prices = honest_market() + RING + declarations("H1", "S-RING", "851712", "CN", 1.0)
    table = UndervaluationTable(tuple(prices), (AGENT,))
    [ring] = find_undervaluation_rings(table, UndervaluationParameters())
    assert "H1" not in {m.key for m in ring.members}


def test_a_lone_undervaluing_importer_is_below_the_ring_size() -> None:
    prices = honest_market() + declarations("R1", "S-RING", "851712", "CN", 0.3)
    table = UndervaluationTable(tuple(prices), (AGENT,))
    assert find_undervaluation_rings(table, UndervaluationParameters()) == []
    assert len(find_undervaluation_rings(table, UndervaluationParameters(min_importers=1))) == 1


def test_the_detector_keeps_the_protocol() -> None:
    detector = UndervaluationDetector()
    assert detector.scheme == "undervaluation"
    assert detector.parameters()["max_price_ratio"] == 0.6


def test_an_honest_discounter_buying_cheap_from_a_ring_supplier_too_stays_out() -> None:
    # Clearance stock from five suppliers, one of them the ring's: its low prices are not made up on the side.
    discounter = declarations("H9", "S-RING", "851712", "CN", 0.4)
    for origin in FACTORS:
        discounter += declarations("H9", f"S-{origin}", "640399", origin, 0.45)
        discounter += declarations("H9", f"S-{origin}", "420221", origin, 0.5)
    table = UndervaluationTable(tuple(honest_market() + RING + discounter), (AGENT,))
    [ring] = find_undervaluation_rings(table, UndervaluationParameters())
    keys = {m.key for m in ring.members}
    assert "H9" not in keys and not keys & {f"S-{origin}" for origin in FACTORS}
    assert {"R1", "R2", "R3"} <= keys

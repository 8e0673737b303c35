from dataclasses import replace
from datetime import date

from analytics.detectors.bypass import (
    BypassImportDetector,
    BypassLink,
    BypassParameters,
    BypassTable,
    SupplierTrade,
    find_bypass_rings,
)

LISTED = date(2022, 9, 1)


def link(front: str, relationship: str = "HAS_PHONE", holders: int = 2, **changes: object) -> BypassLink:
    label = {"HAS_PHONE": "Phone", "HAS_ADDRESS": "Address", "OWNS_ACCOUNT": "Account"}.get(relationship)
    base = BypassLink(
        "D1",
        "Hanbit Trading",
        LISTED,
        front,
        f"New {front}",
        date(2022, 12, 1),
        relationship,
        label,
        None if label is None else f"{label}-{front}",
        holders,
        None,
        None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def trade(company: str, *suppliers: str, declarations: int = 5) -> list[SupplierTrade]:
    return [SupplierTrade(company, s, declarations, f"D-{company}-{s}") for s in suppliers]


DELINQUENT_TRADE = trade("D1", "S1", "S2", "S3")


def rings(links: list[BypassLink], extra_trade: list[SupplierTrade], **params: object) -> list[set[str]]:
    table = BypassTable(tuple(links), tuple(DELINQUENT_TRADE + extra_trade))
    found = find_bypass_rings(table, BypassParameters(**params))  # type: ignore[arg-type]
    return [{m.key for m in ring.members} for ring in found]


def test_fronts_tied_registered_after_listing_and_buying_from_the_same_suppliers() -> None:
    found = rings([link("F1"), link("F2", "OWNS_ACCOUNT")], trade("F1", "S1", "S2") + trade("F2", "S3"))
    assert found == [{"D1", "F1", "F2"}]


def test_office_building_neighbours_are_not_fronts() -> None:
    # Forty firms share the delinquent's address; one was registered after the listing but buys elsewhere,
    # another buys from the same suppliers but the address is all that ties it.
    neighbours = [link(f"N{i}", "HAS_ADDRESS", holders=41) for i in range(40)]
    found = rings(neighbours, trade("N0", "S7", "S8") + trade("N1", "S1", "S2"))
    assert found == []


def test_a_front_needs_to_buy_from_the_delinquents_suppliers() -> None:
    assert rings([link("F1")], trade("F1", "S8", "S9")) == []
    assert rings([link("F1")], trade("F1", "S1") + trade("F1", "S9", declarations=6)) == []
    assert rings([link("F1")], trade("F1", "S1", declarations=6) + trade("F1", "S9")) == [{"D1", "F1"}]


def test_a_front_is_registered_after_the_listing_within_the_window() -> None:
    before = link("F1", registered_on=date(2021, 1, 1))
    long_after = link("F2", registered_on=date(2026, 1, 1))
    unknown = link("F3", registered_on=None)
    suppliers = trade("F1", "S1") + trade("F2", "S1") + trade("F3", "S1")
    assert rings([before, long_after, unknown], suppliers) == []
    assert rings([long_after], suppliers, max_registration_gap_days=3000) == [{"D1", "F2"}]


def test_weak_ties_add_up() -> None:
    # Two addresses each shared by a handful of parties are stronger together than either alone.
    weak = [link("F1", "HAS_ADDRESS", holders=30), link("F1", "HAS_PHONE", holders=30, identifier_key="p")]
    assert rings(weak[:1], trade("F1", "S1"), min_link_strength=0.06) == []
    assert rings(weak, trade("F1", "S1"), min_link_strength=0.06) == [{"D1", "F1"}]


def test_a_representative_tie_is_evidence_with_the_people_on_the_path() -> None:
    via_rep = link("F1", "HAS_PHONE", holders=3, delinquent_rep_id="P1", front_rep_id="P2")
    [ring] = find_bypass_rings(
        BypassTable((via_rep,), tuple(DELINQUENT_TRADE + trade("F1", "S1"))), BypassParameters()
    )
    tie = ring.evidence[0]
    assert [label for label, _ in tie.nodes] == ["Company", "Person", "Phone", "Person", "Company"]
    assert tie.relationships == ("REPRESENTS", "HAS_PHONE", "HAS_PHONE", "REPRESENTS")
    assert tie.facts["holders"] == 3 and tie.facts["registration_gap_days"] == 91
    supplier_path = ring.evidence[1]
    assert supplier_path.nodes[2] == ("Company", "S1") and supplier_path.facts["supplier_overlap"] == 1.0


def test_a_front_listed_later_brings_its_own_fronts_into_one_ring() -> None:
    second = [replace(link("F3"), delinquent_id="F1", listed_on=date(2022, 10, 1))]
    found = rings([link("F1"), *second], trade("F1", "S1") + trade("F3", "S1"))
    assert found == [{"D1", "F1", "F3"}]
    table = BypassTable(
        (link("F1"), *second), tuple(DELINQUENT_TRADE + trade("F1", "S1") + trade("F3", "S1"))
    )
    [ring] = find_bypass_rings(table, BypassParameters())
    assert {m.key: m.role for m in ring.members} == {"D1": "delinquent", "F1": "front", "F3": "front"}


def test_rings_are_ranked_by_how_specific_their_ties_are() -> None:
    other = [replace(link("G1", holders=8), delinquent_id="D2")]
    table = BypassTable(
        (link("F1"), *other),
        tuple(DELINQUENT_TRADE + trade("D2", "S5") + trade("F1", "S1") + trade("G1", "S5")),
    )
    found = find_bypass_rings(table, BypassParameters())
    assert [ring.members[0].key for ring in found] == ["D1", "D2"]
    assert found[0].score > found[1].score


def test_the_detector_keeps_the_protocol() -> None:
    detector = BypassImportDetector(BypassParameters(min_supplier_overlap=0.7))
    assert detector.scheme == "bypass_import"
    assert detector.parameters()["min_supplier_overlap"] == 0.7

from analytics.detectors.split_shipment import (
    SplitShipmentDetector,
    SplitShipmentParameters,
    UnderdeclaredParcel,
    find_split_shipment_rings,
)

HOME = "101 1203 45 banpo daero seocho gu seoul 06591"
HUB = "logistics center 1 500 haeundae ro busan 48000"
NAMES = ("Kim Minsu", "김민수", "Lee Jiyoung", "Park Seojun")


def parcels(
    buyer: str,
    count: int,
    *,
    address: str = HOME,
    price: float = 240.0,
    declared: float = 120.0,
    names: tuple[str, ...] = NAMES,
    address_parcels: int = 40,
) -> list[UnderdeclaredParcel]:
    return [
        UnderdeclaredParcel(
            buyer,
            f"LR-{buyer}-{k}",
            f"RR{buyer}{k:04d}KR",
            names[k % len(names)],
            address,
            address_parcels,
            price + k,
            declared,
            "USD",
            f"D-{buyer}-{k}",
        )
        for k in range(count)
    ]


def found(rows: list[UnderdeclaredParcel], **params: object) -> list[dict[str, str]]:
    rings = find_split_shipment_rings(rows, SplitShipmentParameters(**params))  # type: ignore[arg-type]
    return [{m.key: m.role for m in ring.members} for ring in rings]


def test_one_buyers_parcels_split_under_the_threshold_are_a_ring() -> None:
    [ring] = found(parcels("P1", 20))
    assert ring["P1"] == "buyer" and ring[HOME] == "delivery_address"
    assert sum(role == "split_parcel" for role in ring.values()) == 20


def test_gifts_declared_low_are_not_split_shipments() -> None:
    # Many buyers with a gift or two each, all delivered to one logistics hub.
    gifts = [p for n in range(200) for p in parcels(f"G{n}", 2, address=HUB, names=("Choi Yuna",))]
    assert found(gifts) == []


def test_only_parcels_priced_over_the_threshold_and_declared_under_it_count() -> None:
    cheap = parcels("P1", 20, price=90.0, declared=60.0)
    over_declared = parcels("P2", 20, declared=151.0)
    other_currency = [p.__class__(**{**p.__dict__, "currency": "EUR"}) for p in parcels("P3", 20)]
    assert found(cheap + over_declared + other_currency) == []
    assert len(found(parcels("P4", 20, price=120.0, declared=60.0), duty_free_threshold=100.0)) == 1


def test_a_single_consignee_name_or_scattered_addresses_are_not_enough() -> None:
    assert found(parcels("P1", 20, names=("Kim Minsu",))) == []
    scattered = [p for k in range(10) for p in parcels("P2", 2, address=f"{k} somewhere")]
    assert found(scattered) == []


def test_too_few_parcels_are_not_a_ring() -> None:
    assert found(parcels("P1", 5)) == []
    assert len(found(parcels("P1", 5), min_parcels=5)) == 1


def test_bigger_splits_rank_first_and_carry_a_path_per_parcel() -> None:
    rings = find_split_shipment_rings(parcels("P1", 30) + parcels("P2", 8), SplitShipmentParameters())
    assert [r.members[0].key for r in rings] == ["P1", "P2"]
    summary, *per_parcel = rings[0].evidence
    assert summary.facts["parcels"] == 30 and summary.facts["address_share"] == 1.0
    assert len(per_parcel) == 30
    assert per_parcel[0].relationships == ("PURCHASED", "SHIPPED_AS", "DELIVERED_TO")
    assert per_parcel[0].facts["ledger_price"] > 150 >= per_parcel[0].facts["declared_value"]


def test_the_detector_keeps_the_protocol() -> None:
    detector = SplitShipmentDetector()
    assert detector.scheme == "split_shipment"
    assert detector.parameters()["duty_free_threshold"] == 150.0

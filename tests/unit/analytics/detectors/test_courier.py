import re
from collections.abc import Iterable, Sequence

import cypher
from analytics.detectors.base import Detector
from analytics.detectors.courier import (
    BaggageHit,
    CoTravel,
    CourierParameters,
    CourierRingDetector,
    CourierTable,
    SharedPhone,
    TravellerPayment,
    find_courier_rings,
)
from graph.findings import RingCandidate
from graph.schema import SCHEMA

ORGANISER_ACCOUNT = "110-000-000001"


def paid(
    payer: str, people: Iterable[str], owner: str = "Person:P-ORG", times: int = 1
) -> list[TravellerPayment]:
    return [
        TravellerPayment(
            payer, (owner,), p, f"ACC-{p}", f"X-{payer}-{p}-{k}", 1_000_000.0, "KRW", "2023-05-06"
        )
        for p in people
        for k in range(times)
    ]


def together(day: str, *people: str, voyage: str = "KE0852") -> CoTravel:
    return CoTravel("flight", voyage, day, people, tuple(f"T-{p}-{day}" for p in people))


COURIERS = ("P1", "P2", "P3", "P4")
RING_TRIPS = [together("2023-05-04", *COURIERS), together("2023-08-10", "P1", "P2", "P3")]


def find(
    payments: Sequence[TravellerPayment],
    occasions: Sequence[CoTravel],
    phones: Sequence[SharedPhone] = (),
    hits: Sequence[BaggageHit] = (),
    **params: object,
) -> list[RingCandidate]:
    table = CourierTable(tuple(payments), tuple(occasions), tuple(phones), tuple(hits))
    return find_courier_rings(table, CourierParameters(**params))  # type: ignore[arg-type]


def roles(ring: RingCandidate) -> dict[str, str]:
    return {m.key: m.role for m in ring.members}


def test_travellers_paid_by_one_account_who_keep_travelling_together_are_a_ring() -> None:
    [ring] = find(paid(ORGANISER_ACCOUNT, COURIERS), RING_TRIPS)
    assert roles(ring) == {
        "P-ORG": "organiser",
        ORGANISER_ACCOUNT: "organiser_account",
        **{c: "courier" for c in COURIERS},
    }
    assert ring.scheme == "courier"


def test_a_courier_who_flew_with_the_group_once_is_kept_through_the_shared_phone() -> None:
    phones = [SharedPhone("P1", "P5", "+821055550000"), SharedPhone("P2", "P5", "+821055550000")]
    [ring] = find(paid(ORGANISER_ACCOUNT, (*COURIERS, "P5")), RING_TRIPS, phones)
    assert roles(ring)["P5"] == "courier"
    phone_paths = [e for e in ring.evidence if e.relationships == ("HAS_PHONE", "HAS_PHONE")]
    assert phone_paths[0].facts["holders"] == ["P1", "P2", "P5"]


def test_strangers_on_one_busy_flight_are_not_a_ring() -> None:
    # One account paid them all, but they travelled together only once.
    assert find(paid(ORGANISER_ACCOUNT, COURIERS), RING_TRIPS[:1]) == []
    assert find(paid(ORGANISER_ACCOUNT, COURIERS), RING_TRIPS[:1], min_shared_occasions=1) != []


def test_a_family_paid_by_its_head_is_not_a_ring() -> None:
    # Two relatives fly together again and again and share the home phone; the head pays both.
    family_trips = [together(f"2023-0{m}-01", "K1", "K2") for m in range(1, 8)]
    assert (
        find(paid("FAMILY-HEAD", ("K1", "K2")), family_trips, [SharedPhone("K1", "K2", "+8225550000")]) == []
    )


def test_an_employer_whose_staff_once_flew_together_twice_is_not_a_ring() -> None:
    staff = [f"E{i}" for i in range(20)]
    trips = [together("2023-02-01", "E1", "E2", "E3"), together("2023-03-01", "E1", "E2")]
    assert find(paid("EMPLOYER", staff, owner="Company:C-EMP"), trips) == []
    # The same three people as the whole of an account's payees are suspicious.
    assert find(paid("EMPLOYER", staff[1:4], owner="Company:C-EMP"), trips) != []


def test_baggage_hits_raise_the_score_and_are_evidence() -> None:
    other = ("Q1", "Q2", "Q3", "Q4")
    other_trips = [together("2023-05-04", *other, voyage="OZ0745"), together("2023-09-04", *other)]
    hits = [BaggageHit("P1", "T-P1-2023-05-04", "S1", "gold_bar", 0.93)]
    found = find(
        paid(ORGANISER_ACCOUNT, COURIERS) + paid("OTHER", other), RING_TRIPS + other_trips, hits=hits
    )
    assert [roles(ring).get("P1") for ring in found] == ["courier", None]
    assert found[0].score > found[1].score
    [hit_path] = [e for e in found[0].evidence if e.nodes[0][0] == "XRayHit"]
    assert hit_path.facts == {"detected_class": "gold_bar", "confidence": 0.93}
    assert "gold bar" in hit_path.reason


def test_evidence_names_the_payments_and_the_shared_voyages() -> None:
    [ring] = find(paid(ORGANISER_ACCOUNT, COURIERS, times=2), RING_TRIPS)
    transfers = [e for e in ring.evidence if "TRANSFER" in e.relationships]
    assert {e.nodes[-1] for e in transfers} == {("Person", c) for c in COURIERS}
    assert all(len(e.facts["amounts"]) == 2 and e.nodes[0] == ("Person", "P-ORG") for e in transfers)
    voyages = [e.facts for e in ring.evidence if e.relationships == ("TOOK_TRIP",)]
    assert [(v["departs_on"], len(v["travellers"])) for v in voyages] == [
        ("2023-05-04", 4),
        ("2023-08-10", 3),
    ]


def test_two_accounts_paying_the_same_couriers_give_one_ring() -> None:
    payments = paid(ORGANISER_ACCOUNT, COURIERS) + paid("SECOND", COURIERS, owner="Person:P-ORG2")
    assert len(find(payments, RING_TRIPS)) == 1


def test_the_detector_keeps_the_contract() -> None:
    detector = CourierRingDetector(CourierParameters(min_couriers=4))
    assert isinstance(detector, Detector)
    assert detector.scheme == "courier"
    assert detector.parameters()["min_couriers"] == 4


def test_people_and_money_reads_name_only_schema_labels_and_types() -> None:
    for name in cypher.names("detect_people_money"):
        text = cypher.load("detect_people_money", name)
        for label in re.findall(r"\(\w*:(\w+)", text) + re.findall(r"\bowner:(\w+)", text):
            SCHEMA.node(label)
        for rel_type in re.findall(r"\[\w*:(\w+)", text):
            SCHEMA.relationship(rel_type)

"""The matcher on hand-made records: transliteration, conflicts, honest noise and decisions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolution.matcher import block_pairs, resolve
from resolution.names import company_name_key, given_name_key, person_readings
from resolution.records import PartyRecords


def _people(*rows: dict[str, Any]) -> PartyRecords:
    return PartyRecords.build("Person", [{"record_id": f"P{i}", **row} for i, row in enumerate(rows)])


def _pairs(records: PartyRecords, **options: Any) -> set[tuple[str, str]]:
    result = resolve(records, **options)
    return {(records.record_id[a], records.record_id[b]) for a, b in result.matches()}


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("김민수", "Kim Min-su"),
        ("김민수", "GIM MINSOO"),
        ("이지우", "Ji-u Rhee"),
        ("박하은", "Park Ha Eun"),
        ("최서연", "CHOE, Seo-yeon"),
        ("류진우", "Yoo Jin-woo"),
    ],
)
def test_hangul_and_latin_forms_of_one_name_meet(left: str, right: str) -> None:
    assert set(person_readings(left)) & set(person_readings(right))


def test_different_given_names_do_not_meet() -> None:
    assert not set(person_readings("김민수")) & set(person_readings("김민준"))


def test_one_person_in_two_scripts_is_linked_with_reasons() -> None:
    day, phone = "1987-03-31", ["+821012345678"]
    records = _people(
        {"name": "황지우", "date_of_birth": day, "phones": phone},
        {"name": "Hwang Ji-woo", "date_of_birth": day, "phones": phone},
    )
    result = resolve(records)
    assert _pairs(records) == {("P0", "P1")}
    reasons = " ".join(reason for _, reason in result.explain(int(result.match_index()[0])))
    assert "shared phone +821012345678" in reasons and "same date of birth 1987-03-31" in reasons


def test_household_sharing_phone_and_address_is_not_merged() -> None:
    home = {"phones": ["+8221234567"], "addresses": ["101 1 teheran ro seoul"]}
    records = _people(
        {"name": "김민수", "date_of_birth": "1960-01-01", **home},
        {"name": "김지우", "date_of_birth": "1962-05-05", **home},
        {"name": "김민수", "date_of_birth": "1990-02-02", **home},
    )
    assert _pairs(records) == set()


def test_common_name_alone_is_not_enough() -> None:
    # Thirty people called Kim Min-su born on different days, two of them on the same day.
    rows = [{"name": "김민수", "date_of_birth": f"19{50 + i}-01-01"} for i in range(30)]
    rows.append({"name": "Kim Minsu", "date_of_birth": "1950-01-01"})
    assert _pairs(_people(*rows)) == set()


def test_firms_need_the_same_registration_number() -> None:
    firms = PartyRecords.build(
        "Company",
        [
            {"record_id": "C1", "name": "Jinfeng Electronics Co., Ltd.", "registration_number": "CN-1"},
            {"record_id": "C2", "name": "JINFENG ELECTRONICS CO LTD", "registration_number": "CN-1"},
            # A front sharing the phone and account of the first: different number, different firm.
            {"record_id": "C3", "name": "New Jinfeng Trading", "registration_number": "CN-2"},
        ],
    )
    assert {(firms.record_id[a], firms.record_id[b]) for a, b in resolve(firms).matches()} == {("C1", "C2")}


def test_decisions_override_the_evidence() -> None:
    day = "1980-01-01"
    records = _people(
        {"name": "한준호", "date_of_birth": day, "emails": ["a@b.kr"]},
        {"name": "Han Jun-ho", "date_of_birth": day, "emails": ["a@b.kr"]},
        {"name": "Nguyen Van Binh", "date_of_birth": "1970-01-01"},
    )
    assert _pairs(records, rejected=[("P1", "P0")]) == set()
    assert _pairs(records, confirmed=[("P2", "P0")]) == {("P0", "P1"), ("P0", "P2")}


def test_oversized_blocks_are_skipped() -> None:
    rows = [{"name": f"Person {i}", "addresses": ["1 logistics center"]} for i in range(80)]
    pairs = block_pairs(_people(*rows), max_block=64)
    assert pairs.skipped >= 1 and len(pairs) == 0


def test_each_shared_identifier_remembers_how_many_records_hold_it() -> None:
    home = {"phones": ["+8221234567"], "addresses": ["101 1 teheran ro seoul"]}
    records = _people(
        {"name": "김민수", **home, "emails": ["minsu@example.kr"]},
        {"name": "김지우", **home},
        {"name": "Kim Min-su", "phones": ["+8221234567"], "emails": ["minsu@example.kr"]},
    )
    pairs = block_pairs(records)
    held = {
        (int(a), int(b)): (int(p), int(e), int(d))
        for a, b, p, e, d in zip(
            pairs.left, pairs.right, pairs.holders["phones"], pairs.holders["emails"],
            pairs.holders["addresses"], strict=True,
        )
    }  # fmt: skip
    assert held == {(0, 1): (3, 0, 2), (0, 2): (3, 2, 0), (1, 2): (3, 0, 0)}


def test_different_homes_count_against_a_match_and_different_phones_do_not() -> None:
    day = "1987-03-31"
    twins: list[dict[str, Any]] = [
        {"name": "황지우", "date_of_birth": day, "addresses": ["1 a ro seoul"], "phones": ["+821011112222"]},
        {"name": "Hwang Ji-woo", "date_of_birth": day},
    ]
    apart = [dict(twins[0]), {**twins[1], "addresses": ["9 b ro busan"], "phones": ["+821033334444"]}]
    silent, conflicting = resolve(_people(*twins)), resolve(_people(*apart))
    assert conflicting.probability[0] < silent.probability[0]
    against = [reason for weight, reason in conflicting.explain(0) if weight < 0]
    assert against == ["different addresses: 1 a ro seoul vs 9 b ro busan"]


def test_company_name_key_ignores_legal_form_and_case() -> None:
    assert company_name_key("Jeil Commerce Co., Ltd.") == company_name_key("JEIL COMMERCE")


@given(st.text(max_size=30))
def test_name_keys_never_fail(text: str) -> None:
    person_readings(text)
    given_name_key(text)
    company_name_key(text)

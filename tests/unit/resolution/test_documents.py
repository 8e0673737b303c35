"""Mention extraction on hand-labelled report sentences, and identifier check digits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from documents.identifiers import find_identifiers, iso6346_valid, s10_valid
from documents.pipeline import MentionExtractor
from ingest.variants import iso6346_container, s10_tracking_number

#: Sentences in the reports' style, with the mentions a careful reader marks (kind, text).
LABELLED = [
    (
        "On 2024-12-04 the passengers Song Yejoon (passport M33539957), Yi Ha-joon (passport M05537102) "
        "arrived together. Several gave the same contact number, 010.7464.9530. Each received transfers "
        "from account 023-044-752525 (Sin Haeun) within days of travelling.",
        {
            ("person", "Song Yejoon"), ("passport", "M33539957"), ("person", "Yi Ha-joon"),
            ("passport", "M05537102"), ("phone", "010.7464.9530"), ("account", "023-044-752525"),
            ("person", "Sin Haeun"),
        },
    ),
    (
        "Routine post-clearance audit of Baekdu Global Co (173-64-65230) at #2510, 286 Jong-ro, Jongno-gu, "
        "Seoul 03186. Declarations checked against payments from account 011-488-663829. Contact: 장진우, "
        "+82-2-6929-1467.",
        {
            ("company", "Baekdu Global Co"), ("registration", "173-64-65230"),
            ("address", "#2510, 286 Jong-ro, Jongno-gu, Seoul 03186"), ("account", "011-488-663829"),
            ("person", "장진우"), ("phone", "+82-2-6929-1467"),
        },
    ),
    (
        "Containers OCAU0162348, HNDU5129254 were examined. Parcels EE719955304CN, LX991903648CN were "
        "declared below USD 150. Payments reached the supplier's account CN3030038480733.",
        {
            ("container", "OCAU0162348"), ("container", "HNDU5129254"), ("tracking", "EE719955304CN"),
            ("tracking", "LX991903648CN"), ("account", "CN3030038480733"),
        },
    ),
]  # fmt: skip


def _extractor() -> MentionExtractor:
    people = [("song", "yejun"), ("lee", "hajun"), ("shin", "haeun"), ("jang", "jinu")]
    return MentionExtractor(company_names=["Baekdu Global Co"], person_readings=people)


def test_hand_labelled_mentions_are_found_precisely() -> None:
    extractor = _extractor()
    found = expected = correct = 0
    for text, labels in LABELLED:
        mentions = {(m.kind, m.text) for m in extractor.extract(text)}
        found += len(mentions)
        expected += len(labels)
        correct += len(mentions & labels)
    assert correct / found >= 0.95 and correct / expected >= 0.95, (correct, found, expected)


def test_spans_point_at_the_text() -> None:
    text = LABELLED[0][0]
    assert all(text[m.start : m.end] == m.text for m in _extractor().extract(text))


def test_a_wrong_check_digit_is_not_an_identifier() -> None:
    assert iso6346_valid("OCAU0162348") and not iso6346_valid("OCAU0162347")
    assert s10_valid("EE719955304CN") and not s10_valid("EE719955305CN")
    assert not find_identifiers("container OCAU0162347")["container"]


@given(st.integers(0, 10**6 - 1), st.sampled_from(["OCA", "HND", "MSC"]))
def test_generated_containers_validate(serial: int, owner: str) -> None:
    assert iso6346_valid(iso6346_container(owner, serial))


@given(st.integers(0, 10**8 - 1))
def test_generated_tracking_numbers_validate(serial: int) -> None:
    assert s10_valid(s10_tracking_number("EE", serial, "CN"))

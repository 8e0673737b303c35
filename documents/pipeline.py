"""Mentions in investigation reports: identifiers by pattern, parties by gazetteer and by name shape.

A blank English spaCy pipeline (no statistical model is needed) tokenises the report. A
``PhraseMatcher`` over the gazetteer (every company name as the graph holds it, case-folded) finds
firms; a ``Matcher`` finds what looks like a person's name (two or three capitalised words, or a
Hangul name) and keeps it when its reading (:func:`resolution.names.person_readings`) is one the
gazetteer of persons knows. Identifiers come from :mod:`documents.identifiers`.

Example
-------
>>> extractor = MentionExtractor(company_names=["Jeil Commerce Inc."], person_readings={("kim", "minsu")})
>>> text = "Jeil Commerce Inc. paid Gim Min-soo from account 004-494-009604, reached on 010-4821-3390."
>>> for mention in extractor.extract(text):
...     print(mention.kind, mention.text)
company Jeil Commerce Inc.
person Gim Min-soo
account 004-494-009604
phone 010-4821-3390
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.matcher import Matcher, PhraseMatcher

from documents.identifiers import find_identifiers
from resolution.names import company_name_key, person_readings

__all__ = ["Mention", "MentionExtractor"]


@dataclass(frozen=True)
class Mention:
    """A span of a report: kind (person, company, phone, ...), offsets, text, and the key to look up."""

    kind: str
    start: int
    end: int
    text: str
    #: A graph key for identifiers; a name reading ``family|given`` for persons; a name key for firms.
    key: str
    method: str


class MentionExtractor:
    """Finds the mentions of one gazetteer's parties and of any identifier in report texts."""

    def __init__(self, company_names: Iterable[str], person_readings: Collection[tuple[str, str]]) -> None:
        self._nlp = spacy.blank("en")
        self._companies = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        names = sorted({name for name in company_names if name})
        for begin in range(0, len(names), 5_000):
            self._companies.add(
                "COMPANY", [self._nlp.make_doc(name) for name in names[begin : begin + 5_000]]
            )
        self._people = Matcher(self._nlp.vocab)
        capitalised: dict[str, Any] = {"IS_TITLE": True, "IS_ALPHA": True}
        upper: dict[str, Any] = {"IS_UPPER": True, "IS_ALPHA": True, "LENGTH": {">=": 2}}
        hyphenated: list[dict[str, Any]] = [{"IS_TITLE": True}, {"ORTH": "-"}, {"IS_LOWER": True}]
        self._people.add(
            "PERSON",
            [
                [capitalised, capitalised, {**capitalised, "OP": "?"}],
                [upper, upper, {**upper, "OP": "?"}],
                [capitalised, *hyphenated],
                [*hyphenated, capitalised],
                [{"TEXT": {"REGEX": r"^[\uac00-\ud7a3]{2,4}$"}}],
            ],
            greedy="LONGEST",
        )
        self._readings = set(person_readings)

    def extract(self, text: str) -> list[Mention]:
        """Every mention in ``text``, in reading order; a span is claimed by one mention only."""
        doc = self._nlp(text)
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []

        def claim(mention: Mention) -> None:
            if not any(mention.start < end and start < mention.end for start, end in taken):
                taken.append((mention.start, mention.end))
                found.append(mention)

        for kind, spans in find_identifiers(text).items():
            for start, end, written, key in spans:
                claim(Mention(kind, start, end, written, key, "pattern"))
        for _, begin, end in sorted(self._companies(doc), key=lambda m: (m[1], -(m[2] - m[1]))):
            span = doc[begin:end]
            key = f"|{company_name_key(span.text)}"
            claim(Mention("company", span.start_char, span.end_char, span.text, key, "gazetteer"))
        for _, begin, end in self._people(doc):
            span = doc[begin:end]
            for family, given in person_readings(span.text):
                if (family, given) in self._readings:
                    claim(
                        Mention(
                            "person", span.start_char, span.end_char, span.text, f"{family}|{given}", "name"
                        )
                    )
                    break
        return sorted(found, key=lambda m: m.start)

"""How well detectors recover the rings planted in a generated world.

A generated world ships ``ground_truth.csv`` (entity id, entity kind, scheme, ring id, role). A planted
ring counts as *recalled* when one reported candidate of its scheme covers at least half of it and is
itself at least half made of that ring's members; a reported candidate counts as *correct* when it
matches some planted ring that way. Only members of the kinds the ground truth lists (companies,
persons, accounts, parcels) are compared: a shared phone or address in a candidate is evidence, not a
suspect. Members of a candidate that belong to no planted ring of its scheme are *noise flagged*: the
honest firms in one office building or the travelers on a busy flight that a naive method drags in.

A world also ships ``identity_truth.csv``: one real party may have two person records (a resident and a
traveller record, say). Passed as ``identities``, it makes the comparison one of real parties, so a
detector that names the organiser's other record is neither missing him nor flagging an innocent.

Example
-------
>>> from graph.findings import RingCandidate, RingMember
>>> truth = [PlantedRing("courier", "COU-1", frozenset({("Person", "P1"), ("Person", "P2")}))]
>>> found = [RingCandidate("courier", 0.9, (RingMember("Person", "P1", "courier", 1.0),
...                                          RingMember("Person", "P2", "courier", 1.0),
...                                          RingMember("Person", "P9", "courier", 0.4)), ())]
>>> q = ring_quality("courier", found, truth)
>>> q.recall, q.precision, q.noise_flagged
(1.0, 1.0, 1)
>>> ring_quality("courier", found, truth, identities={"P9": "I1", "P1": "I1"}).noise_flagged
0
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from graph.findings import RingCandidate
from ingest.normalise import account_key

__all__ = ["PlantedRing", "RingQuality", "load_ground_truth", "load_identities", "ring_quality"]

#: Ground-truth entity kinds and the graph label of their entities.
_KIND_LABELS = {"company": "Company", "person": "Person", "account": "Account", "parcel": "Parcel"}
_COMPARED_LABELS = frozenset(_KIND_LABELS.values())
_PARTY_LABELS = frozenset({"Person", "Company"})
#: Both shares must reach this for a candidate to match a planted ring.
MIN_OVERLAP = 0.5

Member = tuple[str, str]


@dataclass(frozen=True)
class PlantedRing:
    """One planted ring: its scheme, id and members as ``(label, key)`` in graph terms."""

    scheme: str
    ring_id: str
    members: frozenset[Member]


@dataclass(frozen=True)
class RingQuality:
    """Recall and precision of one scheme's candidates against the planted rings."""

    scheme: str
    planted: int
    reported: int
    recalled: int
    correct: int
    noise_flagged: int
    missed: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.recalled / self.planted if self.planted else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.reported if self.reported else 1.0


def load_ground_truth(path: Path) -> list[PlantedRing]:
    """The planted rings of ``ground_truth.csv``, keys normalised as ingest stores them."""
    rings: dict[tuple[str, str], set[Member]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = _KIND_LABELS[row["entity_kind"]]
            key = account_key(row["entity_id"]) if label == "Account" else row["entity_id"]
            rings.setdefault((row["scheme"], row["ring_id"]), set()).add((label, key))
    return [PlantedRing(scheme, ring_id, frozenset(m)) for (scheme, ring_id), m in rings.items()]


def load_identities(path: Path) -> dict[str, str]:
    """Record id -> the id of the real party behind it, from ``identity_truth.csv``."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["record_id"]: row["identity_id"] for row in csv.DictReader(handle)}


def _as_party(member: Member, identities: Mapping[str, str]) -> Member:
    label, key = member
    return ("Party", identities[key]) if label in _PARTY_LABELS and key in identities else member


def _compared(candidate: RingCandidate, identities: Mapping[str, str]) -> frozenset[Member]:
    return frozenset(
        _as_party((m.label, m.key), identities) for m in candidate.members if m.label in _COMPARED_LABELS
    )


def _matches(found: frozenset[Member], planted: frozenset[Member]) -> bool:
    shared = len(found & planted)
    return bool(found) and shared >= MIN_OVERLAP * len(planted) and shared >= MIN_OVERLAP * len(found)


def ring_quality(
    scheme: str,
    candidates: Sequence[RingCandidate],
    truth: Sequence[PlantedRing],
    identities: Mapping[str, str] | None = None,
) -> RingQuality:
    """Score the candidates of ``scheme`` against the planted rings of that scheme.

    With ``identities`` (:func:`load_identities`), person and company records compare as real parties.
    """
    same = identities or {}
    planted = [
        (r.ring_id, frozenset(_as_party(m, same) for m in r.members)) for r in truth if r.scheme == scheme
    ]
    found = [_compared(c, same) for c in candidates if c.scheme == scheme]
    planted_members = frozenset().union(*(members for _, members in planted))
    missed = tuple(ring_id for ring_id, members in planted if not any(_matches(f, members) for f in found))
    correct = sum(any(_matches(f, members) for _, members in planted) for f in found)
    noise = frozenset().union(*found) - planted_members
    return RingQuality(
        scheme=scheme,
        planted=len(planted),
        reported=len(found),
        recalled=len(planted) - len(missed),
        correct=correct,
        noise_flagged=len(noise),
        missed=missed,
    )

"""What a detector hands back: ring candidates, their members and the paths that support them.

These types sit in ``graph/`` because they are what gets written to Neo4j (a ``Ring`` node per
candidate, ``MEMBER_OF`` relationships, evidence as JSON); the detectors in ``analytics/`` build them.
A ring's id is derived from its scheme and its members, so a re-run that finds the same ring updates the
same node (and keeps the alert status an investigator gave it) instead of adding a copy.

Example
-------
>>> ring = RingCandidate(
...     scheme="bypass_import",
...     score=0.93,
...     members=(
...         RingMember("Company", "C1", "delinquent", 1.0),
...         RingMember("Company", "C2", "front", 0.93),
...     ),
...     evidence=(
...         EvidencePath(
...             nodes=(("Company", "C1"), ("Phone", "+821012345678"), ("Company", "C2")),
...             relationships=("HAS_PHONE", "HAS_PHONE"),
...             reason="C2 uses the delinquent's phone, written differently",
...         ),
...     ),
... )
>>> ring.ring_id == RingCandidate("bypass_import", 0.5, tuple(reversed(ring.members)), ()).ring_id
True
>>> ring.ring_id.startswith("bypass_import:")
True
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from graph.schema import SCHEMA

__all__ = ["EvidencePath", "RingCandidate", "RingMember"]


@dataclass(frozen=True)
class RingMember:
    """One entity of a ring, with the part it plays (``front``, ``courier``, ``organiser`` ...)."""

    label: str
    key: str
    role: str
    score: float

    def __post_init__(self) -> None:
        if self.label not in SCHEMA.relationship("MEMBER_OF").start:
            raise ValueError(f"a {self.label} cannot be a ring member")


@dataclass(frozen=True)
class EvidencePath:
    """A path in the graph that supports the ring, with the reason in an investigator's words.

    ``nodes`` are ``(label, key)`` pairs; ``relationships`` has one type per hop between them.
    """

    nodes: tuple[tuple[str, str], ...]
    relationships: tuple[str, ...]
    reason: str
    #: Figures behind the reason (a price ratio, a shared phone's degree, a time span), for the UI.
    facts: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.relationships) != max(len(self.nodes) - 1, 0):
            raise ValueError("an evidence path needs one relationship type per hop")
        for label, _ in self.nodes:
            SCHEMA.node(label)
        for rel_type in self.relationships:
            SCHEMA.relationship(rel_type)

    def as_json(self) -> dict[str, Any]:
        return {
            "nodes": [{"label": label, "key": key} for label, key in self.nodes],
            "relationships": list(self.relationships),
            "reason": self.reason,
            "facts": self.facts,
        }


@dataclass(frozen=True)
class RingCandidate:
    """A ranked finding of one detector: who is in the ring and why we think so."""

    scheme: str
    score: float
    members: tuple[RingMember, ...]
    evidence: tuple[EvidencePath, ...]

    @property
    def ring_id(self) -> str:
        """``<scheme>:<hash of the members>``: stable across runs that find the same members."""
        keys = sorted(f"{m.label}:{m.key}" for m in self.members)
        digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]
        return f"{self.scheme}:{digest}"

    def evidence_json(self) -> str:
        """The evidence paths as one JSON document (stored on the ``Ring`` node)."""
        return json.dumps([e.as_json() for e in self.evidence], sort_keys=True, ensure_ascii=False)

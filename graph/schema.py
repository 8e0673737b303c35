"""The bigfinder domain schema, as data.

Every label, relationship type and identifying key the graph uses is declared here once. Ingest, the
Cypher builders, projections and API schemas read these tables instead of repeating label strings, and
they double as the whitelist: a label or relationship type that is not in :data:`SCHEMA` never reaches a
query.

Shared identifiers (Phone, Email, Address, Passport, Account) are nodes of their own: a phone number held
by a tax delinquent and by a newly registered importer is one ``Phone`` node with two ``HAS_PHONE``
relationships, which is how a hidden link shows up in the graph.

Example
-------
>>> from graph.schema import SCHEMA
>>> SCHEMA.node("Company").key
'company_id'
>>> SCHEMA.relationship("TRANSFER").start, SCHEMA.relationship("TRANSFER").end
(('Account',), ('Account',))
>>> SCHEMA.time_of("IMPORTED")  # an import is as old as its declaration
RelationshipTime(side='end', property='declared_on')
>>> SCHEMA.node("Smuggler")
Traceback (most recent call last):
...
graph.schema.UnknownSchemaElement: 'Smuggler' is not a node label of the bigfinder schema
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

__all__ = [
    "SCHEMA",
    "CompanyRole",
    "GraphSchema",
    "NodeKind",
    "RelationshipKind",
    "RelationshipTime",
    "UnknownSchemaElement",
    "WatchlistKind",
]

_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class UnknownSchemaElement(ValueError):
    """A label, relationship type or property that the schema does not declare."""


class CompanyRole(StrEnum):
    """Roles a company plays in trade; each is also a secondary label on the ``Company`` node."""

    IMPORTER = "Importer"
    SUPPLIER = "Supplier"
    CUSTOMS_BROKER = "CustomsBroker"


class WatchlistKind(StrEnum):
    """Kinds of watchlist an entity can be listed on."""

    TAX_DELINQUENT = "tax_delinquent"
    KNOWN_OFFENDER = "known_offender"
    SANCTIONED = "sanctioned"


@dataclass(frozen=True)
class NodeKind:
    """A node label, the property that identifies its nodes, and the properties worth an index."""

    label: str
    key: str
    description: str
    indexed: tuple[str, ...] = ()
    #: Properties searched by name through the full-text index (entity search).
    searchable: tuple[str, ...] = ()
    #: A shared identifier: a node that exists to connect the entities holding it.
    identifier: bool = False
    #: Secondary labels a node of this kind may carry (roles), also whitelisted.
    secondary_labels: tuple[str, ...] = ()
    #: For an event (a declaration, a trip, a scan): the date or date-time property saying when it
    #: happened. It times the relationships that touch the event (see :meth:`GraphSchema.time_of`).
    time_property: str | None = None
    #: Written by the analytics (runs, rings), not read from sources: projections leave it out unless
    #: asked for, so a ring found yesterday does not tie its members together in today's communities.
    derived: bool = False


@dataclass(frozen=True)
class RelationshipKind:
    """A relationship type with the labels it may start and end at."""

    type: str
    start: tuple[str, ...]
    end: tuple[str, ...]
    description: str
    #: Identifying property for relationships that are events in their own right (a transfer).
    key: str | None = None
    indexed: tuple[str, ...] = ()
    #: For a relationship that is an event of its own (a transfer): the property saying when.
    time_property: str | None = None


@dataclass(frozen=True)
class RelationshipTime:
    """Where a relationship's time is read: its own property, or the event node at its start or end."""

    side: Literal["relationship", "start", "end"]
    property: str


@dataclass(frozen=True)
class GraphSchema:
    """The whole schema; look-ups raise :class:`UnknownSchemaElement` for anything undeclared."""

    nodes: tuple[NodeKind, ...]
    relationships: tuple[RelationshipKind, ...]
    _nodes_by_label: dict[str, NodeKind] = field(init=False, repr=False, compare=False)
    _rels_by_type: dict[str, RelationshipKind] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_nodes_by_label", {n.label: n for n in self.nodes})
        object.__setattr__(self, "_rels_by_type", {r.type: r for r in self.relationships})
        self._check()

    def _check(self) -> None:
        """Fail at import time on a malformed schema, not later inside a query."""
        names = [n.label for n in self.nodes] + [r.type for r in self.relationships]
        if len(set(names)) != len(names):
            raise ValueError("duplicate label or relationship type in the schema")
        for node in self.nodes:
            optional = [node.time_property] if node.time_property else []
            for name in (node.label, node.key, *node.indexed, *node.searchable, *node.secondary_labels):
                _require_identifier(name)
            for name in optional:
                _require_identifier(name)
        for rel in self.relationships:
            optional = [p for p in (rel.key, rel.time_property) if p]
            for name in (rel.type, *rel.indexed, *optional):
                _require_identifier(name)
            for label in (*rel.start, *rel.end):
                self.node(label)

    def node(self, label: str) -> NodeKind:
        """The node kind for ``label``; the check every query builder goes through."""
        try:
            return self._nodes_by_label[label]
        except KeyError:
            raise UnknownSchemaElement(f"{label!r} is not a node label of the bigfinder schema") from None

    def relationship(self, rel_type: str) -> RelationshipKind:
        """The relationship kind for ``rel_type``."""
        try:
            return self._rels_by_type[rel_type]
        except KeyError:
            raise UnknownSchemaElement(
                f"{rel_type!r} is not a relationship type of the bigfinder schema"
            ) from None

    def time_of(self, rel_type: str) -> RelationshipTime | None:
        """Where the time of a ``rel_type`` relationship is read, or None when it has none.

        Its own time property first (``TRANSFER.sent_at``); otherwise the event node it touches, the
        start before the end (an X-ray hit is the event of ``SCANNED``, not the declaration it scanned).
        A side counts only when every label it allows is an event with the same time property.
        """
        rel = self.relationship(rel_type)
        if rel.time_property:
            return RelationshipTime("relationship", rel.time_property)
        for side, labels in (("start", rel.start), ("end", rel.end)):
            properties = {self.node(label).time_property for label in labels}
            if len(properties) == 1 and (prop := properties.pop()) is not None:
                return RelationshipTime("start" if side == "start" else "end", prop)
        return None

    @property
    def labels(self) -> tuple[str, ...]:
        """Every primary node label."""
        return tuple(self._nodes_by_label)

    @property
    def relationship_types(self) -> tuple[str, ...]:
        """Every relationship type."""
        return tuple(self._rels_by_type)

    @property
    def source_labels(self) -> tuple[str, ...]:
        """Labels of the nodes read from sources: every label but the analytics' own (runs, rings)."""
        return tuple(n.label for n in self.nodes if not n.derived)

    @property
    def identifier_labels(self) -> tuple[str, ...]:
        """Labels of the shared-identifier nodes (Phone, Email, Address, Passport, Account)."""
        return tuple(n.label for n in self.nodes if n.identifier)


def _require_identifier(name: str) -> None:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"{name!r} is not a safe Cypher identifier")


_PARTIES = ("Person", "Company")
#: What a detected ring can hold: parties, the identifiers and accounts that tie them, their shipments.
_RING_MEMBERS = (*_PARTIES, "Account", "Phone", "Address", "Parcel", "Declaration", "Trip", "PurchaseRecord")
#: What a case can include: any entity read from sources.
_CASE_ENTITIES = (
    *_PARTIES,
    "Declaration",
    "Parcel",
    "PurchaseRecord",
    "Account",
    "Trip",
    "XRayHit",
    "Document",
    "WatchlistEntry",
    "Phone",
    "Email",
    "Address",
    "Passport",
)

SCHEMA = GraphSchema(
    nodes=(
        NodeKind(
            "Person",
            "person_id",
            "A traveler, company representative, account holder or consignee.",
            indexed=("date_of_birth", "nationality"),
            searchable=("name",),
        ),
        NodeKind(
            "Company",
            "company_id",
            "A firm; its trade roles are the secondary labels Importer, Supplier, CustomsBroker.",
            indexed=("registration_number",),
            searchable=("name",),
            secondary_labels=tuple(role.value for role in CompanyRole),
        ),
        NodeKind(
            "Declaration",
            "declaration_id",
            "An import declaration: HS code, goods, quantity, declared value, office, inspection outcome.",
            # container_number: X-ray hits on a container find its declarations by it.
            indexed=("hs_code", "declared_on", "office", "container_number"),
            time_property="declared_on",
        ),
        NodeKind(
            "Parcel",
            "tracking_number",
            "An e-commerce or postal shipment, identified by its tracking number.",
        ),
        NodeKind(
            "PurchaseRecord",
            "record_id",
            "A purchase or shipment event from the blockchain e-commerce ledger.",
            indexed=("order_id",),
            time_property="recorded_at",
        ),
        NodeKind(
            "Account",
            "account_id",
            "A bank or payment account; shared accounts link their holders.",
            identifier=True,
        ),
        NodeKind(
            "Trip",
            "trip_id",
            "One traveler's journey on a flight or vessel, with its booking reference.",
            indexed=("departs_on", "booking_reference"),
            time_property="departs_on",
        ),
        NodeKind(
            "XRayHit",
            "scan_id",
            "An AI X-ray scanner detection on a parcel, a piece of baggage or a container.",
            # link_pending: hits on objects not loaded yet, retried when the objects arrive.
            indexed=("scanned_at", "link_pending"),
            time_property="scanned_at",
        ),
        NodeKind(
            "Document",
            "document_id",
            "An investigation report kept for text analysis.",
            time_property="written_on",
        ),
        NodeKind(
            "WatchlistEntry",
            "entry_id",
            "A listing of a person or company as tax delinquent, known offender or sanctioned party.",
            indexed=("kind",),
            time_property="listed_on",
        ),
        NodeKind("Phone", "number", "A phone number in E.164 form.", identifier=True),
        NodeKind("Email", "address", "An e-mail address, lower-cased.", identifier=True),
        NodeKind("Address", "address_key", "A normalised postal address.", identifier=True),
        NodeKind("Passport", "passport_key", "A passport: issuing country and number.", identifier=True),
        NodeKind(
            "AnalysisRun",
            "run_id",
            "One run of an algorithm or detector: algorithm, version, parameters, start time, duration.",
            indexed=("algorithm",),
            derived=True,
        ),
        NodeKind(
            "Ring",
            "ring_id",
            "A candidate ring from a detector: scheme, score, rank, evidence paths and alert status.",
            indexed=("scheme", "status"),
            derived=True,
        ),
        # Cases are investigators' work, not source data: derived, so projections and entity search
        # leave them out (a case must not tie its entities together in the communities it reviews).
        NodeKind(
            "Case",
            "case_id",
            "An investigation case: title, status, assignee, pinned entities and its history of changes.",
            indexed=("status", "assignee"),
            derived=True,
        ),
        NodeKind(
            "CaseNote",
            "note_id",
            "A note or an item of evidence on a case: its text, reference, author and time.",
            derived=True,
        ),
        # Entity resolution's review queue: a pair the matcher is unsure of, and the investigator's
        # decision on it, which every later resolution run respects.
        NodeKind(
            "MatchReview",
            "pair_id",
            "Two Person or Company records for review: score, evidence, status open/confirmed/rejected.",
            indexed=("status",),
            derived=True,
        ),
    ),
    relationships=(
        RelationshipKind("HAS_PHONE", _PARTIES, ("Phone",), "The party uses this phone number."),
        RelationshipKind("HAS_EMAIL", _PARTIES, ("Email",), "The party uses this e-mail address."),
        RelationshipKind("HAS_ADDRESS", _PARTIES, ("Address",), "The party is registered or lives here."),
        RelationshipKind("HOLDS_PASSPORT", ("Person",), ("Passport",), "The person holds this passport."),
        RelationshipKind("OWNS_ACCOUNT", _PARTIES, ("Account",), "The party holds this account."),
        RelationshipKind("REPRESENTS", ("Person",), ("Company",), "The person is the firm's representative."),
        RelationshipKind(
            "TRANSFER",
            ("Account",),
            ("Account",),
            "Money sent from one account to another (amount, currency, time, purpose).",
            key="transfer_id",
            indexed=("sent_at",),
            time_property="sent_at",
        ),
        RelationshipKind("IMPORTED", ("Company",), ("Declaration",), "The importer of record."),
        RelationshipKind("SUPPLIED", ("Company",), ("Declaration",), "The foreign supplier."),
        RelationshipKind("BROKERED", ("Company",), ("Declaration",), "The customs broker who filed it."),
        RelationshipKind("TOOK_TRIP", ("Person",), ("Trip",), "The person travelled on this trip."),
        RelationshipKind("PURCHASED", _PARTIES, ("PurchaseRecord",), "The buyer in a ledger record."),
        RelationshipKind("SOLD", _PARTIES, ("PurchaseRecord",), "The seller in a ledger record."),
        RelationshipKind("SHIPPED_AS", ("PurchaseRecord",), ("Parcel",), "The purchase left as this parcel."),
        RelationshipKind("CONSIGNED_TO", ("Parcel",), ("Person", "Company"), "The parcel's consignee."),
        RelationshipKind("DELIVERED_TO", ("Parcel",), ("Address",), "The parcel's delivery address."),
        RelationshipKind(
            "DECLARED_IN", ("Parcel",), ("Declaration",), "The declaration covering the parcel."
        ),
        RelationshipKind(
            "SCANNED",
            ("XRayHit",),
            ("Parcel", "Declaration", "Trip"),
            "The hit's object: a parcel, a container (its declaration) or baggage (its trip).",
        ),
        RelationshipKind("LISTED_ON", _PARTIES, ("WatchlistEntry",), "The party is on this watchlist entry."),
        RelationshipKind(
            "MENTIONS",
            ("Document",),
            (*_PARTIES, "Phone", "Email", "Address", "Passport", "Account", "Parcel", "Declaration"),
            "The report mentions this entity (with the text span); a container number, its declarations.",
        ),
        RelationshipKind(
            "SAME_AS",
            ("Person", "Company"),
            ("Person", "Company"),
            "Entity resolution: two records are the same real party (score, evidence, matcher version).",
        ),
        RelationshipKind(
            "MEMBER_OF",
            _RING_MEMBERS,
            ("Ring",),
            "The entity is a member of a detected ring (role, score).",
        ),
        RelationshipKind("FOUND_BY", ("Ring",), ("AnalysisRun",), "The detector run that found the ring."),
        RelationshipKind("REVIEWS", ("MatchReview",), _PARTIES, "The review is about this record."),
        RelationshipKind(
            "INCLUDES",
            ("Case",),
            _CASE_ENTITIES,
            "The case includes this entity (pinned_by, pinned_at, note).",
        ),
        RelationshipKind("HAS_NOTE", ("Case",), ("CaseNote",), "A note or an item of evidence on the case."),
        RelationshipKind(
            "ABOUT", ("CaseNote",), _CASE_ENTITIES, "The evidence concerns this entity of the case."
        ),
    ),
)

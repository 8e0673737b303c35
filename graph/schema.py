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
>>> SCHEMA.node("Smuggler")
Traceback (most recent call last):
...
graph.schema.UnknownSchemaElement: 'Smuggler' is not a node label of the bigfinder schema
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "SCHEMA",
    "CompanyRole",
    "GraphSchema",
    "NodeKind",
    "RelationshipKind",
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
            for name in (node.label, node.key, *node.indexed, *node.searchable, *node.secondary_labels):
                _require_identifier(name)
        for rel in self.relationships:
            for name in (rel.type, *rel.indexed, *([rel.key] if rel.key else [])):
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

    @property
    def labels(self) -> tuple[str, ...]:
        """Every primary node label."""
        return tuple(self._nodes_by_label)

    @property
    def relationship_types(self) -> tuple[str, ...]:
        """Every relationship type."""
        return tuple(self._rels_by_type)

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
            indexed=("hs_code", "declared_on", "office"),
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
        ),
        NodeKind(
            "XRayHit",
            "scan_id",
            "An AI X-ray scanner detection on a parcel, a piece of baggage or a container.",
            indexed=("scanned_at",),
        ),
        NodeKind(
            "Document",
            "document_id",
            "An investigation report kept for text analysis.",
        ),
        NodeKind(
            "WatchlistEntry",
            "entry_id",
            "A listing of a person or company as tax delinquent, known offender or sanctioned party.",
            indexed=("kind",),
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
        ),
        NodeKind(
            "Ring",
            "ring_id",
            "A candidate ring from a detector: scheme, score, rank, evidence paths and alert status.",
            indexed=("detector", "status"),
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
            ("Person", "Company", "Phone", "Email", "Address", "Passport", "Account", "Parcel"),
            "The report mentions this entity (with the text span).",
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
    ),
)

"""Batched writes into Neo4j: ``UNWIND $rows`` statements from ``cypher/ingest.cypher``.

:class:`GraphWriter` runs one named statement over a batch of row maps in one transaction and returns
what changed; :meth:`GraphWriter.missing_references` runs a reference check first, so rows that point at
an entity the graph does not hold go to quarantine instead of being silently dropped by a MATCH.

Example (needs a running Neo4j)::

    writer = GraphWriter(driver, settings)
    writer.write("merge_document", [{"line": 2, "document_id": "DOC1", "props": {"title": "Referral"}}])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neo4j import Driver, RoutingControl

import cypher
from bigfinder.settings import Settings
from graph.store import translate_driver_errors

__all__ = ["GraphCounts", "GraphWriter", "WriteResult"]


@dataclass(frozen=True)
class WriteResult:
    """What one batch changed in the graph."""

    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    labels_added: int = 0

    def __add__(self, other: WriteResult) -> WriteResult:
        return WriteResult(
            self.nodes_created + other.nodes_created,
            self.relationships_created + other.relationships_created,
            self.properties_set + other.properties_set,
            self.labels_added + other.labels_added,
        )


@dataclass(frozen=True)
class GraphCounts:
    """Nodes per label and relationships per type: the graph's shape, for reports and tests."""

    nodes: dict[str, int]
    relationships: dict[str, int]


class GraphWriter:
    """Runs the ingest statements; one instance per ingest, sharing the process's driver."""

    def __init__(self, driver: Driver, settings: Settings) -> None:
        self._driver = driver
        self._settings = settings

    def write(self, statement: str, rows: list[dict[str, Any]]) -> WriteResult:
        """Run ``statement`` from ``cypher/ingest.cypher`` over ``rows`` in one transaction."""
        with translate_driver_errors(self._settings):
            summary = self._driver.execute_query(
                cypher.load("ingest", statement), rows=rows, database_=self._settings.neo4j_database
            ).summary
        counters = summary.counters
        return WriteResult(
            counters.nodes_created,
            counters.relationships_created,
            counters.properties_set,
            counters.labels_added,
        )

    def missing_references(self, check: str, refs: list[dict[str, Any]]) -> dict[int, str]:
        """Of ``refs`` (``{line, ref}`` maps): the lines whose reference is not in the graph, and that ref."""
        with translate_driver_errors(self._settings):
            records = self._driver.execute_query(
                cypher.load("ingest", check),
                refs=refs,
                database_=self._settings.neo4j_database,
                routing_=RoutingControl.READ,
            ).records
        return {int(r["line"]): str(r["ref"]) for r in records}

    def counts(self) -> GraphCounts:
        """Nodes per label and relationships per type."""
        db = self._settings.neo4j_database
        with translate_driver_errors(self._settings):
            nodes = self._driver.execute_query(
                cypher.load("ingest", "count_nodes_by_label"), database_=db, routing_=RoutingControl.READ
            ).records
            rels = self._driver.execute_query(
                cypher.load("ingest", "count_relationships_by_type"),
                database_=db,
                routing_=RoutingControl.READ,
            ).records
        return GraphCounts(
            nodes={r["label"]: r["nodes"] for r in nodes},
            relationships={r["type"]: r["relationships"] for r in rels},
        )

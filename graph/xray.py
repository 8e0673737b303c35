"""X-ray hits in the graph: written in batches, linked to what they scanned, and their signal stored.

The X-ray service and the file ingest write hits with the same statements (``merge_xray_hit`` and
``link_xray_hits`` of ``cypher/ingest.cypher``); a hit whose object is not in the graph yet keeps
``link_pending = true`` and is linked by :meth:`HitGraph.link_pending` once the object arrives. The
discrepancy signal is computed outside (it is the X-ray service's logic) from what :meth:`HitGraph.goods`
reads, and stored by :meth:`HitGraph.write_assessments` on the hit and on the object it scanned.

Example (needs a running Neo4j)::

    hits = HitGraph(driver, settings)
    linked = hits.write([{"scan_id": "S1", "props": {"object_type": "parcel", ...}}])
    for goods in hits.goods(linked): ...
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from neo4j import Driver, ManagedTransaction, RoutingControl, Session

import cypher
from bigfinder.settings import Settings
from graph.store import translate_driver_errors

__all__ = ["HitGoods", "HitGraph"]

#: Hits per statement when linking or re-assessing the whole backlog.
_CHUNK = 5_000


@dataclass(frozen=True)
class HitGoods:
    """A linked hit's detections beside the HS codes declared for the object it scanned."""

    scan_id: str
    object_type: str
    detections: list[tuple[str, float]]
    declared_hs_codes: list[str]


class HitGraph:
    """Writes and links X-ray hits; one per process, sharing the process's driver."""

    def __init__(self, driver: Driver, settings: Settings) -> None:
        self._driver = driver
        self._settings = settings

    def write(self, rows: list[dict[str, Any]]) -> list[str]:
        """MERGE ``{scan_id, props}`` rows and link them, in one transaction; the scan ids now linked."""

        def work(tx: ManagedTransaction) -> list[str]:
            tx.run(cypher.load("ingest", "merge_xray_hit"), rows=rows).consume()
            linked = tx.run(
                cypher.load("ingest", "link_xray_hits"), rows=[{"scan_id": r["scan_id"]} for r in rows]
            )
            return [str(record["scan_id"]) for record in linked]

        with translate_driver_errors(self._settings), self._session() as session:
            linked: list[str] = session.execute_write(work)
        return linked

    def link_pending(self) -> list[str]:
        """Link the hits waiting for their object; the scan ids linked now."""
        linked: list[str] = []
        for chunk in self._chunks("pending_xray_hits"):
            with translate_driver_errors(self._settings):
                records = self._driver.execute_query(
                    cypher.load("ingest", "link_xray_hits"),
                    rows=[{"scan_id": s} for s in chunk],
                    database_=self._settings.neo4j_database,
                ).records
            linked += [str(r["scan_id"]) for r in records]
        return linked

    def linked_scan_ids(self) -> list[str]:
        """Every linked hit: what a new class map version or new declarations must re-assess."""
        return [scan_id for chunk in self._chunks("linked_xray_hits") for scan_id in chunk]

    def goods(self, scan_ids: list[str]) -> list[HitGoods]:
        """For each linked hit of ``scan_ids``: its detections and the declared HS codes of its object."""
        found: list[HitGoods] = []
        for start in range(0, len(scan_ids), _CHUNK):
            with translate_driver_errors(self._settings):
                records = self._driver.execute_query(
                    cypher.load("xray", "hit_declared_goods"),
                    scan_ids=scan_ids[start : start + _CHUNK],
                    database_=self._settings.neo4j_database,
                    routing_=RoutingControl.READ,
                ).records
            found += [
                HitGoods(
                    str(r["scan_id"]),
                    str(r["object_type"]),
                    [(str(c), float(p)) for c, p in zip(r["classes"], r["confidences"], strict=False)],
                    sorted(str(code) for code in r["declared_hs_codes"]),
                )
                for r in records
            ]
        return found

    def write_assessments(self, rows: list[dict[str, Any]]) -> None:
        """Store ``{scan_id, discrepancy, score, reason, version}`` on the hits and flag their objects."""
        for start in range(0, len(rows), _CHUNK):
            with translate_driver_errors(self._settings):
                self._driver.execute_query(
                    cypher.load("xray", "write_hit_assessments"),
                    rows=rows[start : start + _CHUNK],
                    database_=self._settings.neo4j_database,
                )

    def count(self) -> int:
        """XRayHit nodes in the graph."""
        with translate_driver_errors(self._settings):
            records = self._driver.execute_query(
                cypher.load("xray", "count_xray_hits"),
                database_=self._settings.neo4j_database,
                routing_=RoutingControl.READ,
            ).records
        return int(records[0]["hits"])

    def _chunks(self, statement: str) -> Iterator[list[str]]:
        """Scan ids from the read ``statement``, a chunk at a time (paged by scan id)."""
        after = ""
        while True:
            with translate_driver_errors(self._settings):
                records = self._driver.execute_query(
                    cypher.load("xray", statement),
                    after=after,
                    limit=_CHUNK,
                    database_=self._settings.neo4j_database,
                    routing_=RoutingControl.READ,
                ).records
            chunk = [str(r["scan_id"]) for r in records]
            if not chunk:
                return
            yield chunk
            after = chunk[-1]

    def _session(self) -> Session:
        return self._driver.session(database=self._settings.neo4j_database)

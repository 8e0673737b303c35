"""The intake: hits are spooled (durable, then acknowledged) and drained into Neo4j by a background thread.

:class:`XRayIntake` owns the spool writer and the drainer. The drainer takes the oldest undrained hits in
batches, MERGEs and links them (idempotent on scan id), assesses the linked ones against what was
declared, and only then marks them drained: a crash anywhere in between re-drains the batch on restart,
which changes nothing in the graph. Every ``xray_link_interval_s`` it links the hits waiting for their
object and assesses those. When Neo4j is down the hits wait in the spool and the drainer retries.

:func:`refresh_xray_links` is the same linking and assessment for the file ingest: after a world is
loaded, pending hits are linked and every linked hit is assessed again (its object's declarations may
have arrived, or the class map may have a new version).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neo4j import Driver

from bigfinder.errors import BigfinderError
from bigfinder.settings import Settings
from graph.xray import HitGoods, HitGraph
from xray_service.discrepancy import ClassMap, assess, default_class_map
from xray_service.models import XRayHitIn, content_digest
from xray_service.spool import PendingHit, Spool, SpoolCounts, SpoolEntry, SpoolWriter, Verdict

__all__ = [
    "DrainStats",
    "XRayIntake",
    "assess_hits",
    "hit_props",
    "refresh_xray_links",
    "spool_entry",
    "spool_path",
]

_log = logging.getLogger("bigfinder.xray")
#: Seconds the drainer waits after a failed write before trying again.
_RETRY_S = 2.0
#: Longest sleep when nothing is pending: a commit wakes it sooner.
_IDLE_S = 0.5


def spool_entry(hit: XRayHitIn) -> SpoolEntry:
    """The spool's form of a validated hit: scan id, digest of its canonical JSON, and that JSON."""
    canonical = hit.canonical()
    return SpoolEntry(hit.scan_id, content_digest(canonical), json.dumps(canonical, ensure_ascii=False))


def hit_props(canonical: dict[str, Any]) -> dict[str, Any]:
    """The XRayHit properties of a spooled hit.

    The strongest detection fills ``detected_class``, ``confidence`` and ``bbox`` as a hit from a file
    does; all detections are kept as parallel lists (``bboxes`` flattened, four numbers each).

    >>> props = hit_props({"object_type": "parcel", "object_ref": "LX000000425KR", "detections": [
    ...     {"detected_class": "toys", "confidence": 0.6, "bbox": [1, 2, 3, 4]},
    ...     {"detected_class": "cigarettes", "confidence": 0.9, "bbox": [5, 6, 7, 8]}],
    ...     "image_ref": "xray://x.png", "image_width": 10, "image_height": 10,
    ...     "scanned_at": "2024-01-02T03:04:05.000000Z", "operator": "OP-1"})
    >>> props["detected_class"], props["detected_classes"], props["bboxes"]
    ('cigarettes', ['cigarettes', 'toys'], [5, 6, 7, 8, 1, 2, 3, 4])
    """
    detections = sorted(canonical["detections"], key=lambda d: -float(d["confidence"]))
    strongest = detections[0]
    return {
        "object_type": canonical["object_type"],
        "object_ref": canonical["object_ref"],
        "detected_class": strongest["detected_class"],
        "confidence": strongest["confidence"],
        "bbox": list(strongest["bbox"]),
        "detected_classes": [d["detected_class"] for d in detections],
        "confidences": [d["confidence"] for d in detections],
        "bboxes": [v for d in detections for v in d["bbox"]],
        "image_ref": canonical["image_ref"],
        "image_width": canonical["image_width"],
        "image_height": canonical["image_height"],
        "scanned_at": canonical["scanned_at"],
        "operator": canonical["operator"],
        "source_file": "xray_service",
    }


def assess_hits(hits: HitGraph, scan_ids: list[str], class_map: ClassMap, threshold: float) -> int:
    """Assess the linked hits of ``scan_ids`` and store the signal; how many were assessed."""
    goods = hits.goods(scan_ids)
    hits.write_assessments([_assessment_row(g, class_map, threshold) for g in goods])
    return len(goods)


def _assessment_row(goods: HitGoods, class_map: ClassMap, threshold: float) -> dict[str, Any]:
    finding = assess(goods.detections, goods.object_type, goods.declared_hs_codes, class_map, threshold)
    return {
        "scan_id": goods.scan_id,
        "discrepancy": finding.discrepancy,
        "score": finding.score,
        "reason": finding.reason,
        "version": finding.class_map_version,
    }


def refresh_xray_links(
    driver: Driver, settings: Settings, class_map: ClassMap | None = None
) -> tuple[int, int]:
    """After an ingest: link the hits waiting for their objects, re-assess every linked hit.

    Returns (hits linked now, hits assessed).
    """
    hits = HitGraph(driver, settings)
    linked = hits.link_pending()
    assessed = assess_hits(
        hits, hits.linked_scan_ids(), class_map or default_class_map(), settings.xray_discrepancy_threshold
    )
    return len(linked), assessed


@dataclass
class DrainStats:
    """What the drainer has done since the intake started."""

    drained: int = 0
    linked_later: int = 0
    last_error: str | None = None


class XRayIntake:
    """Spool writer and drainer for one process; :meth:`close` stops both after a last drain attempt."""

    def __init__(self, driver: Driver, settings: Settings, class_map: ClassMap | None = None) -> None:
        self._settings = settings
        self._class_map = class_map or default_class_map()
        self._hits = HitGraph(driver, settings)
        path = spool_path(settings)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.stats = DrainStats()
        self._reader = Spool(path)
        self._writer = SpoolWriter(path, on_commit=self._wake.set)
        self._drainer = threading.Thread(target=self._drain_forever, name="xray-drainer", daemon=True)
        self._drainer.start()

    @property
    def class_map(self) -> ClassMap:
        """The class map the signal is computed with."""
        return self._class_map

    async def accept(self, hits: Iterable[XRayHitIn]) -> list[Verdict]:
        """Spool ``hits`` durably; returns once they are on disk (the moment to acknowledge)."""
        future = self._writer.submit([spool_entry(hit) for hit in hits])
        return await asyncio.wrap_future(future)

    def counts(self) -> SpoolCounts:
        """Pending and drained hits in the spool."""
        return self._reader.counts()

    def close(self) -> None:
        """Stop accepting, stop the drainer, close the spool."""
        self._writer.close()
        self._stop.set()
        self._wake.set()
        self._drainer.join()
        self._reader.close()

    def _drain_forever(self) -> None:
        last_link = time.monotonic()
        while not self._stop.is_set():
            try:
                drained = self.drain_once()
                if time.monotonic() - last_link >= self._settings.xray_link_interval_s:
                    last_link = time.monotonic()
                    self.link_pending()
                self.stats.last_error = None
            except BigfinderError as exc:
                self.stats.last_error = exc.detail
                _log.warning("X-ray drain paused: %s", exc.detail)
                self._stop.wait(_RETRY_S)
                continue
            if not drained:
                self._wake.wait(_IDLE_S)
                self._wake.clear()

    def drain_once(self) -> int:
        """Write the oldest batch of undrained hits to the graph; how many."""
        batch = self._reader.pending(self._settings.xray_drain_batch_size)
        if not batch:
            return 0
        linked = self._hits.write([_graph_row(p) for p in batch])
        if linked:
            assess_hits(self._hits, linked, self._class_map, self._settings.xray_discrepancy_threshold)
        self._reader.mark_drained([p.seq for p in batch])
        self.stats.drained += len(batch)
        return len(batch)

    def link_pending(self) -> int:
        """Link the hits whose objects have arrived since, and assess them."""
        linked = self._hits.link_pending()
        if linked:
            assess_hits(self._hits, linked, self._class_map, self._settings.xray_discrepancy_threshold)
        self.stats.linked_later += len(linked)
        return len(linked)


def spool_path(settings: Settings) -> Path:
    """The spool file in ``xray_spool_dir``."""
    return settings.xray_spool_dir / "spool.sqlite3"


def _graph_row(pending: PendingHit) -> dict[str, Any]:
    return {"scan_id": pending.scan_id, "props": hit_props(json.loads(pending.payload))}

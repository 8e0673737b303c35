"""The X-ray service without Neo4j: payload checks, the class map and its signal, the spool."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from xray_service.discrepancy import ClassMap, ItemClass, assess, default_class_map, load_class_map
from xray_service.intake import hit_props, spool_entry
from xray_service.models import HitBatch, XRayHitIn
from xray_service.spool import ScanConflict, Spool, SpoolEntry, SpoolWriter, Verdict


def _hit(**changes: Any) -> dict[str, Any]:
    hit: dict[str, Any] = {
        "scan_id": "S00000077",
        "object_type": "parcel",
        "object_ref": "LX000000425KR",
        "detections": [{"detected_class": "cigarettes", "confidence": 0.91, "bbox": [10, 20, 30, 40]}],
        "image_ref": "xray://INCHEON_AIRPORT/2024/05/01/S00000077.png",
        "image_width": 640,
        "image_height": 480,
        "scanned_at": "2024-05-01T10:00:00Z",
        "operator": "OP-0412",
    }
    hit.update(changes)
    return hit


def _problems(payload: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        XRayHitIn.model_validate(payload)
    return str(caught.value)


def test_a_valid_hit_of_each_object_type_is_accepted() -> None:
    XRayHitIn.model_validate(_hit())
    XRayHitIn.model_validate(_hit(object_type="container", object_ref="CSQU3054383"))
    XRayHitIn.model_validate(_hit(object_type="container", object_ref="D000004711"))
    XRayHitIn.model_validate(_hit(object_type="baggage", object_ref="T000000042"))


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"object_ref": "LX000000426KR"}, "S10 tracking number"),
        ({"object_type": "container", "object_ref": "CSQU3054384"}, "ISO 6346"),
        ({"object_type": "baggage", "object_ref": "t-42 ;"}, "trip id"),
        ({"object_type": "suitcase"}, "object_type"),
        ({"detections": [{"detected_class": "gun", "confidence": 0.9, "bbox": [0, 0, 1, 1]}]}, "class map"),
        ({"detections": [{"detected_class": "toys", "confidence": 1.2, "bbox": [0, 0, 1, 1]}]}, "less than"),
        ({"detections": [{"detected_class": "toys", "confidence": -0.1, "bbox": [0, 0, 1, 1]}]}, "greater"),
        (
            {"detections": [{"detected_class": "toys", "confidence": 0.5, "bbox": [600, 0, 50, 10]}]},
            "outside",
        ),
        ({"detections": [{"detected_class": "toys", "confidence": 0.5, "bbox": [0, 0, 0, 10]}]}, "width"),
        ({"detections": [{"detected_class": "toys", "confidence": 0.5, "bbox": [0, 0, 5]}]}, "bbox"),
        ({"detections": []}, "at least 1"),
        ({"scanned_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}, "future"),
        ({"scanned_at": "2024-05-01T10:00:00"}, "timezone"),
        ({"scan_id": "S 1; DROP"}, "scan_id"),
        ({"image_ref": "file:///etc/passwd"}, "image_ref"),
        ({"surprise": 1}, "Extra inputs"),
    ],
)
def test_every_field_is_checked(changes: dict[str, Any], problem: str) -> None:
    assert problem in _problems(_hit(**changes))


def test_a_batch_refuses_a_scan_id_twice() -> None:
    with pytest.raises(ValidationError, match="repeated within the batch: S1"):
        HitBatch.model_validate({"hits": [_hit(scan_id="S1"), _hit(scan_id="S1")]})


def test_the_digest_ignores_how_the_time_was_written_but_not_the_content() -> None:
    same = XRayHitIn.model_validate(_hit(scanned_at="2024-05-01T19:00:00+09:00"))
    first = spool_entry(XRayHitIn.model_validate(_hit()))
    assert spool_entry(same).digest == first.digest
    assert spool_entry(XRayHitIn.model_validate(_hit(operator="OP-1"))).digest != first.digest


def test_the_strongest_detection_fills_the_single_value_properties() -> None:
    detections = [
        {"detected_class": "toys", "confidence": 0.5, "bbox": [0, 0, 2, 2]},
        {"detected_class": "gold_bar", "confidence": 0.8, "bbox": [4, 4, 2, 2]},
    ]
    props = hit_props(XRayHitIn.model_validate(_hit(detections=detections)).canonical())
    assert (props["detected_class"], props["confidence"], props["bbox"]) == ("gold_bar", 0.8, [4, 4, 2, 2])
    assert props["confidences"] == [0.8, 0.5] and props["bboxes"] == [4, 4, 2, 2, 0, 0, 2, 2]


# -- the class map and the discrepancy signal ------------------------------------------------------------


def test_the_shipped_class_map_covers_every_class_the_generator_writes() -> None:
    from ingest.catalogue import HS_CATALOGUE, SMUGGLING_CLASSES

    written = {item.xray_class for item in HS_CATALOGUE} | set(SMUGGLING_CLASSES)
    assert written <= default_class_map().vocabulary
    # and each catalogue item's own class fits its own HS code: honest goods raise no signal
    for item in HS_CATALOGUE:
        finding = assess([(item.xray_class, 0.9)], "container", [item.code], default_class_map(), 0.5)
        assert not finding.discrepancy, (item.code, item.xray_class, finding.reason)


def test_a_class_map_file_must_be_versioned_and_name_chapters(tmp_path: Path) -> None:
    bad = tmp_path / "map.json"
    bad.write_text(
        json.dumps({"version": "1", "classes": {"toys": {"hs_chapters": ["9"], "personal_effect": 1}}})
    )
    with pytest.raises(ValueError, match="two-digit HS chapters"):
        load_class_map(bad)
    bad.write_text(json.dumps({"classes": {}}))
    with pytest.raises(ValueError, match="not a valid class map"):
        load_class_map(bad)


_MAP = ClassMap(
    "t1",
    {
        "cigarettes": ItemClass(("24",), False),
        "electronics": ItemClass(("84", "85"), True),
        "currency_bundle": ItemClass((), False),
        "toys": ItemClass(("95",), True),
    },
)


def test_undeclared_goods_in_a_container_raise_the_signal_with_the_reason() -> None:
    finding = assess([("cigarettes", 0.8), ("electronics", 0.95)], "container", ["851712"], _MAP, 0.5)
    assert finding.discrepancy and finding.score == 0.8 and finding.class_map_version == "t1"
    assert "cigarettes (0.80)" in finding.reason and "85" in finding.reason
    assert "electronics" not in finding.reason


def test_declared_goods_and_weak_detections_raise_nothing() -> None:
    assert not assess([("electronics", 0.99)], "parcel", ["847130"], _MAP, 0.5).discrepancy
    weak = assess([("cigarettes", 0.3)], "parcel", ["950300"], _MAP, 0.5)
    assert not weak.discrepancy and weak.score == 0.0 and "no detection at or above" in weak.reason


def test_cash_fits_no_declaration_and_the_strongest_mismatch_scores() -> None:
    finding = assess([("currency_bundle", 0.7), ("cigarettes", 0.9)], "parcel", ["240220"], _MAP, 0.5)
    assert finding.discrepancy and finding.score == 0.7


def test_baggage_is_judged_by_what_travellers_may_carry_undeclared() -> None:
    assert not assess([("electronics", 0.9), ("toys", 0.6)], "baggage", [], _MAP, 0.5).discrepancy
    finding = assess([("currency_bundle", 0.93)], "baggage", [], _MAP, 0.5)
    assert finding.discrepancy and "must be declared by a traveller" in finding.reason


def test_nothing_declared_for_a_parcel_is_a_discrepancy_and_unknown_classes_are_named() -> None:
    finding = assess([("toys", 0.9), ("laser", 0.9)], "parcel", [], _MAP, 0.5)
    assert finding.discrepancy and "no goods declared" in finding.reason and "laser" in finding.reason


# -- the spool -------------------------------------------------------------------------------------------


def _entry(scan_id: str, digest: str = "d") -> SpoolEntry:
    return SpoolEntry(scan_id, digest, json.dumps({"scan_id": scan_id}))


def test_the_spool_keeps_hits_across_a_reopen_until_drained(tmp_path: Path) -> None:
    path = tmp_path / "spool.sqlite3"
    spool = Spool(path)
    assert spool.append([_entry("S1"), _entry("S2")]) == [Verdict.ACCEPTED, Verdict.ACCEPTED]
    spool.close()
    reopened = Spool(path)
    pending = reopened.pending(10)
    assert [p.scan_id for p in pending] == ["S1", "S2"]
    reopened.mark_drained([pending[0].seq])
    assert [p.scan_id for p in reopened.pending(10)] == ["S2"]
    assert (reopened.counts().pending, reopened.counts().drained) == (1, 1)
    # a drained hit is still recognised: same content is a duplicate, other content a conflict
    assert reopened.append([_entry("S1")]) == [Verdict.DUPLICATE]
    with pytest.raises(ScanConflict):
        reopened.append([_entry("S1", digest="other")])
    reopened.close()


def test_a_conflicting_request_is_refused_whole_and_its_neighbours_in_the_commit_go_through(
    tmp_path: Path,
) -> None:
    spool = Spool(tmp_path / "spool.sqlite3")
    spool.append([_entry("S1")])
    outcomes = spool.append_groups([[_entry("S2"), _entry("S1", digest="other")], [_entry("S3")]])
    assert isinstance(outcomes[0], ScanConflict) and outcomes[1] == [Verdict.ACCEPTED]
    assert [p.scan_id for p in spool.pending(10)] == ["S1", "S3"]
    spool.close()


def test_the_writer_thread_commits_concurrent_requests_and_answers_each(tmp_path: Path) -> None:
    committed = threading.Event()
    writer = SpoolWriter(tmp_path / "spool.sqlite3", on_commit=committed.set)
    futures = [writer.submit([_entry(f"S{n}")]) for n in range(200)]
    futures.append(writer.submit([_entry("S0", digest="other")]))
    assert all(f.result(timeout=10) == [Verdict.ACCEPTED] for f in futures[:-1])
    with pytest.raises(ScanConflict):
        futures[-1].result(timeout=10)
    writer.close()
    assert committed.is_set()
    assert Spool(tmp_path / "spool.sqlite3").counts().pending == 200

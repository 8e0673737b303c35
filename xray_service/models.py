"""What a scanner posts and what it gets back: every field checked before anything is spooled.

A hit names its scan, the object scanned and what the model saw. The object reference is checked in its
own format: a parcel by its UPU S10 tracking number (check digit verified), a container by its ISO 6346
number (check digit verified) or the id of the declaration it travels under, baggage by its owner's trip
id (the check-in system resolves the bag tag to the trip, as in ``xray_hits`` files). Classes come from
the class map's vocabulary, confidences lie in 0..1, every box lies inside the image, and a scan time in
the future is refused.

>>> is_s10_tracking_number("LX000000425KR"), is_s10_tracking_number("LX000000426KR")
(True, False)
>>> is_iso6346_container("CSQU3054383"), is_iso6346_container("CSQU3054384")
(True, False)
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from xray_service.discrepancy import default_class_map

__all__ = [
    "CLOCK_SKEW",
    "MAX_BATCH",
    "Detection",
    "HitBatch",
    "HitReceipt",
    "IntakeReceipt",
    "ReceiptStatus",
    "ScanObject",
    "SpoolStatus",
    "XRayHitIn",
    "content_digest",
    "is_iso6346_container",
    "is_s10_tracking_number",
]

#: Hits per request: a scanner lane's burst, small enough to spool in one transaction.
MAX_BATCH = 1_000
#: Scanner clocks run a little ahead of ours; more than this ahead is a wrong clock, not skew.
CLOCK_SKEW = timedelta(minutes=5)
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)

_S10 = re.compile(r"^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_ISO6346 = re.compile(r"^[A-Z]{3}[UJZ]\d{7}$")
# ISO 6346 letter values skip the multiples of 11.
_ISO6346_LETTERS = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (v for v in range(10, 39) if v % 11), strict=False))
_RECORD_ID = re.compile(r"^[A-Z][A-Z0-9]{3,19}$")

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]


def is_s10_tracking_number(text: str) -> bool:
    """A UPU S10 item identifier with a correct check digit (``LX000000425KR``)."""
    match = _S10.match(text)
    if match is None:
        return False
    check = 11 - sum(int(d) * w for d, w in zip(match.group(1), _S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(check, check) == int(match.group(2))


def is_iso6346_container(text: str) -> bool:
    """An ISO 6346 freight container number with a correct check digit (``CSQU3054383``)."""
    if _ISO6346.match(text) is None:
        return False
    values = [_ISO6346_LETTERS[c] if c.isalpha() else int(c) for c in text[:10]]
    return int(sum(v * 2**i for i, v in enumerate(values))) % 11 % 10 == int(text[10])


class ScanObject(StrEnum):
    """What was scanned."""

    PARCEL = "parcel"
    BAGGAGE = "baggage"
    CONTAINER = "container"


def _object_ref_problem(object_type: ScanObject, ref: str) -> str | None:
    if object_type is ScanObject.PARCEL and not is_s10_tracking_number(ref):
        return "a parcel's object_ref must be an S10 tracking number with a valid check digit"
    if object_type is ScanObject.BAGGAGE and not _RECORD_ID.match(ref):
        return "a bag's object_ref must be its owner's trip id (upper-case letters and digits)"
    if (
        object_type is ScanObject.CONTAINER
        and not is_iso6346_container(ref)
        and not (_RECORD_ID.match(ref) and _ISO6346.match(ref) is None)
    ):
        return (
            "a container's object_ref must be an ISO 6346 number with a valid check digit, "
            "or a declaration id"
        )
    return None


class Detection(BaseModel):
    """One thing the model saw: its class, confidence and box ``[x, y, width, height]`` in pixels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    detected_class: str = Field(max_length=64, examples=["cigarettes"])
    confidence: float = Field(ge=0.0, le=1.0, allow_inf_nan=False, examples=[0.94])
    bbox: tuple[int, int, int, int] = Field(examples=[[212, 140, 64, 38]])

    @field_validator("detected_class")
    @classmethod
    def _known_class(cls, value: str) -> str:
        class_map = default_class_map()
        if value not in class_map.vocabulary:
            raise ValueError(
                f"{value!r} is not a class of class map {class_map.version}; "
                f"known: {', '.join(sorted(class_map.vocabulary))}"
            )
        return value

    @field_validator("bbox")
    @classmethod
    def _positive_box(cls, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        x, y, width, height = box
        if x < 0 or y < 0 or width < 1 or height < 1:
            raise ValueError("a box is [x, y, width, height] with x, y >= 0 and width, height >= 1")
        return box


class XRayHitIn(BaseModel):
    """One scan as the scanner reports it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scan_id: Identifier = Field(examples=["S00000077"])
    object_type: ScanObject
    object_ref: str = Field(min_length=1, max_length=64, examples=["LX000000425KR"])
    detections: list[Detection] = Field(min_length=1, max_length=50)
    image_ref: str = Field(
        pattern=r"^(xray|s3|https)://[^\s]{1,480}$",
        examples=["xray://INCHEON_AIRPORT/2023/05/04/S00000077.png"],
    )
    image_width: int = Field(ge=1, le=20_000, examples=[1024])
    image_height: int = Field(ge=1, le=20_000, examples=[768])
    scanned_at: AwareDatetime = Field(examples=["2023-05-04T11:32:18Z"])
    operator: Identifier = Field(examples=["OP-0412"])

    @field_validator("scanned_at")
    @classmethod
    def _not_in_the_future(cls, value: datetime) -> datetime:
        at = value.astimezone(UTC)
        if at > datetime.now(UTC) + CLOCK_SKEW:
            raise ValueError("scanned_at lies in the future; check the scanner's clock")
        if at < _EARLIEST:
            raise ValueError("scanned_at lies before 2000")
        return at

    @model_validator(mode="after")
    def _object_and_boxes(self) -> Self:
        problem = _object_ref_problem(self.object_type, self.object_ref)
        if problem:
            raise ValueError(problem)
        for at, detection in enumerate(self.detections):
            x, y, width, height = detection.bbox
            if x + width > self.image_width or y + height > self.image_height:
                raise ValueError(
                    f"detections[{at}].bbox {list(detection.bbox)} reaches outside the "
                    f"{self.image_width}x{self.image_height} image"
                )
        return self

    def canonical(self) -> dict[str, Any]:
        """The hit as plain JSON values, times in UTC: what is spooled and what its digest covers."""
        data = self.model_dump(mode="json")
        data["scanned_at"] = self.scanned_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return data


def content_digest(canonical: dict[str, Any]) -> str:
    """SHA-256 of a hit's canonical JSON: a repeated scan id with another digest is a conflict."""
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class HitBatch(BaseModel):
    """Several hits in one request; scan ids must differ within it."""

    model_config = ConfigDict(extra="forbid")

    hits: list[XRayHitIn] = Field(min_length=1, max_length=MAX_BATCH)

    @model_validator(mode="after")
    def _distinct_scan_ids(self) -> Self:
        counts = Counter(h.scan_id for h in self.hits)
        repeated = sorted(scan_id for scan_id, n in counts.items() if n > 1)
        if repeated:
            raise ValueError(f"scan ids repeated within the batch: {', '.join(repeated[:10])}")
        return self


class ReceiptStatus(StrEnum):
    """What became of one posted hit."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"


class HitReceipt(BaseModel):
    """One hit's acknowledgement: it is on disk and will reach the graph."""

    scan_id: str
    status: ReceiptStatus


class IntakeReceipt(BaseModel):
    """The acknowledgement of a request: new hits spooled, repeats recognised."""

    accepted: int
    duplicates: int
    receipts: list[HitReceipt]


class SpoolStatus(BaseModel):
    """How far the drain into Neo4j has come."""

    pending: int
    drained: int
    last_drain_error: str | None
    class_map_version: str
    mode: Literal["standalone", "mounted"]

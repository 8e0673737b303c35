"""Does what the scanner saw fit what was declared? The discrepancy signal of an X-ray hit.

The detector's item classes are mapped to HS chapters in ``class_map.json`` (data, with a ``version``):
a detection fits a parcel or a container when one of its class's chapters is the chapter (first two
digits) of a declared HS code. Baggage carries no declaration, so a detection fits baggage only when the
class is a personal effect a traveller may carry undeclared. Detections below the confidence threshold
do not count. The score is the confidence of the strongest detection that fits nothing; the reason says
which detections and which declaration.

>>> classes = ClassMap("test", {"cigarettes": ItemClass(("24",), False),
...                              "electronics": ItemClass(("84", "85"), True)})
>>> finding = assess([("cigarettes", 0.91), ("electronics", 0.97)], "container", ["851712"], classes, 0.5)
>>> finding.discrepancy, finding.score
(True, 0.91)
>>> finding.reason
'cigarettes (0.91) fits none of the declared HS chapters 85 (declared 851712)'
>>> assess([("electronics", 0.97)], "baggage", [], classes, 0.5).discrepancy
False
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "CLASS_MAP_FILE",
    "Assessment",
    "ClassMap",
    "ItemClass",
    "assess",
    "default_class_map",
    "load_class_map",
]

#: The class map shipped with the service; a new mapping is a new ``version`` of this file.
CLASS_MAP_FILE = Path(__file__).resolve().parent / "class_map.json"

_CHAPTER_DIGITS = 2


@dataclass(frozen=True)
class ItemClass:
    """One detector class: the HS chapters its goods are declared under, and whether travellers may
    carry it undeclared. No chapters: nothing can be declared to cover it (cash, narcotics)."""

    hs_chapters: tuple[str, ...]
    personal_effect: bool


@dataclass(frozen=True)
class ClassMap:
    """The versioned mapping from detector classes to HS chapters."""

    version: str
    classes: dict[str, ItemClass]

    def __post_init__(self) -> None:
        for name, item in self.classes.items():
            bad = [c for c in item.hs_chapters if len(c) != _CHAPTER_DIGITS or not c.isdigit()]
            if bad:
                raise ValueError(f"class {name!r}: {bad} are not two-digit HS chapters")
        if not self.version.strip():
            raise ValueError("a class map needs a version")

    @property
    def vocabulary(self) -> frozenset[str]:
        """The classes a scanner may report."""
        return frozenset(self.classes)


@dataclass(frozen=True)
class Assessment:
    """The discrepancy signal of one hit, stamped with the class map version that produced it."""

    discrepancy: bool
    score: float
    reason: str
    class_map_version: str


def load_class_map(path: Path = CLASS_MAP_FILE) -> ClassMap:
    """Read a class map file; a malformed one fails here with the file named."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        classes = {
            str(name): ItemClass(tuple(str(c) for c in spec["hs_chapters"]), bool(spec["personal_effect"]))
            for name, spec in data["classes"].items()
        }
        return ClassMap(str(data["version"]), classes)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path} is not a valid class map: {exc}") from exc


@cache
def default_class_map() -> ClassMap:
    """The shipped class map, read once per process."""
    return load_class_map()


def _chapters(hs_codes: Iterable[str]) -> list[str]:
    return sorted({code[:_CHAPTER_DIGITS] for code in hs_codes if len(code) >= _CHAPTER_DIGITS})


def _fits(item: ItemClass, object_type: str, declared_chapters: list[str]) -> bool:
    if object_type == "baggage":
        return item.personal_effect
    return bool(set(item.hs_chapters) & set(declared_chapters))


def assess(
    detections: Sequence[tuple[str, float]],
    object_type: str,
    declared_hs_codes: Sequence[str],
    class_map: ClassMap,
    threshold: float,
) -> Assessment:
    """The discrepancy of one hit's ``(class, confidence)`` detections against the declared HS codes.

    Classes the map does not know (an older file) are left out of the signal and named in the reason.
    """
    counted = [(name, conf) for name, conf in detections if conf >= threshold]
    unknown = sorted({name for name, _ in counted if name not in class_map.classes})
    chapters = _chapters(declared_hs_codes)
    unexplained = [
        (name, conf)
        for name, conf in counted
        if name in class_map.classes and not _fits(class_map.classes[name], object_type, chapters)
    ]
    unexplained.sort(key=lambda pair: -pair[1])
    score = round(max((conf for _, conf in unexplained), default=0.0), 4)
    reason = _reason(unexplained, object_type, chapters, declared_hs_codes, counted, threshold)
    if unknown:
        reason += f"; classes not in class map {class_map.version}: {', '.join(unknown)}"
    return Assessment(bool(unexplained), score, reason, class_map.version)


def _reason(
    unexplained: list[tuple[str, float]],
    object_type: str,
    chapters: list[str],
    declared: Sequence[str],
    counted: list[tuple[str, float]],
    threshold: float,
) -> str:
    if not counted:
        return f"no detection at or above confidence {threshold:.2f}"
    if not unexplained:
        if object_type == "baggage":
            return "only personal effects detected"
        return f"every detection fits the declared HS chapters {', '.join(chapters)}"
    found = ", ".join(f"{name} ({conf:.2f})" for name, conf in unexplained)
    if object_type == "baggage":
        return f"{found} must be declared by a traveller; nothing was declared"
    if not chapters:
        return f"{found} detected; no goods declared for this {object_type}"
    codes = ", ".join(sorted(set(declared)))
    return f"{found} fits none of the declared HS chapters {', '.join(chapters)} (declared {codes})"

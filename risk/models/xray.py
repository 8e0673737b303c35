"""X-ray discrepancy: what the scanner saw against what was declared.

The scanners' class map (``xray_service/class_map.json``: per detected class, the HS chapters whose
goods it shows and whether a traveller may carry it undeclared) says whether a hit fits the declared
HS chapter. For classes the map does not know, the model learns from every scanned declaration how
often each class goes with each declared chapter (smoothed co-occurrence). A hit that does not fit is
a discrepancy, weighted by the detector's confidence. For travellers, baggage hits of goods that are
not personal effects count against the person, since baggage comes with no declaration to compare to.
Without the class map file, a small table of such goods (gold, cash, tobacco) is used.
Every detection of a hit is read (``declarations`` and ``persons`` in ``cypher/risk.cypher``): a hit from
the scanner service lists them all, so a strong innocent detection does not hide a weaker contraband one.

Features: Declaration ``xray_discrepancy`` (0..1) and ``xray_scanned``; Person ``baggage_contraband``
(sum of the confidences of such hits) and ``baggage_hits``.

Example
-------
>>> import numpy as np
>>> decl = {"declaration_id": np.array(["D1", "D2", "D3", "D4"], dtype=object),
...         "hs_code": np.array(["851712", "851712", "851712", "610910"], dtype=object),
...         "xray_classes": np.empty(4, dtype=object), "xray_confidences": np.empty(4, dtype=object)}
>>> decl["xray_classes"][:] = [["electronics"], ["electronics"], ["cigarettes"], ["textiles"]]
>>> decl["xray_confidences"][:] = [[0.9], [0.8], [0.9], [0.7]]
>>> model = XRayModel(class_map={})  # learn everything from the scans
>>> persons = {"person_id": np.array([], dtype=object), "baggage_classes": np.array([], dtype=object),
...            "baggage_confidences": np.array([], dtype=object)}
>>> _ = model.fit(RiskTables(decl, {}, persons, {}))
>>> values = model.score(RiskTables(decl, {}, persons, {}))[0].values["xray_discrepancy"]
>>> bool(values[2] > values[0])
True
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from risk.contract import NodeFeatures, RiskTables
from risk.tables import illicit_labels

__all__ = ["BAGGAGE_CONTROLLED", "CLASS_MAP_FILE", "ClassMap", "XRayModel", "load_class_map"]

#: The scanners' class map, kept by the X-ray intake service.
CLASS_MAP_FILE = Path(__file__).resolve().parents[2] / "xray_service" / "class_map.json"
#: Detected classes that must be declared when carried in baggage, used without the class map file.
BAGGAGE_CONTROLLED = {"gold_bar": "71", "currency_bundle": "49", "cigarettes": "24"}
#: Detected class -> (HS chapters its goods fall under, whether a traveller may carry it undeclared).
ClassMap = Mapping[str, tuple[frozenset[str], bool]]


def load_class_map(path: Path = CLASS_MAP_FILE) -> ClassMap:
    """The scanners' class map, or the small baggage table when the file is not there."""
    if not path.exists():
        return {name: (frozenset({chapter}), False) for name, chapter in BAGGAGE_CONTROLLED.items()}
    classes = json.loads(path.read_text(encoding="utf-8"))["classes"]
    return {
        name: (frozenset(entry["hs_chapters"]), bool(entry["personal_effect"]))
        for name, entry in classes.items()
    }


def _hits(classes: npt.NDArray[Any], confidences: npt.NDArray[Any]) -> list[list[tuple[str, float]]]:
    return [
        [(str(c), float(p)) for c, p in zip(cs or [], ps or [], strict=False)]
        for cs, ps in zip(classes.tolist(), confidences.tolist(), strict=True)
    ]


class XRayModel:
    """Learned class-to-chapter co-occurrence for declarations, a fixed table for baggage."""

    name = "xray"
    version = "1.0"
    labels: tuple[str, ...] = ("Declaration", "Person")

    def __init__(self, class_map: ClassMap | None = None, smoothing: float = 1.0) -> None:
        self.class_map = dict(load_class_map() if class_map is None else class_map)
        self.smoothing = smoothing
        self._pairs: Counter[tuple[str, str]] = Counter()
        self._classes: Counter[str] = Counter()
        self._chapters = 1

    def fit(self, tables: RiskTables) -> dict[str, float]:
        decl = tables.declarations
        chapters = [str(h)[:2] for h in decl["hs_code"].tolist()]
        self._pairs, self._classes = Counter(), Counter()
        for chapter, hits in zip(
            chapters, _hits(decl["xray_classes"], decl["xray_confidences"]), strict=True
        ):
            for detected, _ in hits:
                self._pairs[(detected, chapter)] += 1
                self._classes[detected] += 1
        self._chapters = max(1, len(set(chapters)))
        labelled, illicit = illicit_labels(decl)
        discrepancy = self._discrepancy(decl)
        scanned = labelled & (discrepancy >= 0)
        return {
            "scanned_declarations": float((discrepancy >= 0).sum()),
            "class_chapter_pairs": float(len(self._pairs)),
            "mean_discrepancy_illicit": float(discrepancy[scanned & illicit].mean())
            if (scanned & illicit).any()
            else 0.0,
            "mean_discrepancy_clear": float(discrepancy[scanned & ~illicit].mean())
            if (scanned & ~illicit).any()
            else 0.0,
        }

    def _fit_probability(self, detected: str, chapter: str) -> float:
        """Whether ``detected`` fits ``chapter``: 0 or 1 from the class map, else the smoothed
        P(chapter | detected class) of the scans seen at fit."""
        if detected in self.class_map:
            return float(chapter in self.class_map[detected][0])
        seen = self._pairs[(detected, chapter)] + self.smoothing / self._chapters
        return seen / (self._classes[detected] + self.smoothing)

    def _discrepancy(self, decl: dict[str, npt.NDArray[Any]]) -> npt.NDArray[np.float64]:
        """Per declaration: the largest confidence x (1 - P(chapter | class)) over its hits; -1 unscanned."""
        out = np.full(len(decl["hs_code"]), -1.0)
        for at, hits in enumerate(_hits(decl["xray_classes"], decl["xray_confidences"])):
            chapter = str(decl["hs_code"][at])[:2]
            if hits:
                out[at] = max(p * (1.0 - self._fit_probability(c, chapter)) for c, p in hits)
        return out

    def score(self, tables: RiskTables) -> list[NodeFeatures]:
        decl, persons = tables.declarations, tables.persons
        discrepancy = self._discrepancy(decl)
        scanned = np.flatnonzero(discrepancy >= 0)
        hits = _hits(decl["xray_classes"], decl["xray_confidences"])
        declaration_block = NodeFeatures.build(
            "Declaration",
            decl["declaration_id"][scanned].tolist(),
            {"xray_discrepancy": discrepancy[scanned], "xray_scanned": np.ones(len(scanned))},
            [
                {
                    "xray_discrepancy": "; ".join(
                        f"{c} ({p:.2f}) seen with HS chapter {str(decl['hs_code'][at])[:2]} in "
                        f"{self._fit_probability(c, str(decl['hs_code'][at])[:2]):.0%} of scans"
                        for c, p in hits[at]
                    ),
                    "xray_scanned": f"{len(hits[at])} X-ray detection(s)",
                }
                for at in scanned.tolist()
            ],
        )
        return [declaration_block, self._baggage(persons)]

    def _must_declare(self, detected: str) -> bool:
        return detected in self.class_map and not self.class_map[detected][1]

    def _baggage(self, persons: dict[str, npt.NDArray[Any]]) -> NodeFeatures:
        hits = _hits(persons["baggage_classes"], persons["baggage_confidences"])
        scanned = [at for at, h in enumerate(hits) if h]
        contraband = [sum(p for c, p in hits[at] if self._must_declare(c)) for at in scanned]
        return NodeFeatures.build(
            "Person",
            persons["person_id"][scanned].tolist(),
            {"baggage_contraband": contraband, "baggage_hits": [len(hits[at]) for at in scanned]},
            [
                {
                    "baggage_contraband": ", ".join(
                        f"{c} ({p:.2f}) must be declared" for c, p in hits[at] if self._must_declare(c)
                    )
                    or "nothing that must be declared",
                    "baggage_hits": ", ".join(c for c, _ in hits[at]),
                }
                for at in scanned
            ],
        )

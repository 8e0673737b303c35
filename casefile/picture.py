"""The case network as a picture: a fixed shell layout drawn with matplotlib, the same pixels every time.

Entities in an alert (ring) sit on the inner circle and the others on the outer one, each circle in
label-then-key order, so members of one kind sit together and the layout never depends on a random
seed. The PNG is written without the software and date metadata matplotlib adds by default.

>>> [tuple(round(float(c), 3) for c in point) for point in circle(4, 1.0)]
[(0.0, 1.0), (-1.0, 0.0), (-0.0, -1.0), (1.0, -0.0)]
"""

from __future__ import annotations

import io
import math
from typing import Any

import matplotlib
import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from casefile.document import CaseDocument, EntityFacts

__all__ = ["LABELLED_AT_MOST", "case_picture", "circle", "shell_layout"]

#: Beyond this many entities the nodes are drawn without their names (they would overlap).
LABELLED_AT_MOST = 60
_COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf",
)  # fmt: skip
#: Fixed drawing settings, so a user's matplotlibrc cannot change the picture.
_STYLE: dict[Any, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8.0,
    "axes.linewidth": 0.0,
    "savefig.dpi": 150.0,
}


def circle(count: int, radius: float, shift: float = 0.0) -> npt.NDArray[np.float64]:
    """``count`` points evenly on a circle of ``radius``, counter-clockwise from the top, turned by
    ``shift`` of the step between two points."""
    angles = math.pi / 2 + 2 * math.pi * (np.arange(count) + shift) / max(count, 1)
    return np.column_stack([radius * np.cos(angles), radius * np.sin(angles)])


def shell_layout(doc: CaseDocument) -> dict[str, tuple[float, float]]:
    """Where each entity is drawn: alert members inside, the others outside, by label and key."""
    in_alerts = {member for alert in doc.alerts for member in alert.case_members}
    ordered = sorted(doc.entities, key=lambda e: (e.label, e.key))
    inner = [e.id for e in ordered if e.id in in_alerts]
    outer = [e.id for e in ordered if e.id not in in_alerts]
    if not inner or not outer:
        inner, outer = [], inner + outer
    positions: dict[str, tuple[float, float]] = {}
    # The outer circle is turned half a step, so a line from inside to outside rarely crosses a node.
    for ids, radius, shift in ((inner, 0.5, 0.0), (outer, 1.0, 0.5 if inner else 0.0)):
        for entity_id, (x, y) in zip(ids, circle(len(ids), radius, shift), strict=True):
            positions[entity_id] = (float(x), float(y))
    return positions


def _caption(entity: EntityFacts) -> str:
    # The picture's font has no Hangul: a name it cannot draw gives way to its Latin spelling.
    name = entity.name or ""
    if any(ord(c) >= 0x0530 for c in name):
        name = str(entity.properties.get("name_latin") or "")
    key = entity.key if len(entity.key) <= 24 else entity.key[:23] + "\u2026"
    return f"{key}\n{name[:24]}" if name else key


def case_picture(doc: CaseDocument) -> bytes:
    """The case network as a PNG."""
    positions = shell_layout(doc)
    labels = sorted({e.label for e in doc.entities})
    node_colour = {label: _COLOURS[i % len(_COLOURS)] for i, label in enumerate(labels)}
    types = sorted({r.type for r in doc.relationships})
    edge_colour = {t: _COLOURS[(i + 3) % len(_COLOURS)] for i, t in enumerate(types)}
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(8.0, 8.0))
        axes = figure.add_axes((0.02, 0.02, 0.96, 0.96))
        axes.set_axis_off()
        axes.set_xlim(-1.35, 1.35)
        axes.set_ylim(-1.35, 1.35)
        for r in doc.relationships:
            (x1, y1), (x2, y2) = positions[r.source], positions[r.target]
            width = 1.6 if r.pinned else 0.7
            axes.plot([x1, x2], [y1, y2], color=edge_colour[r.type], linewidth=width, alpha=0.7, zorder=1)
        for entity in doc.entities:
            x, y = positions[entity.id]
            axes.scatter([x], [y], s=70, color=node_colour[entity.label], edgecolors="black", zorder=2)
            if len(doc.entities) <= LABELLED_AT_MOST:
                axes.annotate(
                    _caption(entity), (x, y), xytext=(0, 7), textcoords="offset points", ha="center",
                    fontsize=7.5, zorder=3,
                )  # fmt: skip
        handles = [
            Line2D([], [], marker="o", linestyle="", color=node_colour[label], label=label)
            for label in labels
        ]
        handles += [Line2D([], [], color=edge_colour[t], label=t) for t in types]
        if handles:
            axes.legend(handles=handles, loc="lower left", fontsize=7.5, frameon=False, ncols=2)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()

"""Money-flow motifs on timed transfers: round-trip cycles, fan-in, fan-out and scatter-gather.

Each looks at the relationships of ``rel_type`` (``TRANSFER``) that carry a time, with the weight read
as the amount. A **temporal cycle** is money that comes back to where it started through distinct
accounts, each hop later than the one before, all within ``window_seconds``; each cycle of accounts is
reported once, as its earliest round, starting at the account that sent first. A **fan-in** (fan-out)
is an account receiving from (sending to) at least ``min_counterparties`` distinct accounts within the
window. **Scatter-gather** is a source splitting money over at least ``min_intermediates`` accounts
that each pass it on to one sink, every intermediate receiving before forwarding, all within the window.

Example
-------
>>> from graph.projection import Projection
>>> DAY = 86_400.0
>>> p = Projection.from_edges(
...     [("Account", k) for k in "ABCD"],
...     [(0, 1, "TRANSFER"), (1, 2, "TRANSFER"), (2, 0, "TRANSFER"), (3, 0, "TRANSFER")],
...     weight=[1e6, 9.9e5, 9.8e5, 5e3],
...     time=[0.0, DAY, 2 * DAY, 3 * DAY],
... )
>>> [c.nodes.tolist() for c in temporal_cycles(p, window_seconds=7 * DAY, backend="cpu")]
[[0, 1, 2]]
>>> temporal_cycles(p, window_seconds=DAY, backend="cpu")
[]
>>> [(f.center, f.counterparties.tolist()) for f in fan_in(p, min_counterparties=2, window_seconds=2 * DAY)]
[(0, [2, 3])]
"""

from __future__ import annotations

from typing import Literal

from analytics.backends import Backend, resolve_backend
from analytics.checks import at_least, positive
from analytics.types import Cycle, Fan, ScatterGather
from graph.projection import Projection
from graph.schema import SCHEMA

__all__ = ["fan_in", "fan_out", "scatter_gather", "temporal_cycles"]

DAY = 86_400.0


def temporal_cycles(
    projection: Projection,
    *,
    max_length: int = 6,
    window_seconds: float = 30 * DAY,
    rel_type: str = "TRANSFER",
    max_cycles: int = 100_000,
    backend: Backend | str | None = None,
) -> list[Cycle]:
    """Time-ordered cycles of 2..``max_length`` transfers within the window, earliest first.

    ``max_cycles`` bounds the rounds the search collects (a safety valve on very dense graphs).
    """
    SCHEMA.relationship(rel_type)
    return resolve_backend(backend).temporal_cycles(
        projection,
        max_length=at_least(max_length, 2, "max_length"),
        window_seconds=positive(window_seconds, "window_seconds"),
        rel_type=rel_type,
        max_cycles=at_least(max_cycles, 1, "max_cycles"),
    )


def fan_in(
    projection: Projection,
    *,
    min_counterparties: int = 10,
    window_seconds: float = 7 * DAY,
    rel_type: str = "TRANSFER",
    backend: Backend | str | None = None,
) -> list[Fan]:
    """Accounts receiving from at least ``min_counterparties`` distinct accounts within the window."""
    return _fans(projection, "in", min_counterparties, window_seconds, rel_type, backend)


def fan_out(
    projection: Projection,
    *,
    min_counterparties: int = 10,
    window_seconds: float = 7 * DAY,
    rel_type: str = "TRANSFER",
    backend: Backend | str | None = None,
) -> list[Fan]:
    """Accounts sending to at least ``min_counterparties`` distinct accounts within the window."""
    return _fans(projection, "out", min_counterparties, window_seconds, rel_type, backend)


def _fans(
    projection: Projection,
    direction: Literal["in", "out"],
    min_counterparties: int,
    window_seconds: float,
    rel_type: str,
    backend: Backend | str | None,
) -> list[Fan]:
    SCHEMA.relationship(rel_type)
    return resolve_backend(backend).fans(
        projection,
        direction=direction,
        min_counterparties=at_least(min_counterparties, 1, "min_counterparties"),
        window_seconds=positive(window_seconds, "window_seconds"),
        rel_type=rel_type,
    )


def scatter_gather(
    projection: Projection,
    *,
    min_intermediates: int = 3,
    window_seconds: float = 7 * DAY,
    rel_type: str = "TRANSFER",
    backend: Backend | str | None = None,
) -> list[ScatterGather]:
    """Source -> at least ``min_intermediates`` accounts -> one sink within the window, largest first."""
    SCHEMA.relationship(rel_type)
    return resolve_backend(backend).scatter_gather(
        projection,
        min_intermediates=at_least(min_intermediates, 1, "min_intermediates"),
        window_seconds=positive(window_seconds, "window_seconds"),
        rel_type=rel_type,
    )

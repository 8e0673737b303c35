"""Money-flow motifs on timed transfers, compiled with numba: cycles, fans and scatter-gather.

Only relationships of the asked type that carry a time take part. The accounts involved are renumbered
``0..k-1`` first, so the kernels' work arrays scale with the transfer subgraph, not the whole projection,
and each account's transfers are sorted by time so a kernel finds "the earliest transfer after t" with a
binary search.

* A **temporal cycle** is money that comes back: accounts ``a1 -> a2 -> ... -> ak -> a1``, all distinct,
  one transfer per hop, times strictly increasing, the last within ``window`` of the first. Each cycle of
  accounts is reported once, as its earliest round (earliest first transfer, then earliest completion),
  rotated to start at the account that sent first; ``occurrences`` counts the transfers that open a round.
* A **fan** is one account receiving from (fan-in) or sending to (fan-out) many distinct counterparties
  within the window; each account's busiest window is reported.
* **Scatter-gather** is money split from a source over several intermediates that each forward it to
  one sink: every intermediate receives before it forwards, and all legs fall within the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

from analytics.types import Cycle, Fan, ScatterGather
from graph.projection import Projection

__all__ = ["fans", "scatter_gather", "temporal_cycles"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
_Kernel = TypeVar("_Kernel", bound=Callable[..., Any])


def _compiled(kernel: _Kernel) -> _Kernel:
    """``numba.njit(cache=True)`` with the kernel's signature kept for the type checker."""
    return cast(_Kernel, numba.njit(cache=True)(kernel))


@dataclass(frozen=True)
class _TimedFlow:
    """Timed transfers over accounts renumbered ``0..k-1``; rows sorted by time within each account."""

    account: I64  # compact id -> projection node index
    indptr: I64
    counterparty: I64  # compact ids
    time: F64
    edge: I64  # projection relationship index


def _timed_flow(projection: Projection, rel_type: str, direction: Literal["out", "in"]) -> _TimedFlow:
    edges = projection.relationships_of_type(rel_type)
    edges = edges[~np.isnan(projection.time[edges])]
    account, compact = np.unique(
        np.concatenate([projection.src[edges], projection.dst[edges]]), return_inverse=True
    )
    senders, receivers = compact[: len(edges)], compact[len(edges) :]
    rows, cols = (senders, receivers) if direction == "out" else (receivers, senders)
    time = projection.time[edges]
    order = np.lexsort((edges, time, rows))
    indptr = np.zeros(len(account) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(account)), out=indptr[1:])
    return _TimedFlow(
        account.astype(np.int64),
        indptr,
        cols[order].astype(np.int64),
        time[order],
        edges[order].astype(np.int64),
    )


@_compiled
def _first_after(time: F64, start: int, end: int, moment: float) -> int:
    """The first position in ``time[start:end]`` (sorted) holding a time strictly after ``moment``."""
    lo, hi = start, end
    while lo < hi:
        mid = (lo + hi) // 2
        if time[mid] <= moment:
            lo = mid + 1
        else:
            hi = mid
    return lo


@_compiled
def _cycle_kernel(
    indptr: I64, counterparty: I64, time: F64, max_length: int, window: float, max_cycles: int
) -> tuple[I64, I64, I64]:
    """Every (first transfer, account path) closing a time-ordered cycle, by greedy earliest hops.

    From a fixed first transfer and path, taking the earliest usable transfer at every hop never rules
    out a completion, so each distinct next account is tried once, through its earliest transfer.
    Returns rows of account ids and of transfer positions (padded with -1) and the cycle lengths.
    """
    n = len(indptr) - 1
    row_of = np.empty(len(counterparty), dtype=np.int64)
    for u in range(n):
        row_of[indptr[u] : indptr[u + 1]] = u
    found_nodes = np.full((max_cycles, max_length), -1, dtype=np.int64)
    found_edges = np.full((max_cycles, max_length), -1, dtype=np.int64)
    found_length = np.zeros(max_cycles, dtype=np.int64)
    seen = np.full((max_length, n), -1, dtype=np.int64)
    on_path = np.zeros(n, dtype=np.bool_)
    path_nodes = np.empty(max_length + 1, dtype=np.int64)
    path_edges = np.empty(max_length, dtype=np.int64)
    cursor = np.empty(max_length + 1, dtype=np.int64)
    frame = np.empty(max_length + 1, dtype=np.int64)
    count, stamp = 0, 0
    for first in np.argsort(time, kind="mergesort"):
        start, second = row_of[first], counterparty[first]
        if start == second:
            continue
        deadline = time[first] + window
        path_nodes[0], path_nodes[1], path_edges[0] = start, second, first
        on_path[start] = True
        on_path[second] = True
        depth = 1
        cursor[1] = _first_after(time, indptr[second], indptr[second + 1], time[first])
        stamp += 1
        frame[1] = stamp
        while depth >= 1 and count < max_cycles:
            u = path_nodes[depth]
            position, end = cursor[depth], indptr[u + 1]
            descended = False
            while position < end and time[position] <= deadline:
                w = counterparty[position]
                taken = position
                position += 1
                if seen[depth, w] == frame[depth]:
                    continue
                seen[depth, w] = frame[depth]
                if w == start:
                    for i in range(depth + 1):
                        found_nodes[count, i] = path_nodes[i]
                    for i in range(depth):
                        found_edges[count, i] = path_edges[i]
                    found_edges[count, depth] = taken
                    found_length[count] = depth + 1
                    count += 1
                    if count == max_cycles:
                        break
                elif not on_path[w] and depth + 1 < max_length:
                    cursor[depth] = position
                    depth += 1
                    path_nodes[depth], path_edges[depth - 1] = w, taken
                    on_path[w] = True
                    cursor[depth] = _first_after(time, indptr[w], indptr[w + 1], time[taken])
                    stamp += 1
                    frame[depth] = stamp
                    descended = True
                    break
            if not descended:
                on_path[u] = False
                depth -= 1
        for i in range(depth + 1):
            on_path[path_nodes[i]] = False
        on_path[start] = False
        if count == max_cycles:
            break
    return found_nodes[:count], found_edges[:count], found_length[:count]


@_compiled
def _rotation_keys(nodes: I64, length: I64) -> I64:
    """Each cycle's accounts rotated to start at the smallest: equal keys, same cycle of accounts."""
    keys = np.full(nodes.shape, -1, dtype=np.int64)
    for r in range(nodes.shape[0]):
        k = length[r]
        low = 0
        for i in range(1, k):
            if nodes[r, i] < nodes[r, low]:
                low = i
        for i in range(k):
            keys[r, i] = nodes[r, (low + i) % k]
    return keys


def temporal_cycles(
    projection: Projection, *, max_length: int, window_seconds: float, rel_type: str, max_cycles: int
) -> list[Cycle]:
    """Time-ordered cycles of 2..``max_length`` transfers within the window; see the module docstring."""
    flow = _timed_flow(projection, rel_type, "out")
    nodes, positions, length = _cycle_kernel(
        flow.indptr, flow.counterparty, flow.time, max_length, float(window_seconds), max_cycles
    )
    if not len(length):
        return []
    keys = _rotation_keys(nodes, length)
    times = flow.time[positions]
    first_time = times[:, 0]
    last_time = times[np.arange(len(length)), length - 1]
    # Group equal cycles, the earliest round (first transfer, then completion) leading each group.
    order = np.lexsort((last_time, first_time, *keys.T[::-1]))
    sorted_keys = keys[order]
    leads = np.ones(len(order), dtype=bool)
    leads[1:] = np.any(sorted_keys[1:] != sorted_keys[:-1], axis=1)
    occurrences = np.diff(np.append(np.flatnonzero(leads), len(order)))
    cycles = []
    for row, seen in zip(order[leads].tolist(), occurrences.tolist(), strict=True):
        k = int(length[row])
        edges = flow.edge[positions[row, :k]]
        cycles.append(
            Cycle(
                flow.account[nodes[row, :k]],
                edges,
                float(first_time[row]),
                float(last_time[row]),
                projection.weight[edges].astype(np.float64),
                occurrences=int(seen),
            )
        )
    cycles.sort(key=lambda c: (c.first_time, c.nodes.tolist()))
    return cycles


@_compiled
def _busiest_windows(
    indptr: I64, counterparty: I64, time: F64, window: float, min_counterparties: int
) -> tuple[I64, I64]:
    """Per account, the most distinct counterparties in one window, and where its earliest such starts."""
    n = len(indptr) - 1
    held = np.zeros(n, dtype=np.int64)
    best = np.zeros(n, dtype=np.int64)
    best_from = np.full(n, -1, dtype=np.int64)
    for c in range(n):
        start, end = indptr[c], indptr[c + 1]
        if end - start < min_counterparties:
            continue
        left, distinct = start, 0
        for right in range(start, end):
            w = counterparty[right]
            if w != c:
                if held[w] == 0:
                    distinct += 1
                held[w] += 1
            while time[right] - time[left] > window:
                gone = counterparty[left]
                if gone != c:
                    held[gone] -= 1
                    if held[gone] == 0:
                        distinct -= 1
                left += 1
            if distinct > best[c]:
                best[c], best_from[c] = distinct, left
        for i in range(left, end):
            held[counterparty[i]] = 0
    return best, best_from


def fans(
    projection: Projection,
    *,
    direction: Literal["in", "out"],
    min_counterparties: int,
    window_seconds: float,
    rel_type: str,
) -> list[Fan]:
    """Accounts whose busiest window holds ``min_counterparties`` distinct senders (in) or receivers (out)."""
    flow = _timed_flow(projection, rel_type, direction)
    best, best_from = _busiest_windows(
        flow.indptr, flow.counterparty, flow.time, float(window_seconds), min_counterparties
    )
    found = []
    for c in np.flatnonzero(best >= min_counterparties).tolist():
        # The whole window from its first transfer: later repeats add transfers, never counterparties.
        closes = flow.time[best_from[c]] + window_seconds
        end = best_from[c] + np.searchsorted(flow.time[best_from[c] : flow.indptr[c + 1]], closes, "right")
        span = np.arange(best_from[c], end)
        span = span[flow.counterparty[span] != c]
        edges = flow.edge[span]
        found.append(
            Fan(
                center=int(flow.account[c]),
                counterparties=flow.account[np.unique(flow.counterparty[span])],
                edges=edges,
                direction=direction,
                first_time=float(flow.time[span[0]]),
                last_time=float(flow.time[span[-1]]),
                total=float(projection.weight[edges].sum()),
            )
        )
    found.sort(key=lambda f: (-len(f.counterparties), f.first_time, f.center))
    return found


@_compiled
def _two_hop_legs(
    in_indptr: I64,
    in_from: I64,
    in_time: F64,
    out_indptr: I64,
    out_to: I64,
    out_time: F64,
    window: float,
    legs: I64,
) -> int:
    """Every (leg in, leg out, intermediate) where money arrives and leaves again within the window.

    Writes positions into the in-rows and out-rows and the intermediate as rows of ``legs`` when it
    has room (call once with an empty array to count, then again to fill); returns how many there are.
    """
    n = len(in_indptr) - 1
    k = 0
    for m in range(n):
        for i in range(in_indptr[m], in_indptr[m + 1]):
            s = in_from[i]
            if s == m:
                continue
            j = _first_after(out_time, out_indptr[m], out_indptr[m + 1], in_time[i])
            while j < out_indptr[m + 1] and out_time[j] <= in_time[i] + window:
                d = out_to[j]
                if d != m and d != s:
                    if k < legs.shape[0]:
                        legs[k, 0], legs[k, 1], legs[k, 2] = i, j, m
                    k += 1
                j += 1
    return k


@_compiled
def _best_gatherings(
    group_start: I64, middle: I64, t_in: F64, t_out: F64, window: float, min_intermediates: int
) -> tuple[I64, I64]:
    """Per (source, sink) group sorted by scatter time: the window start gathering most intermediates."""
    groups = len(group_start) - 1
    mark = np.full(middle.max() + 1 if len(middle) else 1, -1, dtype=np.int64)
    best = np.zeros(groups, dtype=np.int64)
    best_at = np.full(groups, -1, dtype=np.int64)
    stamp = 0
    for g in range(groups):
        a, b = group_start[g], group_start[g + 1]
        if b - a < min_intermediates:
            continue
        for left in range(a, b):
            closes = t_in[left] + window
            stamp += 1
            distinct = 0
            for j in range(left, b):
                if t_in[j] > closes:
                    break
                if t_out[j] <= closes and mark[middle[j]] != stamp:
                    mark[middle[j]] = stamp
                    distinct += 1
            if distinct > best[g]:
                best[g], best_at[g] = distinct, left
    return best, best_at


def scatter_gather(
    projection: Projection, *, min_intermediates: int, window_seconds: float, rel_type: str
) -> list[ScatterGather]:
    """Source -> at least ``min_intermediates`` accounts -> one sink, within the window."""
    outgoing = _timed_flow(projection, rel_type, "out")
    incoming = _timed_flow(projection, rel_type, "in")
    window = float(window_seconds)
    arrays = (
        incoming.indptr,
        incoming.counterparty,
        incoming.time,
        outgoing.indptr,
        outgoing.counterparty,
        outgoing.time,
    )
    legs = np.empty((_two_hop_legs(*arrays, window, np.empty((0, 3), dtype=np.int64)), 3), dtype=np.int64)
    _two_hop_legs(*arrays, window, legs)
    legs_in, legs_out, middle = legs[:, 0], legs[:, 1], legs[:, 2]
    if not len(middle):
        return []
    source, sink = incoming.counterparty[legs_in], outgoing.counterparty[legs_out]
    t_in, t_out = incoming.time[legs_in], outgoing.time[legs_out]
    order = np.lexsort((t_out, t_in, sink, source))
    source, sink, middle = source[order], sink[order], middle[order]
    t_in, t_out, legs_in, legs_out = t_in[order], t_out[order], legs_in[order], legs_out[order]
    change = np.ones(len(order), dtype=bool)
    change[1:] = (source[1:] != source[:-1]) | (sink[1:] != sink[:-1])
    group_start = np.append(np.flatnonzero(change), len(order)).astype(np.int64)
    best, best_at = _best_gatherings(group_start, middle, t_in, t_out, window, min_intermediates)
    found = []
    for g in np.flatnonzero(best >= min_intermediates).tolist():
        left, end = int(best_at[g]), int(group_start[g + 1])
        closes = t_in[left] + window
        span = np.arange(left, end)
        span = span[(t_in[span] <= closes) & (t_out[span] <= closes)]
        edges = np.unique(np.concatenate([incoming.edge[legs_in[span]], outgoing.edge[legs_out[span]]]))
        found.append(
            ScatterGather(
                source=int(incoming.account[source[left]]),
                sink=int(incoming.account[sink[left]]),
                intermediates=incoming.account[np.unique(middle[span])],
                edges=edges.astype(np.int64),
                first_time=float(t_in[span].min()),
                last_time=float(t_out[span].max()),
            )
        )
    found.sort(key=lambda s: (-len(s.intermediates), s.first_time, s.source, s.sink))
    return found

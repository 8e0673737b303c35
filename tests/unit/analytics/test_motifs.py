"""Money-flow motifs against brute-force enumerations and hand-built cases."""

from __future__ import annotations

import itertools
from collections import defaultdict

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.motifs import DAY, fan_in, fan_out, scatter_gather, temporal_cycles
from graph.projection import Projection
from tests.unit.analytics.graphs import random_projection


def _by_pair(p: Projection) -> dict[tuple[int, int], list[int]]:
    links: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, (a, b) in enumerate(zip(p.src.tolist(), p.dst.tolist(), strict=True)):
        links[(a, b)].append(i)
    return links


def _rotated(cycle: list[int]) -> tuple[int, ...]:
    low = cycle.index(min(cycle))
    return tuple(cycle[low:] + cycle[:low])


def _brute_force_cycles(
    p: Projection, max_length: int, window: float
) -> dict[tuple[int, ...], tuple[tuple[float, float], int]]:
    """Per cycle of accounts: (first time, last time) of its earliest round, and its opening transfers."""
    links = _by_pair(p)
    graph = nx.DiGraph(list(links))
    found = {}
    for cycle in nx.simple_cycles(graph, length_bound=max_length):
        if len(cycle) < 2:
            continue
        rounds, openers = [], set()
        for r in range(len(cycle)):
            turn = cycle[r:] + cycle[:r]
            hops = [links[(turn[i], turn[(i + 1) % len(turn)])] for i in range(len(turn))]
            for choice in itertools.product(*hops):
                times = [float(p.time[e]) for e in choice]
                ordered = all(a < b for a, b in itertools.pairwise(times))
                if ordered and times[-1] - times[0] <= window:
                    rounds.append((times[0], times[-1]))
                    openers.add(choice[0])
        if rounds:
            found[_rotated(cycle)] = (min(rounds), len(openers))
    return found


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    max_length=st.integers(2, 6),
    window=st.sampled_from([2.0, 5.0, 100.0]),
    edges=st.integers(5, 28),
)
def test_temporal_cycles_match_a_brute_force_enumeration(
    seed: int, max_length: int, window: float, edges: int
) -> None:
    p = random_projection(seed, nodes=7, edges=edges, times=12)
    found = temporal_cycles(p, max_length=max_length, window_seconds=window, backend="cpu")
    expected = _brute_force_cycles(p, max_length, window)
    got = {_rotated(c.nodes.tolist()): ((c.first_time, c.last_time), c.occurrences) for c in found}
    assert len(got) == len(found)  # each cycle of accounts once
    assert got == expected
    for cycle in found:
        k = len(cycle.nodes)
        for i, edge in enumerate(cycle.edges.tolist()):
            assert (p.src[edge], p.dst[edge]) == (cycle.nodes[i], cycle.nodes[(i + 1) % k])
        times = p.time[cycle.edges]
        assert all(times[1:] > times[:-1])  # starts at the account that sent first
        assert cycle.amounts.tolist() == p.weight[cycle.edges].tolist()


def _round_trip(times: list[float], amounts: list[float] | None = None) -> Projection:
    accounts = len(times)
    edges = [(i, (i + 1) % accounts, "TRANSFER") for i in range(accounts)]
    return Projection.from_edges(
        [("Account", str(i)) for i in range(accounts)], edges, weight=amounts, time=times
    )


def test_a_round_trip_is_found_once_from_the_first_sender() -> None:
    # Six accounts; the transfer out of account 3 comes first, so the round starts there.
    p = _round_trip([10 * DAY, 11 * DAY, 12 * DAY, 1 * DAY, 2 * DAY, 3 * DAY])
    (cycle,) = temporal_cycles(p, window_seconds=30 * DAY)
    assert cycle.nodes.tolist() == [3, 4, 5, 0, 1, 2]
    assert (cycle.first_time, cycle.last_time) == (1 * DAY, 12 * DAY)
    assert temporal_cycles(p, window_seconds=10 * DAY) == []
    assert temporal_cycles(p, max_length=5, window_seconds=30 * DAY) == []


def test_transfers_at_the_same_moment_do_not_make_a_cycle() -> None:
    assert temporal_cycles(_round_trip([5.0, 5.0])) == []
    assert len(temporal_cycles(_round_trip([5.0, 6.0]))) == 1


def test_the_search_stops_at_max_cycles() -> None:
    p = random_projection(4, nodes=8, edges=60, times=50)
    assert len(temporal_cycles(p, window_seconds=100.0)) > 3
    assert len(temporal_cycles(p, window_seconds=100.0, max_cycles=3)) <= 3


def test_transfers_without_time_or_of_other_types_are_ignored() -> None:
    nodes = [("Account", "A"), ("Account", "B"), ("Person", "P")]
    edges = [(0, 1, "TRANSFER"), (1, 0, "TRANSFER"), (2, 0, "OWNS_ACCOUNT"), (2, 1, "OWNS_ACCOUNT")]
    p = Projection.from_edges(nodes, edges, time=[1.0, float("nan"), 0.0, 2.0])
    assert temporal_cycles(p) == []
    assert [(f.center, f.counterparties.tolist()) for f in fan_in(p, min_counterparties=1)] == [(1, [0])]


def _fan(direction: str, times: list[float]) -> Projection:
    """Account 0 and one counterparty per time (the last two times share a counterparty)."""
    nodes = [("Account", str(i)) for i in range(len(times) + 1)]
    others = [*range(1, len(times)), len(times) - 1]
    edges = [(o, 0, "TRANSFER") if direction == "in" else (0, o, "TRANSFER") for o in others]
    return Projection.from_edges(nodes, edges, weight=[100.0] * len(times), time=times)


@pytest.mark.parametrize(("direction", "detect"), [("in", fan_in), ("out", fan_out)])
def test_fans_count_distinct_counterparties_inside_the_window(direction: str, detect) -> None:  # type: ignore[no-untyped-def]
    # Counterparties 1..4 within a day, 5..6 (6 twice) a week later.
    p = _fan(direction, [0.0, 3600.0, 7200.0, 0.5 * DAY, 8 * DAY, 8.1 * DAY, 8.2 * DAY])
    (fan,) = detect(p, min_counterparties=4, window_seconds=DAY)
    assert fan.center == 0 and fan.direction == direction
    assert fan.counterparties.tolist() == [1, 2, 3, 4]
    assert (fan.first_time, fan.last_time, fan.total) == (0.0, 0.5 * DAY, 400.0)
    assert sorted(fan.edges.tolist()) == [0, 1, 2, 3]
    assert detect(p, min_counterparties=5, window_seconds=DAY) == []
    (wide,) = detect(p, min_counterparties=6, window_seconds=9 * DAY)
    assert wide.counterparties.tolist() == [1, 2, 3, 4, 5, 6] and len(wide.edges) == 7


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), k=st.integers(1, 4), window=st.sampled_from([1.0, 3.0, 20.0]))
def test_fan_in_matches_a_brute_force_count(seed: int, k: int, window: float) -> None:
    p = random_projection(seed, nodes=8, edges=40, times=20)
    expected = {}
    for center in range(p.num_nodes):
        inbound = [
            (float(p.time[i]), int(p.src[i]))
            for i in range(p.num_relationships)
            if p.dst[i] == center and p.src[i] != center
        ]
        best = max(
            (len({s for t, s in inbound if start <= t <= start + window}) for start, _ in inbound), default=0
        )
        if best >= k:
            expected[center] = best
    found = fan_in(p, min_counterparties=k, window_seconds=window)
    assert {f.center: len(f.counterparties) for f in found} == expected
    for fan in found:
        assert fan.last_time - fan.first_time <= window
        assert set(p.src[fan.edges].tolist()) == set(fan.counterparties.tolist())


def test_scatter_gather_splits_and_gathers_in_order() -> None:
    # 0 splits to 1, 2, 3, which pass it to 9; 4 forwards before it receives, so it is no intermediate.
    nodes = [("Account", str(i)) for i in range(10)]
    legs = [(0, m, float(m)) for m in (1, 2, 3, 4)] + [(m, 9, 10.0 + m) for m in (1, 2, 3)] + [(4, 9, 0.5)]
    p = Projection.from_edges(nodes, [(a, b, "TRANSFER") for a, b, _ in legs], time=[t for _, _, t in legs])
    (found,) = scatter_gather(p, min_intermediates=3, window_seconds=DAY)
    assert (found.source, found.sink) == (0, 9)
    assert found.intermediates.tolist() == [1, 2, 3]
    assert sorted(found.edges.tolist()) == [0, 1, 2, 4, 5, 6]
    assert (found.first_time, found.last_time) == (1.0, 13.0)
    assert scatter_gather(p, min_intermediates=4, window_seconds=DAY) == []
    assert scatter_gather(p, min_intermediates=3, window_seconds=5.0) == []


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), k=st.integers(1, 3), window=st.sampled_from([2.0, 6.0, 30.0]))
def test_scatter_gather_matches_a_brute_force_count(seed: int, k: int, window: float) -> None:
    p = random_projection(seed, nodes=7, edges=45, times=20)
    legs = list(zip(p.src.tolist(), p.dst.tolist(), p.time.tolist(), strict=True))
    expected = {}
    for s, d in itertools.permutations(range(p.num_nodes), 2):
        starts = {t for a, _, t in legs if a == s}
        best = 0
        for start in starts:
            closes = start + window
            middles = {
                m
                for a, m, t1 in legs
                if a == s and m not in (s, d) and start <= t1
                for b, e, t2 in legs
                if b == m and e == d and t1 < t2 <= closes
            }
            best = max(best, len(middles))
        if best >= k:
            expected[(s, d)] = best
    found = scatter_gather(p, min_intermediates=k, window_seconds=window)
    assert {(f.source, f.sink): len(f.intermediates) for f in found} == expected
    for f in found:
        assert f.last_time - f.first_time <= window


def test_motif_arguments_are_checked() -> None:
    p = _round_trip([1.0, 2.0])
    with pytest.raises(ValueError, match="max_length"):
        temporal_cycles(p, max_length=1)
    with pytest.raises(ValueError, match="window_seconds"):
        fan_out(p, window_seconds=0)
    with pytest.raises(ValueError, match="not a relationship type"):
        scatter_gather(p, rel_type="WIRE")

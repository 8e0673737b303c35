"""Amount groups: the atypical-amount split, the groups it links, and the neighbourhood columns."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from analytics.amount_groups import GROUP_COLUMNS, amount_groups, atypical_amounts, group_neighbourhood


def _ordinary(m: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(100.0, 600.0, m)


def test_small_amounts_beyond_an_empty_gap_are_atypical() -> None:
    amount = np.concatenate([_ordinary(500), [3.0, 4.5, 2.2]])
    assert atypical_amounts(amount).nonzero()[0].tolist() == [500, 501, 502]


def test_large_amounts_beyond_an_empty_gap_are_atypical_too() -> None:
    amount = np.concatenate([[90_000.0, 120_000.0], _ordinary(500)])
    assert atypical_amounts(amount).nonzero()[0].tolist() == [0, 1]


@pytest.mark.parametrize(
    ("amount", "why"),
    [
        (_ordinary(500), "a smooth spread has no wide gap"),
        (np.concatenate([_ordinary(50), np.full(50, 3.0)]), "half the transfers are not a small mode"),
        (np.concatenate([_ordinary(500), [60.0]]), "a gap under half a decade is ordinary spread"),
        (np.array([10.0]), "one transfer has nothing to compare with"),
    ],
)
def test_no_split_without_a_clear_small_mode(amount: np.ndarray, why: str) -> None:
    assert not atypical_amounts(amount).any(), why


def test_non_positive_amounts_are_never_atypical() -> None:
    amount = np.concatenate([_ordinary(500), [0.0, -5.0, 2.0]])
    assert atypical_amounts(amount).nonzero()[0].tolist() == [502]


def test_groups_are_the_components_of_atypical_transfers() -> None:
    rng = np.random.default_rng(3)
    n, m = 60, 240
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    atypical = rng.random(m) < 0.1
    groups = amount_groups(src, dst, atypical, n)
    graph = nx.Graph()
    graph.add_edges_from(zip(src[atypical].tolist(), dst[atypical].tolist(), strict=True))
    expected = {frozenset(c) for c in nx.connected_components(graph)}
    found = {frozenset(np.flatnonzero(groups == g).tolist()) for g in range(groups.max() + 1)}
    assert found == expected
    assert (groups[~np.isin(np.arange(n), list(graph.nodes))] == -1).all()
    # Numbered in order of their first member.
    firsts = [int(np.flatnonzero(groups == g)[0]) for g in range(groups.max() + 1)]
    assert firsts == sorted(firsts)


def test_neighbourhood_counts_members_of_one_group_among_the_counterparties() -> None:
    # Group 0: {0, 1, 2}; group 1: {3, 4}. Account 5 pays 0 and 2 and is paid by 3; 6 pays 5 only.
    groups = np.array([0, 0, 0, 1, 1, -1, -1])
    src = np.array([5, 5, 3, 6, 5])
    dst = np.array([0, 2, 5, 5, 5])  # the self-transfer of 5 counts for nothing
    values, names = group_neighbourhood(src, dst, groups)
    row = dict(zip(names, values[5].tolist(), strict=True))
    assert names == GROUP_COLUMNS
    assert row == pytest.approx(
        {
            "group_member": 0.0,
            "group_size": 0.0,
            "group_neighbours_max": 2.0,
            "group_share_max": 2 / 3,
            "groups_adjacent": np.log1p(2.0),
            "groups_adjacent_twice": 1.0,
        }
    )
    assert values[6].tolist() == [0.0] * len(GROUP_COLUMNS)
    assert values[0, :2].tolist() == [1.0, pytest.approx(np.log1p(3.0))]


def test_neighbourhood_without_any_group_is_zero() -> None:
    values, _ = group_neighbourhood(np.array([0, 1]), np.array([1, 2]), np.full(3, -1))
    assert not values.any()

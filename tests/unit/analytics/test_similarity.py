"""Shared-identifier similarity: hub down-weighting, against a brute-force count."""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.similarity import shared_identifier_similarity
from graph.projection import Projection

_LINKS = {"Phone": "HAS_PHONE", "Email": "HAS_EMAIL", "Address": "HAS_ADDRESS", "Account": "OWNS_ACCOUNT"}


def _holdings_graph(seed: int, parties: int, identifiers: int, links: int) -> Projection:
    rng = np.random.default_rng(seed)
    kinds = list(_LINKS)
    labels = [kinds[i % len(kinds)] for i in range(identifiers)]
    nodes = [("Person" if i % 2 else "Company", f"P{i}") for i in range(parties)]
    nodes += [(label, f"I{i}") for i, label in enumerate(labels)]
    edges = []
    for _ in range(links):
        party, ident = int(rng.integers(parties)), int(rng.integers(identifiers))
        edges.append((party, parties + ident, _LINKS[labels[ident]]))
    return Projection.from_edges(nodes, edges)


def _brute_force(p: Projection, max_degree: int) -> dict[tuple[int, int], tuple[float, int]]:
    holders: dict[int, set[int]] = defaultdict(set)
    for a, b in zip(p.src.tolist(), p.dst.tolist(), strict=True):
        holders[b].add(a)
    pairs: dict[tuple[int, int], tuple[float, int]] = {}
    for members in holders.values():
        if not 2 <= len(members) <= max_degree:
            continue
        for a, b in itertools.combinations(sorted(members), 2):
            score, shared = pairs.get((a, b), (0.0, 0))
            pairs[(a, b)] = (score + 1 / (len(members) - 1), shared + 1)
    return pairs


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), max_degree=st.integers(2, 6))
def test_scores_match_a_brute_force_count(seed: int, max_degree: int) -> None:
    p = _holdings_graph(seed, parties=15, identifiers=10, links=35)
    found = shared_identifier_similarity(p, max_identifier_degree=max_degree, min_score=0.0, backend="cpu")
    expected = _brute_force(p, max_degree)
    got = {(a, b): (s, c) for a, b, s, c in zip(found.a, found.b, found.score, found.shared, strict=True)}
    assert got.keys() == expected.keys()
    for pair, (score, shared) in expected.items():
        assert got[pair][0] == pytest.approx(score) and got[pair][1] == shared
    assert list(found.score) == sorted(found.score, reverse=True)


def test_an_office_building_counts_for_almost_nothing() -> None:
    # Two firms share a phone; 500 firms (these two included) share the tower's address.
    firms = 500
    nodes = [("Company", f"C{i}") for i in range(firms)] + [("Address", "tower"), ("Phone", "+8210")]
    edges = [(i, firms, "HAS_ADDRESS") for i in range(firms)]
    edges += [(0, firms + 1, "HAS_PHONE"), (1, firms + 1, "HAS_PHONE")]
    p = Projection.from_edges(nodes, edges)
    pairs = shared_identifier_similarity(p, max_identifier_degree=1000, min_score=0.0)
    assert (pairs.a[0], pairs.b[0]) == (0, 1)
    assert pairs.score[0] == pytest.approx(1 + 1 / 499)
    assert pairs.score[1:].max() == pytest.approx(1 / 499)
    # Past the degree cap the building is skipped altogether; the default score floor drops it too.
    assert len(shared_identifier_similarity(p, max_identifier_degree=100, min_score=0.0)) == 1
    assert len(shared_identifier_similarity(p, max_identifier_degree=1000)) == 1


def test_parties_narrow_to_pairs_involving_them() -> None:
    p = _holdings_graph(3, parties=20, identifiers=6, links=40)
    everything = shared_identifier_similarity(p, min_score=0.0)
    some = shared_identifier_similarity(p, parties=[0, 1, 2], min_score=0.0)
    expected = {(a, b) for a, b in zip(everything.a, everything.b, strict=True) if {a, b} & {0, 1, 2}}
    assert set(zip(some.a.tolist(), some.b.tolist(), strict=True)) == expected
    assert expected


def test_only_the_named_identifier_labels_count() -> None:
    nodes = [("Person", "a"), ("Person", "b"), ("Email", "x@y"), ("Address", "home")]
    edges = [(0, 2, "HAS_EMAIL"), (1, 2, "HAS_EMAIL"), (0, 3, "HAS_ADDRESS"), (1, 3, "HAS_ADDRESS")]
    p = Projection.from_edges(nodes, edges)
    assert shared_identifier_similarity(p).score.tolist() == [2.0]
    assert shared_identifier_similarity(p, identifier_labels=["Email"]).score.tolist() == [1.0]
    with pytest.raises(ValueError, match="not a node label"):
        shared_identifier_similarity(p, identifier_labels=["Fax"])

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.projection import NodeKeys, Projection
from graph.schema import UnknownSchemaElement

ACCOUNTS = [("Account", "A"), ("Account", "B"), ("Account", "C"), ("Account", "D")]


def _ring() -> Projection:
    """A -> B -> C -> A in money, and D holding a phone-less dangling transfer to A, all timed."""
    return Projection.from_edges(
        ACCOUNTS,
        [(0, 1, "TRANSFER"), (1, 2, "TRANSFER"), (2, 0, "TRANSFER"), (3, 0, "TRANSFER")],
        weight=[100.0, 95.0, 90.0, 5.0],
        time=[10.0, 20.0, 30.0, float("nan")],
    )


def test_from_edges_keeps_labels_keys_and_columns() -> None:
    people = Projection.from_edges(
        [("Person", "P1"), ("Phone", "+82101"), ("Person", "P2")],
        [(0, 1, "HAS_PHONE"), (2, 1, "HAS_PHONE")],
    )
    assert people.labels == ("Person", "Phone")
    assert people.node_label.tolist() == [0, 1, 0]
    assert people.key_of(2) == ("Person", "P2")
    assert people.index("Phone", "+82101") == 1
    assert people.weight.tolist() == [1.0, 1.0]
    assert np.isnan(people.time).all()
    assert people.nodes_labelled("Person").tolist() == [0, 2]
    assert people.nodes_labelled("Account").tolist() == []
    assert people.relationships_of_type("TRANSFER").tolist() == []


def test_index_of_an_unknown_node_names_it() -> None:
    with pytest.raises(KeyError, match="no Account 'Z'"):
        _ring().index("Account", "Z")


@pytest.mark.parametrize(
    ("direction", "indptr", "indices"),
    [
        ("out", [0, 1, 2, 3, 4], [1, 2, 0, 0]),
        ("in", [0, 2, 3, 4, 4], [2, 3, 0, 1]),
    ],
)
def test_csr_lists_each_nodes_neighbours(direction: str, indptr: list[int], indices: list[int]) -> None:
    csr = _ring().csr(direction)  # type: ignore[arg-type]
    assert csr.indptr.tolist() == indptr
    assert csr.indices.tolist() == indices


def test_csr_both_holds_every_relationship_twice_and_points_back_to_it() -> None:
    ring = _ring()
    csr = ring.csr("both")
    assert csr.indptr[-1] == 2 * ring.num_relationships
    assert sorted(csr.neighbours(0).tolist()) == [1, 2, 3]
    # Every adjacency entry names its relationship, whose weight can then be read.
    for node in range(ring.num_nodes):
        for k in range(csr.indptr[node], csr.indptr[node + 1]):
            edge = csr.edge[k]
            assert {int(ring.src[edge]), int(ring.dst[edge])} == {node, int(csr.indices[k])}


def test_csr_is_cached_and_rejects_an_unknown_direction() -> None:
    ring = _ring()
    assert ring.csr("out") is ring.csr("out")
    with pytest.raises(ValueError, match="direction"):
        ring.csr("sideways")  # type: ignore[arg-type]


def test_select_by_window_drops_timeless_relationships() -> None:
    ring = _ring()
    window = ring.select(since=15.0, until=30.0)
    assert window.num_nodes == ring.num_nodes
    assert list(zip(window.src.tolist(), window.dst.tolist(), strict=True)) == [(1, 2), (2, 0)]
    assert window.weight.tolist() == [95.0, 90.0]
    assert ring.select(since=0.0).num_relationships == 3


def test_select_by_type_keeps_only_those_types() -> None:
    mixed = Projection.from_edges(
        [("Person", "P1"), ("Phone", "+82101"), ("Account", "A")],
        [(0, 1, "HAS_PHONE"), (0, 2, "OWNS_ACCOUNT")],
    )
    owns = mixed.select(rel_types=["OWNS_ACCOUNT", "TRANSFER"])
    assert owns.dst.tolist() == [2]
    assert owns.rel_types == mixed.rel_types
    assert mixed.select(rel_types=[]).num_relationships == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"labels": ("Smuggler",)}, "not a node label"),
        ({"rel_types": ("KNOWS",)}, "not a relationship type"),
    ],
)
def test_names_outside_the_schema_are_refused(change: dict[str, object], message: str) -> None:
    ring = _ring()
    fields = {name: getattr(ring, name) for name in _FIELDS}
    with pytest.raises(UnknownSchemaElement, match=message):
        Projection(**(fields | change))  # type: ignore[arg-type]


_FIELDS = ("labels", "node_label", "keys", "rel_types", "src", "dst", "rel_type", "weight", "time")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"keys": NodeKeys.held(["A"])}, "4 node labels but 1 node keys"),
        ({"weight": np.ones(3)}, "4 relationship sources but 3 weight values"),
        ({"time": np.ones(5)}, "but 5 time values"),
        ({"dst": np.array([1, 2, 0, 4])}, "points outside the 4 nodes"),
        ({"src": np.array([-1, 1, 2, 3])}, "points outside"),
    ],
)
def test_inconsistent_arrays_are_refused(change: dict[str, object], message: str) -> None:
    ring = _ring()
    fields = {name: getattr(ring, name) for name in _FIELDS}
    with pytest.raises(ValueError, match=message):
        Projection(**(fields | change))  # type: ignore[arg-type]


@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=40))
def test_csr_out_holds_exactly_the_relationships(pairs: list[tuple[int, int]]) -> None:
    nodes = [("Account", str(i)) for i in range(10)]
    projection = Projection.from_edges(nodes, [(s, d, "TRANSFER") for s, d in pairs])
    csr = projection.csr("out")
    rebuilt = sorted(
        (node, int(neighbour)) for node in range(10) for neighbour in csr.neighbours(node).tolist()
    )
    assert rebuilt == sorted(pairs)
    assert sorted(csr.edge.tolist()) == list(range(len(pairs)))


@given(
    st.lists(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=15), max_size=4),
    st.sampled_from(["out", "in", "both"]),
)
def test_each_nodes_relationships_keep_projection_order_in_every_direction(
    reads: list[list[tuple[int, int]]], direction: str
) -> None:
    # Reads grouped by start node (sorted runs, as the server's packed reads) or in any order.
    pairs = [pair for read in reads for pair in sorted(read)] + [pair for read in reads for pair in read]
    nodes = [("Account", str(i)) for i in range(10)]
    projection = Projection.from_edges(nodes, [(s, d, "TRANSFER") for s, d in pairs])
    csr = projection.csr(direction)  # type: ignore[arg-type]
    ends = {"out": [(0, 1)], "in": [(1, 0)], "both": [(0, 1), (1, 0)]}[direction]
    for node in range(10):
        expected = [
            (e, pairs[e][far]) for near, far in ends for e in range(len(pairs)) if pairs[e][near] == node
        ]
        row = slice(csr.indptr[node], csr.indptr[node + 1])
        assert list(zip(csr.edge[row].tolist(), csr.indices[row].tolist(), strict=True)) == expected

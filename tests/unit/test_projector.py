from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cypher
import graph.projector
from graph.projector import ProjectionSpec, _dense_index, nodes_statement, relationship_statement
from graph.schema import SCHEMA, UnknownSchemaElement


def test_the_default_spec_projects_the_domain_graph_without_runs_and_rings() -> None:
    spec = ProjectionSpec()
    assert "Ring" not in spec.projected_labels and "AnalysisRun" not in spec.projected_labels
    derived = {node.label for node in SCHEMA.nodes if node.derived}
    assert {"Ring", "AnalysisRun"} <= derived
    assert set(spec.projected_labels) | derived == set(SCHEMA.labels)
    assert "MEMBER_OF" not in spec.projected_rel_types and "FOUND_BY" not in spec.projected_rel_types
    assert "TRANSFER" in spec.projected_rel_types


def test_types_that_cannot_join_two_projected_labels_are_left_out() -> None:
    spec = ProjectionSpec(labels=("Person", "Phone"), rel_types=("HAS_PHONE", "TRANSFER", "HAS_EMAIL"))
    assert spec.projected_rel_types == ("HAS_PHONE",)
    assert ProjectionSpec(labels=("Person", "Company")).projected_rel_types == ("REPRESENTS", "SAME_AS")


@pytest.mark.parametrize(
    "spec", [{"labels": ("Smuggler",)}, {"rel_types": ("KNOWS",)}, {"labels": ("Person) DELETE (n",)}]
)
def test_names_outside_the_schema_are_refused(spec: dict[str, tuple[str, ...]]) -> None:
    with pytest.raises(UnknownSchemaElement):
        ProjectionSpec(**spec)  # type: ignore[arg-type]


def test_a_window_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="starts"):
        ProjectionSpec(since=datetime(2024, 1, 2, tzinfo=UTC), until=datetime(2024, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("rel_type", "moment"),
    [
        ("TRANSFER", "WITH a, r, b, r.sent_at AS moment"),
        ("IMPORTED", "WITH a, r, b, b.declared_on AS moment"),
        ("SCANNED", "WITH a, r, b, a.scanned_at AS moment"),
    ],
)
def test_relationship_statement_reads_time_where_the_schema_says(rel_type: str, moment: str) -> None:
    timed = relationship_statement(rel_type, timed=True)
    assert f"MATCH (a)-[r:{rel_type}]->(b)" in timed
    assert moment in timed
    assert "moment.epochMillis" in timed  # the epoch_seconds block, filled in
    assert "seconds >= $since" in timed
    assert "collect(coalesce(seconds, $no_time)) AS time" in timed
    assert "__" not in timed


def test_columns_not_asked_for_cost_the_server_nothing() -> None:
    plain = relationship_statement("TRANSFER")
    assert "moment" not in plain and "$since" not in plain and "$weight_property" not in plain
    assert "collect(null) AS weight, collect(null) AS time" in plain
    weighted = relationship_statement("TRANSFER", weighted=True)
    assert "toFloatOrNull(r[$weight_property])" in weighted and "collect(null) AS time" in weighted
    assert "__" not in plain + weighted


def test_a_time_is_only_read_where_the_schema_has_one() -> None:
    with pytest.raises(ValueError, match="HAS_PHONE relationship has no time"):
        relationship_statement("HAS_PHONE", timed=True)
    with pytest.raises(ValueError, match="a Phone is not an event"):
        nodes_statement("Phone", timed=True)


@pytest.mark.parametrize(
    ("label", "timed", "parts"),
    [
        (
            "Declaration",
            True,
            ["MATCH (n:Declaration)", "n.declaration_id IS NOT NULL", "n.declared_on AS moment"],
        ),
        ("Declaration", False, ["collect(n.declaration_id) AS keys", "collect(null) AS time"]),
        ("Phone", False, ["MATCH (n:Phone)", "collect(n.number) AS keys", "collect(null) AS time"]),
    ],
)
def test_nodes_statement_reads_keys_and_event_times(label: str, timed: bool, parts: list[str]) -> None:
    text = nodes_statement(label, timed=timed)
    assert all(part in text for part in parts)
    assert "__" not in text


def test_every_relationship_type_has_a_statement_and_unknown_ones_are_refused() -> None:
    for rel_type in SCHEMA.relationship_types:
        text = relationship_statement(rel_type, timed=SCHEMA.time_of(rel_type) is not None)
        assert "$low <= id(a) < $high" in text and "__" not in text
    with pytest.raises(UnknownSchemaElement):
        relationship_statement("KNOWS]->() DETACH DELETE a //")


@given(
    st.lists(st.integers(0, 10**9), unique=True, max_size=50), st.lists(st.integers(0, 10**9), max_size=50)
)
def test_internal_ids_map_to_node_indices_by_table_or_by_search(
    projected: list[int], looked_up: list[int]
) -> None:
    """Dense ids go through a table, ids spread far apart through a binary search: same answers."""
    for ids in (projected, [i % 1000 for i in dict.fromkeys(i % 1000 for i in projected)]):
        index_of = _dense_index(np.asarray(ids, dtype=np.int64))
        queries = np.asarray(looked_up + ids, dtype=np.int64)
        indices, found = index_of(queries)
        expected = {node_id: i for i, node_id in enumerate(ids)}
        assert found.tolist() == [q in expected for q in queries.tolist()]
        assert [int(i) for i, f in zip(indices, found, strict=True) if f] == [
            expected[q] for q in queries.tolist() if q in expected
        ]


def test_the_packed_reads_take_every_name_as_a_parameter() -> None:
    nodes = cypher.load("projection", "packed_nodes")
    assert "bigfinder.projection.nodes($labels, $keys, $time_properties, $chunk_size, $with_keys)" in nodes
    assert "YIELD label, ids, keys, keyText, time" in nodes
    relationships = cypher.load("projection", "packed_relationships")
    assert "$types" in relationships and "$start_labels" in relationships
    assert "YIELD type, src, dst, idBytes, weight, time" in relationships
    # An older launcher's reads (one label per call, int64 ids only) must not count as available.
    available = cypher.load("projection", "packed_reads_available")
    assert "signature STARTS WITH 'bigfinder.projection.nodes(labels :: LIST'" in available
    assert "signature CONTAINS 'idBytes :: INTEGER'" in available


def test_ids_packed_as_int32_or_int64_per_chunk_come_back_as_one_int64_column() -> None:
    small = np.array([0, 7, 2**31 - 1], dtype="<i4").tobytes()
    large = np.array([2**31, 2**40 + 3], dtype="<i8").tobytes()
    chunks = [{"src": small, "id_bytes": 4}, {"src": large, "id_bytes": 8}]
    ids = graph.projector._unpacked_ids(chunks, "src")
    assert ids.dtype == np.int64 and ids.flags.writeable
    assert ids.tolist() == [0, 7, 2**31 - 1, 2**31, 2**40 + 3]
    assert graph.projector._unpacked_ids([], "src").tolist() == []

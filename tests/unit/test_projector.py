from datetime import UTC, datetime

import pytest

import cypher
from graph.projector import ProjectionSpec, nodes_statement, relationship_statement
from graph.schema import SCHEMA, UnknownSchemaElement


def test_the_default_spec_projects_the_domain_graph_without_runs_and_rings() -> None:
    spec = ProjectionSpec()
    assert "Ring" not in spec.projected_labels and "AnalysisRun" not in spec.projected_labels
    assert set(spec.projected_labels) | {"Ring", "AnalysisRun"} == set(SCHEMA.labels)
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
        ("TRANSFER", "THEN r.sent_at END AS moment"),
        ("IMPORTED", "THEN b.declared_on END AS moment"),
        ("SCANNED", "THEN a.scanned_at END AS moment"),
        ("HAS_PHONE", "THEN null END AS moment"),
    ],
)
def test_relationship_statement_reads_time_where_the_schema_says(rel_type: str, moment: str) -> None:
    text = relationship_statement(rel_type)
    assert f"MATCH (a)-[r:{rel_type}]->(b)" in text
    assert moment in text
    assert "moment.epochMillis" in text  # the epoch_seconds block, filled in
    assert "__" not in text


@pytest.mark.parametrize(
    ("label", "parts"),
    [
        ("Declaration", ["MATCH (n:Declaration)", "n.declaration_id IS NOT NULL", "THEN n.declared_on END"]),
        ("Phone", ["MATCH (n:Phone)", "collect(n.number) AS keys", "THEN null END"]),
    ],
)
def test_nodes_statement_reads_keys_and_event_times(label: str, parts: list[str]) -> None:
    text = nodes_statement(label)
    assert all(part in text for part in parts)
    assert "__" not in text


def test_every_relationship_type_has_a_statement_and_unknown_ones_are_refused() -> None:
    for rel_type in SCHEMA.relationship_types:
        assert "$start_ids" in relationship_statement(rel_type)
    with pytest.raises(UnknownSchemaElement):
        relationship_statement("KNOWS]->() DETACH DELETE a //")
    assert set(cypher.names("projection")) == {"epoch_seconds", "nodes_of_label", "relationships_from"}

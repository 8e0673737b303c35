import re

import pytest

import cypher
from graph.admin import FULLTEXT_NAMES_INDEX, schema_statements
from graph.schema import SCHEMA


def test_statements_load_by_name() -> None:
    assert cypher.load("admin", "server_components") == (
        "CALL dbms.components() YIELD name, versions, edition\nRETURN name, versions[0] AS version, edition"
    )
    assert cypher.load("admin", "node_key_constraint") == (
        "CREATE CONSTRAINT __NAME__ IF NOT EXISTS\nFOR (n:__LABEL__) REQUIRE n.__KEY__ IS UNIQUE"
    )


def test_plugin_families_are_a_parameter_not_text() -> None:
    assert "$families" in cypher.load("admin", "procedure_families")


def test_unknown_names_are_reported() -> None:
    with pytest.raises(cypher.UnknownQuery, match="no statement 'nope' in cypher/admin.cypher"):
        cypher.load("admin", "nope")


def test_every_admin_statement_is_listed() -> None:
    assert {"server_components", "constraints", "indexes", "await_indexes", "delete_nodes_batched"} <= set(
        cypher.names("admin")
    )


def test_schema_statements_cover_every_key_and_index() -> None:
    statements = schema_statements()
    by_name = {s.name: s for s in statements}
    assert len(by_name) == len(statements), "statement names are unique"
    for node in SCHEMA.nodes:
        constraint = by_name[f"{node.label.lower()}_{node.key}_unique"]
        assert constraint.cypher == (
            f"CREATE CONSTRAINT {constraint.name} IF NOT EXISTS\n"
            f"FOR (n:{node.label}) REQUIRE n.{node.key} IS UNIQUE"
        )
        for prop in node.indexed:
            assert by_name[f"{node.label.lower()}_{prop}"].kind == "index"
    assert by_name["transfer_transfer_id_unique"].cypher == (
        "CREATE CONSTRAINT transfer_transfer_id_unique IF NOT EXISTS\n"
        "FOR ()-[r:TRANSFER]-() REQUIRE r.transfer_id IS UNIQUE"
    )
    assert by_name[FULLTEXT_NAMES_INDEX].cypher == (
        f"CREATE FULLTEXT INDEX {FULLTEXT_NAMES_INDEX} IF NOT EXISTS\nFOR (n:Person|Company) ON EACH [n.name]"
    )


def test_constraints_come_before_indexes_and_all_are_idempotent() -> None:
    kinds = [s.kind for s in schema_statements()]
    assert kinds == sorted(kinds, key=lambda k: k != "constraint")
    assert all("IF NOT EXISTS" in s.cypher for s in schema_statements())
    assert not any("__" in s.cypher for s in schema_statements()), "every placeholder is filled"


def test_ingest_statements_use_only_whitelisted_labels_and_types() -> None:
    for name in cypher.names("ingest"):
        text = cypher.load("ingest", name)
        for label in re.findall(r"\(\w*:(\w+)", text) + re.findall(r"SET \w+:(\w+)", text):
            assert label in SCHEMA.labels or label in SCHEMA.node("Company").secondary_labels, (name, label)
        for rel_type in re.findall(r"\[\w*:(\w+)", text):
            SCHEMA.relationship(rel_type)


def test_reference_checks_take_only_lines_and_references() -> None:
    for name in ("missing_person", "missing_company", "missing_party", "missing_account"):
        text = cypher.load("ingest", name)
        assert text.startswith("UNWIND $refs AS row") and text.endswith("RETURN line, ref")


def test_the_gnn_world_benchmark_reads_scores_only() -> None:
    statement = cypher.load("bench", "party_scores")
    assert not re.search(r"\b(SET|MERGE|CREATE|DELETE|REMOVE)\b", statement)
    assert {"gnn_score AS gnn", "accomplice_score AS ppr"} <= {
        part.split(".", 1)[-1].strip() for part in statement.split(",")
    }

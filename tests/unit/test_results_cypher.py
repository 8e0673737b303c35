import math
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cypher
from graph.findings import EvidencePath, RingCandidate, RingMember
from graph.projection import Projection
from graph.results import (
    RESULT_PROPERTIES,
    AnalysisRun,
    ResultWriter,
    node_values_statement,
    ring_members_statement,
    ring_rows,
)
from graph.schema import SCHEMA, UnknownSchemaElement


def test_every_results_statement_loads_and_takes_parameters_only() -> None:
    for name in cypher.names("results"):
        text = cypher.load("results", name)
        assert "$" in text
        assert "DELETE" not in text  # results are stamped and marked stale, never deleted


def test_node_values_statement_fills_label_key_and_both_properties() -> None:
    text = node_values_statement("Company", "louvain_id")
    assert "MATCH (n:Company {company_id: row.key})" in text
    assert "n.louvain_id = row.value" in text
    assert "n.louvain_id_run = $run_id" in text
    assert "__" not in text


@pytest.mark.parametrize("prop", ["name", "status", "louvain_id} DETACH DELETE n //", "", "pagerank_run"])
def test_only_whitelisted_result_properties_can_be_written(prop: str) -> None:
    with pytest.raises(ValueError, match="not a result property"):
        node_values_statement("Person", prop)


def test_labels_outside_the_schema_are_refused() -> None:
    with pytest.raises(UnknownSchemaElement):
        node_values_statement("Person) DETACH DELETE (x", "pagerank")


def test_result_properties_are_plain_identifiers_with_a_meaning() -> None:
    for prop in RESULT_PROPERTIES.values():
        assert prop.name.isidentifier() and prop.name.islower()
        assert prop.description
        assert prop.kind in ("int", "float")
        node_values_statement("Account", prop.name)


def test_ring_members_statement_for_each_member_label_only() -> None:
    for label in SCHEMA.relationship("MEMBER_OF").start:
        text = ring_members_statement(label)
        assert f"(member:{label} {{{SCHEMA.node(label).key}: row.key}})" in text
    with pytest.raises(ValueError, match="cannot be a ring member"):
        ring_members_statement("WatchlistEntry")


def _ring(scheme: str, score: float, *keys: str) -> RingCandidate:
    members = tuple(RingMember("Company", key, "front", score) for key in keys)
    path = EvidencePath((("Company", keys[0]),), (), f"{keys[0]} leads")
    return RingCandidate(scheme, score, members, (path,))


def test_ring_rows_rank_within_each_scheme_and_group_members_by_label() -> None:
    rings, members = ring_rows(
        [
            _ring("bypass_import", 0.5, "C1", "C2"),
            _ring("courier", 0.7, "C9"),
            _ring("bypass_import", 0.9, "C3"),
            _ring("bypass_import", 0.9, "C4"),
        ]
    )
    ranks = [(r["scheme"], r["score"], r["rank"]) for r in rings]
    assert ranks == [
        ("bypass_import", 0.9, 1),
        ("bypass_import", 0.9, 2),
        ("bypass_import", 0.5, 3),
        ("courier", 0.7, 1),
    ]
    assert {r["member_count"] for r in rings if r["score"] == 0.5} == {2}
    assert sorted(m["key"] for m in members["Company"]) == ["C1", "C2", "C3", "C4", "C9"]
    assert all(isinstance(r["evidence"], str) and '"reason"' in r["evidence"] for r in rings)


def test_a_ring_found_twice_is_written_once_with_its_best_score() -> None:
    rings, members = ring_rows([_ring("courier", 0.3, "C1", "C2"), _ring("courier", 0.8, "C2", "C1")])
    assert [(r["score"], r["rank"]) for r in rings] == [(0.8, 1)]
    assert len(members["Company"]) == 2


def test_a_ring_without_a_finite_score_is_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        ring_rows([_ring("courier", math.nan, "C1")])


@given(st.lists(st.floats(0, 1), min_size=1, max_size=20))
def test_ranks_follow_scores(scores: list[float]) -> None:
    rings, _ = ring_rows([_ring("courier", s, f"C{i}") for i, s in enumerate(scores)])
    assert [r["rank"] for r in rings] == list(range(1, len(rings) + 1))
    assert [r["score"] for r in rings] == sorted((r["score"] for r in rings), reverse=True)


class _NoDriver:
    """Stands in for the driver where a check must fail before anything is sent."""

    def execute_query(self, *_: object, **__: object) -> None:
        raise AssertionError("nothing may reach the server")


_RUN = AnalysisRun("r1", "louvain", "1", "{}", datetime(2024, 1, 1, tzinfo=UTC))
_PROJECTION = Projection.from_edges([("Account", "A"), ("Account", "B")], [(0, 1, "TRANSFER")])


@pytest.mark.parametrize(
    ("nodes", "prop", "values", "message"),
    [
        ([0, 1], "louvain_id", [1.5, 2.0], "whole numbers"),
        ([0, 1], "pagerank", [0.1, math.nan], "finite"),
        ([0, 1], "pagerank", [0.1], "2 nodes but values of shape"),
        ([0, 2], "pagerank", [0.1, 0.2], r"must lie in 0\.\.1"),
        ([0], "name", [1], "not a result property"),
    ],
)
def test_node_values_are_checked_before_anything_is_written(
    nodes: list[int], prop: str, values: list[float], message: str
) -> None:
    writer = ResultWriter(_NoDriver(), None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        writer.write_node_values(_RUN, _PROJECTION, np.array(nodes), prop, np.array(values))


@pytest.mark.parametrize("name", ["run_id", "status", "bad name", "x}) DETACH DELETE (n"])
def test_a_summary_may_not_overwrite_the_run_or_carry_odd_names(name: str) -> None:
    writer = ResultWriter(_NoDriver(), None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot be a summary figure"):
        writer.finish_run(_RUN, {name: 1})

"""The projector against the real Neo4j: counts, id maps, filters, time window and weights."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import numpy as np
import pytest
from neo4j import Driver

import graph.projector
from bigfinder.errors import ProjectionOutdated
from bigfinder.settings import Settings
from graph.projection import Projection
from graph.projector import ProjectionSpec, packed_reads_available, read_projection
from graph.schema import SCHEMA
from tests.integration.seeding import DECLARED_ON, SHARED_PHONE, TRANSFERS, seed_small_world

pytestmark = pytest.mark.neo4j


@pytest.fixture
def world(graph: Driver, settings: Settings) -> Driver:
    seed_small_world(graph, settings)
    return graph


def _triples(projection: Projection) -> Counter[tuple[str, tuple[str, str], tuple[str, str]]]:
    """Every projected relationship as (type, start (label, key), end (label, key))."""
    return Counter(
        (projection.rel_types[t], projection.key_of(s), projection.key_of(d))
        for s, d, t in zip(
            projection.src.tolist(), projection.dst.tolist(), projection.rel_type.tolist(), strict=True
        )
    )


def _graph_triples(
    driver: Driver, settings: Settings
) -> Counter[tuple[str, tuple[str, str], tuple[str, str]]]:
    records = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, labels(a) AS a_labels, properties(a) AS a, "
        "labels(b) AS b_labels, properties(b) AS b",
        database_=settings.neo4j_database,
    ).records
    triples: Counter[tuple[str, tuple[str, str], tuple[str, str]]] = Counter()
    for r in records:
        ends = []
        for labels, props in ((r["a_labels"], r["a"]), (r["b_labels"], r["b"])):
            label = next(label for label in labels if label in SCHEMA.labels)
            ends.append((label, str(props[SCHEMA.node(label).key])))
        triples[(r["type"], ends[0], ends[1])] += 1
    return triples


def test_the_whole_graph_is_projected_with_every_node_and_relationship(
    world: Driver, settings: Settings
) -> None:
    projection = read_projection(world, settings)
    nodes = world.execute_query(
        "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS nodes",
        database_=settings.neo4j_database,
    ).records
    expected = {r["label"]: r["nodes"] for r in nodes if r["label"] in SCHEMA.labels}
    assert {label: len(projection.nodes_labelled(label)) for label in expected} == expected
    assert projection.num_nodes == sum(expected.values())
    assert _triples(projection) == _graph_triples(world, settings)


def test_two_people_sharing_a_phone_meet_at_one_node(world: Driver, settings: Settings) -> None:
    phones = read_projection(
        world, settings, ProjectionSpec(labels=("Person", "Phone"), rel_types=("HAS_PHONE",))
    )
    assert phones.labels == ("Person", "Phone")
    assert phones.num_nodes == 3 + 2  # three people; the shared phone and the importer's phone
    shared = phones.index("Phone", SHARED_PHONE)
    holders = sorted(phones.key_of(n)[1] for n in phones.csr("in").neighbours(shared).tolist())
    assert holders == ["P1", "P2"]
    assert phones.rel_types == ("HAS_PHONE",)
    assert phones.num_relationships == 2  # the importer's phone link ends at a Company: not projected


def test_a_label_filter_keeps_only_relationships_between_projected_labels(
    world: Driver, settings: Settings
) -> None:
    accounts = read_projection(world, settings, ProjectionSpec(labels=("Account",)))
    assert accounts.rel_types == ("TRANSFER",)
    assert sorted(
        (accounts.key_of(s)[1], accounts.key_of(d)[1])
        for s, d in zip(accounts.src.tolist(), accounts.dst.tolist(), strict=True)
    ) == sorted((sender, receiver) for _, sender, receiver, *_ in TRANSFERS)


def test_relationship_times_come_from_the_transfer_or_the_event_it_touches(
    world: Driver, settings: Settings
) -> None:
    projection = read_projection(
        world, settings, ProjectionSpec(rel_types=("TRANSFER", "IMPORTED", "HAS_PHONE"))
    )
    transfers = projection.relationships_of_type("TRANSFER")
    sent = {TRANSFERS[i][1]: TRANSFERS[i][5].timestamp() for i in range(len(TRANSFERS))}
    for edge in transfers.tolist():
        assert projection.time[edge] == pytest.approx(sent[projection.key_of(int(projection.src[edge]))[1]])
    declared = datetime(DECLARED_ON.year, DECLARED_ON.month, DECLARED_ON.day, tzinfo=UTC).timestamp()
    assert projection.time[projection.relationships_of_type("IMPORTED")].tolist() == [declared]
    assert np.isnan(projection.time[projection.relationships_of_type("HAS_PHONE")]).all()


def test_the_time_window_is_applied_by_the_server_as_select_would(world: Driver, settings: Settings) -> None:
    since, until = datetime(2023, 1, 15, tzinfo=UTC), datetime(2023, 3, 1, tzinfo=UTC)
    window = read_projection(world, settings, ProjectionSpec(since=since, until=until))
    kept = sorted(_triples(window))
    assert kept == [
        ("IMPORTED", ("Company", "C1"), ("Declaration", "D1")),
        ("SUPPLIED", ("Company", "C2"), ("Declaration", "D1")),
        ("TRANSFER", ("Account", "ACC002"), ("Account", "ACC003")),
    ]
    everything = read_projection(world, settings)
    local = everything.select(since=since.timestamp(), until=until.timestamp())
    assert _triples(local) == _triples(window)
    assert window.num_nodes == everything.num_nodes  # a window filters relationships, not nodes
    naive = read_projection(
        world, settings, ProjectionSpec(since=datetime(2023, 1, 15), until=datetime(2023, 3, 1))
    )
    assert _triples(naive) == _triples(window)


def test_weights_come_from_the_named_property_or_the_default(world: Driver, settings: Settings) -> None:
    spec = ProjectionSpec(labels=("Account", "Person"), weight_property="amount", default_weight=2.0)
    weighted = read_projection(world, settings, spec)
    transfers = weighted.relationships_of_type("TRANSFER")
    amounts = {sender: amount for _, sender, _, _, amount, _ in TRANSFERS}
    assert {weighted.key_of(int(weighted.src[e]))[1]: float(weighted.weight[e]) for e in transfers} == amounts
    owns = weighted.relationships_of_type("OWNS_ACCOUNT")
    assert len(owns) == 2 and weighted.weight[owns].tolist() == [2.0, 2.0]
    unweighted = read_projection(world, settings, ProjectionSpec(labels=("Account",)))
    assert unweighted.weight.tolist() == [1.0] * len(TRANSFERS)


def test_reading_in_small_chunks_gives_the_same_projection(
    world: Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = read_projection(world, settings)
    monkeypatch.setattr(graph.projector, "START_NODES_PER_READ", 1)
    seen: list[str] = []
    chunked = read_projection(
        world, settings, progress=lambda phase, _done, _total: seen.append(phase), packed=False
    )
    assert _triples(chunked) == _triples(whole)
    assert chunked.node_key.tolist() == whole.node_key.tolist()
    assert seen.count("relationships TRANSFER") == 3  # one read per account that sends money


def test_an_empty_graph_projects_to_nothing(graph: Driver, settings: Settings) -> None:
    empty = read_projection(graph, settings)
    assert empty.num_nodes == 0 and empty.num_relationships == 0
    assert empty.csr().indptr.tolist() == [0]


def _nodes(projection: Projection) -> list[tuple[str, str]]:
    """Every node as (label, key), sorted: the order of reads aside."""
    return sorted(projection.key_of(node) for node in range(projection.num_nodes))


def _columns(projection: Projection) -> list[tuple[int, tuple[str, str], tuple[str, str], float, float]]:
    """Every relationship as (type, start, end, weight, time), ends by (label, key), sorted: the order of
    reads aside."""
    rows = zip(
        projection.rel_type.tolist(),
        projection.src.tolist(),
        projection.dst.tolist(),
        projection.weight.tolist(),
        projection.time.tolist(),
        strict=True,
    )
    key_of = projection.key_of
    return sorted((t, key_of(s), key_of(d), w, -1.0 if np.isnan(x) else x) for t, s, d, w, x in rows)


@pytest.mark.parametrize(
    "spec",
    [
        ProjectionSpec(),
        ProjectionSpec(weight_property="amount", default_weight=2.0),
        ProjectionSpec(since=datetime(2023, 1, 15, tzinfo=UTC), until=datetime(2023, 3, 1, tzinfo=UTC)),
        ProjectionSpec(labels=("Company", "Declaration"), since=datetime(2023, 1, 1, tzinfo=UTC)),
        ProjectionSpec(labels=("Person", "Phone"), rel_types=("HAS_PHONE",)),
        ProjectionSpec(times=False),
    ],
)
def test_the_servers_packed_reads_give_the_projection_cypher_gives(
    world: Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch, spec: ProjectionSpec
) -> None:
    if not graph.projector.packed_reads_available(world, settings):
        pytest.skip("this Neo4j is not bigfinder's launcher: it has no packed projection reads")
    by_cypher = read_projection(world, settings, spec, packed=False)
    packed = read_projection(world, settings, spec, packed=True)
    monkeypatch.setattr(graph.projector, "PACKED_CHUNK", 1)  # a record per node and per relationship
    packed_one_by_one = read_projection(world, settings, spec, packed=True)
    for other in (packed, packed_one_by_one):
        assert other.labels == by_cypher.labels and other.rel_types == by_cypher.rel_types
        assert other.node_label.tolist() == by_cypher.node_label.tolist()  # grouped by label, in spec order
        assert _nodes(other) == _nodes(by_cypher)
        assert _columns(other) == _columns(by_cypher)
        assert other.num_relationships == by_cypher.num_relationships


def test_a_projection_without_times_is_the_same_structure_with_no_time(
    world: Driver, settings: Settings
) -> None:
    timed = read_projection(world, settings)
    for packed in (False, True) if graph.projector.packed_reads_available(world, settings) else (False,):
        structure = read_projection(world, settings, ProjectionSpec(times=False), packed=packed)
        assert np.isnan(structure.time).all()
        assert [row[:4] for row in _columns(structure)] == [row[:4] for row in _columns(timed)]
    with pytest.raises(ValueError, match="needs the times"):
        ProjectionSpec(times=False, since=datetime(2023, 1, 1, tzinfo=UTC))


def test_a_projection_without_keys_reads_them_when_first_asked_for(world: Driver, settings: Settings) -> None:
    keyed = read_projection(world, settings)
    for packed in (False, True) if graph.projector.packed_reads_available(world, settings) else (False,):
        bare = read_projection(world, settings, ProjectionSpec(keys=False), packed=packed)
        assert bare.keys.loaded is not packed  # Cypher returns the keys anyway; the packed read leaves them
        assert bare.node_label.tolist() == keyed.node_label.tolist()
        assert bare.node_key.tolist() == keyed.node_key.tolist()  # read now, in projection order
        assert _columns(bare) == _columns(keyed)


def test_keys_read_after_a_node_is_deleted_say_the_projection_is_outdated(
    world: Driver, settings: Settings
) -> None:
    if not graph.projector.packed_reads_available(world, settings):
        pytest.skip("only the packed read leaves the keys for later")
    bare = read_projection(world, settings, ProjectionSpec(labels=("Person", "Phone"), keys=False))
    world.execute_query(
        "MATCH (p:Person {person_id: 'P2'}) DETACH DELETE p", database_=settings.neo4j_database
    )
    with pytest.raises(ProjectionOutdated, match="1 of the .* Person nodes projected have been deleted"):
        bare.key_of(0)


def test_the_out_adjacency_is_built_while_projecting(world: Driver, settings: Settings) -> None:
    projection = read_projection(world, settings)
    out = projection._csr["out"]  # built before read_projection returned
    assert out.indptr[-1] == projection.num_relationships
    for node in range(projection.num_nodes):
        edges = out.edge[out.indptr[node] : out.indptr[node + 1]]
        assert (projection.src[edges] == node).all()
        assert out.neighbours(node).tolist() == projection.dst[edges].tolist()
        assert edges.tolist() == sorted(edges.tolist())  # each node's relationships in projection order


#: Accounts enough for several packed chunks of nodes and relationships (keys not in id order, so the two
#: reads list the nodes in different orders); a multiple of 10,000.
_MANY_ACCOUNTS = 70_000


@pytest.fixture
def many_accounts(graph: Driver, settings: Settings) -> Driver:
    """Accounts keyed so that key order is not creation order, each sending one timed transfer."""
    for begin in range(0, _MANY_ACCOUNTS, 10_000):  # a transaction's memory holds about 10,000 of each
        graph.execute_query(
            "UNWIND range($begin, $begin + 9999) AS i CREATE (a:Account {account_id: 'A' + i}) "
            "WITH collect(a) AS accounts UNWIND range(0, 9999) AS i "
            "WITH accounts[i] AS a, accounts[(i * 7919 + 1) % 10000] AS b, $begin + i AS i "
            "CREATE (a)-[:TRANSFER {transfer_id: 'T' + i, amount: toFloat(i % 1000), "
            "sent_at: datetime({epochSeconds: 1700000000 + i * 60})}]->(b)",
            begin=begin,
            database_=settings.neo4j_database,
        )
    return graph


def test_a_many_chunk_packed_read_gives_the_projection_cypher_gives(
    many_accounts: Driver, settings: Settings
) -> None:
    if not graph.projector.packed_reads_available(many_accounts, settings):
        pytest.skip("this Neo4j is not bigfinder's launcher: it has no packed projection reads")
    weighted = ProjectionSpec(weight_property="amount")
    window = ProjectionSpec(
        since=datetime(2023, 11, 20, tzinfo=UTC), until=datetime(2023, 12, 31, tzinfo=UTC)
    )
    for spec in (weighted, window):
        by_cypher = read_projection(many_accounts, settings, spec, packed=False)
        packed = read_projection(many_accounts, settings, spec, packed=True)
        assert _nodes(packed) == _nodes(by_cypher)
        assert _columns(packed) == _columns(by_cypher)
        out = packed.csr("out")
        assert (packed.src[out.edge] == np.repeat(np.arange(packed.num_nodes), np.diff(out.indptr))).all()
    assert 0 < packed.num_relationships < _MANY_ACCOUNTS  # the window keeps some transfers, not all


def test_keys_that_are_not_all_text_come_back_as_values(graph: Driver, settings: Settings) -> None:
    """A chunk whose keys stop being plain text part-way (a number, a NUL) is sent as values instead."""
    if not packed_reads_available(graph, settings):
        pytest.skip("this Neo4j is not bigfinder's launcher: it has no packed projection reads")
    graph.execute_query(
        "CREATE (:Account {account_id: 'A1'}), (:Account {account_id: 'A\\u0000 2'}), "
        "(:Account {account_id: 3}), (:Account {account_id: ''})",
        database_=settings.neo4j_database,
    )
    spec = ProjectionSpec(labels=("Account",))
    packed = read_projection(graph, settings, spec, packed=True)
    assert _nodes(packed) == _nodes(read_projection(graph, settings, spec, packed=False))
    assert sorted(map(str, packed.node_key.tolist())) == sorted(["", "3", "A1", "A\x00 2"])

"""Port numbers, ego subgraphs and the Multi-GIN's shapes on tiny directed multigraphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import torch

from gnn.multigraph import MultiGIN, MultiGinOptions, TransferGraph, ego_subgraphs, port_numbers


def test_ports_number_distinct_neighbours_in_order_of_first_contact() -> None:
    # Node 3 receives from 2 (t=5), from 0 twice (t=1, t=9) and from 1 (t=3): ports 0 -> 0, 1 -> 1, 2 -> 2.
    src = np.array([2, 0, 0, 1])
    dst = np.array([3, 3, 3, 3])
    time = np.array([5.0, 1.0, 9.0, 3.0])
    in_port, out_port = port_numbers(src, dst, time, 4)
    assert in_port.tolist() == [2, 0, 0, 1]
    # Each sender has one receiver: every out-port is 0, the two parallel edges share it.
    assert out_port.tolist() == [0, 0, 0, 0]


def test_parallel_edges_share_a_port_and_distinct_receivers_do_not() -> None:
    src = np.array([0, 0, 0, 0])
    dst = np.array([1, 2, 1, 3])
    _, out_port = port_numbers(src, dst, np.array([0.0, 1.0, 2.0, np.nan]), 4)
    assert out_port.tolist() == [0, 1, 0, 2]


def _cycle_and_tail() -> TransferGraph:
    # 0 -> 1 -> 2 -> 0 (a 3-cycle), 2 -> 3 -> 4 (a tail).
    src, dst = np.array([0, 1, 2, 2, 3]), np.array([1, 2, 0, 3, 4])
    return TransferGraph.build(
        torch.arange(5, dtype=torch.float32)[:, None], src, dst, np.ones((5, 1)), np.arange(5.0)
    )


def test_ego_subgraphs_are_disjoint_hop_neighbourhoods_with_one_flag_each() -> None:
    graph = _cycle_and_tail()
    batch = ego_subgraphs(graph, np.array([0, 4]), hops=1)
    # Node 0 sees 1 and 2 (either direction); node 4 sees 3.
    assert sorted(batch.nodes[:3].tolist()) == [0, 1, 2] and sorted(batch.nodes[3:].tolist()) == [3, 4]
    assert batch.ego.sum().item() == 2
    assert batch.nodes[batch.centre.numpy()].tolist() == [0, 4]
    # The first copy holds the whole 3-cycle, the second the edge 3 -> 4, nothing crosses copies.
    edges = batch.graph.edge_index.t().tolist()
    assert len(edges) == 4
    assert all((a < 3) == (b < 3) for a, b in edges)
    assert batch.graph.x[:, 0].tolist() == [float(n) for n in batch.nodes]


@pytest.mark.parametrize(
    "options",
    [
        MultiGinOptions(),
        MultiGinOptions(reverse_mp=False, ports=False, ego=False),
        MultiGinOptions(ports=False),
        MultiGinOptions(log_ports=True),
    ],
)
def test_multigin_gives_one_row_of_logits_per_node(options: MultiGinOptions) -> None:
    graph = _cycle_and_tail()
    model = MultiGIN(1, 1, 3, hidden=8, layers=2, options=options)
    ego = torch.zeros(5, 1) if options.ego else None
    out = model(graph.x, graph.edge_index, graph.edge_attr, graph.in_port, graph.out_port, ego)
    assert out.shape == (5, 3) and torch.isfinite(out).all()


def test_reverse_message_passing_tells_senders_from_receivers() -> None:
    # A star out of node 0 and a star into node 4: same undirected shape, opposite directions.
    src, dst = np.array([0, 0, 1, 2]), np.array([1, 2, 4, 4])
    graph = TransferGraph.build(torch.ones(5, 1), src, dst, np.ones((4, 1)), np.arange(4.0))
    torch.manual_seed(0)
    model = MultiGIN(1, 1, 1, hidden=8, layers=1, options=MultiGinOptions(ego=False, ports=False)).eval()
    out = model(graph.x, graph.edge_index, graph.edge_attr, graph.in_port, graph.out_port)
    assert not torch.allclose(out[0], out[4])


def _random_multigraph(n: int, m: int, seed: int) -> TransferGraph:
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, m)
    dst = (src + rng.integers(1, n, m)) % n
    when = rng.random(m)
    return TransferGraph.build(torch.ones(n, 1), src, dst, when[:, None], when)


def test_ego_hops_are_undirected_distances_to_the_centre() -> None:
    graph = _random_multigraph(40, 70, 0)
    undirected = nx.Graph(graph.edge_index.t().tolist())
    undirected.add_nodes_from(range(graph.num_nodes))
    for centre in (0, 7, 19):
        batch = ego_subgraphs(graph, np.array([centre]), hops=2)
        distance = nx.single_source_shortest_path_length(undirected, centre, cutoff=2)
        assert dict(zip(batch.nodes.tolist(), batch.hop.tolist(), strict=True)) == distance
    batch = ego_subgraphs(graph, np.array([0, 7, 19]), hops=2)
    assert batch.hop[batch.centre].tolist() == [0, 0, 0]


@pytest.mark.parametrize("options", [MultiGinOptions(), MultiGinOptions(reverse_mp=False, ports=False)])
def test_centre_logits_skip_only_work_the_centres_do_not_need(options: MultiGinOptions) -> None:
    graph = _random_multigraph(60, 150, 1)
    centres = np.array([3, 11, 42, 59])
    torch.manual_seed(0)
    model = MultiGIN(1, 1, 2, hidden=8, layers=5, options=options).eval()
    batch = ego_subgraphs(graph, centres, hops=2)
    sub = batch.graph
    with torch.no_grad():
        pruned = model.centre_logits(batch)
        full = model(sub.x, sub.edge_index, sub.edge_attr, sub.in_port, sub.out_port, batch.ego)[batch.centre]
        alone = torch.cat(
            [model.centre_logits(ego_subgraphs(graph, centres[i : i + 1], 2)) for i in range(4)]
        )
    assert torch.allclose(pruned, full, atol=1e-5) and torch.allclose(pruned, alone, atol=1e-5)


def test_log_ports_compress_large_port_numbers_but_keep_their_order() -> None:
    # One receiver with 30 distinct senders: ports 0..29 reach the model as log(1 + port).
    src, dst = np.arange(1, 31), np.zeros(30, dtype=np.int64)
    graph = TransferGraph.build(torch.ones(31, 1), src, dst, np.zeros((30, 1)), np.arange(30.0))
    model = MultiGIN(1, 1, 1, hidden=4, layers=1, options=MultiGinOptions(ego=False, log_ports=True))
    side = model._sides(graph.edge_index, graph.edge_attr, graph.in_port, graph.out_port)[0]
    plain = MultiGIN(1, 1, 1, hidden=4, layers=1, options=MultiGinOptions(ego=False))
    plain.load_state_dict(model.state_dict())
    raw = plain._sides(graph.edge_index, graph.edge_attr, graph.in_port, graph.out_port)[0]
    port = model.directions[0].port
    assert isinstance(port, torch.nn.Linear)
    weight = port.weight[:, 0]
    # The port term is linear in what is read: differences between edges scale with log(1 + port).
    logged = (side.term - side.term[0]) / weight
    plain_read = (raw.term - raw.term[0]) / weight
    assert torch.allclose(logged[:, 0], torch.log1p(graph.in_port.float()), atol=1e-4)
    assert torch.allclose(plain_read[:, 0], graph.in_port.float(), atol=1e-3)

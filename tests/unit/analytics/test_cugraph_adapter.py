"""The cuGraph engine's glue, run against a stand-in that answers in cuGraph's documented shapes.

No GPU here, so a small fake ``cugraph``/``cudf`` pair (networkx underneath) returns what the cuGraph
docs promise: DataFrames with ``vertex`` plus ``labels``/``partition``/``pagerank``/``distance`` and
``predecessor`` columns (sssp leaves out the vertices it cannot reach). The adapter's answers must then
match the CPU engine's: this checks the merging of parallel links, the scattering back onto node
indices and isolated nodes, not cuGraph itself.
"""

from __future__ import annotations

import sys
import types
from typing import Any

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from analytics.backends.cpu import CpuBackend
from analytics.backends.cugraph import CuGraphBackend
from graph.projection import Projection
from tests.unit.analytics.graphs import random_projection


class _Series:
    def __init__(self, values: Any) -> None:
        self.values = np.asarray(values)

    def to_numpy(self) -> np.ndarray:
        return self.values


class _DataFrame:
    def __init__(self, columns: dict[str, Any]) -> None:
        self.columns = {name: np.asarray(values) for name, values in columns.items()}

    def __getitem__(self, name: str) -> _Series:
        return _Series(self.columns[name])


class _Graph:
    def __init__(self, directed: bool) -> None:
        self.directed = directed

    def from_cudf_edgelist(self, frame: _DataFrame, **options: Any) -> None:
        assert options["renumber"] is False
        kind = nx.DiGraph if self.directed else nx.Graph
        self.nx = kind()
        self.nx.add_nodes_from(options["vertices"].to_numpy().tolist())
        columns = frame.columns
        for a, b, w in zip(columns["src"], columns["dst"], columns["weight"], strict=True):
            assert not self.nx.has_edge(a, b), "parallel links must be merged before cuGraph"
            self.nx.add_edge(int(a), int(b), weight=float(w))


def _frame(values: dict[int, float], column: str) -> _DataFrame:
    vertices = sorted(values)
    return _DataFrame({"vertex": vertices, column: [values[v] for v in vertices]})


def _communities(graph: _Graph, resolution: float) -> tuple[_DataFrame, float]:
    found = nx.community.louvain_communities(graph.nx, resolution=resolution, seed=0)
    labels = {v: float(i) for i, members in enumerate(found) for v in members}
    return _frame(labels, "partition"), nx.community.modularity(graph.nx, found)


def _fake_cugraph() -> types.ModuleType:
    module = types.ModuleType("cugraph")
    module.Graph = _Graph  # type: ignore[attr-defined]

    def wcc(graph: _Graph) -> _DataFrame:
        parts = nx.connected_components(graph.nx)
        return _frame({v: float(i) for i, part in enumerate(parts) for v in part}, "labels")

    def pagerank(
        graph: _Graph,
        alpha: float,
        personalization: _DataFrame | None,
        tol: float,
        max_iter: int,
        fail_on_nonconvergence: bool,
    ) -> tuple[_DataFrame, bool]:
        # cuGraph's stop rule is an L1 change below tol; networkx's is below N * tol.
        assert not fail_on_nonconvergence
        restart = None
        if personalization is not None:
            restart = dict(
                zip(personalization.columns["vertex"], personalization.columns["values"], strict=True)
            )
        n = graph.nx.number_of_nodes()
        scores = nx.pagerank(graph.nx, alpha=alpha, personalization=restart, tol=tol / n, max_iter=max_iter)
        return _frame(scores, "pagerank"), True

    def sssp(graph: _Graph, source: int) -> _DataFrame:
        distance, paths = nx.single_source_dijkstra(graph.nx, source)
        predecessor = {v: float(path[-2]) if len(path) > 1 else -1.0 for v, path in paths.items()}
        return _DataFrame(
            {
                "vertex": sorted(distance),
                "distance": [distance[v] for v in sorted(distance)],
                "predecessor": [predecessor[v] for v in sorted(distance)],
            }
        )

    module.weakly_connected_components = wcc  # type: ignore[attr-defined]
    module.louvain = lambda graph, resolution: _communities(graph, resolution)  # type: ignore[attr-defined]
    module.leiden = lambda graph, resolution, random_state: _communities(graph, resolution)  # type: ignore[attr-defined]
    module.pagerank = pagerank  # type: ignore[attr-defined]
    module.sssp = sssp  # type: ignore[attr-defined]
    return module


@pytest.fixture
def gpu(monkeypatch: pytest.MonkeyPatch) -> CuGraphBackend:
    cudf = types.ModuleType("cudf")
    cudf.DataFrame = _DataFrame  # type: ignore[attr-defined]
    cudf.Series = _Series  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cudf", cudf)
    monkeypatch.setitem(sys.modules, "cugraph", _fake_cugraph())
    return CuGraphBackend()


@pytest.mark.parametrize("seed", range(6))
def test_the_gpu_glue_agrees_with_the_cpu_engine(gpu: CuGraphBackend, seed: int) -> None:
    # Nodes 17..19 are isolated.
    p = random_projection(seed, nodes=20, edges=30, self_loops=False)
    keep = (p.src < 17) & (p.dst < 17)
    p = Projection(
        labels=p.labels,
        node_label=p.node_label,
        keys=p.keys,
        rel_types=p.rel_types,
        src=p.src[keep],
        dst=p.dst[keep],
        rel_type=p.rel_type[keep],
        weight=p.weight[keep],
        time=p.time[keep],
    )
    cpu = CpuBackend()
    ours, theirs = gpu.weakly_connected_components(p), cpu.weakly_connected_components(p)
    assert np.array_equal(ours.membership, theirs.membership)
    for directed in (True, False):
        for restart in (None, np.eye(20)[0]):
            scores = [
                engine.pagerank(
                    p,
                    damping=0.85,
                    weighted=True,
                    directed=directed,
                    personalization=restart,
                    tolerance=1e-12,
                    max_iterations=10_000,
                )
                for engine in (gpu, cpu)
            ]
            np.testing.assert_allclose(scores[0].values, scores[1].values, atol=1e-6)
        for target in (5, 10, 18):
            on_gpu = gpu.shortest_path(p, 0, target, weighted=True, directed=directed)
            on_cpu = cpu.shortest_path(p, 0, target, weighted=True, directed=directed)
            assert (on_gpu is None) == (on_cpu is None)
            if on_gpu is not None and on_cpu is not None:
                assert on_gpu.cost == pytest.approx(on_cpu.cost)
                assert on_gpu.nodes[0] == 0 and on_gpu.nodes[-1] == target


def test_the_gpu_glue_keeps_planted_communities(gpu: CuGraphBackend) -> None:
    sizes = [30] * 4
    probs = (np.full((4, 4), 0.01) + np.eye(4) * 0.3).tolist()
    sbm = nx.stochastic_block_model(sizes, probs, seed=1)
    p = Projection.from_edges(
        [("Account", str(i)) for i in range(120)], [(a, b, "TRANSFER") for a, b in sbm.edges()]
    )
    truth = np.repeat(np.arange(4), 30)
    for found in (
        gpu.louvain(p, resolution=1.0, weighted=True, seed=0),
        gpu.leiden(p, resolution=1.0, weighted=True, seed=0),
    ):
        assert adjusted_rand_score(truth, found.membership) > 0.95
        assert found.modularity is not None and found.modularity > 0.5

"""One interface, two engines: every algorithm runs on cuGraph when a GPU is there, on the CPU otherwise.

A :class:`Backend` computes each algorithm on a :class:`graph.projection.Projection` and returns the result
types of :mod:`analytics.types`, so a caller never knows (or cares) which engine ran. ``"auto"`` picks
cuGraph when the package imports *and* a CUDA device is visible, the CPU engine (igraph, numba,
scipy) otherwise.

Example
-------
>>> get_backend("cpu").name
'cpu'
>>> resolve_backend(None).name in {"cpu", "cugraph"}
True
>>> get_backend("gpu")
Traceback (most recent call last):
...
ValueError: backend must be 'auto', 'cpu' or 'cugraph', not 'gpu'
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from functools import cache
from typing import Literal, Protocol, cast, runtime_checkable

import numpy as np
import numpy.typing as npt

from analytics.types import (
    Cycle,
    EgoNetwork,
    Fan,
    NodeScores,
    Partition,
    ScatterGather,
    SimilarPairs,
    WeightedPath,
)
from graph.projection import Projection

__all__ = ["Backend", "BackendName", "BackendUnavailable", "get_backend", "resolve_backend"]

BackendName = Literal["auto", "cpu", "cugraph"]


class BackendUnavailable(RuntimeError):
    """The requested engine cannot run here (package missing or no GPU)."""


@runtime_checkable
class Backend(Protocol):
    """What every engine computes; the public functions in :mod:`analytics` validate inputs first."""

    name: str

    def weakly_connected_components(self, projection: Projection) -> Partition: ...

    def louvain(
        self, projection: Projection, *, resolution: float, weighted: bool, seed: int
    ) -> Partition: ...

    def leiden(
        self, projection: Projection, *, resolution: float, weighted: bool, seed: int
    ) -> Partition: ...

    def pagerank(
        self,
        projection: Projection,
        *,
        damping: float,
        weighted: bool,
        directed: bool,
        personalization: npt.NDArray[np.float64] | None,
        tolerance: float,
        max_iterations: int,
    ) -> NodeScores: ...

    def shortest_path(
        self, projection: Projection, source: int, target: int, *, weighted: bool, directed: bool
    ) -> WeightedPath | None: ...

    def k_shortest_paths(
        self, projection: Projection, source: int, target: int, k: int, *, weighted: bool, directed: bool
    ) -> list[WeightedPath]: ...

    def ego_network(
        self,
        projection: Projection,
        center: int,
        *,
        hops: int,
        rel_types: Sequence[str] | None,
        since: float | None,
        until: float | None,
        max_neighbours: int,
        max_nodes: int,
    ) -> EgoNetwork: ...

    def shared_identifier_similarity(
        self,
        projection: Projection,
        *,
        parties: npt.NDArray[np.int64] | None,
        identifier_labels: Sequence[str],
        max_identifier_degree: int,
        min_score: float,
    ) -> SimilarPairs: ...

    def temporal_cycles(
        self,
        projection: Projection,
        *,
        max_length: int,
        window_seconds: float,
        rel_type: str,
        max_cycles: int,
    ) -> list[Cycle]: ...

    def fans(
        self,
        projection: Projection,
        *,
        direction: Literal["in", "out"],
        min_counterparties: int,
        window_seconds: float,
        rel_type: str,
    ) -> list[Fan]: ...

    def scatter_gather(
        self, projection: Projection, *, min_intermediates: int, window_seconds: float, rel_type: str
    ) -> list[ScatterGather]: ...


def _gpu_ready() -> bool:
    """cuGraph imports and CUDA sees a device (cupy comes with cuGraph)."""
    try:
        importlib.import_module("cugraph")
        cupy = importlib.import_module("cupy")
        return int(cupy.cuda.runtime.getDeviceCount()) > 0
    except Exception:  # any import or driver failure means: no usable GPU engine
        return False


@cache
def get_backend(name: BackendName = "auto") -> Backend:
    """The engine called ``name``; ``"auto"`` prefers cuGraph on a GPU and falls back to the CPU."""
    if name not in ("auto", "cpu", "cugraph"):
        raise ValueError(f"backend must be 'auto', 'cpu' or 'cugraph', not {name!r}")
    if name == "cpu" or (name == "auto" and not _gpu_ready()):
        from analytics.backends.cpu import CpuBackend

        return CpuBackend()
    if name == "cugraph" and not _gpu_ready():
        raise BackendUnavailable(
            "the cugraph backend needs the cugraph package (the 'gpu' extra) and a visible CUDA device"
        )
    from analytics.backends.cugraph import CuGraphBackend

    return CuGraphBackend()


def resolve_backend(backend: Backend | str | None) -> Backend:
    """A backend object from what a caller passed: an engine, its name, or ``None`` for ``"auto"``."""
    if backend is None:
        return get_backend("auto")
    if isinstance(backend, str):
        return get_backend(cast(BackendName, backend))  # get_backend rejects unknown names
    return backend

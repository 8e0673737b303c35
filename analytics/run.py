"""What ``bigfinder analyze`` does: project the graph, run the algorithms and detectors, write back.

One :class:`Analysis` reads the domain graph once into a projection, then runs each step on it —
components, communities, centrality, the watchlist accomplice score, and every scheme detector — and
writes each step's results to Neo4j stamped with an ``AnalysisRun`` (algorithm, version, parameters,
run time). Steps are independent: ``only`` picks some, and a detector that fails stops the analysis with
its error rather than leaving half-written rings.

Example (needs a running Neo4j)::

    report = Analysis(driver, settings, backend="cpu").run()
    for step in report.steps:
        print(step.name, step.summary, f"{step.seconds:.1f}s")
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from neo4j import Driver

from analytics.accomplice import AccompliceConfig, accomplice_ranking
from analytics.backends import Backend, BackendUnavailable, resolve_backend
from analytics.centrality import pagerank, personalized_pagerank
from analytics.community import leiden, louvain
from analytics.components import weakly_connected_components
from analytics.detectors.base import Detector
from analytics.types import NodeScores, Partition
from bigfinder import __version__
from bigfinder.errors import ConfigurationError
from bigfinder.settings import Settings
from graph.projection import Projection
from graph.projector import ProjectionSpec, read_projection
from graph.results import AnalysisRun, ResultWriter

__all__ = [
    "ALGORITHM_STEPS",
    "TIMED_STEPS",
    "Analysis",
    "AnalysisReport",
    "StepReport",
    "watchlist_seed_accounts",
    "watchlist_seeds",
]

#: ``(step, done, total)`` after each unit of work, like the ingest's hook.
ProgressHook = Callable[[str, int, int | None], None]

#: The whole-graph algorithm steps, in the order they run (detectors follow, one step per scheme).
ALGORITHM_STEPS = ("components", "louvain", "leiden", "pagerank", "accomplice", "money_accomplice")
#: The steps that read when transfers happened; the others need only the structure.
TIMED_STEPS = frozenset({"accomplice", "money_accomplice"})


@dataclass(frozen=True)
class StepReport:
    """One step of an analysis: what ran, on which engine, what it found, how long it took."""

    name: str
    algorithm: str
    backend: str
    summary: str
    seconds: float
    run_id: str


@dataclass
class AnalysisReport:
    """Everything ``bigfinder analyze`` prints."""

    nodes: int = 0
    relationships: int = 0
    projection_seconds: float = 0.0
    steps: list[StepReport] = field(default_factory=list)
    rings: dict[str, int] = field(default_factory=dict)


def _ranks(values: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """1 for the highest value; ties keep node order so ranks are reproducible."""
    order = np.lexsort((np.arange(len(values)), -values))
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(1, len(values) + 1)
    return ranks


def _partition_summary(partition: Partition) -> str:
    largest = int(partition.sizes.max()) if partition.count else 0
    modularity = "" if partition.modularity is None else f", modularity {partition.modularity:.3f}"
    return f"{partition.count:,} groups, largest {largest:,}{modularity}"


def watchlist_seeds(projection: Projection) -> npt.NDArray[np.int64]:
    """Node indices of the parties listed on any watchlist entry in the projection."""
    return np.unique(projection.src[projection.relationships_of_type("LISTED_ON")])


def watchlist_seed_accounts(projection: Projection) -> npt.NDArray[np.int64]:
    """Node indices of the accounts the watchlisted parties hold."""
    owns = projection.relationships_of_type("OWNS_ACCOUNT")
    held_by_listed = np.isin(projection.src[owns], watchlist_seeds(projection))
    return np.unique(projection.dst[owns][held_by_listed])


class Analysis:
    """Runs the analysis steps over one projection of the graph; see the module docstring."""

    def __init__(
        self,
        driver: Driver,
        settings: Settings,
        *,
        backend: str = "auto",
        detectors: Sequence[Detector] = (),
        progress: ProgressHook | None = None,
    ) -> None:
        self._driver = driver
        self._settings = settings
        try:
            self._backend: Backend = resolve_backend(backend)
        except (ValueError, BackendUnavailable) as exc:
            raise ConfigurationError(str(exc)) from exc
        self._detectors = detectors
        self._progress = progress or (lambda _step, _done, _total: None)
        self._writer = ResultWriter(driver, settings)

    def run(self, only: Iterable[str] | None = None) -> AnalysisReport:
        """Run the chosen steps (default: all) and report on each."""
        wanted = set(only) if only is not None else None
        known = {*ALGORITHM_STEPS, *(d.scheme for d in self._detectors)}
        if wanted is not None and (unknown := wanted - known):
            raise ConfigurationError(f"unknown analysis step(s) {sorted(unknown)}; known: {sorted(known)}")
        report = AnalysisReport()
        steps = [s for s in ALGORITHM_STEPS if wanted is None or s in wanted]
        if steps:
            started = time.perf_counter()
            # Times only when a step reads them: the structure alone is a faster read.
            spec = ProjectionSpec(times=not TIMED_STEPS.isdisjoint(steps))
            projection = read_projection(self._driver, self._settings, spec, self._progress)
            report.projection_seconds = time.perf_counter() - started
            report.nodes, report.relationships = projection.num_nodes, projection.num_relationships
            for step in steps:
                report.steps.append(self._algorithm_step(step, projection))
        for detector in self._detectors:
            if wanted is None or detector.scheme in wanted:
                step_report, rings = self._detector_step(detector)
                report.steps.append(step_report)
                report.rings[detector.scheme] = rings
        return report

    def _stamp(self, algorithm: str, parameters: Mapping[str, Any]) -> AnalysisRun:
        return self._writer.start_run(
            algorithm, f"bigfinder {__version__} / {self._backend.name}", parameters
        )

    def _algorithm_step(self, step: str, projection: Projection) -> StepReport:
        self._progress(step, 0, 1)
        started = time.perf_counter()
        algorithm, parameters, summary, writes = self._compute(step, projection)
        run = self._stamp(algorithm, parameters)
        every = np.arange(projection.num_nodes, dtype=np.int64)
        for prop, (nodes, values) in writes.items():
            self._writer.write_node_values(run, projection, every if nodes is None else nodes, prop, values)
        seconds = time.perf_counter() - started
        self._writer.finish_run(run, {"summary": summary, "nodes": projection.num_nodes})
        self._progress(step, 1, 1)
        return StepReport(step, algorithm, self._backend.name, summary, seconds, run.run_id)

    def _compute(
        self, step: str, projection: Projection
    ) -> tuple[str, dict[str, Any], str, dict[str, tuple[npt.NDArray[np.int64] | None, npt.ArrayLike]]]:
        """Run one algorithm step: its name, parameters, a one-line summary and the node values to write."""
        backend = self._backend
        if step == "components":
            parts = weakly_connected_components(projection, backend=backend)
            return (
                "wcc",
                {},
                _partition_summary(parts),
                {
                    "wcc_id": (None, parts.membership),
                    "wcc_size": (None, parts.sizes[parts.membership]),
                },
            )
        if step in ("louvain", "leiden"):
            method = louvain if step == "louvain" else leiden
            # Unweighted: relationship weights mix amounts with counts of unrelated kinds.
            parts = method(projection, resolution=1.0, weighted=False, seed=0, backend=backend)
            params = {"resolution": 1.0, "weighted": False, "seed": 0}
            return step, params, _partition_summary(parts), {f"{step}_id": (None, parts.membership)}
        if step == "pagerank":
            scores = pagerank(projection, damping=0.85, weighted=False, backend=backend)
            params = {"damping": 0.85, "weighted": False}
            degree = np.bincount(projection.src, minlength=projection.num_nodes) + np.bincount(
                projection.dst, minlength=projection.num_nodes
            )
            return (
                "pagerank",
                params,
                f"max {scores.values.max():.2e}",
                {
                    "pagerank": (None, scores.values),
                    "pagerank_rank": (None, _ranks(scores.values)),
                    "degree": (None, degree),
                },
            )
        if step == "accomplice":
            return self._accomplice(projection)
        return self._money_accomplice(projection)

    def _accomplice(
        self, projection: Projection
    ) -> tuple[str, dict[str, Any], str, dict[str, tuple[npt.NDArray[np.int64] | None, npt.ArrayLike]]]:
        seeds = watchlist_seeds(projection)
        params = {"damping": 0.85, "directed": False, "seeds": "watchlisted parties"}
        if not len(seeds):
            return "personalized_pagerank", params, "no watchlisted party: nothing to score", {}
        scores: NodeScores = personalized_pagerank(
            projection, seeds.tolist(), damping=0.85, directed=False, backend=self._backend
        )
        # Seeds score themselves highest by construction; investigators want the others ranked.
        values = scores.values.copy()
        values[seeds] = 0.0
        summary = f"{len(seeds):,} watchlisted seeds"
        return (
            "personalized_pagerank",
            params,
            summary,
            {
                "accomplice_score": (None, values),
                "accomplice_rank": (None, _ranks(values)),
            },
        )

    def _money_accomplice(
        self, projection: Projection
    ) -> tuple[str, dict[str, Any], str, dict[str, tuple[npt.NDArray[np.int64] | None, npt.ArrayLike]]]:
        seeds = watchlist_seed_accounts(projection)
        config = AccompliceConfig(backend=self._backend.name)
        params = {**dataclasses.asdict(config), "seeds": "accounts of watchlisted parties"}
        if not len(seeds):
            return "accomplice_ranking", params, "no account of a watchlisted party: nothing to score", {}
        ranking = accomplice_ranking(projection, seeds.tolist(), config=config)
        accounts = projection.nodes_labelled("Account")
        summary = f"{len(accounts):,} accounts ranked from {len(seeds):,} watchlisted accounts"
        return (
            "accomplice_ranking",
            params,
            summary,
            {"money_accomplice_score": (accounts, ranking.score.values[accounts])},
        )

    def _detector_step(self, detector: Detector) -> tuple[StepReport, int]:
        self._progress(detector.scheme, 0, 1)
        started = time.perf_counter()
        run = self._writer.start_run(f"detector:{detector.scheme}", detector.version, detector.parameters())
        rings = detector.detect(self._driver, self._settings)
        written = self._writer.write_rings(run, rings, schemes=[detector.scheme])
        seconds = time.perf_counter() - started
        summary = f"{len(rings):,} rings, {written.members_linked:,} members, {written.stale:,} gone stale"
        self._writer.finish_run(run, {"rings": len(rings), "members": written.members_linked})
        self._progress(detector.scheme, 1, 1)
        return StepReport(detector.scheme, run.algorithm, "-", summary, seconds, run.run_id), len(rings)

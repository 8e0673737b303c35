"""Graph algorithms benchmark: projection, WCC, Louvain and PageRank, ours against Neo4j GDS and networkx.

Run by hand, never in the test suite::

    .venv/bin/python bench/algorithms.py --scale 120000 --repeat 3      # about 1.1 M relationships
    BIGFINDER_NEO4J_URI=bolt://127.0.0.1:7781 .venv/bin/python bench/algorithms.py   # a loaded server

What one run does:

1. Uses the Neo4j of ``BIGFINDER_NEO4J_URI`` when set, else starts the ingest bench's own local one
   (``bench/ingest.py``: ``var/bench/neo4j``, port 7688). If the graph is empty it generates
   ``var/bench/world-<scale>-<seed>`` and ingests it (a graph already there is reused as it is; ``--fresh``
   wipes and re-ingests, on an external server only with ``--allow-wipe``).
2. Projection: :func:`graph.projector.read_projection` of the whole domain graph, against
   ``gds.graph.project`` of the same labels and relationship types (wall time seen by this process for
   both), with relationships/s, the contenders taking turns run by run. GDS reads the structure and node
   ids only (it cannot load the datetimes, and writes results back by internal id), so it is set against
   ours read the same way (``ProjectionSpec(times=False, keys=False)``: keys are read when first asked
   for). Ours with every node's key, and with keys and every relationship's time (what the motif search
   and time windows read), are timed beside it.
3. WCC, Louvain and PageRank with our CPU backend (``analytics``; each run on a fresh copy of the
   projection, so building the igraph / scipy graph is timed too), with GDS (``gds.<algo>.stats`` on
   the projected graph: natural orientation for WCC and PageRank, undirected for Louvain, as ours), and
   with networkx on a graph built from the same projection (building it is not timed).

PageRank runs to one stop rule for all three, so none wins by stopping early: ours until the L1 change
between steps is below ``--pagerank-tolerance``; networkx to the same rule (its ``tol`` is that over the
number of nodes, and parallel relationships are its edge weights, so it computes the same scores); GDS,
whose tolerance is a per-node change on its own scale, is given the number of steps ours took and a
tolerance that does not cut in first. Beside the times: the steps taken and, for ours and networkx, the
L1 distance of the scores to a tight reference (ours at 1e-12), so equal accuracy can be seen.

Medians over ``--repeat`` runs (networkx over ``--nx-repeat``, 1 by default: its Louvain takes minutes).
Ratios are *their time / our time*: above 1 means we are faster. The bars of issue 4 are marked met or
not met: projection >= 1 M relationships/s, faster than GDS, >= 20x networkx, Louvain <= 5 s. Nothing is
asserted.
"""

# ruff: noqa: E402 - the imports below must come after the sys.path repair
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ first on sys.path, where bench/ingest.py would shadow the ingest
# package; the project root is what the imports need.
_BENCH_DIR = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _BENCH_DIR:
    sys.path[0] = str(_BENCH_DIR.parent)

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any

import networkx as nx
import numpy as np
import typer
from neo4j import Driver, RoutingControl
from rich.table import Table

import cypher
from analytics.centrality import pagerank
from analytics.community import louvain
from analytics.components import weakly_connected_components
from analytics.types import NodeScores
from bench.ingest import console, ensure_world, run_ours, start_server, wipe
from bigfinder.errors import BigfinderError
from bigfinder.settings import Settings
from graph.loader import GraphWriter
from graph.projection import Projection
from graph.projector import ProjectionSpec, read_projection
from graph.store import open_driver, translate_driver_errors

__all__ = ["main"]

RELS_PER_S_BAR = 1_000_000
NETWORKX_RATIO_BAR = 20.0
LOUVAIN_SECONDS_BAR = 5.0
RELATIONSHIPS_BAR = 1_000_000
GDS_NATURAL = "bench_natural"
GDS_UNDIRECTED = "bench_undirected"
#: The reference PageRank's stop rule, and GDS's tolerance: small enough never to stop GDS first.
REFERENCE_TOLERANCE = 1e-12
GDS_TOLERANCE = 1e-12

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@dataclass
class Contest:
    """One task timed for each contender (seconds per run) with what each found, for a sanity check."""

    task: str
    ours: list[float] = field(default_factory=list)
    gds: list[float] = field(default_factory=list)
    networkx: list[float] = field(default_factory=list)
    found: dict[str, str] = field(default_factory=dict)


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _timed(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


# -- the graph ----------------------------------------------------------------------------------------


def ensure_graph(driver: Driver, settings: Settings, scale: int, seed: int, fresh: bool) -> None:
    """Ingest the generated world unless the graph already holds one (or ``fresh`` asks to redo it)."""
    counts = GraphWriter(driver, settings).counts()
    if sum(counts.relationships.values()) and not fresh:
        console.print(
            f"Reusing the graph in the database: {sum(counts.nodes.values()):,} nodes, "
            f"{sum(counts.relationships.values()):,} relationships"
        )
        return
    world = ensure_world(scale, seed)
    console.print(f"Ingesting {world} (wiping took {wipe(driver, settings):.1f} s)")
    done = run_ours(driver, settings, world, settings.ingest_batch_size)
    console.print(f"  {done.elements:,} graph elements in {done.seconds:.1f} s")


def _read(driver: Driver, settings: Settings, name: str, **params: Any) -> dict[str, Any]:
    with translate_driver_errors(settings):
        records = driver.execute_query(
            cypher.load("bench", name),
            params,
            database_=settings.neo4j_database,
            routing_=RoutingControl.READ,
        ).records
    return records[0].data() if records else {}


def gds_available(driver: Driver, settings: Settings) -> bool:
    try:
        _read(driver, settings, "gds_drop", graph="bench_probe")
    except BigfinderError as exc:
        console.print(f"[yellow]GDS not usable, its columns stay empty:[/yellow] {exc.detail}")
        return False
    return True


def gds_projection(projection: Projection, orientation: str) -> dict[str, Any]:
    """The ``gds.graph.project`` arguments for the labels and types ``projection`` holds."""
    present = sorted({int(t) for t in np.unique(projection.rel_type)})
    return {
        "labels": [projection.labels[i] for i in sorted({int(x) for x in np.unique(projection.node_label)})],
        "relationships": {projection.rel_types[t]: {"orientation": orientation} for t in present},
    }


# -- contenders ---------------------------------------------------------------------------------------


#: Our projection as GDS projects: the structure and the id maps, node ids without keys, no times.
STRUCTURE = "projection (structure, ids)"
#: The same with every node's key read too, what writing results back by key needs.
KEYED = "projection (structure, keys)"
#: Our whole projection: keys and every relationship's time, what the motifs and windows need.
TIMED = "projection (keys and times)"


def time_projections(
    driver: Driver, settings: Settings, repeat: int, gds: bool
) -> tuple[Projection, list[Contest]]:
    """Ours as GDS projects (ids, no times), with keys and with keys and times, and GDS, taking turns.

    Turns, not one contender's runs then the other's, so a change in the machine's load falls on both.
    GDS's graph is dropped as soon as it is timed (but the last), so no run reads beside it in the heap.
    """
    contests = {task: Contest(task) for task in (STRUCTURE, KEYED, TIMED)}
    specs = {
        STRUCTURE: ProjectionSpec(times=False, keys=False),
        KEYED: ProjectionSpec(times=False),
        TIMED: ProjectionSpec(),
    }
    projection: Projection | None = None
    project_gds = partial(_read, driver, settings, "gds_project", graph=GDS_NATURAL)
    for run in range(repeat):
        for task, spec in specs.items():
            seconds, projection = _timed(partial(read_projection, driver, settings, spec))
            contests[task].ours.append(seconds)
            contests[task].found["ours"] = (
                f"{projection.num_nodes:,} nodes, {projection.num_relationships:,} rels"
            )
            if gds and task == STRUCTURE:
                if run == 0:  # the same labels and types as ours
                    project_gds = partial(project_gds, **gds_projection(projection, "NATURAL"))
                _read(driver, settings, "gds_drop", graph=GDS_NATURAL)
                seconds, answer = _timed(project_gds)
                contests[task].gds.append(seconds)
                nodes, rels = answer["nodeCount"], answer["relationshipCount"]
                contests[task].found["gds"] = f"{nodes:,} nodes, {rels:,} rels"
                if run < repeat - 1:
                    _read(driver, settings, "gds_drop", graph=GDS_NATURAL)
    assert projection is not None  # the last read: keys and times, what the algorithms are given
    if gds:
        _read(driver, settings, "gds_drop", graph=GDS_UNDIRECTED)
        _read(
            driver, settings, "gds_project", graph=GDS_UNDIRECTED, **gds_projection(projection, "UNDIRECTED")
        )
    return projection, list(contests.values())


@dataclass(frozen=True)
class StopRule:
    """When PageRank stops: L1 change between steps below ``tolerance``, or ``max_iterations`` steps."""

    tolerance: float
    max_iterations: int


def fresh(projection: Projection) -> Projection:
    """A copy the CPU backend has not seen, so its graph building is timed every run."""
    return projection.select()


TASKS = ("wcc", "louvain", "pagerank")


def ours_task(task: str, projection: Projection, rule: StopRule) -> Any:
    """Run ``task`` with our CPU backend; its result, described by :func:`describe_ours` (untimed)."""
    if task == "wcc":
        return weakly_connected_components(projection, backend="cpu")
    if task == "louvain":
        return louvain(projection, backend="cpu")
    return pagerank(projection, tolerance=rule.tolerance, max_iterations=rule.max_iterations, backend="cpu")


def _l1(scores: np.ndarray, reference: np.ndarray | None) -> str:
    return "" if reference is None else f", L1 to reference {float(np.abs(scores - reference).sum()):.1e}"


def describe_ours(task: str, found: Any, reference: np.ndarray | None) -> str:
    if task == "wcc":
        return f"{found.count:,} components"
    if task == "louvain":
        return f"{found.count:,} communities, modularity {found.modularity or 0.0:.3f}"
    scores: NodeScores = found
    return f"{scores.iterations} steps{_l1(scores.values, reference)}"


GDS = {
    "wcc": (GDS_NATURAL, "gds_wcc"),
    "louvain": (GDS_UNDIRECTED, "gds_louvain"),
    "pagerank": (GDS_NATURAL, "gds_pagerank"),
}


def networkx_graphs(projection: Projection) -> tuple[nx.Graph, nx.DiGraph]:
    """The projection as networkx graphs (undirected for WCC and Louvain, directed for PageRank).

    The directed graph weighs each link by its parallel relationships, which ours walks separately:
    the same random walk, so the same scores.
    """
    n = projection.num_nodes
    undirected: nx.Graph = nx.Graph()
    undirected.add_nodes_from(range(n))
    undirected.add_edges_from(zip(projection.src.tolist(), projection.dst.tolist(), strict=True))
    pairs, parallel = np.unique(projection.src * n + projection.dst, return_counts=True)
    directed: nx.DiGraph = nx.DiGraph()
    directed.add_nodes_from(range(n))
    directed.add_weighted_edges_from(
        zip((pairs // n).tolist(), (pairs % n).tolist(), parallel.astype(float).tolist(), strict=True)
    )
    return undirected, directed


def networkx_task(task: str, undirected: nx.Graph, directed: nx.DiGraph, rule: StopRule) -> Any:
    if task == "wcc":
        return nx.number_connected_components(undirected)
    if task == "louvain":
        return nx.community.louvain_communities(undirected, seed=0)
    # networkx stops when the L1 change is below N * tol: the same rule as ours with tol = ours / N.
    return nx.pagerank(
        directed,
        alpha=0.85,
        weight="weight",
        tol=rule.tolerance / directed.number_of_nodes(),
        max_iter=rule.max_iterations,
    )


def describe_networkx(task: str, found: Any, undirected: nx.Graph, reference: np.ndarray | None) -> str:
    if task == "wcc":
        return f"{found:,} components"
    if task == "louvain":
        return f"{len(found):,} communities, modularity {nx.community.modularity(undirected, found):.3f}"
    scores = np.fromiter((found[node] for node in range(len(found))), dtype=np.float64, count=len(found))
    return f"same stop rule{_l1(scores, reference)}"


def _gds_parameters(task: str, ours: Any, rule: StopRule) -> dict[str, Any]:
    """What GDS is asked beyond the graph: for PageRank, the steps our stop rule took."""
    if task != "pagerank":
        return {}
    steps = ours.iterations if ours.iterations is not None else rule.max_iterations
    return {"max_iterations": steps, "tolerance": GDS_TOLERANCE}


def _describe_gds(task: str, answer: dict[str, Any]) -> str:
    if task == "pagerank":
        converged = "" if answer.get("didConverge") is None else f", converged {answer['didConverge']}"
        return f"{answer['found']} steps{converged}"
    extra = f", modularity {answer['modularity']:.3f}" if "modularity" in answer else ""
    return f"{answer['found']:,}{extra}"


def time_algorithms(
    driver: Driver,
    settings: Settings,
    projection: Projection,
    tasks: Sequence[str],
    repeats: tuple[int, int],
    gds: bool,
    rule: StopRule,
) -> list[Contest]:
    """Each of ``tasks`` timed ``repeats[0]`` times for ours and GDS, ``repeats[1]`` for networkx."""
    repeat, nx_repeat = repeats
    contests = [Contest(task) for task in tasks]
    reference = None
    if "pagerank" in tasks:
        tight = pagerank(projection, tolerance=REFERENCE_TOLERANCE, max_iterations=10_000, backend="cpu")
        reference = tight.values
        console.print(
            f"  PageRank reference: ours to an L1 step change < {REFERENCE_TOLERANCE:g}, "
            f"{tight.iterations} steps (not timed)"
        )
    for contest in contests:
        for _ in range(repeat):
            copy = fresh(projection)
            seconds, found = _timed(partial(ours_task, contest.task, copy, rule))
            contest.ours.append(seconds)
        contest.found["ours"] = describe_ours(contest.task, found, reference)
        console.print(f"  ours {contest.task}: {_median(contest.ours):.2f} s ({contest.found['ours']})")
        if gds:
            graph, statement = GDS[contest.task]
            parameters = _gds_parameters(contest.task, found, rule)
            for _ in range(repeat):
                seconds, answer = _timed(
                    partial(_read, driver, settings, statement, graph=graph, **parameters)
                )
                contest.gds.append(seconds)
            contest.found["gds"] = _describe_gds(contest.task, answer)
            console.print(f"  GDS  {contest.task}: {_median(contest.gds):.2f} s ({contest.found['gds']})")
    if nx_repeat:
        seconds, (undirected, directed) = _timed(lambda: networkx_graphs(projection))
        console.print(f"  networkx graphs built in {seconds:.1f} s (not timed below)")
        for contest in contests:
            for _ in range(nx_repeat):
                seconds, found = _timed(partial(networkx_task, contest.task, undirected, directed, rule))
                contest.networkx.append(seconds)
            contest.found["networkx"] = describe_networkx(contest.task, found, undirected, reference)
            console.print(
                f"  networkx {contest.task}: {_median(contest.networkx):.1f} s ({contest.found['networkx']})"
            )
    if gds:
        for graph in (GDS_NATURAL, GDS_UNDIRECTED):
            _read(driver, settings, "gds_drop", graph=graph)
    return contests


# -- report -------------------------------------------------------------------------------------------


def _seconds(values: Sequence[float]) -> str:
    middle = _median(values)
    return "-" if middle is None else f"{middle:.2f} s"


def _ratio(theirs: Sequence[float], ours: Sequence[float]) -> float | None:
    a, b = _median(theirs), _median(ours)
    return None if a is None or not b else a / b


def _bar(met: bool | None) -> str:
    if met is None:
        return "-"
    return "[green]met[/green]" if met else "[red]not met[/red]"


def print_report(projection: Projection, contests: Sequence[Contest], repeat: int) -> None:
    table = Table(title=f"Algorithms benchmark: median of {repeat} runs (networkx: see its column)")
    for column in ("task", "ours", "GDS", "networkx", "GDS / ours", "networkx / ours", "bars", "found"):
        table.add_column(column)
    for contest in contests:
        vs_gds = _ratio(contest.gds, contest.ours)
        vs_nx = _ratio(contest.networkx, contest.ours)
        bars = [f"faster than GDS {_bar(None if vs_gds is None else vs_gds > 1)}"] if contest.gds else []
        if not contest.task.startswith("projection"):
            bars.append(f">= 20x networkx {_bar(None if vs_nx is None else vs_nx >= NETWORKX_RATIO_BAR)}")
        else:
            rate = projection.num_relationships / (_median(contest.ours) or 1.0)
            bars.append(f"{rate:,.0f} rels/s >= 1 M {_bar(rate >= RELS_PER_S_BAR)}")
        if contest.task == "louvain":
            bars.append(f"<= 5 s {_bar((_median(contest.ours) or 0.0) <= LOUVAIN_SECONDS_BAR)}")
        table.add_row(
            contest.task,
            _seconds(contest.ours),
            _seconds(contest.gds),
            _seconds(contest.networkx),
            "-" if vs_gds is None else f"{vs_gds:.2f}",
            "-" if vs_nx is None else f"{vs_nx:.1f}",
            "\n".join(bars),
            "\n".join(f"{who}: {what}" for who, what in contest.found.items()),
        )
    console.print(table)
    size = projection.num_relationships
    met = _bar(size >= RELATIONSHIPS_BAR)
    console.print(f"graph: {projection.num_nodes:,} nodes, {size:,} relationships ({met} >= 1 M)")


@app.command()
def main(
    scale: Annotated[int, typer.Option(help="Persons and companies of the generated world.")] = 120_000,
    seed: Annotated[int, typer.Option(help="Seed of the generated world.")] = 7,
    repeat: Annotated[int, typer.Option(min=1, help="Runs of ours and GDS; medians when > 1.")] = 3,
    nx_repeat: Annotated[int, typer.Option(min=0, help="Runs of networkx (0: skip it).")] = 1,
    gds: Annotated[bool, typer.Option(help="Compare with Neo4j GDS when it loads.")] = True,
    tasks: Annotated[str, typer.Option(help="Algorithms to time, comma-separated.")] = ",".join(TASKS),
    pagerank_tolerance: Annotated[
        float, typer.Option(min=0.0, help="PageRank stops at an L1 change between steps below this.")
    ] = 1e-7,
    pagerank_max_iterations: Annotated[int, typer.Option(min=1, help="PageRank's most steps.")] = 1000,
    fresh_graph: Annotated[bool, typer.Option("--fresh", help="Wipe and re-ingest the world.")] = False,
    port: Annotated[int, typer.Option(help="Bolt port of the bench's own local Neo4j.")] = 7688,
    heap: Annotated[str, typer.Option(help="Heap of the bench's local Neo4j.")] = "1g",
    pagecache: Annotated[
        str, typer.Option(help="Page cache of the bench's local Neo4j (2g holds the 0.8 GB default world).")
    ] = "2g",
    keep_server: Annotated[bool, typer.Option(help="Leave the bench's local Neo4j running.")] = False,
    allow_wipe: Annotated[bool, typer.Option(help="Allow wiping the external Neo4j.")] = False,
) -> None:
    """Time projection, WCC, Louvain and PageRank: ours against GDS and networkx on the same graph."""
    server = start_server(port, heap, pagecache)
    settings = server.settings
    driver = open_driver(settings)
    try:
        if fresh_graph and settings.external_neo4j and not allow_wipe:
            raise BigfinderError(
                f"--fresh would wipe {settings.neo4j_uri}; add --allow-wipe if that is meant"
            )
        ensure_graph(driver, settings, scale, seed, fresh_graph)
        use_gds = gds and gds_available(driver, settings)
        projection, projected = time_projections(driver, settings, repeat, use_gds)
        for contest in projected:
            console.print(f"  {contest.task}: ours {_seconds(contest.ours)}, GDS {_seconds(contest.gds)}")
        chosen = [task.strip() for task in tasks.split(",") if task.strip()]
        if unknown := sorted(set(chosen) - set(TASKS)):
            raise BigfinderError(f"unknown tasks {unknown}; choose from {', '.join(TASKS)}")
        rule = StopRule(pagerank_tolerance, pagerank_max_iterations)
        console.print(
            f"PageRank stop rule for all: L1 change between steps < {rule.tolerance:g} "
            f"(networkx tol = {rule.tolerance:g} / N), at most {rule.max_iterations} steps; "
            f"GDS: the steps ours took, tolerance {GDS_TOLERANCE:g}"
        )
        timed = time_algorithms(driver, settings, projection, chosen, (repeat, nx_repeat), use_gds, rule)
        contests = [*projected, *timed]
        print_report(projection, contests, repeat)
    except BigfinderError as exc:
        console.print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(1) from exc
    finally:
        driver.close()
        if server.local and server.started_here and not keep_server:
            console.print(f"Neo4j stopped in {server.local.stop().seconds:.1f} s")


if __name__ == "__main__":
    app()

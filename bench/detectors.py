"""Detector quality: ring recall, precision and honest noise flagged, per scheme, on a generated world.

Run by hand, never in the test suite::

    .venv/bin/python bench/detectors.py --scale 10000 --seed 1 --allow-wipe
    .venv/bin/python bench/detectors.py --world var/worlds/w30k --skip-ingest   # graph already loaded

It uses the Neo4j of the settings (``BIGFINDER_NEO4J_URI`` / ``BIGFINDER_NEO4J_BOLT_PORT`` ...) and
starts none. Unless ``--skip-ingest`` is given it generates ``var/bench/world-<scale>-<seed>`` (or takes
``--world``), wipes the database (only with ``--allow-wipe``), creates the schema and ingests the world.
Then it runs every registered detector (``analytics.detectors.registry.all_detectors()`` when that
module exists, else the trade detectors), scores each scheme's candidates against the world's
``ground_truth.csv`` with :func:`analytics.evaluation.ring_quality`, and prints one row per scheme:
planted and reported rings, recall, precision, members flagged that belong to no planted ring, seconds,
and whether the bar of issue 4 (recall >= 0.95 at precision >= 0.90) is met. Nothing is asserted.
"""

# ruff: noqa: E402 - the imports below must come after the sys.path repair
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ first on sys.path; the project root is what the imports need.
_BENCH_DIR = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _BENCH_DIR:
    sys.path[0] = str(_BENCH_DIR.parent)

import importlib
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from neo4j import Driver
from rich.console import Console
from rich.table import Table

import cypher
from analytics.detectors.base import Detector
from analytics.detectors.bypass import BypassImportDetector
from analytics.detectors.split_shipment import SplitShipmentDetector
from analytics.detectors.undervaluation import UndervaluationDetector
from analytics.evaluation import RingQuality, load_ground_truth, load_identities, ring_quality
from bigfinder.errors import BigfinderError
from bigfinder.settings import PROJECT_ROOT, Settings
from graph.admin import init_schema
from graph.loader import GraphWriter
from graph.store import open_driver, translate_driver_errors
from ingest.generate import generate_world
from ingest.pipeline import Ingestor

__all__ = ["SchemeRun", "ingest_world", "main", "registered_detectors", "run_detectors"]

BENCH_DIR = PROJECT_ROOT / "var" / "bench"
MIN_RECALL = 0.95
MIN_PRECISION = 0.90

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
console = Console(width=130)


@dataclass(frozen=True)
class SchemeRun:
    """One detector's run on the world and its score."""

    detector: str
    quality: RingQuality
    seconds: float

    @property
    def met(self) -> bool:
        return self.quality.recall >= MIN_RECALL and self.quality.precision >= MIN_PRECISION


def registered_detectors() -> list[Detector]:
    """The registry's detectors when the registry exists, else the three trade detectors."""
    try:
        registry: Any = importlib.import_module("analytics.detectors.registry")
    except ModuleNotFoundError:
        return [BypassImportDetector(), UndervaluationDetector(), SplitShipmentDetector()]
    return list(registry.all_detectors())


def ingest_world(driver: Driver, settings: Settings, world: Path) -> float:
    """Wipe the database, create the schema and ingest ``world``; seconds taken."""
    started = time.perf_counter()
    with translate_driver_errors(settings), driver.session(database=settings.neo4j_database) as session:
        session.run(cypher.load("admin", "delete_relationships_batched")).consume()
        session.run(cypher.load("admin", "delete_nodes_batched")).consume()
    init_schema(driver, settings)
    state_dir = settings.ingest_state_dir / "bench-detectors"
    shutil.rmtree(state_dir, ignore_errors=True)
    ingestor = Ingestor(GraphWriter(driver, settings), state_dir, batch_size=settings.ingest_batch_size)
    report = ingestor.ingest_directory(world)
    if report.failed:
        raise BigfinderError(
            "the ingest failed: " + "; ".join(f"{s.source}: {s.error}" for s in report.failed)
        )
    return time.perf_counter() - started


def run_detectors(
    driver: Driver, settings: Settings, detectors: Sequence[Detector], ground_truth: Path
) -> list[SchemeRun]:
    """Run each detector and score its candidates against the planted rings of its scheme."""
    truth = load_ground_truth(ground_truth)
    identity_file = ground_truth.with_name("identity_truth.csv")
    identities = load_identities(identity_file) if identity_file.exists() else None
    runs = []
    for detector in detectors:
        started = time.perf_counter()
        candidates = detector.detect(driver, settings)
        seconds = time.perf_counter() - started
        quality = ring_quality(detector.scheme, candidates, truth, identities)
        runs.append(SchemeRun(type(detector).__name__, quality, seconds))
    return runs


def print_runs(world: Path, runs: Sequence[SchemeRun]) -> None:
    table = Table(title=f"ring quality on {world}")
    for column in ("scheme", "detector", "planted", "reported", "recall", "precision", "noise", "seconds"):
        table.add_column(column, justify="left" if column in ("scheme", "detector") else "right")
    table.add_column("bar")
    for run in runs:
        q = run.quality
        table.add_row(
            q.scheme,
            run.detector,
            str(q.planted),
            str(q.reported),
            f"{q.recall:.3f}",
            f"{q.precision:.3f}",
            str(q.noise_flagged),
            f"{run.seconds:.2f}",
            "[green]met[/green]" if run.met else "[red]not met[/red]",
        )
    console.print(table)
    for run in runs:
        if run.quality.missed:
            console.print(f"{run.quality.scheme} missed: {', '.join(run.quality.missed)}")


def _world(world: Path | None, scale: int, seed: int) -> Path:
    if world is not None:
        return world
    folder = BENCH_DIR / f"world-{scale}-{seed}"
    if not (folder / "ground_truth.csv").exists():
        started = time.perf_counter()
        generate_world(folder, scale=scale, seed=seed)
        console.print(f"generated {folder} in {time.perf_counter() - started:.1f} s")
    return folder


@app.command()
def main(
    scale: Annotated[int, typer.Option(help="Persons and companies of the generated world.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Seed of the generated world.")] = 1,
    world: Annotated[Path | None, typer.Option(help="A world directory to use instead.")] = None,
    skip_ingest: Annotated[bool, typer.Option(help="The graph already holds the world.")] = False,
    allow_wipe: Annotated[bool, typer.Option(help="Allow wiping the database before the ingest.")] = False,
) -> None:
    """Score every registered detector on a generated world."""
    settings = Settings()
    folder = _world(world, scale, seed)
    driver = open_driver(settings)
    try:
        if not skip_ingest:
            if not allow_wipe:
                raise BigfinderError(
                    f"the ingest first deletes every node of {settings.bolt_uri}; pass --allow-wipe, "
                    "or --skip-ingest when the graph already holds the world"
                )
            console.print(f"ingested {folder} in {ingest_world(driver, settings, folder):.1f} s")
        print_runs(
            folder, run_detectors(driver, settings, registered_detectors(), folder / "ground_truth.csv")
        )
    except BigfinderError as exc:
        console.print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(1) from exc
    finally:
        driver.close()


if __name__ == "__main__":
    app()

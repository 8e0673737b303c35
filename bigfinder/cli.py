"""The ``bigfinder`` command: the composition root of every batch job.

Settings are read once per call, one driver is opened where a command needs the graph and closed when
it ends, and a :class:`~bigfinder.errors.BigfinderError` becomes one red line and exit code 1, never a
traceback.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from neo4j import Driver
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from bigfinder import __version__
from bigfinder.errors import BigfinderError, ConfigurationError
from bigfinder.settings import Settings
from graph.admin import init_schema, server_info
from graph.local_server import LocalNeo4j
from graph.store import open_driver

if TYPE_CHECKING:
    from analytics.run import AnalysisReport
    from ingest.pipeline import IngestReport

__all__ = ["app", "main"]

console = Console()
# Errors go to stderr unwrapped, so scripts and log collectors get them on one line.
error_console = Console(stderr=True, soft_wrap=True)
app = typer.Typer(
    help="bigfinder: graph intelligence for customs and financial-crime investigators.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
neo4j_app = typer.Typer(
    help="Run the local Neo4j 5.26 server (or report on the external one).", no_args_is_help=True
)
db_app = typer.Typer(help="Administer the graph database schema.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(db_app, name="db")
api_app = typer.Typer(help="Serve the HTTP API and manage its keys.", no_args_is_help=True)
api_key_app = typer.Typer(help="Create, list and revoke API keys (stored hashed).", no_args_is_help=True)
api_app.add_typer(api_key_app, name="key")
app.add_typer(api_app, name="api")


def load_settings() -> Settings:
    """Settings from the environment, with validation failures as one readable message."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            ": ".join(
                filter(None, [".".join(str(p) for p in err["loc"]), err["msg"].removeprefix("Value error, ")])
            )
            for err in exc.errors()
        )
        raise ConfigurationError(f"invalid settings: {problems}") from exc


@contextmanager
def connected(settings: Settings) -> Iterator[Driver]:
    """The one driver of this command, closed when it ends."""
    driver = open_driver(settings)
    try:
        yield driver
    finally:
        driver.close()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        console.print(f"bigfinder {__version__}")
        raise typer.Exit


@neo4j_app.command("build")
def neo4j_build() -> None:
    """Build the Neo4j launcher with Maven (downloads Neo4j, APOC and GDS on first run)."""
    server = LocalNeo4j(load_settings())
    with console.status("Building the Neo4j launcher with Maven..."):
        server.build()
    console.print(f"[green]built[/] {server.jar}")


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Start the local Neo4j and wait until Bolt answers (nothing starts for an external URI)."""
    settings = load_settings()
    if settings.external_neo4j:
        with connected(settings):
            console.print(f"Using the external Neo4j at {settings.bolt_uri}; nothing local to start.")
        return
    server = LocalNeo4j(settings)
    if not server.is_built():
        with console.status("Building the Neo4j launcher with Maven (first run downloads ~130 MB)..."):
            server.build()
    with console.status(f"Starting Neo4j on 127.0.0.1:{settings.neo4j_bolt_port}..."):
        result = server.start()
        # Bolt answering is not enough: prove the password works before saying "started".
        with connected(settings):
            pass
    if result.already_running:
        console.print(f"Neo4j is already running (pid {result.pid}) at {settings.bolt_uri}.")
    else:
        console.print(
            f"[green]Neo4j started[/] (pid {result.pid}) in {result.seconds:.1f} s at {settings.bolt_uri}"
        )


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j cleanly (SIGTERM; SIGKILL only after the stop timeout)."""
    settings = load_settings()
    if settings.external_neo4j:
        console.print(
            f"The external Neo4j at {settings.bolt_uri} is not managed by bigfinder; nothing stopped."
        )
        return
    with console.status("Stopping Neo4j..."):
        result = LocalNeo4j(settings).stop()
    if result.pid is None:
        console.print("Neo4j was not running.")
    elif result.forced:
        console.print(f"[yellow]Neo4j (pid {result.pid}) did not stop in time and was killed.[/]")
    else:
        console.print(f"[green]Neo4j stopped[/] (pid {result.pid}) in {result.seconds:.1f} s")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Server version, edition, plugins, schema counts and, for the local server, its process."""
    settings = load_settings()
    table = Table(show_header=False, box=None)
    if not settings.external_neo4j:
        process = LocalNeo4j(settings).process_info()
        if process is None:
            console.print(f"Neo4j is not running (local server, port {settings.neo4j_bolt_port}).")
            raise typer.Exit(code=3)
        table.add_row("process", f"pid {process.pid}, up {process.uptime_s:.0f} s")
        table.add_row("resident memory", f"{process.resident_bytes / 2**20:.0f} MiB")
    with connected(settings) as driver:
        info = server_info(driver, settings)
    table.add_row("server", info.uri)
    table.add_row("version", info.version)
    table.add_row("edition", info.edition)
    plugins = ", ".join(f"{name} {ver}" for name, ver in info.plugins.items()) or "none"
    table.add_row("plugins", plugins)
    table.add_row("constraints", str(info.constraints))
    table.add_row("indexes", str(info.indexes))
    console.print(table)


@db_app.command("init")
def db_init() -> None:
    """Create the schema's uniqueness constraints and indexes (idempotent) and wait until ONLINE."""
    settings = load_settings()
    with connected(settings) as driver, console.status("Creating constraints and indexes..."):
        report = init_schema(driver, settings)
    console.print(
        f"[green]schema ready[/] in {report.seconds:.1f} s: {len(report.created)} created, "
        f"{len(report.existing)} already there; {report.constraints_total} constraints, "
        f"{report.indexes_total} indexes, all ONLINE"
    )


@app.command("generate")
def generate(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the world into (created if missing).")],
    scale: Annotated[int, typer.Option(min=100, help="About how many persons and companies.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Same seed, byte-identical files.")] = 1,
    bad_rows: Annotated[
        float, typer.Option(min=0.0, max=0.5, help="Fraction of rows spoiled on purpose.")
    ] = 0.0,
) -> None:
    """Write a synthetic customs world with planted schemes and its ground truth."""
    # Imported on use: the generator and the pipeline load numpy and pyarrow, which the quick
    # commands (--help, neo4j status) should not pay for.
    from ingest.generate import generate_world

    with _progress() as progress:
        tasks: dict[str, TaskID] = {}

        def advance(source: str, rows: int) -> None:
            if source not in tasks:
                tasks[source] = progress.add_task(source, total=None)
            progress.update(tasks[source], completed=rows)

        summary = generate_world(out_dir, scale=scale, seed=seed, progress=advance, bad_rows=bad_rows)
    table = Table("file", "rows", title=f"world at {out_dir} (scale {scale}, seed {seed})")
    for name, rows in summary.rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    rings = ", ".join(f"{scheme.value} {count}" for scheme, count in summary.rings.items())
    console.print(f"planted rings: {rings}")


@app.command("ingest")
def ingest(
    directory: Annotated[Path, typer.Argument(help="A world folder (see docs/data-formats.md).")],
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Load only this source (repeatable).")
    ] = None,
    resume: Annotated[
        bool, typer.Option(help="Continue an interrupted ingest after its last batch.")
    ] = False,
) -> None:
    """Validate and load every source file of DIRECTORY; bad rows go to quarantine files."""
    from graph.loader import GraphWriter
    from ingest.pipeline import Ingestor

    settings = load_settings()
    with connected(settings) as driver, _progress() as progress:
        advance = _progress_hook(progress)
        ingestor = Ingestor(
            GraphWriter(driver, settings),
            settings.ingest_state_dir,
            batch_size=settings.ingest_batch_size,
            progress=advance,
        )
        report = ingestor.ingest_directory(directory, only=set(source) if source else None, resume=resume)
        # X-ray hits waiting for a parcel, declaration or trip loaded now get linked and assessed.
        from xray_service.intake import refresh_xray_links

        linked, assessed = refresh_xray_links(driver, settings)
    _print_ingest_report(report)
    if linked or assessed:
        console.print(f"X-ray hits: {linked:,} linked to objects that arrived, {assessed:,} assessed")
    if report.failed:
        raise typer.Exit(code=1)


def _print_ingest_report(report: IngestReport) -> None:
    table = Table(
        "source", "read", "loaded", "quarantined", "nodes +", "rels +", "seconds", title="ingest report"
    )
    for s in report.sources:
        status = "already loaded" if s.skipped else f"{s.seconds:.1f}"
        table.add_row(
            s.source,
            f"{s.read:,}",
            f"{s.loaded:,}",
            f"{s.quarantined:,}",
            f"{s.nodes_created:,}",
            f"{s.relationships_created:,}",
            status,
        )
    table.add_row("total", f"{report.read:,}", f"{report.loaded:,}", f"{report.quarantined:,}", "", "", "")
    console.print(table)
    for s in report.sources:
        for chain_break in s.chain_breaks:
            console.print(f"[yellow]ledger break[/] {s.file} {chain_break}", highlight=False)
        if s.error:
            error_console.print(f"[red]error:[/] {s.source}: {s.error}", highlight=False)
    if report.quarantined:
        console.print(f"quarantined rows, with file, line and reason: {report.quarantine_dir}/")


@app.command("analyze")
def analyze(
    step: Annotated[
        list[str] | None,
        typer.Option("--step", help="Run only this step (repeatable): an algorithm or a detector's scheme."),
    ] = None,
    backend: Annotated[
        str, typer.Option(help="Graph engine: auto (cuGraph when a GPU is there), cpu or cugraph.")
    ] = "auto",
) -> None:
    """Run the graph algorithms and scheme detectors; write scores, communities and rings to the graph."""
    from analytics.detectors.registry import all_detectors
    from analytics.run import Analysis

    settings = load_settings()
    with connected(settings) as driver, _progress() as progress:
        advance = _progress_hook(progress)
        analysis = Analysis(driver, settings, backend=backend, detectors=all_detectors(), progress=advance)
        report = analysis.run(step)
    _print_analysis_report(report)


def _print_analysis_report(report: AnalysisReport) -> None:
    table = Table("step", "algorithm", "engine", "result", "seconds", title="analysis report")
    if report.nodes:
        table.add_row(
            "projection",
            "read from Neo4j",
            "",
            f"{report.nodes:,} nodes, {report.relationships:,} relationships",
            f"{report.projection_seconds:.1f}",
        )
    for s in report.steps:
        table.add_row(s.name, s.algorithm, s.backend, s.summary, f"{s.seconds:.1f}")
    console.print(table)


#: ``--pid-file`` of the servers ``make demo`` starts and ``make stop`` ends.
PidFileOption = Annotated[
    Path | None, typer.Option(help="Write the server's process id here (for `make stop`).")
]


@api_app.command("serve")
def api_serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default BIGFINDER_API_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default BIGFINDER_API_PORT).")] = None,
    pid_file: PidFileOption = None,
) -> None:
    """Serve the API with uvicorn (one worker: the driver pool and the rate limits are per process)."""
    from api.app import create_app

    settings = load_settings()
    _write_pid(pid_file)
    _serve_uvicorn(create_app(settings), host or settings.api_host, port or settings.api_port, "info")


@api_key_app.command("create")
def api_key_create(
    role: Annotated[str, typer.Option(help="investigator, analyst, model_service or admin.")],
    owner: Annotated[str, typer.Option(help="The person or service accountable for the key.")],
) -> None:
    """Create a key and print it once; only its SHA-256 digest is stored."""
    from api.access import AccessStore, Role

    try:
        chosen = Role(role)
    except ValueError:
        raise ConfigurationError(
            f"{role!r} is not a role; one of {', '.join(r.value for r in Role)}"
        ) from None
    store = AccessStore(load_settings().api_access_db)
    try:
        created = store.create_key(chosen, owner)
    finally:
        store.close()
    console.print(f"key id {created.principal.key_id} ({chosen.value}, {created.principal.owner})")
    console.print("The key, shown only now; send it as 'Authorization: Bearer <key>':")
    print(created.secret)  # plain print: no wrapping or markup inside the secret


@api_key_app.command("ensure")
def api_key_ensure(
    role: Annotated[str, typer.Option(help="investigator, analyst, model_service or admin.")],
    owner: Annotated[str, typer.Option(help="The person or service accountable for the key.")],
    key_file: Annotated[Path, typer.Option(help="Where the key is kept (owner-only permissions).")],
) -> None:
    """Keep a working key in KEY_FILE: reuse the one there while it is active, else create one (the demo)."""
    from api.access import AccessStore, Role

    store = AccessStore(load_settings().api_access_db)
    try:
        kept = key_file.read_text(encoding="utf-8").strip() if key_file.exists() else ""
        if kept and store.principal_for(kept) is not None:
            console.print(f"the key in {key_file} is active")
            return
        created = store.create_key(Role(role), owner)
    finally:
        store.close()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.touch(mode=0o600)
    key_file.write_text(created.secret + "\n", encoding="utf-8")
    console.print(f"key id {created.principal.key_id} ({role}, {owner}) written to {key_file}")


@api_key_app.command("list")
def api_key_list() -> None:
    """Every key: id, role, owner, created, revoked (never the key itself)."""
    from api.access import AccessStore

    store = AccessStore(load_settings().api_access_db)
    try:
        keys = store.keys()
    finally:
        store.close()
    table = Table("key id", "role", "owner", "created", "revoked", title="API keys")
    for key in keys:
        table.add_row(key.key_id, key.role.value, key.owner, key.created_at, key.revoked_at or "")
    console.print(table)


@api_key_app.command("revoke")
def api_key_revoke(
    key_id: Annotated[str, typer.Argument(help="The key id shown by `api key list`.")],
) -> None:
    """Revoke a key at once; its holder gets 401 from the next request."""
    from api.access import AccessStore

    store = AccessStore(load_settings().api_access_db)
    try:
        revoked = store.revoke_key(key_id)
    finally:
        store.close()
    if not revoked:
        raise ConfigurationError(f"no active key with id {key_id!r}")
    console.print(f"[green]revoked[/] {key_id}")


xray_app = typer.Typer(
    help="The X-ray service: scanner hits in, matched against declarations.", no_args_is_help=True
)
app.add_typer(xray_app, name="xray")


@xray_app.command("serve")
def xray_serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default BIGFINDER_XRAY_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default BIGFINDER_XRAY_PORT).")] = None,
) -> None:
    """Serve the X-ray intake with uvicorn (one worker: one spool writer and one drainer per spool)."""
    from xray_service.app import create_xray_app

    settings = load_settings()
    _serve_uvicorn(
        create_xray_app(settings), host or settings.xray_host, port or settings.xray_port, "warning"
    )


risk_app = typer.Typer(
    help="Fit the risk models and write their features and risk scores.", no_args_is_help=True
)
app.add_typer(risk_app, name="risk")


def _risk_progress(progress: Progress) -> Callable[[str, int, int | None], None]:
    tasks: dict[str, TaskID] = {}

    def advance(stage: str, done: int, total: int | None) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.update(tasks[stage], completed=done, total=total)

    return advance


@risk_app.command("fit")
def risk_fit() -> None:
    """Fit every risk model and the fused score on the graph; keep them in BIGFINDER_RISK_MODEL_FILE."""
    from risk.registry import RiskRegistry, default_models
    from risk.tables import read_tables

    settings = load_settings()
    with connected(settings) as driver, _progress() as progress:
        advance = _risk_progress(progress)
        tables = read_tables(driver, settings, lambda name: advance(f"read {name}", 1, 1))
        registry = RiskRegistry(default_models())
        report = registry.fit(tables, advance)
        registry.save(settings.risk_model_file)
    table = Table(title=f"risk models fitted ({registry.version})")
    table.add_column("model")
    table.add_column("evaluation")
    for name, figures in {**report.models, **{f"fused {k}": v for k, v in report.fused.items()}}.items():
        table.add_row(name, ", ".join(f"{k} {v:.3g}" for k, v in figures.items()))
    for name, reason in report.skipped.items():
        table.add_row(name, f"[yellow]skipped[/]: {reason}")
    console.print(table)
    console.print(f"fitted models kept in {settings.risk_model_file}")


@risk_app.command("score")
def risk_score() -> None:
    """Score the graph with the fitted risk models; write features, risk_score and its explanation."""
    from risk.registry import RiskRegistry, write_scores
    from risk.tables import read_tables

    settings = load_settings()
    registry = RiskRegistry.load(settings.risk_model_file)
    with connected(settings) as driver, _progress() as progress:
        advance = _risk_progress(progress)
        tables = read_tables(driver, settings, lambda name: advance(f"read {name}", 1, 1))
        scores = registry.score(tables, advance)
        written = write_scores(driver, settings, registry, scores, advance)
    table = Table(title=f"risk features and scores written ({registry.version})")
    table.add_column("model or node kind")
    table.add_column("nodes", justify="right")
    for name, count in written.features.items():
        table.add_row(name, f"{count:,}")
    for label, count in written.risk_scores.items():
        table.add_row(f"risk_score on {label}", f"{count:,}")
    console.print(table)


# -- entity resolution and documents (issue 10) ---------------------------------------------------
resolve_app = typer.Typer(
    help="Entity resolution: link records of one real party (SAME_AS); review the unsure pairs.",
    invoke_without_command=True,
)
review_app = typer.Typer(help="The review queue of entity resolution.", no_args_is_help=True)
resolve_app.add_typer(review_app, name="review")
app.add_typer(resolve_app, name="resolve")


@resolve_app.callback()
def resolve(
    context: typer.Context,
    match_at: Annotated[float, typer.Option(help="Probability from which a pair is linked.")] = 0.9,
    review_at: Annotated[float, typer.Option(help="Probability from which a pair goes to review.")] = 0.5,
) -> None:
    """Resolve Person and Company records: SAME_AS links with score and evidence, unsure pairs to review."""
    if context.invoked_subcommand is not None:
        return
    from resolution.store import resolve_graph

    settings = load_settings()
    with connected(settings) as driver, _progress() as progress:
        reports = resolve_graph(
            driver, settings, match_at=match_at, review_at=review_at, progress=_progress_hook(progress)
        )
    table = Table("records", "count", "comparisons", "linked", "to review", "links removed", "seconds")
    for r in reports:
        table.add_row(
            r.kind, f"{r.records:,}", f"{r.comparisons:,}", f"{r.matches:,}", f"{r.review:,}",
            f"{r.removed_links:,}", f"{r.seconds:.1f}",
        )  # fmt: skip
    console.print(table)


@review_app.command("list")
def review_list(
    status: Annotated[str, typer.Option(help="open, confirmed, rejected or stale.")] = "open",
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """Pairs in the review queue, most likely matches first, with the strongest evidence."""
    from resolution.store import ReviewQueue

    settings = load_settings()
    with connected(settings) as driver:
        items = ReviewQueue(driver, settings).items(status=status, limit=limit)
    table = Table("pair", "score", "status", "evidence", title="review queue")
    for item in items:
        reasons = "; ".join(str(e["reason"]) for e in item.evidence[:3])
        table.add_row(item.pair_id, f"{item.score or 0:.2f}", item.status, reasons)
    console.print(table)


def _decide(pair: str, decision: str, by: str, note: str | None) -> None:
    from resolution.store import ReviewQueue

    settings = load_settings()
    with connected(settings) as driver:
        item = ReviewQueue(driver, settings).decide(pair, decision, decided_by=by, note=note)  # type: ignore[arg-type]
    console.print(f"[green]{item.status}[/] {item.pair_id} by {item.decided_by}")


@review_app.command("confirm")
def review_confirm(
    pair: Annotated[str, typer.Argument(help="Pair id, e.g. 'Person:P00000001|P00000002'.")],
    by: Annotated[str, typer.Option(help="Who decides (kept with the decision).")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
) -> None:
    """Confirm a pair: linked now and by every later run."""
    _decide(pair, "confirmed", by, note)


@review_app.command("reject")
def review_reject(
    pair: Annotated[str, typer.Argument(help="Pair id, e.g. 'Person:P00000001|P00000002'.")],
    by: Annotated[str, typer.Option(help="Who decides (kept with the decision).")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
) -> None:
    """Reject a pair: its link is removed now and never made again."""
    _decide(pair, "rejected", by, note)


@app.command("documents")
def documents() -> None:
    """Extract mentions from the investigation reports and link them to graph entities (MENTIONS)."""
    from documents.store import link_documents

    settings = load_settings()
    with connected(settings) as driver, _progress() as progress:
        report = link_documents(driver, settings, progress=_progress_hook(progress))
    table = Table(
        "mention kind", "links", title=f"{report.documents:,} reports, {report.mentions:,} mentions"
    )
    for kind, count in sorted(report.by_kind.items()):
        table.add_row(kind, f"{count:,}")
    console.print(table)


dashboard_app = typer.Typer(help="The investigation dashboard (a web UI over the API's services).")
app.add_typer(dashboard_app, name="dashboard")


@dashboard_app.command("serve")
def dashboard_serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default BIGFINDER_DASHBOARD_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default BIGFINDER_DASHBOARD_PORT).")] = None,
    pid_file: PidFileOption = None,
) -> None:
    """Serve the dashboard with waitress; log in with an API key (same roles and audit log as the API)."""
    from dashboard.app import create_dashboard, serve

    settings = load_settings()
    _write_pid(pid_file)
    dashboard = create_dashboard(settings)
    bound_host, bound_port = host or settings.dashboard_host, port or settings.dashboard_port
    console.print(f"dashboard at http://{bound_host}:{bound_port}/")
    try:
        serve(dashboard, bound_host, bound_port)
    finally:
        dashboard.close()


case_app = typer.Typer(help="Case files: export a case as a bundle, verify a bundle.", no_args_is_help=True)
app.add_typer(case_app, name="case")


@case_app.command("export")
def case_export(
    case_id: Annotated[str, typer.Argument(help="The case id (CASE-...).")],
    out_dir: Annotated[Path, typer.Argument(help="Where the bundle goes: OUT_DIR/CASE_ID (or .zip).")],
    as_zip: Annotated[bool, typer.Option("--zip", help="Write one zip instead of a folder.")] = False,
    by: Annotated[str, typer.Option(help="Who exports it (kept in the manifest).")] = "bigfinder cli",
) -> None:
    """Export a case: report.pdf, case.json, case.graphml, CSV tables and manifest.json with their SHA-256."""
    from api.access import AccessStore
    from api.case_export import CaseExport
    from api.cases import Cases
    from api.investigation import Investigation
    from casefile.bundle import write_bundle

    settings = load_settings()
    # The audit log names who wrote a model's features; without one (no API ever ran) that stays unknown.
    access = AccessStore(settings.api_access_db) if settings.api_access_db.exists() else None
    try:
        with connected(settings) as driver:
            investigation = Investigation(driver, settings)
            bundle = CaseExport(investigation, Cases(investigation), access).bundle(case_id, by)
    finally:
        if access is not None:
            access.close()
    path = write_bundle(bundle.files, out_dir / bundle.case_id, as_zip=as_zip)
    console.print(f"case {bundle.case_id}: {len(bundle.files)} files in {path}")


@case_app.command("verify")
def case_verify(
    bundle: Annotated[Path, typer.Argument(help="A bundle folder or zip from `case export`.")],
) -> None:
    """Check every file of a bundle against its manifest; name each changed, missing or extra file."""
    from casefile.bundle import verify_bundle

    check = verify_bundle(bundle)
    for problem in check.problems:
        error_console.print(f"[red]{problem}[/]", highlight=False)
    if not check.ok:
        error_console.print(
            f"[red]error:[/] bundle of case {check.case_id} fails verification", highlight=False
        )
        raise typer.Exit(1)
    console.print(f"case {check.case_id}: all {check.checked} files match the manifest")


# -- graph neural networks (issue 9) --------------------------------------------------------------
gnn_app = typer.Typer(
    help="Train the GNN offender model, score persons and companies, explain a score.", no_args_is_help=True
)
app.add_typer(gnn_app, name="gnn")


@gnn_app.command("train")
def gnn_train(
    small: Annotated[bool, typer.Option("--small", help="A small, quick model (the demo's).")] = False,
    epochs: Annotated[int | None, typer.Option(min=1, help="Most training epochs.")] = None,
    seed: Annotated[int, typer.Option(help="Fixes weights and splits.")] = 0,
) -> None:
    """Train the offender classifier on the graph; keep it as a new version under BIGFINDER_GNN_MODEL_DIR."""
    from gnn.config import GnnConfig
    from gnn.service import train

    settings = load_settings()
    base = GnnConfig(hidden=16, epochs=30, patience=10) if small else GnnConfig()
    config = GnnConfig.from_dict(
        {**base.as_dict(), "device": settings.gnn_device, "seed": seed, "epochs": epochs or base.epochs}
    )
    with connected(settings) as driver, _progress() as progress:
        saved = train(driver, settings, config, _progress_hook(progress))
    figures = saved.card["metrics"]
    console.print(
        f"model {saved.name} {saved.version} kept in {saved.path} ({saved.card['device']}): "
        + ", ".join(f"{k} {v:.3g}" for k, v in figures.items())
    )


@gnn_app.command("score")
def gnn_score(
    version: Annotated[str | None, typer.Option(help="Model version (default: the latest).")] = None,
    explain_top: Annotated[int, typer.Option(min=0, help="Also explain the N highest scores.")] = 5,
) -> None:
    """Score every person and company; write gnn_score, gnn_model_version and explanations."""
    from gnn.service import score

    settings = load_settings()
    with connected(settings) as driver, _progress() as progress:
        report = score(driver, settings, version, explain_top=explain_top, progress=_progress_hook(progress))
    written = ", ".join(f"{count:,} {label}" for label, count in report.written.items())
    console.print(f"gnn_score written by {report.model_version}: {written}; {report.explained} explained")


@gnn_app.command("explain")
def gnn_explain(
    label: Annotated[str, typer.Argument(help="Person or Company.")],
    key: Annotated[str, typer.Argument(help="The node's key (person_id or company_id).")],
    version: Annotated[str | None, typer.Option(help="Model version (default: the latest).")] = None,
) -> None:
    """Explain one node's GNN score (features, neighbours, relationships); stored as gnn_explanation."""
    from gnn.service import explain

    settings = load_settings()
    with connected(settings) as driver:
        explanation = explain(driver, settings, label, key, version)
    console.print(f"{label} {key}: gnn_score {explanation.score:.3f} ({explanation.model_version})")
    for title, items in (
        ("features", explanation.features),
        ("neighbours", explanation.neighbours),
        ("relationships", explanation.relationships),
    ):
        console.print(
            f"  {title}: " + "; ".join(f"{c.what} ({c.weight:.2f})" for c in items), highlight=False
        )


def _write_pid(pid_file: Path | None) -> None:
    """Record this process's id where ``make stop`` looks for it."""
    if pid_file is not None:
        pid_file.parent.mkdir(parents=True, exist_ok=True)
        pid_file.write_text(f"{os.getpid()}\n", encoding="utf-8")


def _serve_uvicorn(asgi_app: Any, host: str, port: int, log_level: str) -> None:
    """Serve an ASGI app with uvicorn, one worker: driver pools, rate limits and spools are per process."""
    import uvicorn

    uvicorn.run(asgi_app, host=host, port=port, log_level=log_level, proxy_headers=False)


def _progress_hook(progress: Progress) -> Callable[[str, int, int | None], None]:
    """A ``(stage, done, total)`` hook that keeps one progress bar per stage."""
    tasks: dict[str, TaskID] = {}

    def advance(stage: str, done: int, total: int | None) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.update(tasks[stage], completed=done, total=total)

    return advance


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _command_index() -> str:
    """Every command, sub-commands included, for the top-level ``--help``."""
    lines = [f"bigfinder {c.name}" for c in app.registered_commands if c.name]
    for group in app.registered_groups:
        sub = group.typer_instance
        if sub is not None:
            lines += [f"bigfinder {group.name} {c.name}" for c in sub.registered_commands if c.name]
    return "Commands:  " + "  |  ".join(lines)


app.info.epilog = _command_index()


def main() -> None:
    """Console entry point: runs the app and turns bigfinder errors into a message and exit code 1."""
    # The driver logs connection retries as warnings; the user gets one error line from us instead.
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    try:
        app(prog_name="bigfinder")
    except BigfinderError as exc:
        error_console.print(f"[red]error:[/] {exc.detail}", highlight=False)
        raise SystemExit(1) from None

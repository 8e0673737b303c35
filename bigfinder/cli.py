"""The ``bigfinder`` command: the composition root of every batch job.

Settings are read once per call, one driver is opened where a command needs the graph and closed when
it ends, and a :class:`~bigfinder.errors.BigfinderError` becomes one red line and exit code 1, never a
traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from neo4j import Driver
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from bigfinder import __version__
from bigfinder.errors import BigfinderError, ConfigurationError
from bigfinder.settings import Settings
from graph.admin import init_schema, server_info
from graph.local_server import LocalNeo4j
from graph.store import open_driver

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

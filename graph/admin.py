"""Schema administration and server facts: what ``bigfinder db init`` and ``neo4j status`` do.

The statements are built from :data:`graph.schema.SCHEMA` (a whitelist) and the templates in
``cypher/admin.cypher``; no label or property name ever comes from user input.

Example (needs a running Neo4j)::

    report = init_schema(driver, settings)
    report.constraints_total  # one uniqueness constraint per node label and keyed relationship
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from neo4j import Driver, RoutingControl

import cypher
from bigfinder.errors import StoreUnavailable
from bigfinder.settings import Settings
from graph.schema import SCHEMA, GraphSchema
from graph.store import translate_driver_errors

__all__ = [
    "FULLTEXT_NAMES_INDEX",
    "PLUGIN_FAMILIES",
    "SchemaReport",
    "SchemaStatement",
    "ServerInfo",
    "drop_schema",
    "init_schema",
    "schema_statements",
    "server_info",
]

#: Full-text index over the searchable names of people and companies (entity search).
FULLTEXT_NAMES_INDEX = "entity_names"
#: Plugin procedure namespaces bigfinder reports on.
PLUGIN_FAMILIES = ("apoc", "gds")


@dataclass(frozen=True)
class SchemaStatement:
    """One idempotent DDL statement and the schema object it creates."""

    name: str
    kind: str  # "constraint" or "index"
    cypher: str


@dataclass(frozen=True)
class SchemaReport:
    """The outcome of :func:`init_schema`."""

    created: tuple[str, ...]
    existing: tuple[str, ...]
    constraints_total: int
    indexes_total: int
    seconds: float


@dataclass(frozen=True)
class ServerInfo:
    """Facts about the connected server, for ``bigfinder neo4j status``."""

    uri: str
    version: str
    edition: str
    plugins: dict[str, str] = field(default_factory=dict)
    constraints: int = 0
    indexes: int = 0


def _fill(template: str, **parts: str) -> str:
    for placeholder, value in parts.items():
        template = template.replace(f"__{placeholder.upper()}__", value)
    return template


def schema_statements(schema: GraphSchema = SCHEMA) -> list[SchemaStatement]:
    """Every constraint and index the schema asks for, in creation order (constraints first)."""
    statements: list[SchemaStatement] = []
    for node in schema.nodes:
        name = f"{node.label.lower()}_{node.key}_unique"
        text = _fill(cypher.load("admin", "node_key_constraint"), name=name, label=node.label, key=node.key)
        statements.append(SchemaStatement(name, "constraint", text))
    for rel in schema.relationships:
        if rel.key:
            name = f"{rel.type.lower()}_{rel.key}_unique"
            text = _fill(
                cypher.load("admin", "relationship_key_constraint"), name=name, type=rel.type, key=rel.key
            )
            statements.append(SchemaStatement(name, "constraint", text))
    for node in schema.nodes:
        for prop in node.indexed:
            name = f"{node.label.lower()}_{prop}"
            text = _fill(cypher.load("admin", "node_property_index"), name=name, label=node.label, key=prop)
            statements.append(SchemaStatement(name, "index", text))
    for rel in schema.relationships:
        for prop in rel.indexed:
            name = f"{rel.type.lower()}_{prop}"
            text = _fill(
                cypher.load("admin", "relationship_property_index"), name=name, type=rel.type, key=prop
            )
            statements.append(SchemaStatement(name, "index", text))
    searchable = [(n.label, p) for n in schema.nodes for p in n.searchable]
    if searchable:
        labels = "|".join(dict.fromkeys(label for label, _ in searchable))
        props = ", ".join(f"n.{p}" for p in dict.fromkeys(p for _, p in searchable))
        text = _fill(
            cypher.load("admin", "fulltext_names_index"),
            name=FULLTEXT_NAMES_INDEX,
            label=labels,
            properties=props,
        )
        statements.append(SchemaStatement(FULLTEXT_NAMES_INDEX, "index", text))
    return statements


def init_schema(driver: Driver, settings: Settings, schema: GraphSchema = SCHEMA) -> SchemaReport:
    """Create the schema's constraints and indexes if missing, then wait until every index is ONLINE.

    Idempotent: a second run creates nothing and reports every object as existing.
    """
    started = time.perf_counter()
    db = settings.neo4j_database
    with translate_driver_errors(settings):
        before = _schema_object_names(driver, db)
        statements = schema_statements(schema)
        for statement in statements:
            driver.execute_query(statement.cypher, database_=db)
        driver.execute_query(
            cypher.load("admin", "await_indexes"), timeout_s=int(settings.schema_timeout_s), database_=db
        )
        indexes = driver.execute_query(
            cypher.load("admin", "indexes"), database_=db, routing_=RoutingControl.READ
        ).records
        constraints = driver.execute_query(
            cypher.load("admin", "constraints"), database_=db, routing_=RoutingControl.READ
        ).records
    not_online = [r["name"] for r in indexes if r["state"] != "ONLINE"]
    if not_online:
        raise StoreUnavailable(
            f"indexes not ONLINE after {settings.schema_timeout_s:.0f} s: {', '.join(not_online)}"
        )
    wanted = [s.name for s in statements]
    return SchemaReport(
        created=tuple(n for n in wanted if n not in before),
        existing=tuple(n for n in wanted if n in before),
        constraints_total=len(constraints),
        indexes_total=len(indexes),
        seconds=time.perf_counter() - started,
    )


def drop_schema(driver: Driver, settings: Settings, schema: GraphSchema = SCHEMA) -> int:
    """Drop the constraints and indexes :func:`init_schema` creates (nothing else); returns how many.

    For a rebuild from scratch; data stays, but MERGE is slow until the schema is back.
    """
    db = settings.neo4j_database
    dropped = 0
    with translate_driver_errors(settings):
        existing = _schema_object_names(driver, db)
        for statement in reversed(schema_statements(schema)):
            if statement.name in existing:
                template = cypher.load("admin", f"drop_{statement.kind}")
                driver.execute_query(_fill(template, name=statement.name), database_=db)
                dropped += 1
    return dropped


def _schema_object_names(driver: Driver, database: str) -> set[str]:
    names: set[str] = set()
    for query in ("constraints", "indexes"):
        records = driver.execute_query(
            cypher.load("admin", query), database_=database, routing_=RoutingControl.READ
        ).records
        names.update(r["name"] for r in records)
    return names


def server_info(driver: Driver, settings: Settings) -> ServerInfo:
    """Version, edition, loaded plugins (with their versions) and schema counts of the server."""
    db = settings.neo4j_database
    with translate_driver_errors(settings):
        components = driver.execute_query(
            cypher.load("admin", "server_components"), database_=db, routing_=RoutingControl.READ
        ).records
        kernel = next((r for r in components if r["name"] == "Neo4j Kernel"), components[0])
        families = driver.execute_query(
            cypher.load("admin", "procedure_families"),
            families=list(PLUGIN_FAMILIES),
            database_=db,
            routing_=RoutingControl.READ,
        ).records
        plugins = {
            r["family"]: driver.execute_query(
                cypher.load("admin", f"{r['family']}_version"), database_=db, routing_=RoutingControl.READ
            ).records[0]["version"]
            for r in families
        }
        constraints = driver.execute_query(
            cypher.load("admin", "constraints"), database_=db, routing_=RoutingControl.READ
        )
        indexes = driver.execute_query(
            cypher.load("admin", "indexes"), database_=db, routing_=RoutingControl.READ
        )
    return ServerInfo(
        uri=settings.bolt_uri,
        version=str(kernel["version"]),
        edition=str(kernel["edition"]),
        plugins=plugins,
        constraints=len(constraints.records),
        indexes=len(indexes.records),
    )

"""Ingest against the real Neo4j: a generated world, twice, interrupted, and every kind of bad input."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from neo4j import Driver

from bigfinder.settings import Settings
from graph.admin import init_schema
from graph.loader import GraphWriter
from ingest.generate import generate_world
from ingest.pipeline import Ingestor, IngestReport

pytestmark = pytest.mark.neo4j

TODAY = date(2100, 1, 1)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated world, shared by the tests of this module (they never modify it)."""
    out = tmp_path_factory.mktemp("world")
    generate_world(out, scale=1_500, seed=11)
    return out


@pytest.fixture
def store(graph: Driver, settings: Settings) -> Iterator[Driver]:
    init_schema(graph, settings)
    yield graph


def _ingestor(driver: Driver, settings: Settings, state: Path, **kwargs: object) -> Ingestor:
    return Ingestor(GraphWriter(driver, settings), state, today=TODAY, **kwargs)  # type: ignore[arg-type]


def _graph_digest(driver: Driver, settings: Settings) -> str:
    """A fingerprint of every node and relationship with its properties."""
    nodes = driver.execute_query(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props", database_=settings.neo4j_database
    ).records
    rels = driver.execute_query(
        "MATCH (a)-[r]->(b) "
        "RETURN type(r) AS type, properties(r) AS props, properties(a) AS a, properties(b) AS b",
        database_=settings.neo4j_database,
    ).records
    lines = sorted(json.dumps([sorted(r["labels"]), r["props"]], sort_keys=True, default=str) for r in nodes)
    lines += sorted(
        json.dumps([r["type"], r["props"], r["a"], r["b"]], sort_keys=True, default=str) for r in rels
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _count(driver: Driver, settings: Settings, query: str) -> int:
    return int(driver.execute_query(query, database_=settings.neo4j_database).records[0][0])


def _quarantined(report: IngestReport, source: str) -> list[dict[str, object]]:
    rows = []
    for kind in ("invalid", "unresolved"):
        path = report.quarantine_dir / f"{source}.{kind}.jsonl"
        if path.exists():
            rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return rows


def test_a_generated_world_loads_completely(
    store: Driver, settings: Settings, world: Path, tmp_path: Path
) -> None:
    report = _ingestor(store, settings, tmp_path).ingest_directory(world)

    assert not report.failed
    assert report.quarantined == 0
    assert report.loaded == report.read > 0
    by_source = {s.source: s for s in report.sources}
    assert set(by_source) >= {"persons", "travelers", "companies", "declarations", "transfers", "ledger"}
    people = by_source["persons"].read + by_source["travelers"].read
    assert _count(store, settings, "MATCH (p:Person) RETURN count(p)") == people
    assert _count(store, settings, "MATCH ()-[t:TRANSFER]->() RETURN count(t)") == by_source["transfers"].read
    declarations = by_source["declarations"].read + by_source["declarations_bacuda"].read
    assert _count(store, settings, "MATCH (d:Declaration) RETURN count(d)") == declarations
    # A delinquent's front company shares an identifier node with it: the hidden link is in the graph.
    shared = _count(
        store,
        settings,
        "MATCH (d:Company)-[:LISTED_ON]->(:WatchlistEntry {kind: 'tax_delinquent'}) "
        "MATCH (d)-[:HAS_PHONE|HAS_ADDRESS|OWNS_ACCOUNT]->(x)"
        "<-[:HAS_PHONE|HAS_ADDRESS|OWNS_ACCOUNT]-(f:Company) "
        "RETURN count(DISTINCT f)",
    )
    assert shared > 0


def test_ingesting_twice_leaves_the_graph_unchanged(
    store: Driver, settings: Settings, world: Path, tmp_path: Path
) -> None:
    first = _ingestor(store, settings, tmp_path).ingest_directory(world)
    digest = _graph_digest(store, settings)
    second = _ingestor(store, settings, tmp_path).ingest_directory(world)

    assert _graph_digest(store, settings) == digest
    assert sum(s.nodes_created + s.relationships_created for s in second.sources) == 0
    assert second.loaded == first.loaded


def test_an_interrupted_ingest_resumed_equals_an_uninterrupted_one(
    store: Driver, settings: Settings, world: Path, tmp_path: Path
) -> None:
    _ingestor(store, settings, tmp_path / "clean", batch_size=400).ingest_directory(world)
    uninterrupted = _graph_digest(store, settings)
    store.execute_query("MATCH (n) DETACH DELETE n", database_=settings.neo4j_database)

    crashing = _ingestor(store, settings, tmp_path / "state", batch_size=400)
    crashing.stop_after_batches = 3
    interrupted = crashing.ingest_directory(world)
    assert interrupted.failed, "the simulated crash stops the first source after three batches"
    assert _graph_digest(store, settings) != uninterrupted

    resumed = _ingestor(store, settings, tmp_path / "state", batch_size=400).ingest_directory(
        world, resume=True
    )
    assert not resumed.failed
    assert _graph_digest(store, settings) == uninterrupted


def test_json_lines_and_parquet_load_like_csv(
    store: Driver, settings: Settings, world: Path, tmp_path: Path
) -> None:
    folder = _world_with(tmp_path, world, "persons.csv", "travelers.csv")
    with (world / "companies.csv").open(encoding="utf-8", newline="") as handle:
        companies = list(csv.DictReader(handle))
    half = len(companies) // 2
    (folder / "companies.jsonl").write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in companies[:half]), encoding="utf-8"
    )
    report = _ingestor(store, settings, tmp_path / "jsonl").ingest_directory(folder)
    assert [s.loaded for s in report.sources if s.source == "companies"] == [half]

    (folder / "companies.jsonl").unlink()
    pq.write_table(pa.Table.from_pylist(companies), folder / "companies.parquet")
    report = _ingestor(store, settings, tmp_path / "parquet").ingest_directory(folder)
    assert [s.loaded for s in report.sources if s.source == "companies"] == [len(companies)]
    assert _count(store, settings, "MATCH (c:Company) RETURN count(c)") == len(companies)


def test_the_command_prints_the_report(settings: Settings, store: Driver, world: Path) -> None:
    from tests.integration.test_cli import run_cli

    done = run_cli(settings, "ingest", str(world), "--source", "persons", "--source", "travelers")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ingest report" in done.stdout and "persons" in done.stdout and "travelers" in done.stdout
    assert "companies" not in done.stdout


# -- bad input: one clear message, nothing partial in the graph, nothing lost ------------------------------


def _world_with(tmp_path: Path, world: Path, *names: str) -> Path:
    out = tmp_path / "input"
    out.mkdir()
    for name in names:
        shutil.copy(world / name, out / name)
    return out


def _semicolons(text: str) -> bytes:
    return text.replace(",", ";").encode("utf-8")


def _drop_last_column(text: str) -> bytes:
    return "".join(",".join(line.split(",")[:-1]) + "\n" for line in text.splitlines()).encode("utf-8")


def _utf16(text: str) -> bytes:
    return text.encode("utf-16")


def _nothing(_text: str) -> bytes:
    return b""


@pytest.mark.parametrize(
    ("file", "spoil", "message", "label"),
    [
        ("watchlist.csv", _semicolons, "separated by ';'", "WatchlistEntry"),
        ("watchlist.csv", _drop_last_column, "missing required column(s) listed_on", "WatchlistEntry"),
        ("persons.csv", _utf16, "not UTF-8", "Person"),
        ("documents.jsonl", _nothing, "the file is empty", "Document"),
    ],
)
def test_an_unreadable_file_is_one_message_and_loads_nothing(
    store: Driver,
    settings: Settings,
    world: Path,
    tmp_path: Path,
    file: str,
    spoil: Callable[[str], bytes],
    message: str,
    label: str,
) -> None:
    folder = _world_with(tmp_path, world)
    (folder / file).write_bytes(spoil((world / file).read_text(encoding="utf-8")))
    report = _ingestor(store, settings, tmp_path / "state").ingest_directory(folder)
    assert len(report.failed) == 1
    assert message in str(report.failed[0].error)
    assert _count(store, settings, f"MATCH (n:{label}) RETURN count(n)") == 0


def test_bad_values_are_quarantined_with_line_and_reason(
    store: Driver, settings: Settings, world: Path, tmp_path: Path
) -> None:
    folder = _world_with(tmp_path, world, "persons.csv", "travelers.csv", "companies.csv")
    lines = (world / "transfers.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    amount, sent_at = header.index("amount"), header.index("sent_at")
    bad_amount = lines[1].split(",")
    bad_amount[amount] = "12,5O0".replace(",", "")  # a letter O for a zero, as typed by hand
    future = lines[2].split(",")
    future[sent_at] = "2199-01-01T00:00:00Z"
    garbled = lines[3].split(",")
    garbled[sent_at] = "yesterday"
    rows = [lines[0], ",".join(bad_amount), ",".join(future), ",".join(garbled), *lines[4:]]
    (folder / "transfers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")

    report = _ingestor(store, settings, tmp_path / "state").ingest_directory(folder)
    transfers = next(s for s in report.sources if s.source == "transfers")
    assert transfers.quarantined == 3
    assert transfers.loaded == transfers.read - 3
    reasons = {row["line"]: row["reason"] for row in _quarantined(report, "transfers")}
    assert reasons[2] == "amount: '125O0' is not a number"
    assert reasons[3] == "sent_at: 2199-01-01 is in the future"
    assert reasons[4] == "sent_at: 'yesterday' is not a timestamp (YYYY-MM-DDThh:mm:ssZ)"
    assert _count(store, settings, "MATCH ()-[t:TRANSFER]->() RETURN count(t)") == transfers.loaded


def test_duplicate_keys_with_conflicting_values_are_all_set_aside(
    store: Driver, settings: Settings, world: Path, tmp_path: Path
) -> None:
    folder = _world_with(tmp_path, world, "persons.csv", "travelers.csv")
    lines = (world / "companies.csv").read_text(encoding="utf-8").splitlines()
    duplicate = lines[1].replace(lines[1].split(",")[1], "999-99-99999", 1)
    exact_copy = lines[2]
    (folder / "companies.csv").write_text("\n".join([*lines, duplicate, exact_copy]) + "\n", encoding="utf-8")
    company_id = lines[1].split(",")[0]

    report = _ingestor(store, settings, tmp_path / "state").ingest_directory(folder)
    companies = next(s for s in report.sources if s.source == "companies")
    reasons = [row["reason"] for row in _quarantined(report, "companies")]
    assert companies.quarantined == 2
    assert all(
        f"duplicate key {company_id} with conflicting values (lines 2, {len(lines) + 1})" == r
        for r in reasons
    )
    assert _count(store, settings, f"MATCH (c:Company {{company_id: '{company_id}'}}) RETURN count(c)") == 0
    # The exact copy of another row is no conflict: that company is loaded once.
    assert _count(store, settings, "MATCH (c:Company) RETURN count(c)") == len(lines) - 2


def test_unknown_references_are_quarantined(
    store: Driver, settings: Settings, world: Path, tmp_path: Path
) -> None:
    folder = _world_with(tmp_path, world, "trips.csv")
    report = _ingestor(store, settings, tmp_path / "state").ingest_directory(folder)
    trips = report.sources[0]
    assert trips.loaded == 0 and trips.quarantined == trips.read
    assert "is not a known person" in str(_quarantined(report, "trips")[0]["reason"])


def test_a_broken_ledger_is_reported_and_the_tampered_record_kept_out(
    store: Driver, settings: Settings, world: Path, tmp_path: Path
) -> None:
    folder = _world_with(tmp_path, world, "persons.csv", "travelers.csv", "companies.csv")
    records = [json.loads(line) for line in (world / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]
    records[4]["price"] = 1.0  # edited after sealing
    del records[10]  # a record removed
    (folder / "ledger.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    report = _ingestor(store, settings, tmp_path / "state").ingest_directory(folder)
    ledger = next(s for s in report.sources if s.source == "ledger")
    assert any("line 5: tampered" in b for b in ledger.chain_breaks)
    assert any("missing" in b for b in ledger.chain_breaks)
    assert ledger.quarantined >= 1
    tampered_id = records[4]["record_id"]
    assert (
        _count(store, settings, f"MATCH (r:PurchaseRecord {{record_id: '{tampered_id}'}}) RETURN count(r)")
        == 0
    )
    assert _count(store, settings, "MATCH (r:PurchaseRecord) RETURN count(r)") == ledger.loaded

"""The IBM AMLSim samples in ../shared/data/amlsim load with counts equal to their files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from neo4j import Driver

from bigfinder.settings import Settings
from graph.admin import init_schema
from graph.loader import GraphWriter
from ingest.pipeline import Ingestor

pytestmark = pytest.mark.neo4j


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def _amlsim(settings: Settings) -> Path:
    folder = settings.shared_data_dir / "amlsim"
    if not folder.is_dir():
        pytest.skip(f"AMLSim samples not found at {folder}")
    return folder


def _counts(driver: Driver, settings: Settings, dataset: str) -> tuple[int, int]:
    db = settings.neo4j_database
    accounts = driver.execute_query(
        "MATCH (a:Account {dataset: $d}) RETURN count(a) AS n", d=dataset, database_=db
    ).records[0]["n"]
    transfers = driver.execute_query(
        "MATCH ()-[t:TRANSFER {dataset: $d}]->() RETURN count(t) AS n", d=dataset, database_=db
    ).records[0]["n"]
    return int(accounts), int(transfers)


@pytest.mark.parametrize("sample", ["20K_cycle200", "20K_fanin200"])
def test_amlsim_graph_samples_load_with_file_counts(
    graph: Driver, settings: Settings, tmp_path: Path, sample: str
) -> None:
    folder = _amlsim(settings) / sample
    init_schema(graph, settings)
    report = Ingestor(GraphWriter(graph, settings), tmp_path, batch_size=10_000).ingest_directory(folder)

    assert not report.failed and report.quarantined == 0
    expected = (_rows(folder / "nodes.csv"), _rows(folder / "transactions.csv"))
    assert _counts(graph, settings, sample) == expected
    # The fraud label is kept as truth (for evaluation), with fraudStep beside it, never as a feature name.
    fraud = graph.execute_query(
        "MATCH (a:Account {dataset: $d, truth_is_fraud: true}) RETURN count(a) AS n", d=sample
    ).records[0]["n"]
    with (folder / "nodes.csv").open(encoding="utf-8") as handle:
        assert fraud == sum(1 for row in csv.DictReader(handle) if row["isFraud"] == "1")


def test_amlsim_full_output_sample_loads_accounts_transfers_and_alerts(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    folder = _amlsim(settings) / "sample_outputs"
    init_schema(graph, settings)
    report = Ingestor(GraphWriter(graph, settings), tmp_path).ingest_directory(folder)

    assert not report.failed and report.quarantined == 0
    assert [s.source for s in report.sources] == ["accounts", "tx", "alerts"]
    assert _counts(graph, settings, "sample_outputs") == (
        _rows(folder / "accounts.csv"),
        _rows(folder / "tx.csv"),
    )
    alerted = graph.execute_query("MATCH (a:Account) WHERE a.truth_alert_id IS NOT NULL RETURN count(a) AS n")
    assert alerted.records[0]["n"] == _rows(folder / "alerts.csv")

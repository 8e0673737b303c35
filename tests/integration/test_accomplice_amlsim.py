"""The accomplice ranking recovers hidden AMLSim fraud accounts from 30% of them as seeds."""

from __future__ import annotations

import numpy as np
import pytest
from neo4j import Driver
from sklearn.metrics import average_precision_score

from analytics.accomplice import accomplice_scores, account_fraud_labels, sample_seeds
from analytics.centrality import personalized_pagerank
from bigfinder.settings import Settings
from graph.admin import init_schema
from graph.loader import GraphWriter
from graph.projector import ProjectionSpec, read_projection
from ingest.pipeline import Ingestor

pytestmark = pytest.mark.neo4j

SAMPLE = "20K_fanin200"


def test_hidden_fraud_accounts_rank_high_from_a_third_of_them_as_seeds(
    graph: Driver, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = settings.shared_data_dir / "amlsim" / SAMPLE
    if not folder.is_dir():
        pytest.skip(f"AMLSim sample not found at {folder}")
    init_schema(graph, settings)
    state = tmp_path_factory.mktemp("accomplice-state")
    assert (
        not Ingestor(GraphWriter(graph, settings), state, batch_size=20_000).ingest_directory(folder).failed
    )
    spec = ProjectionSpec(labels=("Account",), rel_types=("TRANSFER",), weight_property="amount")
    transfers = read_projection(graph, settings, spec)
    labels = account_fraud_labels(graph, settings, SAMPLE)
    is_fraud = np.array([labels[str(key)] for key in transfers.node_key.tolist()], dtype=bool)

    seeds = sample_seeds(is_fraud, 0.3, random_state=0)
    scores = accomplice_scores(transfers, seeds).values
    hidden = np.ones(transfers.num_nodes, dtype=bool)
    hidden[seeds] = False

    pr_auc = average_precision_score(is_fraud[hidden], scores[hidden])
    plain = average_precision_score(is_fraud[hidden], personalized_pagerank(transfers, seeds).values[hidden])
    assert pr_auc >= 0.5
    assert pr_auc > 1.5 * plain
    assert np.all(scores[seeds] == 1.0)

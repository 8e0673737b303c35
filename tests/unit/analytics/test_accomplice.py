import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from analytics.accomplice import (
    AccompliceConfig,
    accomplice_ranking,
    accomplice_scores,
    sample_seeds,
    transfer_features,
)
from analytics.centrality import personalized_pagerank
from graph.projection import Projection

DAY = 86_400.0


def laundering_world(rng: np.random.Generator) -> tuple[Projection, np.ndarray]:
    """300 honest accounts paying each other small sums; 30 mules passing large sums round in threes,
    each mule group also paying a few honest accounts (so the mules are not cut off)."""
    honest, mules = 300, 30
    edges: list[tuple[int, int, str]] = []
    amounts: list[float] = []
    for _ in range(1500):
        a, b = rng.choice(honest, size=2, replace=False)
        edges.append((int(a), int(b), "TRANSFER"))
        amounts.append(float(rng.lognormal(np.log(150.0), 1.0)))
    for group in range(mules // 3):
        members = [honest + 3 * group + k for k in range(3)]
        for _ in range(6):
            for k in range(3):
                edges.append((members[k], members[(k + 1) % 3], "TRANSFER"))
                amounts.append(float(rng.uniform(9e5, 1e6)))
        edges.append((members[0], int(rng.integers(honest)), "TRANSFER"))
        amounts.append(float(rng.lognormal(np.log(150.0), 1.0)))
    nodes = [("Account", f"A{i}") for i in range(honest + mules)]
    times = rng.uniform(0, 365 * DAY, size=len(edges)).tolist()
    is_mule = np.arange(honest + mules) >= honest
    return Projection.from_edges(nodes, edges, weight=amounts, time=times), is_mule


def test_hidden_mules_rank_above_honest_accounts_better_than_pagerank_alone() -> None:
    projection, is_mule = laundering_world(np.random.default_rng(3))
    seeds = sample_seeds(is_mule, 0.3, random_state=1)
    scores = accomplice_scores(projection, seeds).values
    hidden = np.ones(len(is_mule), dtype=bool)
    hidden[seeds] = False

    pr_auc = average_precision_score(is_mule[hidden], scores[hidden])
    plain = average_precision_score(is_mule[hidden], personalized_pagerank(projection, seeds).values[hidden])
    assert pr_auc > max(0.6, plain)  # one account in 15 is a mule
    assert np.all(scores[seeds] == 1.0)


def test_an_account_that_only_behaves_like_the_seeds_still_ranks_above_an_ordinary_one() -> None:
    # Mule groups that never touch a seed's group are found by their profile alone.
    projection, is_mule = laundering_world(np.random.default_rng(4))
    seeds = np.flatnonzero(is_mule)[:12]
    ranking = accomplice_ranking(projection, seeds)
    far_mules = np.flatnonzero(is_mule)[15:]
    assert np.median(ranking.profile_score[far_mules]) > np.quantile(ranking.profile_score[~is_mule], 0.9)


def test_with_fewer_seeds_than_folds_the_ranking_is_personalised_pagerank_alone() -> None:
    projection = Projection.from_edges(
        [("Account", k) for k in "ABCD"], [(0, 1, "TRANSFER"), (1, 2, "TRANSFER"), (3, 2, "TRANSFER")]
    )
    ranking = accomplice_ranking(projection, [0], config=AccompliceConfig(folds=5))
    assert np.all(ranking.profile_score == 1.0)
    assert ranking.score.top(2).tolist() == [0, 1]


def test_nodes_that_are_not_accounts_are_not_ranked() -> None:
    projection = Projection.from_edges(
        [("Account", "A"), ("Account", "B"), ("Person", "P")],
        [(0, 1, "TRANSFER"), (2, 0, "OWNS_ACCOUNT")],
    )
    assert accomplice_scores(projection, [1]).values[2] == 0.0


def test_the_profile_counts_amount_bands_and_counterparties() -> None:
    projection = Projection.from_edges(
        [("Account", k) for k in "ABC"],
        [(0, 1, "TRANSFER"), (0, 2, "TRANSFER"), (0, 2, "TRANSFER"), (1, 0, "TRANSFER")],
        weight=[10.0, 10.0, 1e6, 1e6],
    )
    features, names = transfer_features(projection, amount_bins=2)
    row = dict(zip(names, features[0].tolist(), strict=True))
    assert (row["out_count"], row["out_distinct"], row["in_count"]) == (3.0, 2.0, 1.0)
    assert row["out_share_band_0"] == pytest.approx(2 / 3) and row["in_share_band_1"] == 1.0
    assert np.isnan(row["first_time"])  # no transfer carries a time
    assert np.isnan(features[2, names.index("out_mean_log_amount")])  # C never sent anything


def test_no_seeds_is_an_error() -> None:
    projection = Projection.from_edges([("Account", "A"), ("Account", "B")], [(0, 1, "TRANSFER")])
    with pytest.raises(ValueError, match="at least one seed"):
        accomplice_scores(projection, [])

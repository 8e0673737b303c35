"""Hidden accomplices: rank accounts by how likely they work with the known offenders (the seeds).

Personalised PageRank from the seeds alone finds the accounts *near* the seeds, but a busy honest
account near a seed outranks a quiet accomplice two hops away. Accomplices also *behave* like the
seeds: they move similar amounts, at similar rates, with a similar number of counterparties. The
ranking combines both:

1. **per-account transfer profile** (:func:`transfer_features`): counts in and out, distinct
   counterparties, mean and spread of the log amounts, the share of the account's transfers in each
   amount band of the whole graph, and the first, last and mean transfer time;
2. **a positive-unlabelled classifier**: the seeds are the positives, every other account counts as
   negative. It is trained ``folds`` times, each time scoring the fold it did not see, so no account's
   own label (a seed's especially) ever scores itself. Only the profile goes in: a feature derived from
   the seeds (PageRank from them, seed neighbours) would let the model learn "is a seed" and nothing
   about behaviour;
3. **personalised PageRank from the seeds** over the transfers in both directions, each transfer
   weighted ``sqrt(prior[sender] * prior[receiver])`` with ``prior`` the classifier's score (1 for a
   seed): walks run along money paths between accounts that look like the seeds;
4. the **accomplice score** is the mean of the two ranks (PageRank's and the classifier's), scaled to
   (0, 1]; seeds score 1.

With fewer seeds than folds there is nothing to learn from: every account's prior is 1, and the score
is personalised PageRank alone.

Example
-------
>>> import numpy as np
>>> from graph.projection import Projection
>>> nodes = [("Account", f"A{i}") for i in range(8)]
>>> edges = [(0, 1, "TRANSFER"), (1, 2, "TRANSFER"), (2, 0, "TRANSFER"), (3, 4, "TRANSFER"),
...          (5, 6, "TRANSFER"), (6, 7, "TRANSFER")]
>>> p = Projection.from_edges(nodes, edges, weight=[9e6, 8.9e6, 8.8e6, 120.0, 80.0, 60.0])
>>> scores = accomplice_scores(p, [0], config=AccompliceConfig(folds=2))
>>> scores.algorithm, scores.values[0].item()
('accomplice_score', 1.0)
>>> [p.key_of(i)[1] for i in scores.top(3)]
['A0', 'A1', 'A2']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from neo4j import Driver
from scipy.stats import rankdata
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from analytics.centrality import personalized_pagerank
from analytics.checks import node_index
from analytics.types import NodeScores
from bigfinder.settings import Settings
from graph.projection import Projection
from graph.tables import read_columns

__all__ = [
    "AccompliceConfig",
    "AccompliceRanking",
    "accomplice_ranking",
    "accomplice_scores",
    "account_fraud_labels",
    "sample_seeds",
    "transfer_features",
]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

QUERY_FILE = "detect_people_money"


@dataclass(frozen=True)
class AccompliceConfig:
    """How the accomplice ranking is computed (defaults in brackets).

    ``folds`` (5): cross-fitting folds of the classifier; it needs at least that many seeds.
    ``amount_bins`` (10): amount bands (quantiles of all transfers' log amounts) of the profile.
    ``damping`` (0.85): PageRank's probability of following a transfer rather than restarting at a seed.
    ``max_iter`` (100) and ``learning_rate`` (0.1): the gradient-boosting classifier's rounds and step.
    ``random_state`` (0): fixes the folds and the classifier.
    ``classifier_threads`` (1): OpenMP threads of the classifier. Its trees are small; on a machine
    whose cores other work shares, idle OpenMP threads spinning for work made it 50 times slower
    (measured: 52 s against 1 s on 330 accounts), so one thread is the safe default.
    ``backend`` (None: the default engine): where PageRank runs.
    """

    folds: int = 5
    amount_bins: int = 10
    damping: float = 0.85
    max_iter: int = 100
    learning_rate: float = 0.1
    random_state: int = 0
    classifier_threads: int = 1
    backend: str | None = None


@dataclass(frozen=True, eq=False)
class AccompliceRanking:
    """The accomplice score and the two rankings it combines (one value per projection node).

    ``profile_score`` is the classifier's out-of-fold score (1 for seeds, 0 for nodes that are not
    accounts; all ones when there were too few seeds to learn from); ``flow_score`` the weighted
    personalised PageRank.
    """

    score: NodeScores
    profile_score: F64
    flow_score: F64


def transfer_features(transfers: Projection, *, amount_bins: int = 10) -> tuple[F64, tuple[str, ...]]:
    """Each node's transfer profile (one row per projection node) and the feature names.

    ``transfers`` holds the TRANSFER relationships (``weight`` = amount, ``time``); a node with no
    transfer on one side gets NaN for that side's means, spreads and shares.

    >>> from graph.projection import Projection
    >>> p = Projection.from_edges([("Account", "A"), ("Account", "B")], [(0, 1, "TRANSFER")] * 2,
    ...                           weight=[100.0, 300.0], time=[1.0, 3.0])
    >>> x, names = transfer_features(p, amount_bins=2)
    >>> x[0, names.index("out_count")].item(), x[1, names.index("in_distinct")].item()
    (2.0, 1.0)
    """
    if amount_bins < 1:
        raise ValueError(f"amount_bins must be at least 1, not {amount_bins}")
    n = transfers.num_nodes
    log_amount = np.log1p(np.maximum(transfers.weight, 0.0))
    inner = np.linspace(0, 1, amount_bins + 1)[1:-1]
    bounds: F64 = np.quantile(log_amount, inner) if len(log_amount) else np.zeros(0)
    band = np.searchsorted(bounds, log_amount)
    columns: list[F64] = []
    names: list[str] = []
    for side, own, other in (("out", transfers.src, transfers.dst), ("in", transfers.dst, transfers.src)):
        count = np.bincount(own, minlength=n).astype(np.float64)
        pairs = np.unique(own * n + other)
        distinct = np.bincount(pairs // n, minlength=n).astype(np.float64)
        mean = _per_node_mean(own, log_amount, count)
        spread = np.sqrt(np.maximum(_per_node_mean(own, log_amount**2, count) - mean**2, 0.0))
        shares = np.zeros((n, amount_bins))
        np.add.at(shares, (own, band), 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            shares /= count[:, None]
        columns += [count, distinct, mean, spread, *shares.T]
        names += [f"{side}_{name}" for name in ("count", "distinct", "mean_log_amount", "std_log_amount")]
        names += [f"{side}_share_band_{b}" for b in range(amount_bins)]
    columns += _time_profile(transfers)
    names += ["first_time", "last_time", "mean_time"]
    return np.column_stack(columns), tuple(names)


def _per_node_mean(node: I64, values: F64, count: F64) -> F64:
    with np.errstate(invalid="ignore", divide="ignore"):
        mean: F64 = np.bincount(node, values, minlength=len(count)) / count
    return mean


def _time_profile(transfers: Projection) -> list[F64]:
    n = transfers.num_nodes
    timed = ~np.isnan(transfers.time)
    node = np.concatenate([transfers.src[timed], transfers.dst[timed]])
    when = np.concatenate([transfers.time[timed], transfers.time[timed]])
    count = np.bincount(node, minlength=n).astype(np.float64)
    first = np.full(n, np.inf)
    last = np.full(n, -np.inf)
    np.minimum.at(first, node, when)
    np.maximum.at(last, node, when)
    first[count == 0] = np.nan
    last[count == 0] = np.nan
    return [first, last, _per_node_mean(node, when, count)]


def _profile_scores(features: F64, positive: Bools, config: AccompliceConfig) -> F64:
    """Out-of-fold classifier scores: each row is scored by a model that never saw its label."""
    scores = np.zeros(len(positive))
    # A profile column with no value anywhere (no transfer carries a time) says nothing, and the
    # classifier cannot bin it.
    features = features[:, ~np.all(np.isnan(features), axis=0)]
    folds = StratifiedKFold(config.folds, shuffle=True, random_state=config.random_state)
    with threadpool_limits(limits=config.classifier_threads, user_api="openmp"):
        for train, held_out in folds.split(features, positive):
            model = HistGradientBoostingClassifier(
                max_iter=config.max_iter, learning_rate=config.learning_rate, random_state=config.random_state
            )
            model.fit(features[train], positive[train])
            scores[held_out] = model.predict_proba(features[held_out])[:, 1]
    return scores


def accomplice_ranking(
    projection: Projection, seeds: Iterable[int], *, config: AccompliceConfig | None = None
) -> AccompliceRanking:
    """The accomplice ranking of every account in ``projection`` from the ``seeds`` (node indices).

    Only the projection's TRANSFER relationships are used; nodes that are not accounts score 0.
    """
    config = config or AccompliceConfig()
    chosen = np.unique([node_index(projection, seed, "seed") for seed in seeds]).astype(np.int64)
    if not len(chosen):
        raise ValueError("the accomplice ranking needs at least one seed")
    if config.folds < 2:
        raise ValueError(f"folds must be at least 2, not {config.folds}")
    transfers = projection.select(rel_types=["TRANSFER"])
    accounts = projection.nodes_labelled("Account")
    is_seed = np.zeros(projection.num_nodes, dtype=bool)
    is_seed[chosen] = True
    prior = np.ones(projection.num_nodes)
    profile = np.zeros(projection.num_nodes)
    profile[accounts] = 1.0
    if is_seed[accounts].sum() >= config.folds:
        features, _ = transfer_features(transfers, amount_bins=config.amount_bins)
        profile[accounts] = _profile_scores(features[accounts], is_seed[accounts], config)
        profile[chosen] = 1.0
        prior[accounts] = profile[accounts]
    # Walks follow money between look-alikes: a transfer between two seed-like accounts weighs most.
    weighted = dataclasses.replace(transfers, weight=np.sqrt(prior[transfers.src] * prior[transfers.dst]))
    flow = personalized_pagerank(
        weighted, chosen, damping=config.damping, directed=False, weighted=True, backend=config.backend
    ).values
    score = np.zeros(projection.num_nodes)
    ranks = rankdata(flow[accounts]) + rankdata(profile[accounts])
    score[accounts] = ranks / (2 * len(accounts))
    score[chosen] = 1.0
    return AccompliceRanking(NodeScores(score, "accomplice_score"), profile, flow)


def accomplice_scores(
    projection: Projection, seeds: Iterable[int], *, config: AccompliceConfig | None = None
) -> NodeScores:
    """The accomplice score of every node (see the module docstring); seeds score 1."""
    return accomplice_ranking(projection, seeds, config=config).score


def sample_seeds(is_fraud: Bools, share: float, random_state: int) -> I64:
    """Evaluation only: ``share`` of the known fraud accounts, drawn at random, as seeds.

    The labels are given explicitly so that no production path can reach them; in production the
    seeds are the watchlisted parties' accounts (:func:`analytics.run.watchlist_seed_accounts`).

    >>> sample_seeds(np.array([True, False, True, True]), 0.34, 0).tolist()
    [3]
    """
    if not 0.0 < share < 1.0:
        raise ValueError(f"share must be strictly between 0 and 1, not {share}")
    fraud = np.flatnonzero(is_fraud)
    count = max(1, round(share * len(fraud)))
    drawn = np.random.default_rng(random_state).choice(fraud, size=count, replace=False)
    return np.sort(drawn).astype(np.int64)


def account_fraud_labels(driver: Driver, settings: Settings, dataset: str) -> dict[str, bool]:
    """Evaluation only: the truth label of every account of an AMLSim ``dataset`` (its folder name)."""
    table = read_columns(driver, settings, QUERY_FILE, "account_fraud_labels", dataset=dataset)
    return {account: bool(label) for account, label in zip(table["account"], table["is_fraud"], strict=True)}

"""Known labels as inputs: a node's own label never reaches its own row, test labels are never read."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gnn.config import GnnConfig
from gnn.labels import (
    COUNTERPARTY_COLUMNS,
    PROXIMITY_COLUMNS,
    SUSPICION_COLUMNS,
    CounterpartyGraph,
    LabelTrickOptions,
    counterparty_label_shares,
    evidence_columns,
    label_inputs,
    train_multigin_with_labels,
    visible_split,
)
from gnn.multigraph import TransferGraph


def _random_transfers(n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    # Self-transfers included on purpose: they must not carry a node's own label back to it.
    src[:5], dst[:5] = np.arange(5), np.arange(5)
    return src, dst, rng.uniform(1.0, 100.0, m)


def test_label_inputs_show_only_visible_labels() -> None:
    offender = np.array([True, True, False, False])
    visible = np.array([True, False, True, False])
    assert label_inputs(offender, visible).tolist() == [[1, 1], [0, 0], [0, 1], [0, 0]]


@pytest.mark.parametrize("node", [0, 3, 17])
def test_a_node_own_label_and_suspicion_never_enter_its_own_row(node: int) -> None:
    n = 40
    src, dst, amount = _random_transfers(n, 200, seed=node)
    graph = CounterpartyGraph.build(src, dst, amount, n)
    rng = np.random.default_rng(1)
    offender, visible = rng.random(n) < 0.3, rng.random(n) < 0.7
    visible[node] = True
    flipped = offender.copy()
    flipped[node] = ~flipped[node]
    # evidence() holds the one-hop shares and the two-hop proximities, whose paths back to the node
    # itself are left out.
    before, after = graph.evidence(offender, visible), graph.evidence(flipped, visible)
    assert np.array_equal(before[node], after[node])
    # ... while it does reach the counterparties that know it.
    neighbours = np.setdiff1d(np.concatenate([dst[src == node], src[dst == node]]), [node])
    assert not np.array_equal(before[neighbours], after[neighbours])
    suspicion = rng.random(n)
    changed = suspicion.copy()
    changed[node] = 1.0 - changed[node]
    assert np.array_equal(graph.suspicion(suspicion)[node], graph.suspicion(changed)[node])


def test_shares_count_distinct_known_offender_counterparties_and_their_money() -> None:
    # 0 and 1 (known offenders) and 2 (known clean) pay 3; 3 pays 0 twice.
    src, dst = np.array([0, 1, 2, 3, 3]), np.array([3, 3, 3, 0, 0])
    amount = np.array([10.0, 30.0, 60.0, 5.0, 5.0])
    offender = np.array([True, True, False, False])
    shares, names = counterparty_label_shares(src, dst, amount, offender, np.ones(4, dtype=bool))
    row = dict(zip(names, shares[3].tolist(), strict=True))
    assert names == COUNTERPARTY_COLUMNS
    assert np.expm1(row["known_offender_payers"]) == pytest.approx(2.0)
    assert row["share_payers_known_offender"] == pytest.approx(2 / 3)
    assert row["share_money_in_known_offender"] == pytest.approx(0.4)
    assert row["share_payees_known_offender"] == pytest.approx(1.0)
    graph = CounterpartyGraph.build(src, dst, amount, 4)
    suspicion = dict(zip(SUSPICION_COLUMNS, graph.suspicion(np.array([0.9, 0.3, 0.0, 0.5]))[3], strict=True))
    assert suspicion["suspicion_payers_max"] == pytest.approx(0.9)
    assert suspicion["suspicion_money_in_mean"] == pytest.approx((9 + 9) / 100)


def test_proximity_weighs_a_counterparty_by_how_few_others_it_deals_with() -> None:
    # 0 and 1 each deal with one offender (5); 5 deals with 0 and 1 only, while the hub 6 (an offender
    # too) deals with everyone. 2 reaches the offender 5 through 0 (two hops), 3 only through the hub.
    src = np.array([0, 1, 0, 6, 6, 6, 6, 6, 2])
    dst = np.array([5, 5, 6, 1, 2, 3, 4, 7, 0])
    graph = CounterpartyGraph.build(src, dst, np.full(len(src), 100.0), 8)
    offender = np.zeros(8, dtype=bool)
    offender[[5, 6]] = True
    near = {name: graph.proximity(offender)[:, j] for j, name in enumerate(PROXIMITY_COLUMNS)}
    assert np.expm1(near["sum"][[0, 3]]).round().tolist() == [2.0, 1.0]
    assert near["resource"][0] == pytest.approx(1 / 2 + 1 / 6)  # 5 deals with 2 accounts, 6 with 6
    assert near["resource"][3] == pytest.approx(1 / 6)
    # 2 -> 0 -> 5 and 2 -> 6 -> (nothing offending beyond): one two-hop link to an offender; 3 -> 6 -> ...
    assert near["common_2_max"][2] == pytest.approx(1.0)
    # Paths that come back to the node itself never count: 5's only two-hop offender would be itself.
    # 5 -> 0 -> 6 (0 deals with 5, 6 and 2) and 5 -> 1 -> 6 (1 with 5 and 6).
    assert near["walk_2"][5] == pytest.approx(1 / 2 * 1 / 3 + 1 / 2 * 1 / 2)


def test_evidence_sets_tell_quiet_offenders_from_those_in_an_amount_group() -> None:
    # 0 -> 1 -> 2 move atypically small amounts (an amount group); 3 is a known offender that never did;
    # 4 deals with 1 and 3.
    src = np.array([0, 1, 4, 4] + [5 + k % 5 for k in range(40)])
    dst = np.array([1, 2, 1, 3] + [5 + (k + 1) % 5 for k in range(40)])
    amount = np.array([5.0, 6.0, 150.0, 200.0, *np.linspace(120.0, 500.0, 40)])
    graph = CounterpartyGraph.build(src, dst, amount, 10)
    assert graph.grouped.nonzero()[0].tolist() == [0, 1, 2]
    offender = np.zeros(10, dtype=bool)
    offender[[1, 3]] = True
    row = dict(zip(evidence_columns(), graph.evidence(offender, np.ones(10, dtype=bool))[4], strict=True))
    assert np.expm1(row["near_known_offender_sum"]) == pytest.approx(2.0)
    assert np.expm1(row["near_known_quiet_offender_sum"]) == pytest.approx(1.0)
    assert np.expm1(row["near_group_member_sum"]) == pytest.approx(1.0)
    assert len(evidence_columns()) == graph.evidence(offender, offender).shape[1]


def test_visible_split_partitions_the_training_nodes() -> None:
    train = np.arange(10, 110)
    shown, hidden = visible_split(train, 0.3, np.random.default_rng(0))
    assert len(shown) == 30 and len(hidden) == 70
    assert np.array_equal(np.sort(np.concatenate([shown, hidden])), train)
    with pytest.raises(ValueError, match="visible_share"):
        visible_split(train, 1.0, np.random.default_rng(0))


def _ring_world(n: int = 240) -> tuple[TransferGraph, CounterpartyGraph, np.ndarray]:
    """Offender rings (3-cycles) hidden among random transfers; features say nothing about the label."""
    rng = np.random.default_rng(0)
    offender = np.zeros(n, dtype=bool)
    offender[: n // 4] = True
    ring = np.arange(n // 4).reshape(-1, 3)
    src = [ring.ravel(), rng.integers(0, n, 2 * n)]
    dst = [np.roll(ring, -1, axis=1).ravel(), rng.integers(0, n, 2 * n)]
    s, d = np.concatenate(src), np.concatenate(dst)
    x = torch.randn(n, 3)
    graph = TransferGraph.build(x, s, d, np.zeros((len(s), 1)), np.arange(len(s), dtype=np.float64))
    return graph, CounterpartyGraph.build(s, d, np.ones(len(s)), n), offender


def _ring_masks(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    order = np.random.default_rng(1).permutation(n)
    at = np.arange(n)
    return np.isin(at, order[:150]), np.isin(at, order[150:190]), np.isin(at, order[190:])


@pytest.mark.parametrize("draws", [0, 4])
def test_label_trick_finds_ring_members_and_never_reads_test_labels(draws: int) -> None:
    graph, counterparties, offender = _ring_world()
    masks = _ring_masks(graph.num_nodes)
    config = GnnConfig(
        hidden=16, layers=2, epochs=40, patience=40, learning_rate=0.01, device="cpu", seed=0, threads=1
    )
    # draws = 4: scored as the mean over four draws that each show half the training labels.
    options = LabelTrickOptions(visible_share=0.5, inference_draws=draws)
    trained, probabilities = train_multigin_with_labels(
        graph, offender, masks, config, options, counterparties
    )
    # Ring members are told apart only through their ring mates' labels: chance is 0.25.
    assert trained.metrics["pr_auc_0"] > 0.6
    flipped = offender.copy()
    flipped[masks[2]] = ~flipped[masks[2]]
    _, again = train_multigin_with_labels(graph, flipped, masks, config, options, counterparties)
    assert np.allclose(probabilities, again)


def test_a_residual_gnn_starts_from_the_prior_and_never_reads_test_labels() -> None:
    graph, counterparties, offender = _ring_world()
    masks = _ring_masks(graph.num_nodes)
    prior = np.random.default_rng(2).uniform(0.05, 0.95, graph.num_nodes)
    options = LabelTrickOptions(residual=True)
    # One step at a negligible learning rate: the zero-initialised correction leaves the prior as it is.
    still = GnnConfig(hidden=8, layers=1, epochs=1, learning_rate=1e-9, device="cpu", threads=1)
    _, unchanged = train_multigin_with_labels(graph, offender, masks, still, options, counterparties, prior)
    assert np.allclose(unchanged, prior, atol=1e-4)
    config = GnnConfig(
        hidden=16, layers=2, epochs=30, patience=30, learning_rate=0.01, device="cpu", threads=1
    )
    trained, probabilities = train_multigin_with_labels(
        graph, offender, masks, config, options, counterparties, prior
    )
    # The prior is noise; the ring mates' labels are what the correction learns (chance is 0.25).
    assert trained.metrics["pr_auc_0"] > 0.6
    flipped = offender.copy()
    flipped[masks[2]] = ~flipped[masks[2]]
    _, again = train_multigin_with_labels(graph, flipped, masks, config, options, counterparties, prior)
    assert np.allclose(probabilities, again)


def test_a_residual_gnn_needs_a_prior_and_a_prior_needs_the_evidence() -> None:
    graph, counterparties, offender = _ring_world()
    masks = _ring_masks(graph.num_nodes)
    config = GnnConfig(hidden=8, layers=1, epochs=1, device="cpu", threads=1)
    with pytest.raises(ValueError, match="needs a prior"):
        train_multigin_with_labels(
            graph, offender, masks, config, LabelTrickOptions(residual=True), counterparties
        )
    plain = LabelTrickOptions(counterparties=False)
    with pytest.raises(ValueError, match="counterparty evidence"):
        train_multigin_with_labels(graph, offender, masks, config, plain, None, np.full(graph.num_nodes, 0.5))

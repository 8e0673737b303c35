"""The label trick's feature: closeness to the *other* watchlisted parties, and the config flags."""

from __future__ import annotations

import numpy as np

from analytics.centrality import personalized_pagerank
from gnn.config import GnnConfig
from gnn.hetero import watchlist_proximity
from graph.projection import Projection


def _ring_and_tail() -> Projection:
    """Accounts 0-5 in a ring of transfers, a tail 5 -> 6 -> 7, and 8 -> 9 apart from the rest."""
    edges = [(i, (i + 1) % 6, "TRANSFER") for i in range(6)] + [(5, 6, "TRANSFER"), (6, 7, "TRANSFER")]
    edges += [(8, 9, "TRANSFER"), (0, 3, "TRANSFER")]
    return Projection.from_edges([("Account", f"A{i}") for i in range(10)], edges)


def test_off_the_list_it_is_the_accomplice_score() -> None:
    projection = _ring_and_tail()
    seeds = [0, 2]
    near = watchlist_proximity(projection, seeds, tolerance=1e-12)
    reference = personalized_pagerank(projection, seeds, directed=False, tolerance=1e-12).values
    unlisted = np.setdiff1d(np.arange(projection.num_nodes), seeds)
    np.testing.assert_allclose(near[unlisted], reference[unlisted], rtol=1e-6, atol=1e-12)
    assert near[8] == near[9] == 0.0


def test_a_listed_node_never_reads_its_own_listing() -> None:
    projection = _ring_and_tail()
    with_it = watchlist_proximity(projection, [0, 2, 4], tolerance=1e-12)
    without_it = watchlist_proximity(projection, [2, 4], tolerance=1e-12)
    # Node 0 hears only from 2 and 4 either way; the listings are shared over 3 seeds instead of 2.
    assert np.isclose(with_it[0], without_it[0] * 2 / 3)
    assert watchlist_proximity(projection, [0], tolerance=1e-12)[0] == 0.0


def test_the_flags_are_kept_and_old_checkpoints_keep_their_meaning() -> None:
    config = GnnConfig(motifs=True, watchlist_proximity=False, confirmed_cases=False)
    assert GnnConfig.from_dict(config.as_dict()) == config
    flags = ("motifs", "watchlist_proximity", "confirmed_cases")
    old = {k: v for k, v in GnnConfig().as_dict().items() if k not in flags}
    restored = GnnConfig.from_dict(old)
    assert not restored.watchlist_proximity and not restored.motifs and not restored.confirmed_cases
    assert GnnConfig().watchlist_proximity and GnnConfig().confirmed_cases


def test_chunks_and_an_isolated_seed_change_nothing_but_the_share() -> None:
    edges = [(i, (i + 1) % 6, "TRANSFER") for i in range(6)] + [(5, 6, "TRANSFER"), (0, 3, "TRANSFER")]
    # Account 7 has no relationship at all: its listing reaches no one, and it hears from no one.
    projection = Projection.from_edges([("Account", f"A{i}") for i in range(8)], edges)
    seeds = [0, 2, 5, 7]
    one_at_a_time = watchlist_proximity(projection, seeds, tolerance=1e-12, chunk=1)
    together = watchlist_proximity(projection, seeds, tolerance=1e-12)
    np.testing.assert_allclose(one_at_a_time, together, rtol=1e-9, atol=1e-15)
    assert together[7] == 0.0
    connected = watchlist_proximity(projection, [0, 2, 5], tolerance=1e-12)
    np.testing.assert_allclose(together, connected * 3 / 4, rtol=1e-9, atol=1e-15)

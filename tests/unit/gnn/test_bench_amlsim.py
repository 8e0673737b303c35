"""The AMLSim benchmark's combination of the GNN and the gradient-boosted model (``--combine validated``)."""

import numpy as np

from bench.gnn import _validated_share

RNG = np.random.default_rng(3)
IS_FRAUD = RNG.random(400) < 0.2
VAL = np.arange(0, 400, 2)
PERFECT = IS_FRAUD.astype(float)
NOISE = RNG.random(400)


def test_the_share_follows_the_model_that_ranks_the_validation_accounts() -> None:
    # From an equal mix on, a perfect 0/1 score outweighs noise in [0, 1): the nearest such share is 0.5.
    assert _validated_share(PERFECT, NOISE, IS_FRAUD, VAL) == 0.5
    assert _validated_share(0.4 * PERFECT, NOISE, IS_FRAUD, VAL) == 0.8
    assert _validated_share(NOISE, 0.4 * PERFECT, IS_FRAUD, VAL) == 0.2


def test_a_tie_keeps_the_equal_mix() -> None:
    assert _validated_share(NOISE, NOISE, IS_FRAUD, VAL) == 0.5


def test_only_the_validation_labels_are_read() -> None:
    flipped = IS_FRAUD.copy()
    others = np.setdiff1d(np.arange(400), VAL)
    flipped[others] = ~flipped[others]
    gnn, gbm = NOISE + 0.5 * PERFECT, RNG.random(400) + 0.5 * PERFECT
    assert _validated_share(gnn, gbm, flipped, VAL) == _validated_share(gnn, gbm, IS_FRAUD, VAL)

"""Pairwise merge quality: of the record pairs put in one cluster, how many are one real party.

Example
-------
>>> import numpy as np
>>> found = np.array([0, 0, 1, 2])     # records 0 and 1 merged
>>> truth = np.array([5, 5, 5, 6])     # records 0, 1 and 2 are one party
>>> q = pairwise_quality(found, truth)
>>> q.precision, round(q.recall, 3), q.true_pairs
(1.0, 0.333, 3)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["PairwiseQuality", "pairwise_quality"]


@dataclass(frozen=True)
class PairwiseQuality:
    """Precision and recall over record pairs, with the pair counts behind them."""

    precision: float
    recall: float
    merged_pairs: int
    true_pairs: int
    correct_pairs: int


def _pairs(labels: npt.NDArray[np.int64]) -> int:
    counts = np.unique(labels, return_counts=True)[1].astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def pairwise_quality(clusters: npt.ArrayLike, identities: npt.ArrayLike) -> PairwiseQuality:
    """Quality of ``clusters`` (a cluster number per record) against ``identities`` (the truth)."""
    found = np.asarray(clusters, dtype=np.int64)
    truth = np.asarray(identities, dtype=np.int64)
    if found.shape != truth.shape:
        raise ValueError(f"{found.shape} cluster labels but {truth.shape} identities")
    both = found * (int(truth.max(initial=0)) + 1) + truth
    merged, true, correct = _pairs(found), _pairs(truth), _pairs(both)
    return PairwiseQuality(
        precision=correct / merged if merged else 1.0,
        recall=correct / true if true else 1.0,
        merged_pairs=merged,
        true_pairs=true,
        correct_pairs=correct,
    )

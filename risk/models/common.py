"""Small numeric helpers the risk models share.

>>> keys = np.array(["a", "a", "b"], dtype=object)
>>> medians = group_medians(keys, np.array([1.0, 3.0, 5.0]))
>>> medians["a"]
(2.0, 1.0, 2)
>>> round(ranking_auc(np.array([0.1, 0.9, 0.8]), np.array([False, True, False])), 2)
1.0
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["group_medians", "party_of", "ranking_auc", "safe_log"]


def group_medians(
    keys: npt.NDArray[Any], values: npt.NDArray[np.float64]
) -> dict[Any, tuple[float, float, int]]:
    """Per key: the median of ``values``, their median absolute deviation and how many there are."""
    order = np.argsort(keys, kind="stable")
    sorted_keys, sorted_values = keys[order], values[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    ends = np.r_[starts[1:], len(sorted_keys)]
    out: dict[Any, tuple[float, float, int]] = {}
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        group = sorted_values[start:end]
        median = float(np.median(group))
        out[sorted_keys[start]] = (median, float(np.median(np.abs(group - median))), end - start)
    return out


def ranking_auc(score: npt.NDArray[np.float64], positive: npt.NDArray[np.bool_]) -> float:
    """Area under the ROC curve of ``score`` for ``positive`` (Mann-Whitney); NaN with one class only."""
    positives, negatives = int(positive.sum()), int((~positive).sum())
    if not positives or not negatives:
        return float("nan")
    ranks = np.empty(len(score))
    order = np.argsort(score, kind="stable")
    ranks[order] = np.arange(1, len(score) + 1)
    # Ties share their mean rank so a constant score gets exactly 0.5.
    _, inverse, counts = np.unique(score, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    ranks = sums[inverse] / counts[inverse]
    return float((ranks[positive].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def safe_log(values: npt.NDArray[np.float64], floor: float = 1e-6) -> npt.NDArray[np.float64]:
    """Natural log with missing or non-positive values lifted to ``floor``."""
    return np.log(np.maximum(np.nan_to_num(values, nan=floor), floor))


def party_of(declarations: dict[str, npt.NDArray[Any]]) -> npt.NDArray[Any]:
    """The party answerable for each declaration: its importer, else the parcel's buyer, else ''."""
    importer, buyer = declarations["importer_id"], declarations["buyer_id"]
    return np.where(importer != "", importer, buyer)

"""Parties that share identifiers (a phone, an e-mail, an address, an account, a passport), scored.

An identifier held by ``d`` parties links each of them to ``d - 1`` others, so it adds ``1 / (d - 1)``
to the score of every pair it links (the resource-allocation index of link prediction): a phone shared by
two parties counts 1, an address shared by 500 firms in one office building 1/499, almost nothing.
Identifiers held by more than ``max_identifier_degree`` parties are skipped outright: they say nothing
and would cost ``d**2`` pairs each. Scores are sums over shared identifiers, computed as sparse matrix
products (parties x identifiers), never a loop over pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from analytics.types import SimilarPairs
from graph.projection import Projection

__all__ = ["PARTY_LABELS", "similarity"]

PARTY_LABELS = ("Person", "Company")

I64 = npt.NDArray[np.int64]


def _label_mask(projection: Projection, labels: Sequence[str]) -> npt.NDArray[np.bool_]:
    wanted = [projection.labels.index(label) for label in labels if label in projection.labels]
    return np.isin(projection.node_label, wanted)


def _holdings(projection: Projection, identifier_labels: Sequence[str]) -> sp.csr_matrix:
    """Parties x identifiers, 1 where the party holds the identifier (any relationship, either way)."""
    party = _label_mask(projection, PARTY_LABELS)
    identifier = _label_mask(projection, identifier_labels)
    src, dst = projection.src, projection.dst
    forward = party[src] & identifier[dst]
    backward = identifier[src] & party[dst]
    rows = np.concatenate([src[forward], dst[backward]])
    cols = np.concatenate([dst[forward], src[backward]])
    n = projection.num_nodes
    holdings = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    holdings.sum_duplicates()
    holdings.data[:] = 1.0
    return holdings


def _canonical(matrix: sp.spmatrix) -> sp.coo_matrix:
    rows = sp.csr_matrix(matrix)
    rows.sum_duplicates()
    rows.sort_indices()
    return rows.tocoo()


def similarity(
    projection: Projection,
    *,
    parties: I64 | None,
    identifier_labels: Sequence[str],
    max_identifier_degree: int,
    min_score: float,
) -> SimilarPairs:
    """Pairs with at least one party in ``parties`` (all parties when ``None``), best score first."""
    holdings = _holdings(projection, identifier_labels)
    holders = np.asarray(holdings.sum(axis=0)).ravel()
    usable = np.flatnonzero((holders >= 2) & (holders <= max_identifier_degree))
    holdings = holdings[:, usable]
    share = 1.0 / (holders[usable] - 1.0)
    asking = holdings
    if parties is not None:
        selected = np.zeros(projection.num_nodes)
        selected[parties] = 1.0
        asking = sp.diags(selected) @ holdings
    # Both products have the same sparsity pattern (every usable share is positive): align them.
    score = _canonical(asking @ (holdings @ sp.diags(share)).T)
    shared = _canonical(asking @ holdings.T)
    a, b = score.row.astype(np.int64), score.col.astype(np.int64)
    keep = (a != b) & (score.data >= min_score)
    a, b, values = a[keep], b[keep], score.data[keep]
    counts = np.rint(shared.data[keep]).astype(np.int64)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    # A pair of two selected parties appears in both orders: keep it once.
    _, unique = np.unique(lo * projection.num_nodes + hi, return_index=True)
    lo, hi, values, counts = lo[unique], hi[unique], values[unique], counts[unique]
    order = np.lexsort((hi, lo, -values))
    return SimilarPairs(lo[order], hi[order], values[order].astype(np.float64), counts[order])

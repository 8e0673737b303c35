"""Parties that share identifiers, scored so that hubs (a busy office building) count for almost nothing.

An identifier (phone, e-mail, address, account, passport) held by ``d`` parties adds ``1 / (d - 1)`` to
every pair it links: a phone only two people use adds 1, an address 500 firms register at adds 1/499.
Identifiers held by more than ``max_identifier_degree`` parties are skipped. Parties are the Person and
Company nodes; ``parties`` narrows the answer to pairs involving at least one of those node indices.

Example
-------
>>> from graph.projection import Projection
>>> nodes = [("Person", "kim"), ("Person", "lee"), ("Company", "acme"), ("Phone", "+8210"),
...          ("Address", "tower")]
>>> edges = [(0, 3, "HAS_PHONE"), (1, 3, "HAS_PHONE"),
...          (0, 4, "HAS_ADDRESS"), (1, 4, "HAS_ADDRESS"), (2, 4, "HAS_ADDRESS")]
>>> pairs = shared_identifier_similarity(Projection.from_edges(nodes, edges), backend="cpu")
>>> list(zip(pairs.a.tolist(), pairs.b.tolist(), pairs.score.tolist(), pairs.shared.tolist()))
[(0, 1, 1.5, 2), (0, 2, 0.5, 1), (1, 2, 0.5, 1)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from analytics.backends import Backend, resolve_backend
from analytics.checks import at_least, node_index
from analytics.types import SimilarPairs
from graph.projection import Projection
from graph.schema import SCHEMA

__all__ = ["shared_identifier_similarity"]


def shared_identifier_similarity(
    projection: Projection,
    *,
    parties: Iterable[int] | None = None,
    identifier_labels: Sequence[str] = ("Phone", "Email", "Address", "Account", "Passport"),
    max_identifier_degree: int = 50,
    min_score: float = 0.1,
    backend: Backend | str | None = None,
) -> SimilarPairs:
    """Pairs ``a < b`` of parties sharing identifiers, best score first (ties: lower indices first)."""
    for label in identifier_labels:
        SCHEMA.node(label)
    chosen = None
    if parties is not None:
        chosen = np.array([node_index(projection, p, "party") for p in parties], dtype=np.int64)
    return resolve_backend(backend).shared_identifier_similarity(
        projection,
        parties=chosen,
        identifier_labels=tuple(identifier_labels),
        max_identifier_degree=at_least(max_identifier_degree, 2, "max_identifier_degree"),
        min_score=float(min_score),
    )

"""The plug-in contract of bigfinder's risk models, and the tables they read.

A risk model has a ``name`` and a ``version``, names the node ``labels`` it scores, learns from
:class:`RiskTables` in ``fit`` (returning its own evaluation figures) and answers ``score`` with
:class:`NodeFeatures`: for each scored node, numbers under feature names and, for each feature, the
reason in words. Fit and score are pure: tables in, arrays out; reading the tables and writing the
features back is the registry's job (:mod:`risk.registry`).

Example
-------
>>> import numpy as np
>>> block = NodeFeatures.build(
...     "Company", ["C1", "C2"], {"paid_to_declared": np.array([1.0, 0.2])},
...     [{"paid_to_declared": "paid as declared"}, {"paid_to_declared": "paid 20% of declared"}])
>>> block.rows()[1]
('C2', {'paid_to_declared': 0.2}, {'paid_to_declared': 'paid 20% of declared'})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = ["F64", "NodeFeatures", "RiskModel", "RiskTables", "Table"]

F64 = npt.NDArray[np.float64]
#: A table as columns: name -> one array per column, all of the same length.
Table = dict[str, npt.NDArray[Any]]


@dataclass(frozen=True)
class RiskTables:
    """Everything the models read: declarations, companies, persons and transfers, as columns."""

    declarations: Table
    companies: Table
    persons: Table
    transfers: Table

    def declarations_where(self, keep: npt.NDArray[np.bool_]) -> RiskTables:
        """The same tables with only the declarations ``keep`` selects (e.g. those before a date)."""
        chosen = {name: column[keep] for name, column in self.declarations.items()}
        return RiskTables(chosen, self.companies, self.persons, self.transfers)


@dataclass(frozen=True)
class NodeFeatures:
    """One model's features on nodes of one label: a value per node per feature, and each one's reason."""

    label: str
    keys: tuple[str, ...]
    values: Mapping[str, F64]
    explanations: tuple[Mapping[str, str], ...]

    @staticmethod
    def build(
        label: str,
        keys: Sequence[str],
        values: Mapping[str, npt.ArrayLike],
        explanations: Sequence[Mapping[str, str]],
    ) -> NodeFeatures:
        """Check shapes and finiteness once, so a writer never meets a half-filled block."""
        arrays = {name: np.asarray(v, dtype=np.float64) for name, v in values.items()}
        for name, array in arrays.items():
            if array.shape != (len(keys),):
                raise ValueError(f"feature {name!r} has shape {array.shape}, expected ({len(keys)},)")
            if not np.isfinite(array).all():
                raise ValueError(f"feature {name!r} has values that are not finite numbers")
        if len(explanations) != len(keys):
            raise ValueError(f"{len(keys)} nodes but {len(explanations)} explanations")
        return NodeFeatures(label, tuple(str(k) for k in keys), arrays, tuple(explanations))

    def rows(self) -> list[tuple[str, dict[str, float], Mapping[str, str]]]:
        """Per node: its key, its feature values and their explanation."""
        names = list(self.values)
        columns = [self.values[n].tolist() for n in names]
        return [
            (key, dict(zip(names, (c[at] for c in columns), strict=True)), self.explanations[at])
            for at, key in enumerate(self.keys)
        ]

    def column(self, name: str, keys: Sequence[str], default: float) -> F64:
        """Feature ``name`` for ``keys`` in their order; ``default`` for nodes this block did not score."""
        where = {key: at for at, key in enumerate(self.keys)}
        values = self.values[name]
        return np.array([values[where[k]] if k in where else default for k in keys], dtype=np.float64)


@runtime_checkable
class RiskModel(Protocol):
    """What the registry needs of a model; see the module docstring."""

    name: str
    version: str
    labels: tuple[str, ...]

    def fit(self, tables: RiskTables) -> dict[str, float]:
        """Learn from ``tables``; return evaluation figures (held-out accuracy, AUC, ...)."""
        ...

    def score(self, tables: RiskTables) -> list[NodeFeatures]:
        """Features for the nodes of ``tables`` this model scores, one block per label."""
        ...

"""The contract every scheme detector keeps.

A detector reads what it needs from the graph (named reads from ``cypher/``, or a projection), finds
ring candidates with a pure function that is unit-tested without a database, and returns them ranked,
each with its members' roles and the paths that support it (:mod:`graph.findings`). The runner stamps
the results with the detector's scheme, version and parameters and writes them back to Neo4j.

Example
-------
>>> class Nothing:
...     scheme = "courier"
...     version = "0"
...     def parameters(self): return {}
...     def detect(self, driver, settings): return []
>>> isinstance(Nothing(), Detector)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from neo4j import Driver

from bigfinder.settings import Settings
from graph.findings import RingCandidate

__all__ = ["Detector"]


@runtime_checkable
class Detector(Protocol):
    """Finds the rings of one scheme (``scheme`` is a ``ground_truth.csv`` scheme name)."""

    scheme: str
    version: str

    def parameters(self) -> Mapping[str, Any]:
        """The thresholds and windows in force, stored with every run."""
        ...

    def detect(self, driver: Driver, settings: Settings) -> list[RingCandidate]:
        """Ring candidates, best first."""
        ...

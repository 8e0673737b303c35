"""Input checks shared by the public algorithm functions: clear errors before any engine runs.

Example
-------
>>> from graph.projection import Projection
>>> p = Projection.from_edges([("Account", "A")], [])
>>> node_index(p, 0, "source")
0
>>> node_index(p, 3, "source")
Traceback (most recent call last):
...
IndexError: source 3 is not a node index of this projection (it has 1 nodes)
"""

from __future__ import annotations

import operator

from graph.projection import Projection

__all__ = ["at_least", "node_index", "positive"]


def node_index(projection: Projection, node: int, what: str) -> int:
    """``node`` as a plain int, if it is a node index of ``projection``."""
    index = operator.index(node)
    if not 0 <= index < projection.num_nodes:
        raise IndexError(
            f"{what} {index} is not a node index of this projection (it has {projection.num_nodes} nodes)"
        )
    return index


def at_least(value: int, minimum: int, what: str) -> int:
    """``value`` if it is an int no smaller than ``minimum``."""
    number = operator.index(value)
    if number < minimum:
        raise ValueError(f"{what} must be at least {minimum}, not {number}")
    return number


def positive(value: float, what: str) -> float:
    """``value`` if it is a finite number above zero."""
    number = float(value)
    if not number > 0 or number == float("inf"):
        raise ValueError(f"{what} must be a positive number, not {value!r}")
    return number

"""Read a named query's result as columns: the input tables of detectors and models.

Detectors and models work on arrays, not records. :func:`read_columns` runs one named, parameterised
read from ``cypher/`` (routed as a read) and turns its records into one list per returned column, so no
driver record leaves ``graph/``.

Example (needs a running Neo4j)::

    table = read_columns(driver, settings, "detect", "declarations_for_pricing", since="2023-01-01")
    prices = np.asarray(table["declared_unit_price"], dtype=float)
"""

from __future__ import annotations

from typing import Any

from neo4j import Driver, RoutingControl

import cypher
from bigfinder.settings import Settings
from graph.store import translate_driver_errors

__all__ = ["Columns", "read_columns"]

#: Column name -> one value per returned record, in record order.
Columns = dict[str, list[Any]]


def read_columns(driver: Driver, settings: Settings, file: str, name: str, **params: Any) -> Columns:
    """Run the read ``name`` of ``cypher/<file>.cypher`` with ``params``; its result as columns.

    Every column the query returns is present, empty lists included, so callers can index without
    checking.
    """
    with translate_driver_errors(settings):
        result = driver.execute_query(
            cypher.load(file, name),
            parameters_=params,
            database_=settings.neo4j_database,
            routing_=RoutingControl.READ,
        )
    columns: Columns = {key: [] for key in result.keys}
    for record in result.records:
        for key, value in zip(result.keys, record.values(), strict=True):
            columns[key].append(value)
    return columns

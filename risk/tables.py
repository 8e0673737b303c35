"""The risk models' input tables: named reads of ``cypher/risk.cypher`` turned into typed columns.

Reading goes through :func:`graph.tables.read_columns`; the conversion to arrays is pure and tested
without Neo4j:

>>> table = as_table({"declared_value": [10.0, None], "hs_code": ["851712", None]})
>>> table["declared_value"].tolist()[1] != table["declared_value"].tolist()[1]  # missing -> NaN
True
>>> table["hs_code"].tolist()
['851712', '']
>>> day_numbers(np.array(["1970-01-02", ""], dtype=object)).tolist()
[1, -1]
>>> illicit_labels({"inspected": np.array([True, True, False]),
...                 "inspection_outcome": np.array(["illicit", "clear", ""], dtype=object)})
(array([ True,  True, False]), array([ True, False, False]))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from neo4j import Driver

from bigfinder.settings import Settings
from graph.tables import Columns, read_columns
from risk.contract import RiskTables, Table

__all__ = ["as_table", "day_numbers", "illicit_labels", "quarters", "read_tables"]

_TABLES = ("declarations", "companies", "persons", "transfers")


def as_table(columns: Columns) -> Table:
    """Columns as arrays: numbers as float (missing -> NaN), booleans as bool, lists kept, text as str."""
    table: Table = {}
    for name, values in columns.items():
        present = [v for v in values if v is not None]
        sample = present[0] if present else ""
        if isinstance(sample, bool):
            table[name] = np.array([bool(v) for v in values], dtype=bool)
        elif isinstance(sample, int | float):
            table[name] = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
        elif isinstance(sample, list):
            lists = np.empty(len(values), dtype=object)
            lists[:] = [list(v or []) for v in values]
            table[name] = lists
        else:
            table[name] = np.array(["" if v is None else str(v) for v in values], dtype=object)
    return table


def read_tables(
    driver: Driver, settings: Settings, progress: Callable[[str], None] | None = None
) -> RiskTables:
    """Read every input table of the risk models from the graph."""
    tables: dict[str, Table] = {}
    for name in _TABLES:
        if progress:
            progress(name)
        tables[name] = as_table(read_columns(driver, settings, "risk", name))
    return RiskTables(**tables)


def day_numbers(iso_dates: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """Days since 1970-01-01 of ISO dates (or date-times); -1 where there is none."""
    text = np.array([str(d)[:10] if d else "NaT" for d in iso_dates.tolist()], dtype="datetime64[D]")
    days = text.astype(np.int64)
    return np.where(np.isnat(text), -1, days)


def quarters(days: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """A period number per day: the calendar quarter (year * 4 + quarter index)."""
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months // 3


def illicit_labels(declarations: Table) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Which declarations are labelled (inspected with an outcome) and which of those were illicit."""
    if "inspection_outcome" not in declarations:
        none = np.zeros(len(next(iter(declarations.values()), [])), dtype=bool)
        return none, none
    outcome = declarations["inspection_outcome"]
    labelled = declarations["inspected"].astype(bool) & np.isin(outcome, ["illicit", "clear"])
    return labelled, labelled & (outcome == "illicit")

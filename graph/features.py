"""Model features on graph entities: one storage layout and one writer for every model.

A model's features live on the entity as ``feature__<model>__<name>`` (a number each), with
``featuremeta__<model>__version`` and ``featuremeta__<model>__written_at``; a model that explains its
features adds ``featuremeta__<model>__explanation`` (JSON: feature -> reason) and the run that wrote
them, ``featuremeta__<model>__run``. External models write through the API's feature-write route and
bigfinder's own risk models through :class:`FeatureWriter`; both build their properties with
:func:`feature_properties` and run the same statement, so they can never drift apart.

>>> props = feature_properties("price", "1", {"market_ratio": 0.4}, "2024-01-01T00:00:00+00:00")
>>> sorted(props)
['feature__price__market_ratio', 'featuremeta__price__version', 'featuremeta__price__written_at']
>>> explained = feature_properties("price", "1", {"a": 1.0}, "t", explanation={"a": "why"})
>>> explained["featuremeta__price__explanation"]
'{"a": "why"}'
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from neo4j import Driver, ManagedTransaction

import cypher
from bigfinder.settings import Settings
from graph.schema import SCHEMA
from graph.store import translate_driver_errors

__all__ = [
    "FEATURE_META_PREFIX",
    "FEATURE_PREFIX",
    "FeatureWriter",
    "feature_properties",
    "write_feature_rows",
    "write_features_statement",
]

FEATURE_PREFIX = "feature__"
FEATURE_META_PREFIX = "featuremeta__"
# Single underscores only: "__" separates model and feature in the stored property names.
_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _checked(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a model or feature name (lower case, single underscores)")
    return name


def feature_properties(
    model: str,
    version: str,
    features: Mapping[str, float],
    written_at: str,
    *,
    explanation: Mapping[str, str] | None = None,
    run_id: str | None = None,
) -> dict[str, Any]:
    """The node properties a model's features are stored as: ``feature__<model>__<name>`` plus metadata.

    Model and feature names must be identifiers without ``__``, so a property name is never ambiguous
    and never one of the entity's own.
    """
    _checked(model)
    props: dict[str, Any] = {f"{FEATURE_PREFIX}{model}__{_checked(n)}": float(v) for n, v in features.items()}
    props[f"{FEATURE_META_PREFIX}{model}__version"] = version
    props[f"{FEATURE_META_PREFIX}{model}__written_at"] = written_at
    if explanation is not None:
        props[f"{FEATURE_META_PREFIX}{model}__explanation"] = json.dumps(
            dict(explanation), ensure_ascii=False
        )
    if run_id is not None:
        props[f"{FEATURE_META_PREFIX}{model}__run"] = run_id
    return props


@cache
def write_features_statement(label: str) -> str:
    """The batched feature write onto ``label`` nodes (label and key from the schema)."""
    node = SCHEMA.node(label)
    return (
        cypher.load("features", "write_features")
        .replace("__LABEL__", node.label)
        .replace("__KEY__", node.key)
    )


def write_feature_rows(
    tx: ManagedTransaction, by_label: Mapping[str, Sequence[Mapping[str, Any]]]
) -> set[tuple[str, str]]:
    """Write ``{key, properties}`` rows per label inside ``tx``; the ``(label, key)`` pairs written."""
    done: set[tuple[str, str]] = set()
    for label, rows in by_label.items():
        result = tx.run(write_features_statement(label), rows=list(rows))
        done.update((label, record["key"]) for record in result)
    return done


class FeatureWriter:
    """Writes features in batches of ``batch_size`` entities per transaction."""

    def __init__(self, driver: Driver, settings: Settings, *, batch_size: int = 5_000) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self._driver = driver
        self._settings = settings
        self._batch_size = batch_size

    def write(self, by_label: Mapping[str, Sequence[Mapping[str, Any]]]) -> set[tuple[str, str]]:
        """Write ``{key, properties}`` rows per label, batch by batch; the ``(label, key)`` pairs written."""
        done: set[tuple[str, str]] = set()
        with (
            translate_driver_errors(self._settings),
            self._driver.session(database=self._settings.neo4j_database) as session,
        ):
            for label, rows in by_label.items():
                for begin in range(0, len(rows), self._batch_size):
                    batch = {label: rows[begin : begin + self._batch_size]}
                    done |= session.execute_write(write_feature_rows, batch)
        return done

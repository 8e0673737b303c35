"""The graph reads and writes behind the API's routes, answering in ``...Public`` schemas.

One :class:`Investigation` is built in the app's lifespan around the process's one driver. Every
statement is a named block of ``cypher/api.cypher``; the only text ever filled in is a label and its key
property from :data:`graph.schema.SCHEMA`. Reads are routed as reads; driver failures become
:class:`~bigfinder.errors.StoreUnavailable` (503) at this boundary.

The pure helpers are tested without Neo4j:

>>> name_query("Kim  Min-su!")
'kim~1 min~1 su'
>>> {"label": "Phone", "key": "+82212345678"} in identifier_candidates("02-1234-5678")
True
>>> feature_properties("fraudnet", "2.1", {"price_ratio": 0.4}, "2024-01-01T00:00:00+00:00")
{'feature__fraudnet__price_ratio': 0.4, 'featuremeta__fraudnet__version': '2.1', \
'featuremeta__fraudnet__written_at': '2024-01-01T00:00:00+00:00'}
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, TypeVar

from neo4j import READ_ACCESS, Driver, ManagedTransaction, Record

import cypher
from api.schemas import (
    ENTITY_LABELS,
    NETWORK_TYPES,
    AlertStatus,
    EntityPublic,
    EntityRef,
    EntityScoresPublic,
    EntitySummaryPublic,
    FeatureSetPublic,
    FeatureWritePublic,
    FeatureWriteRequest,
    IdentifierPublic,
    NetworkLinkPublic,
    NetworkNodePublic,
    NetworkPublic,
    Page,
    PathNodePublic,
    PathPublic,
    PathsPublic,
    RingMemberPublic,
    RingMembershipPublic,
    RingPublic,
    RingSummaryPublic,
    ScoreBatchPublic,
    ScorePublic,
)
from api.score_lookups import SCORE_NAMES, EntityScores, entity_scores, held_and_missing
from bigfinder.errors import EntityNotFound, InvalidTransition, RingNotFound
from bigfinder.settings import Settings
from graph.admin import FULLTEXT_NAMES_INDEX
from graph.features import FEATURE_META_PREFIX, FEATURE_PREFIX, feature_properties, write_feature_rows
from graph.results import RESULT_PROPERTIES
from graph.schema import SCHEMA
from graph.store import translate_driver_errors
from ingest.normalise import InvalidIdentifier, account_key, address_key, email_key, passport_key, phone_key

__all__ = [
    "ALERT_TRANSITIONS",
    "MAX_NAME_HITS",
    "Investigation",
    "check_transition",
    "explained_scores",
    "feature_properties",
    "identifier_candidates",
    "name_query",
]

#: label -> key property, for naming nodes found by traversal.
KEY_OF: dict[str, str] = {n.label: n.key for n in SCHEMA.nodes}
#: Relationships from a party to an identifier it holds (phone, e-mail, address, passport, account).
IDENTIFIER_TYPES: list[str] = [
    r.type
    for r in SCHEMA.relationships
    # Holding, not moving: a transfer runs between two identifiers (accounts) and is no identifier.
    if all(SCHEMA.node(label).identifier for label in r.end)
    and not any(SCHEMA.node(label).identifier for label in r.start)
]
#: Where each relationship type's time is read, as the ``$time_of`` parameter of ``ego_expand``.
TIME_OF: dict[str, dict[str, str]] = {
    t: {"side": time.side, "property": time.property}
    for t in NETWORK_TYPES
    if (time := SCHEMA.time_of(t)) is not None
}
#: The alert workflow: which status may follow which.
ALERT_TRANSITIONS: dict[AlertStatus, frozenset[AlertStatus]] = {
    AlertStatus.NEW: frozenset({AlertStatus.IN_REVIEW}),
    AlertStatus.IN_REVIEW: frozenset({AlertStatus.ESCALATED, AlertStatus.DISMISSED}),
    AlertStatus.ESCALATED: frozenset(),
    AlertStatus.DISMISSED: frozenset(),
}
#: Name search pages through this many best hits at most ("refine the query" beyond).
MAX_NAME_HITS = 1_000
_FEATURE = FEATURE_PREFIX
_FEATURE_META = FEATURE_META_PREFIX
_IDENTIFIER_LIMIT = 200
_PASSPORT = re.compile(r"^([A-Za-z]{2,3})[\s:]+(\S.*)$")
_WORD = re.compile(r"\w+")


def name_query(text: str) -> str:
    """A Lucene query of ``text``'s words only, fuzzier for longer words; '' when it has none.

    Taking the words (letters and digits) drops every Lucene operator and special character, so no
    input can change the query's shape.
    """
    terms = []
    for word in _WORD.findall(text.casefold()):
        edits = 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2
        terms.append(f"{word}~{edits}" if edits else word)
    return " ".join(terms)


def identifier_candidates(text: str) -> list[dict[str, str]]:
    """Every ``{label, key}`` the text could name: a key as written, or a normalised identifier."""
    raw = text.strip()
    candidates = [{"label": label, "key": raw} for label in ENTITY_LABELS]
    normalisers: list[tuple[str, Callable[[str], str]]] = [
        ("Phone", phone_key),
        ("Email", email_key),
        ("Account", account_key),
        ("Address", address_key),
    ]
    for label, normalise in normalisers:
        try:
            candidates.append({"label": label, "key": normalise(raw)})
        except InvalidIdentifier:
            continue
    if match := _PASSPORT.match(raw):
        with suppress(InvalidIdentifier):
            candidates.append({"label": "Passport", "key": passport_key(match.group(1), match.group(2))})
    unique = {(c["label"], c["key"]): c for c in candidates}
    return list(unique.values())


def check_transition(current: str | None, wanted: AlertStatus) -> None:
    """Raise :class:`InvalidTransition` unless the workflow lets ``current`` become ``wanted``."""
    try:
        allowed = ALERT_TRANSITIONS[AlertStatus(current or AlertStatus.NEW)]
    except ValueError:
        raise InvalidTransition(f"the alert's status {current!r} is not part of the workflow") from None
    if wanted not in allowed:
        nexts = ", ".join(sorted(allowed)) or "none (it is closed)"
        raise InvalidTransition(f"an alert that is {current} cannot become {wanted}; next: {nexts}")


def _plain(value: Any) -> Any:
    """A property value as JSON: temporal values as ISO text, lists and maps element-wise."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _node_id(label: str | None, key: Any) -> str:
    return f"{label}:{key}"


@cache
def _label_statement(name: str, label: str) -> str:
    node = SCHEMA.node(label)
    return cypher.load("api", name).replace("__LABEL__", node.label).replace("__KEY__", node.key)


@cache
def _refs_statement(name: str, file: str = "api") -> str:
    """``name`` (of ``cypher/<file>.cypher``) with one lookup branch per entity label for ``__BRANCHES__``."""
    branches = "\nUNION\n".join(_label_statement("ref_branch", label) for label in ENTITY_LABELS)
    return cypher.load(file, name).replace("__BRANCHES__", branches)


T = TypeVar("T")


def _page(items: list[T], offset: int, limit: int) -> Page[T]:
    """A page from ``limit + 1`` fetched items: the extra one only says there is a next page."""
    more = len(items) > limit
    return Page[T](
        items=items[:limit], offset=offset, limit=limit, next_offset=offset + limit if more else None
    )


class Investigation:
    """The API's access to the graph: named statements, parameters only, answers as schemas."""

    def __init__(self, driver: Driver, settings: Settings) -> None:
        self._driver = driver
        self._settings = settings

    def _read(self, statement: str, **params: Any) -> list[dict[str, Any]]:
        """Rows as the driver's ``data()`` gives them: nodes, relationships and paths as plain values."""
        return self._run_read(statement, params, Record.data)

    def _read_plain(self, statement: str, **params: Any) -> list[dict[str, Any]]:
        """Rows of a statement that returns only numbers, text and lists of them, as they come: the
        conversion pass of ``data()`` was most of a 1,000-score batch's time in Python."""
        return self._run_read(statement, params, dict)

    def _run_read(
        self, statement: str, params: dict[str, Any], row: Callable[[Record], dict[str, Any]]
    ) -> list[dict[str, Any]]:
        # An auto-commit read in a read session, not execute_query: its retries would hold the request
        # (and a worker thread) for up to 10 s while Neo4j is down. The client gets 503 with Retry-After
        # at once instead, and retries itself.
        with (
            translate_driver_errors(self._settings),
            self._driver.session(
                database=self._settings.neo4j_database, default_access_mode=READ_ACCESS
            ) as session,
        ):
            return [row(record) for record in session.run(statement, params)]

    def read(self, statement: str, **params: Any) -> list[dict[str, Any]]:
        """A named read for the API's other services (cases), with the same 503 behaviour."""
        return self._read(statement, **params)

    def write_transaction(self, work: Callable[[ManagedTransaction], T]) -> T:
        """Run ``work`` in one write transaction; an exception it raises rolls everything back."""
        with (
            translate_driver_errors(self._settings),
            self._driver.session(database=self._settings.neo4j_database) as session,
        ):
            return session.execute_write(work)

    def _write(self, statement: str, **params: Any) -> list[dict[str, Any]]:
        with translate_driver_errors(self._settings):
            records = self._driver.execute_query(
                statement, parameters_=params, database_=self._settings.neo4j_database
            ).records
        return [record.data() for record in records]

    # -- service ---------------------------------------------------------------------------------------

    def ping(self) -> None:
        """Prove Neo4j answers a read (raises StoreUnavailable otherwise)."""
        self._read(cypher.load("api", "ping"))

    # -- entities --------------------------------------------------------------------------------------

    def search(self, text: str, by: str, offset: int, limit: int) -> Page[EntitySummaryPublic]:
        """Entities by fuzzy name (``by="name"``) or by key / normalised identifier (``"identifier"``)."""
        if by == "name":
            query = name_query(text)
            rows = (
                self._read(
                    cypher.load("api", "search_names"),
                    index=FULLTEXT_NAMES_INDEX,
                    query=query,
                    max_hits=MAX_NAME_HITS,
                    offset=offset,
                    limit=limit + 1,
                    key_of=KEY_OF,
                )
                if query
                else []
            )
        else:
            rows = self._read(
                _refs_statement("search_identifiers"),
                refs=identifier_candidates(text),
                identifier_types=IDENTIFIER_TYPES,
                offset=offset,
                limit=limit + 1,
                key_of=KEY_OF,
            )
        hits = [
            EntitySummaryPublic(
                label=r["label"],
                key=str(r["key"]),
                name=r["name"],
                matched_by=r["matched_by"],
                score=float(r["score"]),
            )
            for r in rows
        ]
        return _page(hits, offset, limit)

    def entity(self, ref: EntityRef) -> EntityPublic:
        """One entity with its identifiers, explained scores, model features and rings."""
        rows = self._read(
            _label_statement("entity_by_key", ref.label),
            key=ref.key,
            identifier_types=IDENTIFIER_TYPES,
            identifier_limit=_IDENTIFIER_LIMIT,
            key_of=KEY_OF,
        )
        if not rows:
            raise EntityNotFound(f"no {ref.label} with key {ref.key!r}")
        row = rows[0]
        props: dict[str, Any] = dict(row["properties"])
        scores = explained_scores(props)
        features = _feature_sets(props)
        return EntityPublic(
            label=ref.label,
            key=ref.key,
            labels=sorted(row["labels"]),
            name=props.get("name"),
            properties={k: _plain(v) for k, v in sorted(props.items())},
            identifiers=[IdentifierPublic(**i) for i in row["identifiers"]],
            scores=scores,
            features=features,
            rings=[RingMembershipPublic(**r) for r in row["rings"]],
        )

    def _element_id(self, ref: EntityRef) -> tuple[str, str | None]:
        rows = self._read(_label_statement("entity_ids", ref.label), key=ref.key)
        if not rows:
            raise EntityNotFound(f"no {ref.label} with key {ref.key!r}")
        return rows[0]["element_id"], rows[0]["name"]

    def network(
        self,
        ref: EntityRef,
        *,
        hops: int,
        types: list[str],
        since: date | None,
        until: date | None,
        per_node_limit: int,
        max_nodes: int,
    ) -> NetworkPublic:
        """The ego network around ``ref``, hop by hop; each expanded node says how many it left out."""
        center, name = self._element_id(ref)
        nodes: dict[str, dict[str, Any]] = {
            center: {"label": ref.label, "key": ref.key, "name": name, "hop": 0, "more": None}
        }
        links: dict[str, dict[str, Any]] = {}
        frontier = [center]
        truncated = False
        for hop in range(1, hops + 1):
            if not frontier:
                break
            rows = self._read(
                cypher.load("api", "ego_expand"),
                frontier=frontier,
                types=types,
                time_of=TIME_OF,
                since=since,
                until=until,
                cap=per_node_limit,
                key_of=KEY_OF,
            )
            frontier = []
            for row in rows:
                expanded = nodes[row["element_id"]]
                expanded["more"] = int(row["total"]) - len(row["links"])
                for link in row["links"]:
                    neighbour = link["element_id"]
                    if neighbour not in nodes:
                        if len(nodes) >= max_nodes:
                            truncated = True
                            expanded["more"] += 1
                            continue
                        nodes[neighbour] = {
                            "label": link["label"],
                            "key": link["key"],
                            "name": link["name"],
                            "hop": hop,
                            "more": None,
                        }
                        frontier.append(neighbour)
                    links[link["relationship_id"]] = link
        ids = {eid: _node_id(n["label"], n["key"]) for eid, n in nodes.items()}
        return NetworkPublic(
            center=ref.node_id,
            hops=hops,
            nodes=[
                NetworkNodePublic(
                    id=ids[eid],
                    label=n["label"],
                    key=_text(n["key"]),
                    name=n["name"],
                    hop=n["hop"],
                    more=n["more"],
                )
                for eid, n in nodes.items()
            ],
            links=[
                NetworkLinkPublic(
                    type=link["type"], source=ids[link["start"]], target=ids[link["end"]], at=link["at"]
                )
                for link in links.values()
            ],
            truncated=truncated,
        )

    def paths(
        self, source: EntityRef, target: EntityRef, *, types: list[str], max_length: int, limit: int
    ) -> PathsPublic:
        """The shortest paths between two entities over ``types``, none longer than ``max_length``."""
        source_id, source_name = self._element_id(source)
        target_id, _ = self._element_id(target)
        if source_id == target_id:
            only = PathNodePublic(id=source.node_id, label=source.label, key=source.key, name=source_name)
            return PathsPublic(
                source=source.node_id, target=target.node_id, paths=[PathPublic(nodes=[only], links=[])]
            )
        rows = self._read(
            cypher.load("api", "shortest_paths"),
            from_id=source_id,
            to_id=target_id,
            types=types,
            max_length=max_length,
            limit=limit,
            key_of=KEY_OF,
        )
        paths = []
        for row in rows:
            ids = {n["element_id"]: _node_id(n["label"], n["key"]) for n in row["nodes"]}
            paths.append(
                PathPublic(
                    nodes=[
                        PathNodePublic(
                            id=ids[n["element_id"]], label=n["label"], key=_text(n["key"]), name=n["name"]
                        )
                        for n in row["nodes"]
                    ],
                    links=[
                        NetworkLinkPublic(
                            type=r["type"], source=ids[r["start"]], target=ids[r["end"]], at=None
                        )
                        for r in row["relationships"]
                    ],
                )
            )
        return PathsPublic(source=source.node_id, target=target.node_id, paths=paths)

    # -- rings and alerts ------------------------------------------------------------------------------

    def rings(
        self,
        *,
        alerts: bool,
        scheme: str | None,
        status: AlertStatus | None,
        include_stale: bool,
        offset: int,
        limit: int,
    ) -> Page[RingSummaryPublic]:
        """Rings ranked per scheme, or (``alerts``) the alerts strongest first."""
        params: dict[str, Any] = {
            "scheme": scheme,
            "status": status.value if status else None,
            "offset": offset,
            "limit": limit + 1,
        }
        if alerts:
            rows = self._read(cypher.load("api", "alerts"), **params)
        else:
            rows = self._read(cypher.load("api", "rings"), include_stale=include_stale, **params)
        return _page([RingSummaryPublic(**_ring_fields(r["ring"])) for r in rows], offset, limit)

    def ring(self, ring_id: str) -> RingPublic:
        """A ring with its members, evidence paths, the runs that found it and its status history."""
        rows = self._read(cypher.load("api", "ring_detail"), ring_id=ring_id, key_of=KEY_OF)
        if not rows:
            raise RingNotFound(f"no ring {ring_id!r}")
        row = rows[0]
        props = row["ring"]
        return RingPublic(
            **_ring_fields(props),
            members=[RingMemberPublic(**{**m, "key": _text(m["key"])}) for m in row["members"]],
            evidence=_json_list(props.get("evidence")),
            runs=row["runs"],
            status_history=[json.loads(entry) for entry in props.get("status_history") or []],
        )

    def change_alert_status(
        self, ring_id: str, wanted: AlertStatus, changed_by: str, note: str
    ) -> RingPublic:
        """Move an alert along the workflow; who, when and the note are kept on the ring."""
        current = self.ring(ring_id).status
        check_transition(current, wanted)
        changed_at = datetime.now(UTC)
        entry = json.dumps(
            {
                "from": current,
                "to": wanted.value,
                "by": changed_by,
                "at": changed_at.isoformat(),
                "note": note,
            },
            ensure_ascii=False,
        )
        rows = self._write(
            cypher.load("api", "change_ring_status"),
            ring_id=ring_id,
            from_status=current,
            to_status=wanted.value,
            changed_by=changed_by,
            changed_at=changed_at,
            note=note,
            history_entry=entry,
        )
        if not rows:
            raise InvalidTransition(f"ring {ring_id!r} changed status meanwhile; read it again")
        return self.ring(ring_id)

    # -- risk models -----------------------------------------------------------------------------------

    def scores_by_key(self, refs: list[EntityRef]) -> dict[tuple[str, str], EntityScores]:
        """The analytics results of ``refs`` by (label, key), one read per label (an index seek per key);
        the ones the graph does not hold are left out. (One ``UNWIND`` per label cost Neo4j a third of
        one statement branching on every label for each ref.) Plain dicts: the API writes them out as
        JSON as they are (api.score_lookups)."""
        keys_by_label: dict[str, list[str]] = defaultdict(list)
        for ref in dict.fromkeys(refs):
            keys_by_label[ref.label].append(ref.key)
        return {
            (label, row["key"]): entity_scores(label, row["key"], row)
            for label, keys in keys_by_label.items()
            for row in self._read_plain(
                _label_statement("scores_by_keys", label), keys=keys, score_names=SCORE_NAMES
            )
        }

    def scores(self, refs: list[EntityRef]) -> ScoreBatchPublic:
        """The analytics results of up to 1,000 entities, in the order asked; the ones not in the graph
        as missing."""
        unique = list(dict.fromkeys(refs))
        found = self.scores_by_key(unique)
        held, missing = held_and_missing(unique, found)
        return ScoreBatchPublic(
            results=[EntityScoresPublic(**found[(r.label, r.key)]) for r in held], missing=missing
        )

    def write_features(self, request: FeatureWriteRequest) -> FeatureWritePublic:
        """Write one model version's features in one transaction; entities not in the graph are missing."""
        written_at = datetime.now(UTC).isoformat()
        by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in request.rows:
            by_label[row.label].append(
                {
                    "key": row.key,
                    "properties": feature_properties(
                        request.model, request.version, row.features, written_at
                    ),
                }
            )

        with (
            translate_driver_errors(self._settings),
            self._driver.session(database=self._settings.neo4j_database) as session,
        ):
            written = session.execute_write(write_feature_rows, by_label)
        refs = list(dict.fromkeys(EntityRef(label=r.label, key=r.key) for r in request.rows))
        return FeatureWritePublic(
            model=request.model,
            version=request.version,
            written=len(written),
            missing=[r for r in refs if (r.label, r.key) not in written],
        )


def explained_scores(props: dict[str, Any]) -> list[ScorePublic]:
    """Take the analytics results out of ``props`` (in place), each with its meaning and run."""
    scores = []
    for name, result in RESULT_PROPERTIES.items():
        if name in props:
            value = props.pop(name)
            run_id = props.pop(result.run_property, None)
            scores.append(
                ScorePublic(name=name, value=float(value), description=result.description, run_id=run_id)
            )
    return scores


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _json_list(text: Any) -> list[Any]:
    if not text:
        return []
    value = json.loads(text)
    return value if isinstance(value, list) else [value]


_RING_FIELDS = (
    "ring_id",
    "scheme",
    "score",
    "rank",
    "member_count",
    "status",
    "first_found_at",
    "last_found_at",
    "status_changed_by",
    "status_changed_at",
)


def _ring_fields(props: Mapping[str, Any]) -> dict[str, Any]:
    fields = {name: _plain(props.get(name)) for name in _RING_FIELDS}
    fields["stale"] = bool(props.get("stale") or False)
    return fields


def _feature_sets(props: dict[str, Any]) -> list[FeatureSetPublic]:
    """Take the model features out of ``props`` (in place), one set per model."""
    values: dict[str, dict[str, float]] = defaultdict(dict)
    meta: dict[str, dict[str, str]] = defaultdict(dict)
    for name in [p for p in props if p.startswith((_FEATURE, _FEATURE_META))]:
        prefix, model, field = name.split("__", 2)
        value = props.pop(name)
        if prefix == _FEATURE.rstrip("_"):
            values[model][field] = float(value)
        else:
            meta[model][field] = str(value)
    return [
        FeatureSetPublic(
            model=model,
            version=meta[model].get("version"),
            written_at=meta[model].get("written_at"),
            values=values[model],
        )
        for model in sorted(set(values) | set(meta))
    ]

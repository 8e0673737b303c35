"""Link the mentions of every report to graph entities and write ``MENTIONS`` with the text span.

Identifiers are looked up by their graph key (a phone's E.164 number, an account, a passport number,
a container's declarations...). A person's name is linked to the records whose name reading it has,
when one of them also holds an identifier the same report quotes (method ``name+identifier``) or when
only one record has that reading (``name``); a common name with nothing to tell its holders apart is
left unlinked rather than guessed. Firms likewise, by gazetteer name. Writing first removes the
report's earlier mentions, so a second run leaves the graph as it was.

Example (needs a running Neo4j)::

    report = link_documents(driver, settings)
    print(report.documents, report.mentions, report.by_kind)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from neo4j import Driver

import cypher
from bigfinder.settings import Settings
from documents.pipeline import Mention, MentionExtractor
from graph.schema import SCHEMA
from graph.store import translate_driver_errors
from graph.tables import read_columns
from resolution.records import PartyRecords
from resolution.store import read_records

__all__ = ["LINK_TARGETS", "DocumentReport", "link_documents", "link_mentions"]

#: Mention kind -> (label, property it is looked up by). The whitelist of ``merge_mentions``.
LINK_TARGETS: dict[str, tuple[str, str]] = {
    "person": ("Person", "person_id"),
    "company": ("Company", "company_id"),
    "phone": ("Phone", "number"),
    "account": ("Account", "account_id"),
    "passport": ("Passport", "number"),
    "address": ("Address", "address_key"),
    "tracking": ("Parcel", "tracking_number"),
    "container": ("Declaration", "container_number"),
    "registration": ("Company", "registration_number"),
}
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class DocumentReport:
    documents: int
    mentions: int
    linked: int
    by_kind: dict[str, int]


class _Parties:
    """Records by name reading, and each record's identifiers as reports quote them."""

    def __init__(self, records: PartyRecords) -> None:
        self.records = records
        self.by_reading: dict[str, list[int]] = defaultdict(list)
        for at, readings in enumerate(records.readings):
            for family, given in readings:
                self.by_reading[f"{family}|{given}"].append(at)
        self.quoted: list[set[str]] = []
        for at in range(len(records)):
            keys = {records.registration_number[at]} - {""}
            for kind in ("phones", "accounts", "emails", "addresses"):
                keys.update(records.identifiers[kind][at])
            keys.update(p.partition(":")[2] for p in records.identifiers["passports"][at])
            self.quoted.append(keys)

    def link(self, mention: Mention, quoted: set[str]) -> list[tuple[str, str, float]]:
        """(record id, method, score) of the records a name mention stands for."""
        candidates = self.by_reading.get(mention.key, [])
        backed = [at for at in candidates if self.quoted[at] & quoted]
        if backed:
            return [(self.records.record_id[at], "name+identifier", 0.95) for at in backed]
        if len(candidates) == 1:
            return [(self.records.record_id[candidates[0]], "name", 0.7)]
        return []


def link_mentions(
    mentions: list[Mention], people: _Parties, companies: _Parties
) -> list[tuple[str, str, Mention, str, float]]:
    """(kind, lookup value, mention, method, score) for every mention of one report."""
    quoted = {m.key for m in mentions if m.kind not in ("person", "company")}
    registrations = {m.text for m in mentions if m.kind == "registration"}
    links: list[tuple[str, str, Mention, str, float]] = []
    for mention in mentions:
        if mention.kind == "person":
            links += [
                ("person", rid, mention, method, score) for rid, method, score in people.link(mention, quoted)
            ]
        elif mention.kind == "company":
            found = companies.link(mention, quoted | registrations)
            links += [("company", rid, mention, method, score) for rid, method, score in found]
        else:
            value = mention.text if mention.kind == "registration" else mention.key
            links.append((mention.kind, value, mention, "pattern", 1.0))
    return links


def _merge_statement(kind: str) -> str:
    label, prop = LINK_TARGETS[kind]
    node = SCHEMA.node(label)
    return (
        cypher.load("documents", "merge_mentions")
        .replace("__LABEL__", node.label)
        .replace("__PROPERTY__", prop)
    )


def _run(driver: Driver, settings: Settings, statement: str, **params: Any) -> list[dict[str, Any]]:
    with translate_driver_errors(settings):
        result = driver.execute_query(statement, parameters_=params, database_=settings.neo4j_database)
    return [record.data() for record in result.records]


def link_documents(driver: Driver, settings: Settings, progress: Progress | None = None) -> DocumentReport:
    """Extract, link and write the mentions of every report in the graph."""
    people = _Parties(read_records(driver, settings, "Person"))
    companies = _Parties(read_records(driver, settings, "Company"))
    extractor = MentionExtractor(companies.records.name, {r for rs in people.records.readings for r in rs})
    docs = read_columns(driver, settings, "documents", "documents")
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    mentions = 0
    total = len(docs["document_id"])
    for done, (document_id, text) in enumerate(zip(docs["document_id"], docs["text"], strict=True), 1):
        found = extractor.extract(text or "")
        mentions += len(found)
        for kind, value, mention, method, score in link_mentions(found, people, companies):
            rows[kind].append(
                {
                    "document_id": document_id,
                    "key": value,
                    "start": mention.start,
                    "end": mention.end,
                    "text": mention.text,
                    "method": method,
                    "score": score,
                }
            )
        if progress and (done % 100 == 0 or done == total):
            progress("extracting mentions", done, total)
    _run(driver, settings, cypher.load("documents", "clear_mentions"), document_ids=docs["document_id"])
    by_kind: Counter[str] = Counter()
    for kind, kind_rows in rows.items():
        statement = _merge_statement(kind)
        for begin in range(0, len(kind_rows), 5_000):
            written = _run(driver, settings, statement, rows=kind_rows[begin : begin + 5_000])
            by_kind[kind] += int(written[0]["linked"]) if written else 0
    return DocumentReport(total, mentions, sum(by_kind.values()), dict(by_kind))

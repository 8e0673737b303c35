"""Party records as the matcher reads them: one column per field, identifiers already normalised.

Records come from the graph (:mod:`resolution.store`) or straight from a generated world's files
(:func:`records_from_world`, for benchmarks and tests that need no Neo4j). Identifier values are the
graph's keys (:mod:`ingest.normalise`), so a phone written two ways is one value here too.

Example
-------
>>> people = PartyRecords.build("Person", [
...     {"record_id": "P1", "name": "김민수", "date_of_birth": "1980-01-02", "phones": ["+821012345678"]},
...     {"record_id": "P2", "name": "Kim Min-soo", "date_of_birth": "1980-01-02"},
... ])
>>> people.readings[0] == people.readings[1], int(people.birth_day[0]) == int(people.birth_day[1])
(True, True)
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ingest.normalise import (
    InvalidIdentifier,
    account_key,
    address_key,
    email_key,
    passport_key,
    phone_key,
)
from resolution.names import company_name_key, person_readings

__all__ = ["IDENTIFIER_KINDS", "NO_DAY", "PartyKind", "PartyRecords", "records_from_world"]

PartyKind = Literal["Person", "Company"]
#: Shared identifiers a record may carry, as graph keys.
IDENTIFIER_KINDS = ("phones", "emails", "addresses", "accounts", "passports")
#: Day value of an unknown date (dates before 1970 are negative days, so -1 will not do).
NO_DAY = -(2**40)
_EPOCH = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class PartyRecords:
    """Person or Company records of one kind, column by column."""

    kind: PartyKind
    record_id: list[str]
    name: list[str]
    #: Readings of each name (see :func:`resolution.names.person_readings`); companies have one.
    readings: list[tuple[tuple[str, str], ...]]
    #: Days since 1970 of the birth (persons) or registration (companies); NO_DAY when not known.
    birth_day: npt.NDArray[np.int64]
    nationality: list[str]
    registration_number: list[str]
    #: The register (source file) each record was read from.
    register: list[str]
    identifiers: dict[str, list[tuple[str, ...]]]

    def __len__(self) -> int:
        return len(self.record_id)

    @classmethod
    def build(cls, kind: PartyKind, rows: Iterable[Mapping[str, Any]]) -> PartyRecords:
        """Records from maps with ``record_id``, ``name`` and optional ``name_latin``, ``date_of_birth``
        (or ``registered_on``), ``nationality`` (or ``country``), ``registration_number``,
        ``source_file`` (the register) and the identifier lists of :data:`IDENTIFIER_KINDS` (graph keys)."""
        ids: list[str] = []
        names: list[str] = []
        readings: list[tuple[tuple[str, str], ...]] = []
        days: list[int] = []
        nationality: list[str] = []
        registration: list[str] = []
        register: list[str] = []
        identifiers: dict[str, list[tuple[str, ...]]] = {k: [] for k in IDENTIFIER_KINDS}
        for row in rows:
            ids.append(str(row["record_id"]))
            name = str(row.get("name") or "")
            names.append(name)
            country = str(row.get("nationality") or row.get("country") or "")
            readings.append(_readings(kind, name, str(row.get("name_latin") or ""), country))
            days.append(_day(row.get("date_of_birth") or row.get("registered_on")))
            nationality.append(country)
            registration.append(
                "".join(ch for ch in str(row.get("registration_number") or "") if ch.isalnum())
            )
            register.append(str(row.get("source_file") or ""))
            for key in IDENTIFIER_KINDS:
                identifiers[key].append(tuple(sorted(set(row.get(key) or ()))))
        days_array = np.asarray(days, dtype=np.int64)
        return cls(kind, ids, names, readings, days_array, nationality, registration, register, identifiers)


def _readings(kind: PartyKind, name: str, latin: str, country: str) -> tuple[tuple[str, str], ...]:
    if kind == "Company":
        return (("", company_name_key(name)),) if name else ()
    # A foreign national's "Ha" or "An" is a given name, not a Korean surname.
    korean = country in ("", "KR", "KOR")
    both = person_readings(name, korean) + (person_readings(latin, korean) if latin else ())
    return tuple(dict.fromkeys(both))


def _day(value: object) -> int:
    if isinstance(value, date):
        return value.toordinal() - _EPOCH
    text = str(value or "")[:10]
    try:
        return date.fromisoformat(text).toordinal() - _EPOCH
    except ValueError:
        return NO_DAY


def _keys(normalise: Callable[[str], str], values: Iterable[str]) -> list[str]:
    keys = []
    for value in values:
        try:
            keys.append(normalise(value))
        except InvalidIdentifier:
            continue
    return keys


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _person_row(row: Mapping[str, str], source_file: str) -> dict[str, Any]:
    passports = []
    if row.get("passport_number"):
        passports = _keys(
            lambda n: passport_key(row.get("passport_country") or "", n), [row["passport_number"]]
        )
    return {
        "record_id": row["person_id"],
        "name": row.get("name", ""),
        "name_latin": row.get("name_latin", ""),
        "date_of_birth": row.get("date_of_birth", ""),
        "nationality": row.get("nationality", ""),
        "phones": _keys(phone_key, [row.get("phone") or ""]),
        "emails": _keys(email_key, [row.get("email") or ""]),
        "addresses": _keys(address_key, [row.get("address") or ""]),
        "passports": passports,
        "source_file": source_file,
    }


def _company_row(row: Mapping[str, str], source_file: str) -> dict[str, Any]:
    return {
        "record_id": row["company_id"],
        "name": row.get("name", ""),
        "registered_on": row.get("registered_on", ""),
        "country": row.get("country", ""),
        "registration_number": row.get("registration_number", ""),
        "phones": _keys(phone_key, [row.get("phone") or ""]),
        "emails": _keys(email_key, [row.get("email") or ""]),
        "addresses": _keys(address_key, [row.get("address") or ""]),
        "accounts": _keys(account_key, (row.get("bank_accounts") or "").split(";")),
        "source_file": source_file,
    }


def records_from_world(
    folder: Path, kinds: Sequence[PartyKind] = ("Person", "Company")
) -> dict[str, PartyRecords]:
    """Person records of ``travelers.csv`` and ``persons.csv`` and company records of ``companies.csv``
    in a generated world's folder, normalised as the ingest would."""
    out: dict[str, PartyRecords] = {}
    if "Person" in kinds:
        files = ("travelers.csv", "persons.csv")
        rows = (_person_row(r, name) for name in files for r in _csv_rows(folder / name))
        out["Person"] = PartyRecords.build("Person", rows)
    if "Company" in kinds:
        companies = (_company_row(r, "companies.csv") for r in _csv_rows(folder / "companies.csv"))
        out["Company"] = PartyRecords.build("Company", companies)
    return out

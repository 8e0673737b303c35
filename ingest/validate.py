"""Row validation: every value parsed by its column type, or one reason the row is refused.

The rules come from :mod:`ingest.formats` (column types, required flags, enum choices), so the
document, the generator and the loader cannot drift apart. Each column type has one small parser that
returns the typed value or raises :class:`ValueProblem` with a reason an investigator can read in the
quarantine file.

>>> from datetime import date
>>> from ingest.formats import format_by_name
>>> from ingest.reader import RawRow
>>> checker = RowValidator(format_by_name("watchlist"), today=date(2024, 1, 1))
>>> checker.validate(RawRow(2, {"entry_id": "W1", "entity_id": "C1", "entity_kind": "company",
...     "kind": "tax_delinquent", "source": "NTS", "listed_on": "2022-01-05"})).values["listed_on"]
datetime.date(2022, 1, 5)
>>> checker.validate(RawRow(3, {"entry_id": "W2", "entity_id": "C1", "entity_kind": "company",
...     "kind": "tax_delinquent", "source": "NTS", "listed_on": "2031-01-05"})).problem
'listed_on: 2031-01-05 is in the future'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from ingest.formats import Column, ColumnType, SourceFormat
from ingest.normalise import InvalidIdentifier, email_key, phone_key
from ingest.reader import RawRow

__all__ = ["CheckedRow", "RowValidator", "ValueProblem"]

_HS_CODE = re.compile(r"^\d{6}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_EARLIEST = date(1900, 1, 1)
_When = TypeVar("_When", date, datetime)


class ValueProblem(ValueError):
    """One value that does not fit its column."""


@dataclass(frozen=True)
class CheckedRow:
    """A row after validation: typed values, or the reason it goes to quarantine."""

    line: int
    values: dict[str, Any]
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """True when the row can be loaded."""
        return self.problem is None


def _text(value: Any) -> str:
    return str(value).strip()


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueProblem(f"{value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueProblem(f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueProblem(f"{value!r} is not a finite number")
    if number < 0:
        raise ValueProblem(f"{value!r} is negative")
    return number


def _integer(value: Any) -> int:
    # Whole numbers may be negative: sources use -1 as "none" (AMLSim's fraudStep); amounts may not.
    if isinstance(value, bool):
        raise ValueProblem(f"{value!r} is not a whole number")
    if isinstance(value, int):
        return value
    try:
        return int(_text(value))
    except ValueError:
        raise ValueProblem(f"{value!r} is not a whole number") from None


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no"}:
        return False
    raise ValueProblem(f"{value!r} is not true or false")


class RowValidator:
    """Validates rows of one source; ``today`` bounds dates (nothing happens in the future)."""

    def __init__(self, source: SourceFormat, today: date | None = None) -> None:
        self.source = source
        self.today = today or datetime.now(UTC).date()
        self._parsers: dict[ColumnType, Callable[[Any, Column], Any]] = {
            ColumnType.IDENTIFIER: lambda v, _c: _text(v),
            ColumnType.TEXT: lambda v, _c: _text(v),
            ColumnType.INTEGER: lambda v, _c: _integer(v),
            ColumnType.DECIMAL: lambda v, _c: _number(v),
            ColumnType.BOOLEAN: lambda v, _c: _boolean(v),
            ColumnType.DATE: lambda v, _c: self._date(v),
            ColumnType.DATETIME: lambda v, _c: self._datetime(v),
            ColumnType.ENUM: self._enum,
            ColumnType.LIST: self._list,
            ColumnType.PHONE: lambda v, _c: _identifier(phone_key, v),
            ColumnType.EMAIL: lambda v, _c: _identifier(email_key, v),
            ColumnType.COUNTRY: lambda v, _c: _pattern(_COUNTRY, v, "an ISO country code", upper=True),
            ColumnType.CURRENCY: lambda v, _c: _pattern(_CURRENCY, v, "an ISO currency code", upper=True),
            ColumnType.HS_CODE: lambda v, _c: _pattern(_HS_CODE, v, "a six-digit HS code"),
            ColumnType.SHA256: lambda v, _c: _pattern(_SHA256, v, "a SHA-256 hex digest"),
            ColumnType.BOX: lambda v, _c: _box(v),
        }

    def validate(self, row: RawRow) -> CheckedRow:
        """The typed row, or the first problem found (column name and reason)."""
        if row.problem:
            return CheckedRow(row.line, row.values, f"row {row.problem}")
        typed: dict[str, Any] = {}
        for column in self.source.columns:
            raw = row.values.get(column.name)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if column.required:
                    return CheckedRow(row.line, row.values, f"{column.name}: required value is missing")
                typed[column.name] = [] if column.type is ColumnType.LIST else None
                continue
            try:
                typed[column.name] = self._parsers[column.type](raw, column)
            except ValueProblem as exc:
                return CheckedRow(row.line, row.values, f"{column.name}: {exc}")
        return CheckedRow(row.line, typed)

    def _date(self, value: Any) -> date:
        day: date
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        else:
            try:
                day = date.fromisoformat(_text(value))
            except ValueError:
                raise ValueProblem(f"{value!r} is not a date (YYYY-MM-DD)") from None
        return self._in_range(day, day)

    def _datetime(self, value: Any) -> datetime:
        moment: datetime
        if isinstance(value, datetime):
            moment = value
        else:
            try:
                moment = datetime.fromisoformat(_text(value))
            except ValueError:
                raise ValueProblem(f"{value!r} is not a timestamp (YYYY-MM-DDThh:mm:ssZ)") from None
        if moment.tzinfo is None:
            raise ValueProblem(f"{moment.isoformat()} has no time zone; write UTC with a Z suffix")
        moment = moment.astimezone(UTC)
        return self._in_range(moment, moment.date())

    def _in_range(self, value: _When, day: date) -> _When:
        if day > self.today:
            raise ValueProblem(f"{day.isoformat()} is in the future")
        if day < _EARLIEST:
            raise ValueProblem(f"{day.isoformat()} is before 1900")
        return value

    def _enum(self, value: Any, column: Column) -> str:
        text = _text(value).lower()
        if column.choices and text not in column.choices:
            raise ValueProblem(f"{value!r} is not one of {', '.join(column.choices)}")
        return text

    def _list(self, value: Any, column: Column) -> list[str]:
        items = [_text(v) for v in value] if isinstance(value, list) else _text(value).split(";")
        items = [item for item in items if item]
        if column.choices:
            unknown = [item for item in items if item not in column.choices]
            if unknown:
                raise ValueProblem(f"{', '.join(unknown)} not among {', '.join(column.choices)}")
        return items


def _identifier(normalise: Callable[[str], str], value: Any) -> str:
    try:
        return normalise(_text(value))
    except InvalidIdentifier as exc:
        raise ValueProblem(str(exc)) from None


def _pattern(pattern: re.Pattern[str], value: Any, what: str, *, upper: bool = False) -> str:
    text = _text(value).upper() if upper else _text(value)
    if not pattern.match(text):
        raise ValueProblem(f"{value!r} is not {what}")
    return text


def _box(value: Any) -> list[int]:
    if not isinstance(value, list | tuple) or len(value) != 4:
        raise ValueProblem(f"{value!r} is not a box [x, y, width, height]")
    box = [_integer(v) for v in value]
    if min(box) < 0:
        raise ValueProblem(f"{value!r} has a negative coordinate")
    return box

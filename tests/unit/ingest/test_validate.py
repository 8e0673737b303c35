from datetime import UTC, date, datetime

import pytest

from ingest.formats import format_by_name
from ingest.reader import RawRow
from ingest.validate import RowValidator

TODAY = date(2024, 6, 30)


def _transfer(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        name: column.example for name, column in ((c.name, c) for c in format_by_name("transfers").columns)
    }
    row.update(overrides)
    return row


def test_the_documented_example_rows_are_valid() -> None:
    for name in ("travelers", "persons", "trips", "companies", "declarations", "transfers", "watchlist"):
        source = format_by_name(name)
        checked = RowValidator(source, today=date(2100, 1, 1)).validate(RawRow(2, dict(source.example_row())))
        assert checked.ok, (name, checked.problem)


def test_amounts_must_be_numbers() -> None:
    checked = RowValidator(format_by_name("transfers"), today=TODAY).validate(
        RawRow(7, _transfer(amount="12,5O0"))
    )
    assert checked.problem == "amount: '12,5O0' is not a number"
    assert checked.line == 7


def test_timestamps_need_a_zone_and_no_future() -> None:
    validator = RowValidator(format_by_name("transfers"), today=TODAY)
    assert "no time zone" in str(
        validator.validate(RawRow(2, _transfer(sent_at="2023-01-01T10:00:00"))).problem
    )
    assert "in the future" in str(
        validator.validate(RawRow(2, _transfer(sent_at="2030-01-01T10:00:00Z"))).problem
    )
    ok = validator.validate(RawRow(2, _transfer(sent_at="2023-01-01T19:00:00+09:00")))
    assert ok.values["sent_at"] == datetime(2023, 1, 1, 10, 0, tzinfo=UTC)


def test_unparseable_dates_are_refused() -> None:
    source = format_by_name("watchlist")
    row = {**source.example_row(), "listed_on": "31/12/2021"}
    assert RowValidator(source, today=TODAY).validate(RawRow(2, row)).problem == (
        "listed_on: '31/12/2021' is not a date (YYYY-MM-DD)"
    )


def test_required_values_and_enum_choices() -> None:
    source = format_by_name("watchlist")
    validator = RowValidator(source, today=TODAY)
    assert validator.validate(RawRow(2, {**source.example_row(), "entity_id": " "})).problem == (
        "entity_id: required value is missing"
    )
    assert "is not one of" in str(
        validator.validate(RawRow(2, {**source.example_row(), "kind": "rumour"})).problem
    )


@pytest.mark.parametrize(("value", "ok"), [("-5", False), ("nan", False), ("inf", False), ("0", True)])
def test_numbers_are_finite_and_not_negative(value: str, ok: bool) -> None:
    checked = RowValidator(format_by_name("transfers"), today=TODAY).validate(
        RawRow(2, _transfer(amount=value))
    )
    assert checked.ok is ok


def test_phones_are_normalised_while_validating() -> None:
    source = format_by_name("companies")
    checked = RowValidator(source, today=TODAY).validate(
        RawRow(2, {**source.example_row(), "phone": "(02) 3453 1290"})
    )
    assert checked.values["phone"] == "+82234531290"


def test_a_row_the_reader_could_not_parse_stays_refused() -> None:
    checked = RowValidator(format_by_name("watchlist"), today=TODAY).validate(
        RawRow(5, {}, "is not valid JSON")
    )
    assert checked.problem == "row is not valid JSON"

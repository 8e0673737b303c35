import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.normalise import (
    InvalidIdentifier,
    account_key,
    address_key,
    email_key,
    name_key,
    passport_key,
    phone_key,
)


@pytest.mark.parametrize(
    "written", ["+82 2-1234-5678", "02 1234 5678", "02-1234-5678", "(02) 1234-5678", "+82 (0)2 1234 5678"]
)
def test_one_phone_written_many_ways_is_one_key(written: str) -> None:
    assert phone_key(written) == "+82212345678"


def test_foreign_numbers_keep_their_country() -> None:
    assert phone_key("+1 415 555 0100") == "+14155550100"


@pytest.mark.parametrize("bad", ["abc", "12345", ""])
def test_non_numbers_are_refused_with_a_reason(bad: str) -> None:
    with pytest.raises(InvalidIdentifier, match="phone number"):
        phone_key(bad)


def test_email_case_and_spacing() -> None:
    assert email_key("  Kim.MinSu@Example.COM ") == "kim.minsu@example.com"
    with pytest.raises(InvalidIdentifier, match="not an e-mail address"):
        email_key("kim at example.com")


def test_names_ignore_case_spacing_and_syllable_hyphens() -> None:
    assert name_key("KIM  Min-su") == name_key("Kim Minsu") == name_key("kim min su") == "kim minsu"
    # Word order is evidence for the matcher, not erased here.
    assert name_key("Minsu Kim") != name_key("Kim Minsu")


def test_hangul_is_transliterated() -> None:
    assert name_key("김민수").isascii()


def test_addresses_spell_out_abbreviations() -> None:
    assert address_key("12 Teheran-ro, BLDG 3, Ste 401") == "12 teheran ro building 3 suite 401"
    assert address_key("12 teheran ro   building 3 suite 401") == "12 teheran ro building 3 suite 401"


def test_passport_and_account_keys() -> None:
    assert passport_key("kor", "m 1234 5678") == "KOR:M12345678"
    assert account_key("110-234-567890") == "110234567890"
    with pytest.raises(InvalidIdentifier):
        passport_key("Korea", "M12345678")
    with pytest.raises(InvalidIdentifier):
        account_key("12")


@given(st.text(min_size=1, max_size=40))
def test_name_key_is_idempotent(text: str) -> None:
    try:
        key = name_key(text)
    except InvalidIdentifier:
        return
    assert name_key(key) == key


@given(st.text(min_size=1, max_size=60))
def test_address_key_is_idempotent_and_ascii(text: str) -> None:
    try:
        key = address_key(text)
    except InvalidIdentifier:
        return
    assert key.isascii()
    assert address_key(key) == key

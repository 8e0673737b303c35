"""Normal forms of the shared identifiers, so the same phone written two ways is one node.

Each function takes what a source file holds and returns the key the graph stores (the identifying
property of the Phone, Email, Address, Passport or Account node), or raises :class:`InvalidIdentifier`
with a reason a quarantine file can show.

>>> phone_key("02-1234-5678") == phone_key("+82 2 1234 5678") == "+82212345678"
True
>>> address_key("12, Teheran-ro  BLDG 3") == address_key("12 teheran-ro building 3")
True
>>> name_key("KIM  Min-su") == name_key("Kim Minsu")
True
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from anyascii import anyascii

__all__ = [
    "DEFAULT_PHONE_REGION",
    "InvalidIdentifier",
    "account_key",
    "address_key",
    "email_key",
    "name_key",
    "passport_key",
    "phone_key",
]

#: Numbers written without a country code are read as Korean ones (the customs service's home).
DEFAULT_PHONE_REGION = "KR"

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
_ACCOUNT = re.compile(r"^[0-9A-Z]{6,34}$")
_PASSPORT = re.compile(r"^[0-9A-Z]{5,12}$")
_COUNTRY = re.compile(r"^[A-Z]{2,3}$")

# Abbreviations that vary between clerks and systems; the key spells them out.
_ADDRESS_WORDS = {
    "st": "street",
    "rd": "road",
    "ave": "avenue",
    "bldg": "building",
    "blvd": "boulevard",
    "fl": "floor",
    "flr": "floor",
    "ste": "suite",
    "apt": "apartment",
    "no": "number",
}


class InvalidIdentifier(ValueError):
    """A value that cannot be an identifier of its kind; the message says why."""


def _ascii_words(text: str) -> list[str]:
    """Transliterated (Hangul and other scripts to Latin), case-folded, punctuation-free words."""
    latin = anyascii(unicodedata.normalize("NFKC", text)).casefold()
    return [w for w in _NOT_WORD.split(latin) if w]


def phone_key(raw: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """The E.164 form of a phone number; national numbers are read in ``region``."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentifier(f"{raw!r} is not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier(f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email_key(raw: str) -> str:
    """The e-mail address, trimmed and lower-cased."""
    key = raw.strip().lower()
    if not _EMAIL.match(key):
        raise InvalidIdentifier(f"{raw!r} is not an e-mail address")
    return key


def name_key(raw: str) -> str:
    """A person's or firm's name for comparison: transliterated, case-folded, hyphens and spacing removed.

    Syllables written apart or together ("Min-su", "Minsu") give the same key; word order is kept,
    because swapping family and given name is evidence for the matcher to weigh, not to erase here.
    """
    words = _ascii_words(raw)
    if not words:
        raise InvalidIdentifier(f"{raw!r} has no letters or digits")
    # Join the given-name syllables: everything after the first word.
    return words[0] if len(words) == 1 else f"{words[0]} {''.join(words[1:])}"


def address_key(raw: str) -> str:
    """An address for comparison: transliterated, case-folded, abbreviations spelled out, one space."""
    words = [_ADDRESS_WORDS.get(w, w) for w in _ascii_words(raw)]
    if not words:
        raise InvalidIdentifier(f"{raw!r} is not an address")
    return " ".join(words)


def passport_key(country: str, number: str) -> str:
    """``COUNTRY:NUMBER`` with the issuing country code and the number upper-cased, spaces removed."""
    country_code = country.strip().upper()
    passport_number = _SPACES.sub("", number).upper()
    if not _COUNTRY.match(country_code):
        raise InvalidIdentifier(f"{country!r} is not an ISO country code")
    if not _PASSPORT.match(passport_number):
        raise InvalidIdentifier(f"{number!r} is not a passport number")
    return f"{country_code}:{passport_number}"


def account_key(raw: str) -> str:
    """A bank account or IBAN without spaces and dashes, upper-cased."""
    key = re.sub(r"[\s\-./]", "", raw).upper()
    if not _ACCOUNT.match(key):
        raise InvalidIdentifier(f"{raw!r} is not an account number")
    return key

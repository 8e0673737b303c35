"""Identifiers investigators quote in reports, found by pattern and checked by their check digits.

Each finder returns ``(start, end, text, key)`` spans: the character offsets in the text, the text as
written, and the key the graph stores (E.164 phone, account without separators, ISO 6346 container,
UPU S10 tracking number...). A container or tracking number whose check digit is wrong is not one.

Example
-------
>>> text = "Containers OCAU0162348 and MSCU1234560 left; parcel EE719955304CN; call 010.6738.2682."
>>> [key for *_, key in find_identifiers(text)["container"]]
['OCAU0162348']
>>> [key for *_, key in find_identifiers(text)["tracking"]]
['EE719955304CN']
>>> [key for *_, key in find_identifiers(text)["phone"]]
['+821067382682']
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ingest.normalise import InvalidIdentifier, account_key, address_key, phone_key

__all__ = [
    "IDENTIFIER_FINDERS",
    "Span",
    "find_identifiers",
    "iso6346_valid",
    "s10_valid",
]

#: A found identifier: start, end, text as written, graph key.
Span = tuple[int, int, str, str]

_CONTAINER = re.compile(r"\b[A-Z]{3}[UJZ]\d{7}\b")
_TRACKING = re.compile(r"\b[A-Z]{2}\d{9}[A-Z]{2}\b")
_PHONE = re.compile(r"(?<![\w+])(?:\(?\+?\d[\d\s().-]{7,18}\d)(?![\w-])")
_ACCOUNT = re.compile(r"\b(?:\d{3}[- ]\d{3}[- ]\d{6}|\d{12}|[A-Z]{2}\d{10,22})\b")
_PASSPORT = re.compile(r"\b(?:passport|passport no\.?)\s+([A-Z]{0,2}\d{7,9})\b", re.IGNORECASE)
_REGISTRATION = re.compile(r"\b(?:\d{3}-\d{2}-\d{5}|[A-Z]{2}-\d{9})\b")
_ADDRESS = re.compile(
    r"(?:(?:Suite|Room|Apt|#)\s?\d+\s?,\s*)?(?:\d+-\d+,\s*)?"
    r"\d+\s+[A-Z][A-Za-z]+(?:[- ][a-z]+)*-?(?:ro|daero|gil)"
    r"\b\s*,?\s*[A-Z][a-z]+-gu\s*,?\s*[A-Z][a-z]+\s+\d{5}",
    re.IGNORECASE,
)
_ISO6346 = {
    letter: value
    for letter, value in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (v for v in range(10, 39) if v % 11), strict=False)
}
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def iso6346_valid(number: str) -> bool:
    """Whether an ISO 6346 container number's last digit is its check digit."""
    if not _CONTAINER.fullmatch(number):
        return False
    values = [_ISO6346[c] if c.isalpha() else int(c) for c in number[:10]]
    check: int = sum(v * 2**i for i, v in enumerate(values)) % 11 % 10
    return check == int(number[10])


def s10_valid(number: str) -> bool:
    """Whether a UPU S10 item identifier's ninth digit is its check digit."""
    if not _TRACKING.fullmatch(number):
        return False
    digits = number[2:10]
    check = 11 - sum(int(d) * w for d, w in zip(digits, _S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(check, check) == int(number[10])


def _spans(
    pattern: re.Pattern[str], text: str, key: Callable[[str], str | None], group: int = 0
) -> list[Span]:
    found = []
    for match in pattern.finditer(text):
        written = match.group(group)
        value = key(written)
        if value is not None:
            found.append((match.start(group), match.end(group), written, value))
    return found


def _checked(valid: Callable[[str], bool]) -> Callable[[str], str | None]:
    return lambda written: written if valid(written) else None


def _normalised(normalise: Callable[[str], str]) -> Callable[[str], str | None]:
    def key(written: str) -> str | None:
        try:
            return normalise(written)
        except InvalidIdentifier:
            return None

    return key


def _phone(written: str) -> str | None:
    # An account written with dashes can look like a phone; a phone has at most 11 national digits.
    digits = re.sub(r"\D", "", written)
    return None if len(digits) > 13 or _ACCOUNT.fullmatch(written) else _normalised(phone_key)(written)


#: Kind of identifier -> its finder over a text.
IDENTIFIER_FINDERS: dict[str, Callable[[str], list[Span]]] = {
    "container": lambda text: _spans(_CONTAINER, text, _checked(iso6346_valid)),
    "tracking": lambda text: _spans(_TRACKING, text, _checked(s10_valid)),
    # Registration numbers and accounts before phones: their digit runs can pass for a phone.
    "registration": lambda text: _spans(_REGISTRATION, text, lambda w: w),
    "account": lambda text: _spans(_ACCOUNT, text, _normalised(account_key)),
    "passport": lambda text: _spans(_PASSPORT, text, lambda w: w.upper(), group=1),
    "address": lambda text: _spans(_ADDRESS, text, _normalised(address_key)),
    "phone": lambda text: _spans(_PHONE, text, _phone),
}


def find_identifiers(text: str) -> dict[str, list[Span]]:
    """Every identifier in ``text``, by kind; a span claimed by an earlier kind is not reused."""
    taken: list[tuple[int, int]] = []
    found: dict[str, list[Span]] = {}
    for kind, finder in IDENTIFIER_FINDERS.items():
        spans = [s for s in finder(text) if not any(s[0] < end and start < s[1] for start, end in taken)]
        taken += [(s[0], s[1]) for s in spans]
        found[kind] = spans
    return found

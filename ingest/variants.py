"""How one identifier gets written many ways: phones, names, addresses, accounts, and their check digits.

Investigators' data never spells a party the same way twice: a phone is ``010-4821-3390`` in one file and
``+82 10 4821 3390`` in the next, a name is ``김민수``, ``KIM MINSU`` or ``Gim Min-su``. The synthetic
world generator writes its identifiers through these renderers so that every variant still normalises
to one value (phones to one E.164 number with the ``phonenumbers`` library, default region KR).

This module also holds the counter-based hashing the generator uses to give entity number ``i`` the same
attributes wherever it is needed, without keeping the entity in memory.

Example
-------
>>> from ingest.variants import PhoneNumber, render_phone, PHONE_STYLES
>>> phone = PhoneNumber(82, "10", "48213390")
>>> render_phone(phone, 0), render_phone(phone, 3)
('010-4821-3390', '+82 10 4821 3390')
>>> phone.e164
'+821048213390'
>>> korean_business_number(12345678)
'012-34-56782'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ingest.catalogue import GivenName, Surname

__all__ = [
    "ACCOUNT_STYLES",
    "ADDRESS_STYLES",
    "COMPANY_NAME_STYLES",
    "PHONE_STYLES",
    "AffineBijection",
    "Hasher",
    "PhoneNumber",
    "booking_reference",
    "iso6346_container",
    "korean_business_number",
    "korean_latin_name",
    "latin_name",
    "passport_style_name",
    "render_account",
    "render_address",
    "render_company_name",
    "render_phone",
    "s10_tracking_number",
]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _splitmix(x: U64) -> U64:
    # Wrapping uint64 arithmetic is the point of the mixer, so overflow warnings are silenced.
    with np.errstate(over="ignore"):
        z = x + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        return z ^ (z >> np.uint64(31))


class Hasher:
    """Counter-based randomness: the same (seed, salt, index) always gives the same draw.

    The generator gives entity ``i`` its attributes from ``hasher.below(SALT, i, n)`` and friends, so a
    file written late in the run can recompute the representative or the account of company ``i`` that
    an early file wrote, with no table of entities kept in memory.
    """

    def __init__(self, seed: int) -> None:
        self._seed = _splitmix(np.array([seed], dtype=np.uint64))[0]
        self._keys: dict[int, np.uint64] = {}

    def draw(self, salt: int, index: I64) -> U64:
        """64 random bits per index."""
        key = self._keys.get(salt)
        if key is None:
            key = self._keys[salt] = _splitmix(np.array([salt], dtype=np.uint64) ^ self._seed)[0]
        with np.errstate(over="ignore"):
            return _splitmix(index.astype(np.uint64) * _GOLDEN ^ key)

    def uniform(self, salt: int, index: I64) -> F64:
        """A float in [0, 1) per index."""
        return (self.draw(salt, index) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))

    def below(self, salt: int, index: I64, bound: int | I64) -> I64:
        """An integer in [0, bound) per index; ``bound`` may differ per index."""
        return (self.uniform(salt, index) * bound).astype(np.int64)

    def chance(self, salt: int, index: I64, probability: float | F64) -> Bools:
        """True with the given probability per index."""
        return self.uniform(salt, index) < probability

    def weighted(self, salt: int, index: I64, cumulative: F64) -> I64:
        """An index into ``cumulative`` (normalised cumulative weights) per index."""
        return np.searchsorted(cumulative, self.uniform(salt, index), side="right").astype(np.int64)


def cumulative_weights(weights: list[float] | tuple[float, ...]) -> F64:
    """Normalised cumulative weights for :meth:`Hasher.weighted` and ``numpy`` look-ups."""
    total: F64 = np.cumsum(np.asarray(weights, dtype=np.float64))
    normalised: F64 = total / total[-1]
    return normalised


class AffineBijection:
    """A reversible scrambling of serial numbers ``0..modulus-1`` onto themselves.

    Identifiers (phone numbers, accounts, passports) are made from serials through this map: they look
    random, yet two different entities can never collide on one by accident, which would plant links
    nobody meant.
    """

    def __init__(self, modulus: int, seed: int, salt: int) -> None:
        # Below 2**31 the product of multiplier and serial stays inside int64.
        if not 1 < modulus < 2**31:
            raise ValueError(f"bijection modulus {modulus} must be between 2 and 2**31")
        rng = np.random.default_rng([seed, salt, 7919])
        multiplier = int(rng.integers(modulus // 3, modulus - 1))
        while np.gcd(multiplier, modulus) != 1:
            multiplier += 1
        self.modulus = modulus
        self._multiplier = multiplier
        self._offset = int(rng.integers(0, modulus))

    def apply(self, serial: I64) -> I64:
        """The scrambled value of each serial; serials must be below the modulus."""
        if serial.size and int(serial.max()) >= self.modulus:
            raise ValueError(f"serial {int(serial.max())} outside a bijection of {self.modulus}")
        return (serial.astype(np.int64) * self._multiplier + self._offset) % self.modulus


# -- phones -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhoneNumber:
    """A phone number: country calling code, area or mobile prefix (no trunk 0), local digits."""

    calling_code: int
    area: str
    local: str

    @property
    def e164(self) -> str:
        """The E.164 form, what every rendering normalises to."""
        return f"+{self.calling_code}{self.area}{self.local}"


def _split_local(local: str) -> tuple[str, str]:
    return local[:-4], local[-4:]


_KOREAN_PHONE_LAYOUTS = (
    "{p}-{a}-{b}",
    "{p}{a}{b}",
    "+82 {area}-{a}-{b}",
    "+82 {area} {a} {b}",
    "+82{area}{a}{b}",
    "{p} {a} {b}",
    "({p}) {a}-{b}",
    "{p}.{a}.{b}",
    "+82-{area}-{a}-{b}",
)
_INTERNATIONAL_PHONE_LAYOUTS = (
    "+{cc} {area} {a} {b}",
    "+{cc}{area}{a}{b}",
    "+{cc}-{area}-{a}-{b}",
    "(+{cc}) {area} {a} {b}",
    "+{cc} ({area}) {a}-{b}",
    "+{cc} {area}-{a}-{b}",
    "+{cc} {area} {a}{b}",
    "001-{cc}-{area}-{a}-{b}",
    "00700 {cc} {area} {a} {b}",
)
#: Number of phone renderings; style ``s`` and ``s % PHONE_STYLES`` are the same layout.
PHONE_STYLES = len(_KOREAN_PHONE_LAYOUTS)


def render_phone(phone: PhoneNumber, style: int) -> str:
    """``phone`` written in layout ``style``: Korean numbers in domestic and international habits."""
    a, b = _split_local(phone.local)
    if phone.calling_code == 82:
        layout = _KOREAN_PHONE_LAYOUTS[style % PHONE_STYLES]
        return layout.format(p="0" + phone.area, area=phone.area, a=a, b=b)
    layout = _INTERNATIONAL_PHONE_LAYOUTS[style % PHONE_STYLES]
    return layout.format(cc=phone.calling_code, area=phone.area, a=a, b=b)


# -- check digits --------------------------------------------------------------------------------------

_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def korean_business_number(serial: int) -> str:
    """A Korean business registration number ``NNN-NN-NNNNN`` with the National Tax Service check digit."""
    digits = [int(d) for d in f"{serial % 10**9:09d}"]
    total = sum(d * w for d, w in zip(digits, _BRN_WEIGHTS, strict=True)) + (digits[8] * 5) // 10
    check = (10 - total % 10) % 10
    text = "".join(map(str, digits)) + str(check)
    return f"{text[:3]}-{text[3:5]}-{text[5:]}"


_ISO6346_LETTERS = {
    letter: value
    for letter, value in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (v for v in range(10, 39) if v % 11), strict=False)
}


def iso6346_container(owner: str, serial: int) -> str:
    """An ISO 6346 freight container number (owner code, ``U``, six digits, check digit)."""
    body = f"{owner}U{serial % 10**6:06d}"
    values = [_ISO6346_LETTERS[c] if c.isalpha() else int(c) for c in body]
    check = sum(v * 2**i for i, v in enumerate(values)) % 11 % 10
    return f"{body}{check}"


_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_tracking_number(service: str, serial: int, country: str) -> str:
    """A UPU S10 postal item identifier: service letters, eight digits, check digit, origin country."""
    digits = f"{serial % 10**8:08d}"
    check = 11 - sum(int(d) * w for d, w in zip(digits, _S10_WEIGHTS, strict=True)) % 11
    check = {10: 0, 11: 5}.get(check, check)
    return f"{service}{digits}{check}{country}"


_BOOKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def booking_reference(serial: int) -> str:
    """A six-character passenger name record locator."""
    chars = []
    for _ in range(6):
        serial, digit = divmod(serial, len(_BOOKING_ALPHABET))
        chars.append(_BOOKING_ALPHABET[digit])
    return "".join(chars)


# -- names ----------------------------------------------------------------------------------------------


def _given_form(romanised: str, form: int) -> str:
    first, _, second = romanised.partition("-")
    if not second or form == 0:
        return romanised
    if form == 1:
        return first + second.lower()
    return f"{first} {second.capitalize()}"


def korean_latin_name(
    surname: Surname, given: GivenName, spelling: int, form: int, given_first: bool, upper: bool
) -> str:
    """A Korean name in Latin script: ``spelling`` picks the romanisation of surname and given name,
    ``form`` writes the given name hyphenated (0), joined (1) or spaced (2).

    >>> from ingest.catalogue import KOREAN_SURNAMES, KOREAN_GIVEN_NAMES
    >>> korean_latin_name(KOREAN_SURNAMES[0], KOREAN_GIVEN_NAMES[0], 1, 1, True, False)
    'Minsoo Gim'
    """
    family = surname.romanisations[spelling % len(surname.romanisations)]
    personal = _given_form(given.romanisations[spelling % len(given.romanisations)], form)
    text = f"{personal} {family}" if given_first else f"{family} {personal}"
    return text.upper() if upper else text


def passport_style_name(surname: Surname, given: GivenName) -> str:
    """A Korean name as the passport's machine-readable zone prints it: ``KIM MINSU``."""
    return f"{surname.romanisations[0]} {_given_form(given.romanisations[0], 1)}".upper()


def latin_name(family: str, given: str, family_first: bool, style: int) -> str:
    """A name in Latin script in one of four habits: native order, swapped, ``FAMILY, Given``, upper."""
    native = f"{family} {given}" if family_first else f"{given} {family}"
    return (
        native,
        f"{given} {family}" if family_first else f"{family} {given}",
        f"{family.upper()}, {given}",
        native.upper(),
    )[style % 4]


# -- companies ------------------------------------------------------------------------------------------

#: Number of company name renderings.
COMPANY_NAME_STYLES = 5


def render_company_name(words: str, form: str, hangul: str | None, style: int) -> str:
    """A company name in one of its habits: registered, upper case without punctuation, no legal form,
    punctuation dropped, or (Korean firms with a Hangul name) the Hangul form ``(주)한빛무역``."""
    full = f"{words} {form}".strip() if form != "PT" else f"PT {words}"
    style %= COMPANY_NAME_STYLES
    if style == 1:
        return re.sub(r"[.,]", "", full).upper()
    if style == 2:
        return words
    if style == 3:
        return re.sub(r"[.,]", "", full)
    if style == 4 and hangul:
        return f"(주){hangul}"
    return full


# -- addresses and accounts -----------------------------------------------------------------------------

#: Number of address renderings.
ADDRESS_STYLES = 8


def render_address(address: str, style: int) -> str:
    """``address`` in one of its habits: as registered, upper, lower, doubled spaces, no space after
    commas, commas dropped, road-name hyphens as spaces, upper with commas dropped."""
    style %= ADDRESS_STYLES
    if style == 1:
        return address.upper()
    if style == 2:
        return address.lower()
    if style == 3:
        return address.replace(", ", " ,  ").replace(" ", "  ", 1)
    if style == 4:
        return address.replace(", ", ",")
    if style == 5:
        return address.replace(",", "")
    if style == 6:
        return re.sub(r"(?<=[a-z])-(?=[a-z])", " ", address)
    if style == 7:
        return address.replace(",", "").upper()
    return address


#: Number of account renderings.
ACCOUNT_STYLES = 3


def render_account(account: str, style: int) -> str:
    """An account number with its separators as written: canonical, run together, or spaced."""
    style %= ACCOUNT_STYLES
    if style == 1:
        return account.replace("-", "")
    if style == 2:
        return account.replace("-", " ")
    return account

"""The people and companies of a synthetic world, each a pure function of its index.

Person ``p`` and company ``c`` get their names, birth dates, phones, addresses and accounts from counter-
based hashes of (seed, index), so every file of the world can recompute any party without a table of
parties in memory: the companies file and the transfers file agree on the bank account of company
``c`` because both derive it the same way. That keeps generation memory flat from a thousand entities
to ten million.

The population has honest structure that naive link analysis mistakes for fraud: households sharing a
home phone and address, hundreds of people called Kim Min-su (at 1 M entities), firms packed into one
office building, and the same real person keeping records in several registers under differently
spelled names.

Example
-------
>>> import numpy as np
>>> parties = WorldParties(Population.for_scale(1000), seed=7)
>>> people = parties.people(np.arange(3))
>>> len(people.person_id), people.person_id[0]
(3, 'P00000000')
>>> parties.companies(np.array([0])).roles[0]
'importer'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

import numpy as np

from ingest.catalogue import (
    COUNTRIES,
    FOREIGN_BUSINESS_LINES,
    HS_CATALOGUE,
    KOREAN_BUSINESS_LINES,
    KOREAN_COMPANY_WORDS_HANGUL,
    KOREAN_GIVEN_NAMES,
    KOREAN_STREETS,
    KOREAN_SURNAMES,
    Country,
    foreign_name_weights,
)
from ingest.variants import (
    ACCOUNT_STYLES,
    ADDRESS_STYLES,
    COMPANY_NAME_STYLES,
    F64,
    I64,
    PHONE_STYLES,
    AffineBijection,
    Bools,
    Hasher,
    PhoneNumber,
    cumulative_weights,
    korean_business_number,
    korean_latin_name,
    latin_name,
    passport_style_name,
    render_account,
    render_address,
    render_company_name,
    render_phone,
)

__all__ = [
    "KOREA",
    "CompanyBatch",
    "PeopleBatch",
    "PersonBlock",
    "Population",
    "WorldParties",
    "day_number",
    "iso_dates",
]

#: Index of the Republic of Korea in :data:`~ingest.catalogue.COUNTRIES`.
KOREA = 0

_EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    """Days since 1970-01-01, the integer form dates take inside the generator."""
    return (day - _EPOCH).days


def iso_dates(days: I64) -> list[str]:
    """``YYYY-MM-DD`` for each day number."""
    return np.datetime_as_string(days.astype("datetime64[D]")).tolist()  # type: ignore[no-any-return]


class PersonBlock(IntEnum):
    """Where a person record comes from; blocks of the person index space, in this order."""

    TRAVELER = 0
    REPRESENTATIVE = 1
    BUYER = 2
    RESIDENT = 3


class _CompanyBlock(IntEnum):
    IMPORTER = 0
    SUPPLIER = 1
    BROKER = 2
    OTHER = 3


class _Salt(IntEnum):
    """Independent hash streams, one per attribute; values are part of what a seed reproduces."""

    NATIONALITY = 1
    SURNAME = 2
    GIVEN = 3
    BIRTH = 4
    FAMILY = 5
    FAMILY_PHONE = 6
    DUPLICATE = 7
    DUPLICATE_OF = 8
    DUPLICATE_PHONE = 9
    DUPLICATE_EMAIL = 10
    DUPLICATE_ADDRESS = 11
    HANGUL = 12
    SPELLING = 13
    GIVEN_FORM = 14
    GIVEN_FIRST = 15
    UPPER = 16
    PHONE_STYLE = 17
    ADDRESS_STYLE = 18
    EMAIL_DOMAIN = 19
    HAS_EMAIL = 20
    HAS_PHONE = 21
    PHONE_AREA = 22
    HAS_ADDRESS = 23
    LATIN_KEPT = 24
    CO_DUPLICATE = 30
    CO_DUPLICATE_OF = 31
    CO_COUNTRY = 32
    CO_WORD = 33
    CO_LINE = 34
    CO_FORM = 35
    CO_NAME_STYLE = 36
    CO_REGISTERED = 37
    CO_CLUSTER = 38
    CO_BUILDING = 39
    CO_SUITE = 40
    CO_EMAIL_LOCAL = 41
    CO_SECOND_ACCOUNT = 42
    CO_BANK = 43
    CO_ALSO_SUPPLIER = 44
    CO_UNIT_WORD = 45
    CO_ACCOUNT_STYLE = 46
    REP_HANGUL = 47
    PREFERRED_COUNT = 50
    PREFERRED_SUPPLIER = 51
    PORTFOLIO = 52
    BROKER = 53
    BANK = 54
    HUB = 55


_KOREAN_BANKS = ("004", "088", "020", "011", "003", "081", "023", "027", "031", "032", "039", "071", "090")
_EMAIL_LOCALS = ("info", "sales", "trade", "contact", "admin", "office")
_UNIT_WORDS = ("Suite", "Room", "#")
_UTILITY_NAMES = (
    ("Hanguk Power Service", "Co., Ltd."),
    ("Seoul City Gas", "Co., Ltd."),
    ("National Telecom", "Corp."),
)
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_SLUG = re.compile(r"[^a-z0-9]+")


def _base36(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 36)
        chars.append(_BASE36[digit])
    return "".join(reversed(chars))


def _slug(text: str) -> str:
    return _SLUG.sub("", text.lower())


@dataclass(frozen=True)
class Population:
    """How many parties of each kind a world has; company and person indices are laid out in blocks."""

    importers: int
    suppliers: int
    brokers: int
    others: int
    travelers: int
    buyers: int
    residents: int

    @classmethod
    def for_scale(cls, scale: int) -> Population:
        """Block sizes for about ``scale`` person and company records in all."""
        companies = max(90, round(scale * 0.10 / 3) * 3)
        importers = round(companies * 0.6)
        brokers = max(9, round(companies * 0.02))
        others = max(6, round(companies * 0.08))
        suppliers = companies - importers - brokers - others
        # Person blocks are multiples of three so no household straddles two blocks.
        travelers = max(30, round(scale * 0.36 / 3) * 3)
        buyers = max(30, round(scale * 0.22 / 3) * 3)
        residents = max(30, (scale - 2 * companies - travelers - buyers) // 3 * 3)
        return cls(importers, suppliers, brokers, others, travelers, buyers, residents)

    @property
    def companies(self) -> int:
        return self.importers + self.suppliers + self.brokers + self.others

    @property
    def persons(self) -> int:
        return self.travelers + self.companies + self.buyers + self.residents

    @property
    def express_brokers(self) -> int:
        """The last brokers are express carriers, who file e-commerce parcel declarations."""
        return max(2, self.brokers // 5)

    @property
    def company_starts(self) -> tuple[int, int, int, int]:
        """First company index of the importer, supplier, broker and other blocks."""
        return (
            0,
            self.importers,
            self.importers + self.suppliers,
            self.importers + self.suppliers + self.brokers,
        )

    @property
    def person_starts(self) -> tuple[int, int, int, int]:
        """First person index of the traveller, representative, buyer and resident blocks."""
        reps = self.travelers
        buyers = reps + self.companies
        return (0, reps, buyers, buyers + self.buyers)


def _table(values: list[int]) -> I64:
    return np.asarray(values, dtype=np.int64)


def _stacked_pools(korean: list[float], foreign_sizes: list[int]) -> tuple[F64, I64, I64]:
    """Each nationality's name pool as normalised cumulative weights, the rows laid end to end and row
    ``n`` shifted up by ``n``: one ``searchsorted`` of ``n + u`` then draws from every nationality's own
    pool at once. Returns the stacked weights, each row's start and each row's length."""
    rows = [
        cumulative_weights(korean if size == 0 else list(foreign_name_weights(size)))
        for size in foreign_sizes
    ]
    stacked: F64 = np.concatenate([row + at for at, row in enumerate(rows)])
    lengths = _table([len(row) for row in rows])
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    return stacked, starts, lengths


_SURNAME_POOLS = _stacked_pools([s.weight for s in KOREAN_SURNAMES], [len(c.surnames) for c in COUNTRIES])
_GIVEN_POOLS = _stacked_pools([g.weight for g in KOREAN_GIVEN_NAMES], [len(c.given_names) for c in COUNTRIES])


def _draw_name(uniform: F64, nationality: I64, pools: tuple[F64, I64, I64]) -> I64:
    """Index into each person's own nationality's name pool, drawn by its weights."""
    stacked, starts, lengths = pools
    at = np.searchsorted(stacked, nationality + uniform, side="right").astype(np.int64) - starts[nationality]
    # n + u can round up to n + 1 for u just below 1: stay inside the row.
    inside: I64 = np.minimum(at, lengths[nationality] - 1)
    return inside


_TRAVELER_NATIONALITY_CUM = cumulative_weights([c.traveller_weight for c in COUNTRIES])
_SUPPLIER_COUNTRY_CUM = cumulative_weights([c.supplier_weight for c in COUNTRIES])
_RESIDENT_NATIONALITY_CUM = cumulative_weights(
    [{"KR": 94.0, "CN": 3.0, "VN": 1.5, "PH": 1.5}.get(c.code, 0.0) for c in COUNTRIES]
)
_STREET_COUNTS = _table([len(c.streets) or len(KOREAN_STREETS) for c in COUNTRIES])
_PHONE_AREA_COUNTS = _table([len(c.phone_areas) for c in COUNTRIES])
_EMAIL_DOMAIN_COUNTS = _table([len(c.email_domains) for c in COUNTRIES])
_WORD_COUNTS = _table([len(c.company_words) for c in COUNTRIES])
_FORM_COUNTS = _table([len(c.company_forms) for c in COUNTRIES])
#: Catalogue items each origin country supplies, padded; and how many per country.
_COUNTRY_ITEMS_LEN = _table([sum(c.code in item.origins for item in HS_CATALOGUE) for c in COUNTRIES])
_COUNTRY_ITEMS = np.zeros((len(COUNTRIES), int(_COUNTRY_ITEMS_LEN.max())), dtype=np.int64)
for _country_at, _country in enumerate(COUNTRIES):
    _items = [i for i, item in enumerate(HS_CATALOGUE) if _country.code in item.origins]
    _COUNTRY_ITEMS[_country_at, : len(_items)] = _items

_BIRTH_FIRST = day_number(date(1950, 1, 1))
_BIRTH_LAST = day_number(date(2004, 12, 31))
_REP_BIRTH_FIRST = day_number(date(1955, 1, 1))
_REP_BIRTH_LAST = day_number(date(1990, 12, 31))
_REGISTERED_FIRST = day_number(date(1990, 1, 1))
_REGISTERED_LAST = day_number(date(2024, 6, 30))
#: Local numbers start with one of these digits: every such number is valid for ``phonenumbers`` in
#: each area the catalogue lists.
_LEADING_DIGITS = "467"


@dataclass(frozen=True)
class PeopleBatch:
    """Person records ``index``, with the identity behind each and the fields as written."""

    index: I64
    identity: I64
    block: I64
    nationality: I64
    birth_day: I64
    person_id: list[str]
    identity_id: list[str]
    #: Name as the record's own register writes it (Hangul for most Korean records).
    name: list[str]
    #: A romanised name, as the register keeps it ('' when it keeps none).
    name_latin: list[str]
    #: The passport's machine-readable name.
    passport_name: list[str]
    #: Other spellings of the same name, for the registers of other files.
    name_variants: list[tuple[str, str]]
    phone: list[str]
    phone_number: list[PhoneNumber | None]
    email: list[str]
    address: list[str]
    address_canonical: list[str]
    passport_number: list[str]
    #: The account of the identity (canonical form) and the record id that holds it at the bank.
    account: list[str]
    account_owner: list[str]


@dataclass(frozen=True)
class CompanyBatch:
    """Company records ``index`` with their fields as written."""

    index: I64
    identity: I64
    block: I64
    country: I64
    registered_day: I64
    company_id: list[str]
    identity_id: list[str]
    registration_number: list[str]
    name: list[str]
    name_words: list[str]
    roles: list[str]
    address: list[str]
    address_canonical: list[str]
    phone: list[str]
    phone_number: list[PhoneNumber | None]
    email: list[str]
    representative_id: list[str]
    representative_name: list[str]
    #: Accounts in canonical form; the first is the firm's main account.
    accounts: list[list[str]]
    bank_accounts: list[str]


class WorldParties:
    """Every person and company of one world, computed on demand from (seed, index)."""

    def __init__(self, population: Population, seed: int) -> None:
        self.population = population
        self.hash = Hasher(seed)
        self._mobile = AffineBijection(3 * 10**7, seed, 1)
        self._local7 = AffineBijection(3 * 10**6, seed, 2)
        self._passport = AffineBijection(10**8, seed, 3)
        self._home = AffineBijection(len(KOREAN_STREETS) * 999 * 15 * 100, seed, 4)
        self._office = AffineBijection(len(KOREAN_STREETS) * 999 * 30 * 20, seed, 5)
        self._abroad = AffineBijection(6 * 999 * 30 * 20, seed, 6)
        self._account = AffineBijection(10**9, seed, 7)
        self._tag = AffineBijection(36**5, seed, 8)
        self._registration = AffineBijection(10**9, seed, 9)
        #: Person records planted as another identity (a front's representative is the delinquent's).
        self._identity_override: dict[int, int] = {}
        # Phone serials: persons' mobiles [0, persons), household landlines from persons, company
        # landlines after those, and phones planted rings share after everything.
        self._household_phone_base = population.persons
        self._company_phone_base = population.persons + population.persons // 3 + 1
        self._next_phone_serial = self._company_phone_base + population.companies

    # -- blocks and identities -----------------------------------------------------------------------

    def person_block(self, index: I64) -> I64:
        return np.searchsorted(_table(list(self.population.person_starts[1:])), index, side="right").astype(
            np.int64
        )

    def company_block(self, index: I64) -> I64:
        return np.searchsorted(_table(list(self.population.company_starts[1:])), index, side="right").astype(
            np.int64
        )

    def plant_identity(self, record: int, identity: int) -> None:
        """Make person record ``record`` a differently written record of identity ``identity``."""
        self._identity_override[record] = identity

    def new_phone_serial(self) -> int:
        """A phone serial no party holds yet, for phones planted rings share."""
        serial = self._next_phone_serial
        self._next_phone_serial += 1
        return serial

    def company_identity(self, index: I64) -> I64:
        """Company records are their own identity, except a few suppliers registered twice."""
        pop = self.population
        h = self.hash
        duplicate_of = pop.importers + h.below(_Salt.CO_DUPLICATE_OF, index, pop.suppliers)
        duplicate = (
            (self.company_block(index) == _CompanyBlock.SUPPLIER)
            & h.chance(_Salt.CO_DUPLICATE, index, 0.02)
            & (duplicate_of != index)
        )
        return np.where(duplicate, duplicate_of, index)

    def company_country(self, index: I64) -> I64:
        """Country of each company (suppliers abroad, everyone else in Korea)."""
        identity = self.company_identity(index)
        foreign = self.hash.weighted(_Salt.CO_COUNTRY, identity, _SUPPLIER_COUNTRY_CUM)
        return np.where(self.company_block(identity) == _CompanyBlock.SUPPLIER, foreign, KOREA)

    def person_identity(self, index: I64) -> I64:
        """The identity behind each person record: itself, an honest second record of a traveller, or a
        planted one."""
        pop = self.population
        h = self.hash
        block = self.person_block(index)
        target = h.below(_Salt.DUPLICATE_OF, index, pop.travelers)
        rate = np.choose(block, (0.0, 0.08, 0.03, 0.03))
        duplicate = (block != PersonBlock.TRAVELER) & h.chance(_Salt.DUPLICATE, index, rate)
        duplicate &= self._base_nationality(target) == self._base_nationality(index)
        identity = np.where(duplicate, target, index)
        if self._identity_override:
            for at in np.flatnonzero(np.isin(index, _table(list(self._identity_override)))).tolist():
                identity[at] = self._identity_override[int(index[at])]
        return identity

    def _base_nationality(self, index: I64) -> I64:
        h = self.hash
        block = self.person_block(index)
        traveller = h.weighted(_Salt.NATIONALITY, index, _TRAVELER_NATIONALITY_CUM)
        resident = h.weighted(_Salt.NATIONALITY, index, _RESIDENT_NATIONALITY_CUM)
        company = np.clip(index - self.population.travelers, 0, self.population.companies - 1)
        representative = self.company_country(company)
        return np.choose(block, (traveller, representative, resident, resident))

    def _family(self, index: I64) -> Bools:
        in_household: Bools = self.person_block(index) != PersonBlock.REPRESENTATIVE
        return in_household & self.hash.chance(_Salt.FAMILY, index // 3, 0.15)

    def is_family(self, index: I64) -> Bools:
        """Whether each person record belongs to a household of three records (``index // 3``)."""
        own_identity: Bools = self.person_identity(index) == index
        return self._family(index) & own_identity

    def person_accounts(self, index: I64) -> tuple[list[str], list[str]]:
        """The bank account of the identity behind each person record, and the record id holding it."""
        identity = self.person_identity(index.astype(np.int64))
        return self._korean_accounts(identity), [f"P{q:08d}" for q in identity.tolist()]

    def drop_address(self, serial: int) -> str:
        """A Korean flat no identity lives in: a rented drop address."""
        holder = np.array([self.population.persons + serial], dtype=np.int64)
        return self._homes(holder, np.array([KOREA]), np.array([False]))[1][0]

    def hub_address(self, hub: int) -> str:
        """A logistics hub near a port or airport, where many people have parcels delivered."""
        ports = [
            i for i, street in enumerate(KOREAN_STREETS) if street.city in ("Incheon", "Pyeongtaek", "Busan")
        ]
        road = KOREAN_STREETS[ports[hub % len(ports)]]
        number = 100 + int(self.hash.below(_Salt.HUB, np.array([hub]), 900)[0])
        postcode = f"{road.postcode_prefix}{number % 100:02d}"
        return f"Logistics Center {hub + 1}, {number} {road.road}, {road.district}, {road.city} {postcode}"

    # -- people ------------------------------------------------------------------------------------

    def people(self, index: I64) -> PeopleBatch:
        """The person records ``index`` (an ascending or any-order array of person indices)."""
        h = self.hash
        index = index.astype(np.int64)
        identity = self.person_identity(index)
        block = self.person_block(index)
        identity_block = self.person_block(identity)
        family = self._family(identity)
        household = identity // 3
        # Family members take nationality, surname and home from the household head.
        kin = np.where(family, household * 3, identity)
        nationality = self._base_nationality(kin)
        korean = nationality == KOREA
        surname = _draw_name(h.uniform(_Salt.SURNAME, kin), nationality, _SURNAME_POOLS)
        given = _draw_name(h.uniform(_Salt.GIVEN, identity), nationality, _GIVEN_POOLS)
        is_rep = identity_block == PersonBlock.REPRESENTATIVE
        birth_first = np.where(is_rep, _REP_BIRTH_FIRST, _BIRTH_FIRST)
        birth_last = np.where(is_rep, _REP_BIRTH_LAST, _BIRTH_LAST)
        birth_day = birth_first + h.below(_Salt.BIRTH, identity, birth_last - birth_first)
        abroad = (~korean) & np.isin(identity_block, (PersonBlock.TRAVELER, PersonBlock.REPRESENTATIVE))

        duplicate = identity != index
        shares_phone = ~duplicate | h.chance(_Salt.DUPLICATE_PHONE, index, 0.7)
        shares_email = ~duplicate | h.chance(_Salt.DUPLICATE_EMAIL, index, 0.5)
        shares_address = ~duplicate | h.chance(_Salt.DUPLICATE_ADDRESS, index, 0.7)
        phone_holder = np.where(shares_phone, identity, index)
        home_phone = family & h.chance(_Salt.FAMILY_PHONE, identity, 0.6) & shares_phone
        has_phone = h.chance(_Salt.HAS_PHONE, index, np.where(block == PersonBlock.TRAVELER, 0.9, 0.8))
        has_email = h.chance(_Salt.HAS_EMAIL, index, 0.65)
        has_address = shares_address & (~abroad | h.chance(_Salt.HAS_ADDRESS, index, 0.5))

        home_street, home_text = self._homes(np.where(family, household * 3, identity), nationality, abroad)
        phones = self._person_phones(phone_holder, household, nationality, abroad, home_street, home_phone)
        phone_style = h.below(_Salt.PHONE_STYLE, index, PHONE_STYLES)
        address_style = np.where(
            h.chance(_Salt.ADDRESS_STYLE, index, 0.7),
            0,
            h.below(_Salt.ADDRESS_STYLE + 100, index, ADDRESS_STYLES),
        )
        email_holder = np.where(shares_email, identity, index)
        tags = self._tag.apply(email_holder % self._tag.modulus).tolist()
        domain_at = h.below(_Salt.EMAIL_DOMAIN, identity, _EMAIL_DOMAIN_COUNTS[nationality]).tolist()
        passports = self._passport.apply(identity % self._passport.modulus).tolist()
        accounts = self._korean_accounts(identity)

        hangul = h.chance(_Salt.HANGUL, index, np.choose(block, (0.85, 0.45, 0.5, 0.45)))
        spelling = np.where(
            h.chance(_Salt.SPELLING, index, 0.75), 0, 1 + h.below(_Salt.SPELLING + 100, index, 3)
        )
        given_form = h.weighted(_Salt.GIVEN_FORM, index, cumulative_weights([0.55, 0.3, 0.15]))
        given_first = h.chance(_Salt.GIVEN_FIRST, index, 0.3)
        upper = h.chance(_Salt.UPPER, index, 0.2)
        latin_kept = h.chance(_Salt.LATIN_KEPT, index, 0.6)
        variant_style = h.below(_Salt.SPELLING + 200, index, 1000)

        names: list[str] = []
        latins: list[str] = []
        passport_names: list[str] = []
        variants: list[tuple[str, str]] = []
        columns = zip(
            nationality.tolist(),
            surname.tolist(),
            given.tolist(),
            hangul.tolist(),
            spelling.tolist(),
            given_form.tolist(),
            given_first.tolist(),
            upper.tolist(),
            variant_style.tolist(),
            block.tolist(),
            latin_kept.tolist(),
            strict=True,
        )
        for nat, sur, giv, in_hangul, spell, form, swap, caps, other, blk, keep_latin in columns:
            if nat == KOREA:
                surname_entry, given_entry = KOREAN_SURNAMES[sur], KOREAN_GIVEN_NAMES[giv]
                native = surname_entry.native + given_entry.native
                latin = korean_latin_name(surname_entry, given_entry, spell, form, swap, caps)
                mrz = passport_style_name(surname_entry, given_entry)
                variants.append(
                    (
                        korean_latin_name(
                            surname_entry, given_entry, other % 4, (other // 4) % 3, other % 5 == 0, False
                        ),
                        native,
                    )
                )
                if blk == PersonBlock.TRAVELER:
                    names.append(native if in_hangul else mrz)
                    latins.append(mrz)
                else:
                    names.append(native if in_hangul else latin)
                    latins.append(latin if in_hangul and keep_latin else "")
            else:
                country = COUNTRIES[nat]
                family_name, given_name = country.surnames[sur], country.given_names[giv]
                latin = latin_name(family_name, given_name, country.family_first, spell + 2 * int(caps))
                mrz = f"{family_name} {given_name}".upper()
                variants.append((latin_name(family_name, given_name, country.family_first, other), mrz))
                names.append(latin)
                latins.append(mrz if blk == PersonBlock.TRAVELER else "")
            passport_names.append(mrz)

        phone_text = [
            render_phone(number, style) if number is not None and keep else ""
            for number, style, keep in zip(phones, phone_style.tolist(), has_phone.tolist(), strict=True)
        ]
        email_text = []
        for nat, sur, giv, tag, domain, keep in zip(
            nationality.tolist(),
            surname.tolist(),
            given.tolist(),
            tags,
            domain_at,
            has_email.tolist(),
            strict=True,
        ):
            if not keep:
                email_text.append("")
                continue
            country = COUNTRIES[nat]
            if nat == KOREA:
                given_name = KOREAN_GIVEN_NAMES[giv].romanisations[0]
                local = f"{_slug(given_name)}.{_slug(KOREAN_SURNAMES[sur].romanisations[0])}"
            else:
                local = f"{_slug(country.given_names[giv])}.{_slug(country.surnames[sur])}"
            email_text.append(f"{local}.{_base36(tag, 5)}@{country.email_domains[domain]}")
        address_text = [
            render_address(text, style) if keep else ""
            for text, style, keep in zip(home_text, address_style.tolist(), has_address.tolist(), strict=True)
        ]
        passport_text = []
        for nat, number in zip(nationality.tolist(), passports, strict=True):
            prefix = COUNTRIES[nat].passport_prefix
            passport_text.append(
                prefix + f"{number:09d}"[-(9 - max(len(prefix), 1)) :] if prefix else f"5{number:08d}"
            )
        identity_ids = [f"IP{q:08d}" for q in identity.tolist()]
        return PeopleBatch(
            index=index,
            identity=identity,
            block=block,
            nationality=nationality,
            birth_day=birth_day,
            person_id=[f"P{p:08d}" for p in index.tolist()],
            identity_id=identity_ids,
            name=names,
            name_latin=latins,
            passport_name=passport_names,
            name_variants=variants,
            phone=phone_text,
            phone_number=phones,
            email=email_text,
            address=address_text,
            address_canonical=home_text,
            passport_number=passport_text,
            account=accounts,
            account_owner=[f"P{q:08d}" for q in identity.tolist()],
        )

    def _homes(self, holder: I64, nationality: I64, abroad: Bools) -> tuple[I64, list[str]]:
        """Street index (Korean homes) and canonical home address of each household or person."""
        value = self._home.apply(holder % self._home.modulus)
        street = value % len(KOREAN_STREETS)
        rest = value // len(KOREAN_STREETS)
        number = rest % 999 + 1
        rest //= 999
        dong = 101 + rest % 15
        rest //= 15
        ho = (1 + (rest % 100) // 4) * 100 + 1 + rest % 4
        foreign = self._abroad.apply(holder % self._abroad.modulus)
        texts = []
        for at, (st, num, d, unit, nat, away, far) in enumerate(
            zip(
                street.tolist(),
                number.tolist(),
                dong.tolist(),
                ho.tolist(),
                nationality.tolist(),
                abroad.tolist(),
                foreign.tolist(),
                strict=True,
            )
        ):
            if away:
                texts.append(_foreign_address(COUNTRIES[nat], far, "Apt"))
                street[at] = -1
                continue
            road = KOREAN_STREETS[st]
            texts.append(
                f"{d}-{unit}, {num} {road.road}, {road.district}, {road.city} "
                f"{road.postcode_prefix}{num % 100:02d}"
            )
        return street, texts

    def _person_phones(
        self, holder: I64, household: I64, nationality: I64, abroad: Bools, street: I64, home_phone: Bools
    ) -> list[PhoneNumber | None]:
        mobile = self.korean_numbers(holder)
        landline = self.korean_numbers(household + self._household_phone_base)
        foreign = self._foreign_numbers(holder, nationality)
        phones: list[PhoneNumber | None] = []
        for at, (away, home, st) in enumerate(
            zip(abroad.tolist(), home_phone.tolist(), street.tolist(), strict=True)
        ):
            if away:
                phones.append(foreign[at])
            elif home and st >= 0:
                phones.append(PhoneNumber(82, KOREAN_STREETS[st].area_code, landline[at]))
            else:
                phones.append(PhoneNumber(82, "10", mobile[at]))
        return phones

    def korean_numbers(self, serial: I64) -> list[str]:
        """Eight-digit Korean local numbers, one per serial, never the same for two serials."""
        value = self._mobile.apply(serial % self._mobile.modulus)
        lead = value // 10**7
        return [
            f"{_LEADING_DIGITS[d]}{v % 10**7:07d}" for d, v in zip(lead.tolist(), value.tolist(), strict=True)
        ]

    def _foreign_numbers(self, serial: I64, country: I64) -> list[PhoneNumber]:
        area_at = self.hash.below(_Salt.PHONE_AREA, serial, _PHONE_AREA_COUNTS[country])
        eight = self._mobile.apply(serial % self._mobile.modulus)
        seven = self._local7.apply(serial % self._local7.modulus)
        numbers = []
        for nat, area, v8, v7 in zip(
            country.tolist(), area_at.tolist(), eight.tolist(), seven.tolist(), strict=True
        ):
            entry = COUNTRIES[nat]
            code, length = entry.phone_areas[area]
            value, scale = (v8, 10**7) if length == 8 else (v7, 10**6)
            local = f"{_LEADING_DIGITS[value // scale]}{value % scale:0{length - 1}d}"
            numbers.append(PhoneNumber(entry.calling_code, code, local))
        return numbers

    def _korean_accounts(self, serial: I64) -> list[str]:
        value = self._account.apply(serial % self._account.modulus)
        bank = self.hash.below(_Salt.BANK, serial, len(_KOREAN_BANKS))
        return [
            f"{_KOREAN_BANKS[b]}-{v // 10**6:03d}-{v % 10**6:06d}"
            for b, v in zip(bank.tolist(), value.tolist(), strict=True)
        ]

    # -- companies ----------------------------------------------------------------------------------

    def company_accounts(self, index: I64) -> list[list[str]]:
        """The accounts of each company (canonical form), main account first."""
        identity = self.company_identity(index)
        second = self.hash.chance(_Salt.CO_SECOND_ACCOUNT, identity, 0.3).tolist()
        first = self._company_accounts(identity, 0)
        extra = self._company_accounts(identity, 1)
        return [
            [main, other] if two else [main] for main, other, two in zip(first, extra, second, strict=True)
        ]

    def main_accounts(self, index: I64) -> list[str]:
        """The main account of each company: where it pays from and is paid into."""
        return self._company_accounts(self.company_identity(index), 0)

    def _company_accounts(self, identity: I64, which: int) -> list[str]:
        serial = self.population.persons + 2 * identity + which
        korean = self._korean_accounts(serial)
        country = self.company_country(identity).tolist()
        if all(nat == KOREA for nat in country):
            return korean
        value = self._account.apply(serial % self._account.modulus).tolist()
        bank = (self.hash.below(_Salt.CO_BANK, identity, 9000) + 1000).tolist()
        return [
            own if nat == KOREA else f"{COUNTRIES[nat].code}{b}{v:09d}"
            for own, nat, b, v in zip(korean, country, bank, value, strict=True)
        ]

    def preferred_suppliers(self, importer: I64, choice: I64) -> I64:
        """Supplier ``choice`` (0..) among the two to six suppliers an importer buys from."""
        pop = self.population
        count = 2 + self.hash.below(_Salt.PREFERRED_COUNT, importer, 5)
        return pop.importers + self.hash.below(
            _Salt.PREFERRED_SUPPLIER, importer * 8 + choice % count, pop.suppliers
        )

    def supplier_items(self, supplier: I64, choice: I64) -> I64:
        """Catalogue item ``choice`` (0..2) of the three a supplier sells, goods its country exports."""
        identity = self.company_identity(supplier)
        country = self.company_country(supplier)
        slot = self.hash.below(_Salt.PORTFOLIO, identity * 4 + choice % 3, _COUNTRY_ITEMS_LEN[country])
        return _COUNTRY_ITEMS[country, slot]

    def broker_of(self, importer: I64) -> I64:
        """The customs broker an importer usually files through (never an express carrier)."""
        pop = self.population
        return pop.company_starts[2] + self.hash.below(
            _Salt.BROKER, importer, pop.brokers - pop.express_brokers
        )

    def registered_day(self, index: I64) -> I64:
        identity = self.company_identity(index)
        return _REGISTERED_FIRST + self.hash.below(
            _Salt.CO_REGISTERED, identity, _REGISTERED_LAST - _REGISTERED_FIRST
        )

    def companies(self, index: I64) -> CompanyBatch:
        """The company records ``index``."""
        pop = self.population
        h = self.hash
        index = index.astype(np.int64)
        identity = self.company_identity(index)
        block = self.company_block(index)
        country = self.company_country(index)
        word = h.below(_Salt.CO_WORD, identity, _WORD_COUNTS[country]).tolist()
        line = h.below(_Salt.CO_LINE, identity, len(KOREAN_BUSINESS_LINES)).tolist()
        foreign_line = h.below(_Salt.CO_LINE, identity, len(FOREIGN_BUSINESS_LINES)).tolist()
        form = h.below(_Salt.CO_FORM, identity, _FORM_COUNTS[country]).tolist()
        duplicate = identity != index
        style = np.where(
            duplicate | h.chance(_Salt.CO_NAME_STYLE, index, 0.15),
            1 + h.below(_Salt.CO_NAME_STYLE + 100, index, COMPANY_NAME_STYLES - 1),
            0,
        ).tolist()
        registered = self.registered_day(index)
        express_first = pop.company_starts[3] - pop.express_brokers
        also_supplier = h.chance(_Salt.CO_ALSO_SUPPLIER, identity, 0.05).tolist()

        addresses, streets = self._company_addresses(identity, country)
        phones = self._company_phones(identity, country, streets)
        phone_style = h.below(_Salt.PHONE_STYLE, index, PHONE_STYLES).tolist()
        address_style = np.where(
            duplicate | h.chance(_Salt.ADDRESS_STYLE, index, 0.15),
            1 + h.below(_Salt.ADDRESS_STYLE + 100, index, ADDRESS_STYLES - 1),
            0,
        ).tolist()
        tags = self._tag.apply(identity % self._tag.modulus).tolist()
        local_at = h.below(_Salt.CO_EMAIL_LOCAL, identity, len(_EMAIL_LOCALS)).tolist()
        registration = self._registration.apply(identity % self._registration.modulus).tolist()
        accounts = self.company_accounts(index)
        account_style = h.below(_Salt.CO_ACCOUNT_STYLE, index, ACCOUNT_STYLES).tolist()
        reps = self.people(index + pop.travelers)
        rep_hangul = h.chance(_Salt.REP_HANGUL, index, 0.4).tolist()

        names, words_list, roles, emails, numbers, rep_names = [], [], [], [], [], []
        for at, c in enumerate(index.tolist()):
            nat = int(country[at])
            entry = COUNTRIES[nat]
            kind = int(block[at])
            hangul: str | None = None
            if kind == _CompanyBlock.OTHER and c - pop.company_starts[3] < len(_UTILITY_NAMES):
                words, legal = _UTILITY_NAMES[c - pop.company_starts[3]]
            elif nat == KOREA:
                base = entry.company_words[word[at]]
                english, native = KOREAN_BUSINESS_LINES[line[at]]
                if kind == _CompanyBlock.BROKER:
                    english, native = (
                        ("Express", "익스프레스") if c >= express_first else ("Customs Service", "관세법인")
                    )
                words = f"{base} {english}"
                legal = entry.company_forms[form[at]]
                hangul = KOREAN_COMPANY_WORDS_HANGUL[base] + native
            else:
                words = f"{entry.company_words[word[at]]} {FOREIGN_BUSINESS_LINES[foreign_line[at]]}"
                legal = entry.company_forms[form[at]]
            names.append(render_company_name(words, legal, hangul, style[at]))
            words_list.append(words)
            if kind == _CompanyBlock.IMPORTER:
                roles.append("importer;supplier" if also_supplier[at] else "importer")
            else:
                roles.append(("", "supplier", "customs_broker", "")[kind])
            suffix = entry.web_suffix
            emails.append(f"{_EMAIL_LOCALS[local_at[at]]}@{_slug(words)}-{_base36(tags[at], 5)}.{suffix}")
            number = registration[at]
            numbers.append(korean_business_number(number) if nat == KOREA else f"{entry.code}-{number:09d}")
            rep_names.append(
                reps.name_variants[at][1] if rep_hangul[at] and nat == KOREA else reps.name_variants[at][0]
            )
        return CompanyBatch(
            index=index,
            identity=identity,
            block=block,
            country=country,
            registered_day=registered,
            company_id=[f"C{c:08d}" for c in index.tolist()],
            identity_id=[f"IC{c:08d}" for c in identity.tolist()],
            registration_number=numbers,
            name=names,
            name_words=words_list,
            roles=roles,
            address=[render_address(a, s) for a, s in zip(addresses, address_style, strict=True)],
            address_canonical=addresses,
            phone=[render_phone(p, s) for p, s in zip(phones, phone_style, strict=True)],
            phone_number=list(phones),
            email=emails,
            representative_id=reps.person_id,
            representative_name=rep_names,
            accounts=accounts,
            bank_accounts=[
                ";".join(render_account(a, s) for a in own)
                for own, s in zip(accounts, account_style, strict=True)
            ],
        )

    def _company_addresses(self, identity: I64, country: I64) -> tuple[list[str], list[int]]:
        h = self.hash
        pop = self.population
        buildings = max(3, pop.companies // 3000)
        cluster = (country == KOREA) & h.chance(_Salt.CO_CLUSTER, identity, 0.04)
        building = h.below(_Salt.CO_BUILDING, identity, buildings)
        building_value = self._office.apply(
            self.hash.below(_Salt.CO_BUILDING + 100, building, self._office.modulus)
        )
        own_value = self._office.apply(identity % self._office.modulus)
        suite_value = h.below(_Salt.CO_SUITE, identity, 600)
        with_suite = h.chance(_Salt.CO_SUITE + 100, identity, 0.55)
        unit_word = h.below(_Salt.CO_UNIT_WORD, identity, len(_UNIT_WORDS))
        foreign = self._abroad.apply(identity % self._abroad.modulus)
        texts: list[str] = []
        streets: list[int] = []
        for at, nat in enumerate(country.tolist()):
            if nat != KOREA:
                texts.append(_foreign_address(COUNTRIES[nat], int(foreign[at]), "Room"))
                streets.append(-1)
                continue
            in_building = bool(cluster[at])
            value = int(building_value[at] if in_building else own_value[at])
            street, rest = value % len(KOREAN_STREETS), value // len(KOREAN_STREETS)
            number, rest = rest % 999 + 1, rest // 999
            floor, room = rest % 30 + 1, (rest // 30) % 20 + 1
            if in_building:
                floor, room = int(suite_value[at]) % 30 + 1, int(suite_value[at]) // 30 + 1
            road = KOREAN_STREETS[street]
            place = (
                f"{number} {road.road}, {road.district}, {road.city} {road.postcode_prefix}{number % 100:02d}"
            )
            word = _UNIT_WORDS[int(unit_word[at])]
            unit = f"{word}{floor}{room:02d}" if word == "#" else f"{word} {floor}{room:02d}"
            texts.append(place if in_building and not with_suite[at] else f"{unit}, {place}")
            streets.append(street)
        return texts, streets

    def _company_phones(self, identity: I64, country: I64, streets: list[int]) -> list[PhoneNumber]:
        korean = self.korean_numbers(identity + self._company_phone_base)
        foreign = self._foreign_numbers(identity, country)
        return [
            PhoneNumber(82, KOREAN_STREETS[street].area_code, korean[at]) if nat == KOREA else foreign[at]
            for at, (nat, street) in enumerate(zip(country.tolist(), streets, strict=True))
        ]

    def korean_mobile(self, serial: int) -> PhoneNumber:
        """The Korean mobile number of a serial (a person index, or one from :meth:`new_phone_serial`)."""
        return PhoneNumber(82, "10", self.korean_numbers(np.array([serial]))[0])


def _foreign_address(country: Country, value: int, unit_word: str) -> str:
    street, district, city = country.streets[value % len(country.streets)]
    rest = value // len(country.streets)
    number, rest = rest % 999 + 1, rest // 999
    unit = rest % 600
    room = f"{unit_word} {unit // 20 + 1}{unit % 20 + 1:02d}"
    return f"{room}, No. {number} {street}, {district}, {city}, {country.name}"

"""The input formats bigfinder accepts, as data.

Each source is one file in a world directory. Its columns, their value types, which are required and an
example value live here once: the synthetic world generator writes its files from these specs, the
loader validates against them, and ``docs/data-formats.md`` shows tables rendered from them (a unit test
checks that the document and this module agree).

A CSV source (UTF-8, comma-delimited, with a header row) may equally be given as JSON Lines or Parquet
with the same column names: ``companies.csv``, ``companies.jsonl`` or ``companies.parquet``. Sources that
carry nested values (bounding boxes) or long text are JSON Lines only.

Example
-------
>>> from ingest.formats import format_by_name
>>> declarations = format_by_name("declarations")
>>> declarations.file_name, declarations.key
('declarations.csv', ('declaration_id',))
>>> declarations.column("hs_code").type.value
'hs_code'
>>> format_by_name("companies").accepted_file_names()
('companies.csv', 'companies.jsonl', 'companies.parquet')
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum

from graph.schema import CompanyRole, WatchlistKind

__all__ = [
    "AMLSIM_FORMATS",
    "COMPANY_ROLES",
    "FORMATS",
    "TYPE_NOTES",
    "Column",
    "ColumnType",
    "Container",
    "ExampleValue",
    "Purpose",
    "RingRole",
    "Scheme",
    "SourceFormat",
    "UnknownFormat",
    "format_by_name",
    "markdown_example",
    "markdown_table",
    "markdown_type_table",
]

#: A value as it appears in an example row; tuples are JSON arrays (a bounding box).
ExampleValue = str | int | float | bool | None | tuple[int, ...]


class UnknownFormat(ValueError):
    """A source name that bigfinder does not know."""


class ColumnType(StrEnum):
    """How a column's values are written; the loader parses and validates by this type."""

    IDENTIFIER = "identifier"
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    ENUM = "enum"
    LIST = "list"
    PHONE = "phone"
    EMAIL = "email"
    COUNTRY = "country"
    CURRENCY = "currency"
    HS_CODE = "hs_code"
    SHA256 = "sha256"
    BOX = "box"


#: How each value type is written in a file; rendered as the type table of the format document.
TYPE_NOTES: dict[ColumnType, str] = {
    ColumnType.IDENTIFIER: "Opaque key, compared exactly (case and spacing matter).",
    ColumnType.TEXT: "Free text in UTF-8; names may be Hangul or Latin script.",
    ColumnType.INTEGER: "Whole number, no thousands separator.",
    ColumnType.DECIMAL: "Number with `.` as decimal point and no thousands separator, e.g. `74000.00`.",
    ColumnType.BOOLEAN: "`true` or `false` (JSON: a boolean).",
    ColumnType.DATE: "ISO 8601 calendar date `YYYY-MM-DD`.",
    ColumnType.DATETIME: "ISO 8601 instant in UTC with a `Z` suffix, `YYYY-MM-DDThh:mm:ssZ`.",
    ColumnType.ENUM: "One of the listed values, lower case.",
    ColumnType.LIST: "Values separated by `;` in CSV (JSON Lines and Parquet: an array of strings).",
    ColumnType.PHONE: (
        "A phone number as people write it (`010-2345-6789`, `+82 2-3453-1290`, `(02) 3453 1290`); "
        "normalised to E.164 with default region KR."
    ),
    ColumnType.EMAIL: "An e-mail address; compared lower-cased.",
    ColumnType.COUNTRY: "ISO 3166-1 alpha-2 country code, e.g. `KR`, `CN`.",
    ColumnType.CURRENCY: "ISO 4217 currency code, e.g. `USD`, `KRW`.",
    ColumnType.HS_CODE: "Harmonized System subheading: exactly six digits, leading zeros kept (`090111`).",
    ColumnType.SHA256: "64 lower-case hexadecimal digits.",
    ColumnType.BOX: "JSON array of four non-negative integers `[x, y, width, height]` in image pixels.",
}


class Container(StrEnum):
    """The file container a source is written in by default."""

    CSV = "csv"
    JSONL = "jsonl"


class Purpose(StrEnum):
    """What a file is for."""

    SOURCE = "source"
    TRUTH = "truth"
    EXTERNAL = "external"


class Scheme(StrEnum):
    """Fraud schemes planted in a synthetic world; the ``scheme`` column of ``ground_truth``."""

    BYPASS_IMPORT = "bypass_import"
    UNDERVALUATION = "undervaluation"
    SPLIT_SHIPMENT = "split_shipment"
    COURIER = "courier"
    ROUND_TRIPPING = "round_tripping"


class RingRole(StrEnum):
    """The part an entity plays in a planted ring; the ``role`` column of ``ground_truth``."""

    DELINQUENT = "delinquent"
    FRONT = "front"
    IMPORTER = "importer"
    SUPPLIER = "supplier"
    PAYMENT_AGENT = "payment_agent"
    THIRD_PARTY_ACCOUNT = "third_party_account"
    BUYER = "buyer"
    SPLIT_PARCEL = "split_parcel"
    ORGANISER = "organiser"
    ORGANISER_ACCOUNT = "organiser_account"
    COURIER = "courier"
    TRADER = "trader"
    CYCLE_ACCOUNT = "cycle_account"


def _snake(label: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", label).lower()


#: Company roles as written in files: the schema's role labels in snake case.
COMPANY_ROLES: tuple[str, ...] = tuple(_snake(role.value) for role in CompanyRole)


@dataclass(frozen=True)
class Column:
    """One column of a source: name, value type, whether it must be filled, meaning and an example."""

    name: str
    type: ColumnType
    required: bool
    description: str
    example: ExampleValue
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceFormat:
    """One file of a world directory."""

    name: str
    container: Container
    purpose: Purpose
    key: tuple[str, ...]
    summary: str
    columns: tuple[Column, ...]

    @property
    def file_name(self) -> str:
        """The file name the generator writes, e.g. ``companies.csv``."""
        return f"{self.name}.{self.container.value}"

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names in file order."""
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise UnknownFormat(f"{self.name} has no column {name!r}")

    def accepted_file_names(self) -> tuple[str, ...]:
        """Every file name under which this source is read, preferred first."""
        if self.container is Container.CSV:
            return (f"{self.name}.csv", f"{self.name}.jsonl", f"{self.name}.parquet")
        return (f"{self.name}.jsonl", f"{self.name}.parquet")

    def example_row(self) -> dict[str, ExampleValue]:
        """The documented example row, column name to value."""
        return {column.name: column.example for column in self.columns}


def _col(
    name: str,
    type_: ColumnType,
    required: bool,
    description: str,
    example: ExampleValue,
    choices: tuple[str, ...] = (),
) -> Column:
    return Column(name, type_, required, description, example, choices)


_T = ColumnType
_PERSON_ID = "Person key, unique across `travelers` and `persons`."

TRAVELERS = SourceFormat(
    "travelers",
    Container.CSV,
    Purpose.SOURCE,
    ("person_id",),
    "People known from passenger data (advance passenger information, booking records): one row per "
    "passport holder as seen by border control.",
    (
        _col("person_id", _T.IDENTIFIER, True, _PERSON_ID, "P00000017"),
        _col("name", _T.TEXT, True, "Name as written in the source, Hangul or Latin script.", "김민수"),
        _col("name_latin", _T.TEXT, False, "Romanised name as printed on the passport.", "KIM MINSU"),
        _col("passport_number", _T.IDENTIFIER, True, "Passport number.", "M48213907"),
        _col("passport_country", _T.COUNTRY, True, "Issuing country of the passport.", "KR"),
        _col("nationality", _T.COUNTRY, True, "Nationality.", "KR"),
        _col("date_of_birth", _T.DATE, True, "Date of birth.", "1984-03-12"),
        _col("phone", _T.PHONE, False, "Contact phone given when booking.", "010-4821-3390"),
        _col("email", _T.EMAIL, False, "Contact e-mail given when booking.", "minsu.kim.k3f9@naver.com"),
        _col(
            "address",
            _T.TEXT,
            False,
            "Home address, free text.",
            "101-1203, 45 Banpo-daero, Seocho-gu, Seoul 06591",
        ),
    ),
)

PERSONS = SourceFormat(
    "persons",
    Container.CSV,
    Purpose.SOURCE,
    ("person_id",),
    "People known from other registers: company representatives, account holders, e-commerce buyers. "
    "Same columns as `travelers` without the passport; a person id appears in only one of the two files, "
    "but one real person may have a record in each (see `identity_truth`).",
    (
        _col("person_id", _T.IDENTIFIER, True, _PERSON_ID, "P00412233"),
        _col("name", _T.TEXT, True, "Name as written in the register, Hangul or Latin script.", "Gim Min-su"),
        _col("name_latin", _T.TEXT, False, "Romanised name, if the register keeps one.", "Kim Minsu"),
        _col("nationality", _T.COUNTRY, False, "Nationality.", "KR"),
        _col("date_of_birth", _T.DATE, False, "Date of birth.", "1984-03-12"),
        _col("phone", _T.PHONE, False, "Phone number.", "+82 10-4821-3390"),
        _col("email", _T.EMAIL, False, "E-mail address.", "minsu.kim.k3f9@naver.com"),
        _col(
            "address",
            _T.TEXT,
            False,
            "Registered address, free text.",
            "101-1203, 45 BANPO-DAERO, SEOCHO-GU, SEOUL 06591",
        ),
    ),
)

TRIPS = SourceFormat(
    "trips",
    Container.CSV,
    Purpose.SOURCE,
    ("trip_id",),
    "One traveller's journey on one flight or vessel. Companions show as the same `booking_reference`, "
    "or the same `voyage` on the same `departs_on` date.",
    (
        _col("trip_id", _T.IDENTIFIER, True, "Trip key.", "T000000042"),
        _col("person_id", _T.IDENTIFIER, True, "The traveller (`travelers.person_id`).", "P00000017"),
        _col("carrier", _T.ENUM, True, "Kind of carrier.", "flight", ("flight", "vessel")),
        _col("voyage", _T.IDENTIFIER, True, "Flight number, or vessel name and voyage number.", "KE0852"),
        _col("departs_on", _T.DATE, True, "Local date of departure.", "2023-05-04"),
        _col("origin", _T.IDENTIFIER, True, "IATA airport code, or UN/LOCODE port for vessels.", "PEK"),
        _col("destination", _T.IDENTIFIER, True, "IATA airport code, or UN/LOCODE port.", "ICN"),
        _col("booking_reference", _T.IDENTIFIER, False, "Passenger name record locator.", "K7QX2M"),
    ),
)

COMPANIES = SourceFormat(
    "companies",
    Container.CSV,
    Purpose.SOURCE,
    ("company_id",),
    "Importers, foreign suppliers and customs brokers (and a few other firms that appear only in "
    "transfers, whose `roles` is empty). Representatives are person records in `persons` or `travelers`.",
    (
        _col("company_id", _T.IDENTIFIER, True, "Company key.", "C00001234"),
        _col(
            "registration_number",
            _T.IDENTIFIER,
            True,
            "Business registration number; Korean numbers are `NNN-NN-NNNNN` with a valid check digit.",
            "211-86-12342",
        ),
        _col("name", _T.TEXT, True, "Registered name, Latin or Hangul script.", "Hanbit Trading Co., Ltd."),
        _col("roles", _T.LIST, False, "Trade roles of the firm.", "importer", COMPANY_ROLES),
        _col("country", _T.COUNTRY, True, "Country of registration.", "KR"),
        _col(
            "address",
            _T.TEXT,
            False,
            "Registered address, free text.",
            "Suite 1203, 511 Teheran-ro, Gangnam-gu, Seoul 06164",
        ),
        _col("phone", _T.PHONE, False, "Main phone number.", "02-3453-1290"),
        _col("email", _T.EMAIL, False, "Main e-mail address.", "sales@hanbittrading-k3f9.co.kr"),
        _col(
            "representative_person_id",
            _T.IDENTIFIER,
            False,
            "The representative (`persons` or `travelers` person id).",
            "P00412233",
        ),
        _col(
            "representative_name",
            _T.TEXT,
            False,
            "Representative's name as the company register writes it.",
            "KIM MIN SU",
        ),
        _col(
            "bank_accounts",
            _T.LIST,
            False,
            "Bank accounts declared by the firm, as written (spacing and dashes vary).",
            "110-482-339012;088-120-554321",
        ),
        _col("registered_on", _T.DATE, False, "Date the business was registered.", "2009-06-15"),
    ),
)

DECLARATIONS = SourceFormat(
    "declarations",
    Container.CSV,
    Purpose.SOURCE,
    ("declaration_id",),
    "Import declarations, one row per declaration (one goods item each). Cargo declarations name an "
    "importer; e-commerce parcel declarations leave `importer_id` empty and carry the parcel's "
    "`tracking_number`. Sea cargo carries a `container_number`.",
    (
        _col("declaration_id", _T.IDENTIFIER, True, "Declaration key.", "D000004711"),
        _col("declared_on", _T.DATE, True, "Date the declaration was lodged.", "2023-05-04"),
        _col(
            "importer_id", _T.IDENTIFIER, False, "Importer of record (`companies.company_id`).", "C00001234"
        ),
        _col("supplier_id", _T.IDENTIFIER, True, "Foreign supplier or seller (`companies`).", "C00061277"),
        _col("broker_id", _T.IDENTIFIER, False, "Customs broker who filed it (`companies`).", "C00090012"),
        _col("hs_code", _T.HS_CODE, True, "Tariff classification of the goods.", "851712"),
        _col(
            "item_description",
            _T.TEXT,
            True,
            "Goods description in English.",
            "Smartphones, 128 GB, model HX-4417, new in retail box",
        ),
        _col("quantity", _T.DECIMAL, True, "Quantity in `unit`.", 400),
        _col(
            "unit",
            _T.ENUM,
            True,
            "Unit of quantity.",
            "pcs",
            ("pcs", "pairs", "kg", "g", "l", "m2", "m3"),
        ),
        _col("gross_weight_kg", _T.DECIMAL, True, "Gross weight in kilograms.", 176.4),
        _col("declared_value", _T.DECIMAL, True, "Customs value declared for the whole item.", "74000.00"),
        _col("currency", _T.CURRENCY, True, "Currency of `declared_value`.", "USD"),
        _col("origin_country", _T.COUNTRY, True, "Country of origin of the goods.", "CN"),
        _col("office", _T.IDENTIFIER, True, "Customs office of clearance.", "INCHEON_AIRPORT"),
        _col("inspected", _T.BOOLEAN, True, "Whether customs physically inspected the goods.", True),
        _col(
            "inspection_outcome",
            _T.ENUM,
            False,
            "Result of the inspection; empty when not inspected.",
            "clear",
            ("clear", "illicit"),
        ),
        _col(
            "revenue",
            _T.DECIMAL,
            False,
            "Tax shortfall found by the inspection (USD); `0.00` when clear, empty when not inspected.",
            "0.00",
        ),
        _col(
            "tracking_number",
            _T.IDENTIFIER,
            False,
            "Parcel tracking number (UPU S10) for e-commerce declarations.",
            "",
        ),
        _col(
            "container_number",
            _T.IDENTIFIER,
            False,
            "ISO 6346 container number for sea cargo.",
            "",
        ),
    ),
)

TRANSFERS = SourceFormat(
    "transfers",
    Container.CSV,
    Purpose.SOURCE,
    ("transfer_id",),
    "Money transfers between bank accounts, in any row order. Owners are person or company keys; an "
    "account's owner is the holder on the bank's books, which need not be the firm that declared it.",
    (
        _col("transfer_id", _T.IDENTIFIER, True, "Transfer key.", "X000000981"),
        _col("sender_account", _T.IDENTIFIER, True, "Account debited.", "110-482-339012"),
        _col("sender_owner_id", _T.IDENTIFIER, False, "Holder of the sender account.", "C00001234"),
        _col("receiver_account", _T.IDENTIFIER, True, "Account credited.", "CN6222021234567890"),
        _col("receiver_owner_id", _T.IDENTIFIER, False, "Holder of the receiver account.", "C00061277"),
        _col("amount", _T.DECIMAL, True, "Amount in `currency`.", "74000.00"),
        _col("currency", _T.CURRENCY, True, "Currency of the amount.", "USD"),
        _col("sent_at", _T.DATETIME, True, "When the transfer was executed.", "2023-04-28T02:14:09Z"),
        _col("purpose", _T.TEXT, False, "Remittance information as entered.", "invoice INV-2304-5521"),
    ),
)

LEDGER = SourceFormat(
    "ledger",
    Container.JSONL,
    Purpose.SOURCE,
    ("record_id",),
    "Append-only blockchain ledger of cross-border e-commerce: purchase and shipment events, hash-"
    "chained. `hash` is the SHA-256 of the record's canonical JSON without the `hash` field (keys "
    'sorted, separators `(",", ":")`, non-ASCII kept as UTF-8); `prev_hash` is the previous record\'s '
    "`hash`, 64 zeros for `seq` 1. Fields that do not apply to an event are `null`.",
    (
        _col("seq", _T.INTEGER, True, "Position in the chain, from 1 without gaps.", 1),
        _col("event", _T.ENUM, True, "Event kind.", "purchase", ("purchase", "shipment")),
        _col("record_id", _T.IDENTIFIER, True, "Record key.", "LR0000000001"),
        _col("order_id", _T.IDENTIFIER, True, "Order the event belongs to.", "ORD-00000001"),
        _col("marketplace", _T.TEXT, True, "Marketplace name.", "NovaMart Global"),
        _col("seller_id", _T.IDENTIFIER, True, "Seller (`companies.company_id`).", "C00061277"),
        _col("buyer_id", _T.IDENTIFIER, True, "Buyer (`persons` or `travelers` person id).", "P00512004"),
        _col("item", _T.TEXT, True, "Listing title.", "Wireless earbuds TWS-2231, noise cancelling"),
        _col("hs_code", _T.HS_CODE, True, "Tariff classification given by the seller.", "851830"),
        _col("price", _T.DECIMAL, True, "Price paid (JSON number).", 189.9),
        _col("currency", _T.CURRENCY, True, "Currency of the price.", "USD"),
        _col(
            "tracking_number",
            _T.IDENTIFIER,
            False,
            "Parcel tracking number; set on shipment events.",
            None,
        ),
        _col("consignee_name", _T.TEXT, True, "Name on the parcel.", "김민수"),
        _col(
            "consignee_address",
            _T.TEXT,
            True,
            "Delivery address on the parcel.",
            "101-1203, 45 Banpo-daero, Seocho-gu, Seoul 06591",
        ),
        _col("recorded_at", _T.DATETIME, True, "When the event was appended.", "2023-05-02T07:41:55Z"),
        _col("prev_hash", _T.SHA256, True, "`hash` of the previous record.", "0" * 64),
        _col(
            "hash",
            _T.SHA256,
            True,
            "SHA-256 of this record's canonical JSON without `hash`.",
            "eaf1da791d5ca3b5fecd5e0fdf4632c118fb199d9db0705b9bf346c72fc50674",
        ),
    ),
)

XRAY_HITS = SourceFormat(
    "xray_hits",
    Container.JSONL,
    Purpose.SOURCE,
    ("scan_id",),
    "Detections of the AI X-ray scanners. The object is a parcel (its tracking number), a piece of "
    "baggage (the trip id of its owner's trip) or a container (the declaration id it was declared "
    "under).",
    (
        _col("scan_id", _T.IDENTIFIER, True, "Detection key.", "S00000077"),
        _col(
            "object_type",
            _T.ENUM,
            True,
            "What was scanned.",
            "baggage",
            ("parcel", "baggage", "container"),
        ),
        _col(
            "object_ref",
            _T.IDENTIFIER,
            True,
            "Tracking number, trip id or declaration id, by `object_type`.",
            "T000000042",
        ),
        _col("detected_class", _T.IDENTIFIER, True, "Class the model detected.", "gold_bar"),
        _col("confidence", _T.DECIMAL, True, "Model confidence, 0 to 1.", 0.94),
        _col("bbox", _T.BOX, True, "Bounding box of the detection.", (212, 140, 64, 38)),
        _col(
            "image_ref",
            _T.IDENTIFIER,
            True,
            "Where the scan image is kept.",
            "xray://INCHEON_AIRPORT/2023/05/04/S00000077.png",
        ),
        _col("scanned_at", _T.DATETIME, True, "Time of the scan.", "2023-05-04T11:32:18Z"),
        _col("operator", _T.IDENTIFIER, True, "Officer on the scanner.", "OP-0412"),
    ),
)

WATCHLIST = SourceFormat(
    "watchlist",
    Container.CSV,
    Purpose.SOURCE,
    ("entry_id",),
    "Listings of persons and companies as tax delinquents, known offenders or sanctioned parties.",
    (
        _col("entry_id", _T.IDENTIFIER, True, "Entry key.", "W0000031"),
        _col("entity_id", _T.IDENTIFIER, True, "Listed person or company key.", "C00001234"),
        _col("entity_kind", _T.ENUM, True, "Kind of entity listed.", "company", ("person", "company")),
        _col(
            "kind",
            _T.ENUM,
            True,
            "Kind of listing.",
            "tax_delinquent",
            tuple(kind.value for kind in WatchlistKind),
        ),
        _col("source", _T.TEXT, True, "Authority that keeps the list.", "national_tax_service"),
        _col("listed_on", _T.DATE, True, "Date the entity was listed.", "2022-09-01"),
    ),
)

DOCUMENTS = SourceFormat(
    "documents",
    Container.JSONL,
    Purpose.SOURCE,
    ("document_id",),
    "Investigation reports in English. They mention names (in any spelling), phone numbers, accounts, "
    "passports, tracking numbers, container numbers and addresses as free text.",
    (
        _col("document_id", _T.IDENTIFIER, True, "Document key.", "DOC000012"),
        _col("written_on", _T.DATE, True, "Date of the report.", "2023-11-02"),
        _col(
            "author", _T.TEXT, True, "Author and unit.", "Inspector Han Ji-won, Busan Customs Investigation"
        ),
        _col("title", _T.TEXT, True, "Title.", "Referral: suspected bypass imports by Hanbit Trading"),
        _col(
            "text",
            _T.TEXT,
            True,
            "Body text.",
            "Hanbit Trading Co., Ltd. was listed as a tax delinquent on 2022-09-01 ...",
        ),
    ),
)

GROUND_TRUTH = SourceFormat(
    "ground_truth",
    Container.CSV,
    Purpose.TRUTH,
    ("entity_id", "ring_id"),
    "Synthetic worlds only: every entity that takes part in a planted fraud ring, with its role. Entities "
    "not listed are honest (though honest ones may still have an unlucky illicit inspection).",
    (
        _col("entity_id", _T.IDENTIFIER, True, "Person, company, account or parcel key.", "C00001234"),
        _col(
            "entity_kind",
            _T.ENUM,
            True,
            "Kind of entity; accounts are account numbers, parcels tracking numbers.",
            "company",
            ("person", "company", "account", "parcel"),
        ),
        _col("scheme", _T.ENUM, True, "Planted scheme.", "bypass_import", tuple(s.value for s in Scheme)),
        _col("ring_id", _T.IDENTIFIER, True, "Ring key, unique across schemes.", "BYP-0003"),
        _col("role", _T.ENUM, True, "Role in the ring.", "delinquent", tuple(r.value for r in RingRole)),
    ),
)

IDENTITY_TRUTH = SourceFormat(
    "identity_truth",
    Container.CSV,
    Purpose.TRUTH,
    ("record_id",),
    "Synthetic worlds only: the real-world identity behind every person and company record. Records with "
    "the same `identity_id` are the same party written differently, the target of entity resolution.",
    (
        _col("record_id", _T.IDENTIFIER, True, "Person or company key.", "P00412233"),
        _col("identity_id", _T.IDENTIFIER, True, "Identity key.", "IP00000017"),
    ),
)

BAD_ROWS = SourceFormat(
    "bad_rows",
    Container.CSV,
    Purpose.TRUTH,
    ("file", "line"),
    "Synthetic worlds generated with `bad_rows > 0` only: each row deliberately made invalid, so loader "
    "tests can check that exactly these are rejected. `line` counts the header as line 1.",
    (
        _col("file", _T.IDENTIFIER, True, "File name.", "companies.csv"),
        _col("line", _T.INTEGER, True, "Line number in the file (header is line 1).", 88),
        _col("column", _T.IDENTIFIER, True, "Column made invalid.", "registered_on"),
        _col("problem", _T.TEXT, True, "What was done to it.", "impossible date"),
    ),
)

DECLARATIONS_BACUDA = SourceFormat(
    "declarations_bacuda",
    Container.CSV,
    Purpose.SOURCE,
    ("sgd.id",),
    "The 14-column layout of the WCO BACUDA synthetic import declarations, accepted as an alternative "
    "declarations source. Its parties are bare ids with no company records behind them. Dates are "
    "`YY-MM-DD` as in the WCO sample (ISO dates are accepted too); `illicit` is `0` or `1`.",
    (
        _col("sgd.id", _T.IDENTIFIER, True, "Declaration key.", "SGD000001"),
        _col("sgd.date", _T.TEXT, True, "Declaration date, `YY-MM-DD`.", "23-05-04"),
        _col("importer.id", _T.IDENTIFIER, True, "Importer key.", "IMP000412"),
        _col("declarant.id", _T.IDENTIFIER, True, "Declarant (broker) key.", "DEC0031"),
        _col("country", _T.IDENTIFIER, True, "Country of origin code.", "CN"),
        _col("office.id", _T.IDENTIFIER, True, "Customs office code.", "OFFICE03"),
        _col(
            "tariff.code",
            _T.IDENTIFIER,
            True,
            "Ten-digit national tariff line (HS6 + 4 digits).",
            "8517120000",
        ),
        _col("quantity", _T.DECIMAL, True, "Quantity.", 400),
        _col("gross.weight", _T.DECIMAL, True, "Gross weight in kilograms.", 176.4),
        _col("fob.value", _T.DECIMAL, True, "Free-on-board value.", "74000.00"),
        _col("cif.value", _T.DECIMAL, True, "Cost, insurance and freight value.", "77700.00"),
        _col("total.taxes", _T.DECIMAL, True, "Taxes assessed on the declaration.", "7770.00"),
        _col("illicit", _T.INTEGER, True, "1 if the inspection found fraud, else 0.", 0),
        _col("revenue", _T.DECIMAL, True, "Tax shortfall recovered; 0 when licit.", "0.00"),
    ),
)

#: Every file bigfinder reads or a synthetic world contains, in the order the document lists them.
FORMATS: tuple[SourceFormat, ...] = (
    TRAVELERS,
    PERSONS,
    TRIPS,
    COMPANIES,
    DECLARATIONS,
    DECLARATIONS_BACUDA,
    TRANSFERS,
    LEDGER,
    XRAY_HITS,
    WATCHLIST,
    DOCUMENTS,
    GROUND_TRUTH,
    IDENTITY_TRUTH,
    BAD_ROWS,
)

#: The IBM AMLSim layouts: documented and readable from their own folder, never written by bigfinder.
AMLSIM_FORMATS: tuple[SourceFormat, ...] = (
    SourceFormat(
        "nodes",
        Container.CSV,
        Purpose.EXTERNAL,
        ("nodeid",),
        "AMLSim sample graphs (`20K_*/nodes.csv`): one row per account. `fraudStep` is part of the label, "
        "never a feature.",
        (
            _col("nodeid", _T.INTEGER, True, "Account key.", 0),
            _col("isFraud", _T.INTEGER, True, "1 for accounts in a planted pattern.", 0),
            _col("init_balance", _T.DECIMAL, True, "Opening balance.", 184.44),
            _col("fraudStep", _T.INTEGER, True, "Step the account joined fraud; -1 if honest.", -1),
        ),
    ),
    SourceFormat(
        "transactions",
        Container.CSV,
        Purpose.EXTERNAL,
        (),
        "AMLSim sample graphs (`20K_*/transactions.csv`): directed transfers between accounts.",
        (
            _col("sourceNodeId", _T.INTEGER, True, "Sending account (`nodes.nodeid`).", 280),
            _col("targetNodeId", _T.INTEGER, True, "Receiving account.", 15349),
            _col("value", _T.DECIMAL, True, "Amount.", 147.8),
            _col("time", _T.INTEGER, True, "Simulation step, from 1.", 1),
        ),
    ),
    SourceFormat(
        "accounts",
        Container.CSV,
        Purpose.EXTERNAL,
        ("ACCOUNT_ID",),
        "AMLSim full output (`sample_outputs/accounts.csv`): accounts with their owners.",
        (
            _col("ACCOUNT_ID", _T.INTEGER, True, "Account key.", 0),
            _col("PRIMARY_CUSTOMER_ID", _T.IDENTIFIER, True, "Owning customer.", "C_0"),
            _col("init_balance", _T.DECIMAL, True, "Opening balance.", 184.44),
            _col("start", _T.INTEGER, True, "First active step.", 1),
            _col("end", _T.INTEGER, True, "Last active step.", 50),
            _col("country", _T.COUNTRY, True, "Country.", "US"),
            _col("business", _T.IDENTIFIER, True, "Business type code.", "I"),
            _col("suspicious", _T.TEXT, True, "`True` or `False`.", "False"),
            _col("isFraud", _T.TEXT, True, "`true` or `false`: the label.", "false"),
            _col("modelID", _T.INTEGER, True, "Transaction model of the account.", 0),
        ),
    ),
    SourceFormat(
        "tx",
        Container.CSV,
        Purpose.EXTERNAL,
        ("TXN_ID",),
        "AMLSim full output (`sample_outputs/tx.csv`): transfers between accounts.",
        (
            _col("TXN_ID", _T.INTEGER, True, "Transfer key.", 2),
            _col("ACCOUNT_ID", _T.INTEGER, True, "Sending account (`accounts.ACCOUNT_ID`).", 15),
            _col("COUNTER_PARTY_ACCOUNT_NUM", _T.INTEGER, True, "Receiving account.", 25),
            _col(
                "TXN_SOURCE_TYPE_CODE",
                _T.IDENTIFIER,
                True,
                "Channel (`CHECK`, `CREDIT`, `WIRE`...).",
                "CHECK",
            ),
            _col("tx_count", _T.INTEGER, True, "Number of transfers aggregated.", 1),
            _col("TXN_AMOUNT_ORIG", _T.DECIMAL, True, "Amount.", 125.05),
            _col("start", _T.INTEGER, True, "First step.", 1),
            _col("end", _T.INTEGER, True, "Last step.", 1),
        ),
    ),
    SourceFormat(
        "alerts",
        Container.CSV,
        Purpose.EXTERNAL,
        ("ALERT_KEY",),
        "AMLSim full output (`sample_outputs/alerts.csv`): accounts in planted patterns, the labels.",
        (
            _col("ALERT_KEY", _T.INTEGER, True, "Alert key.", 0),
            _col("ALERT_TEXT", _T.TEXT, True, "Alert (pattern instance) id.", "1"),
            _col("ACCOUNT_ID", _T.INTEGER, True, "Account in the pattern.", 25),
            _col("CUSTOMER_ID", _T.IDENTIFIER, True, "Its customer.", "25"),
            _col("EVENT_DATE", _T.TEXT, True, "Date `YYYYMMDD`.", "20170218"),
            _col("CHECK_NAME", _T.IDENTIFIER, True, "Pattern name (`cycle`, `fan_in`...).", "cycle"),
            _col("Organization_Type", _T.IDENTIFIER, True, "Customer type.", "INDIVIDUAL"),
            _col("Escalated_To_Case_Investigation", _T.TEXT, True, "`YES` or `NO`.", "YES"),
        ),
    ),
)

_BY_NAME: dict[str, SourceFormat] = {fmt.name: fmt for fmt in FORMATS}


def format_by_name(name: str) -> SourceFormat:
    """The format of the source called ``name`` (``"companies"``), or :class:`UnknownFormat`."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownFormat(f"{name!r} is not a bigfinder source; known: {', '.join(_BY_NAME)}") from None


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(fmt: SourceFormat) -> str:
    """The column table of ``fmt`` as the format document shows it."""
    lines = ["| column | type | required | description |", "|---|---|---|---|"]
    for column in fmt.columns:
        description = column.description
        if column.choices:
            description += " One of: " + ", ".join(f"`{choice}`" for choice in column.choices) + "."
        lines.append(
            f"| `{column.name}` | {column.type.value} | {'yes' if column.required else 'no'} "
            f"| {_cell(description)} |"
        )
    return "\n".join(lines)


def _csv_field(value: ExampleValue) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if any(char in text for char in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def markdown_example(fmt: SourceFormat) -> str:
    """The example row of ``fmt`` as a fenced block: header and row for CSV, one object for JSON Lines."""
    row = fmt.example_row()
    if fmt.container is Container.CSV:
        body = (
            ",".join(_csv_field(name) for name in row) + "\n" + ",".join(_csv_field(v) for v in row.values())
        )
        return f"```csv\n{body}\n```"
    as_json = {name: list(value) if isinstance(value, tuple) else value for name, value in row.items()}
    return "```json\n" + json.dumps(as_json, ensure_ascii=False) + "\n```"


def markdown_type_table() -> str:
    """The table of value types and how each is written."""
    lines = ["| type | written as |", "|---|---|"]
    lines.extend(f"| {type_.value} | {_cell(note)} |" for type_, note in TYPE_NOTES.items())
    return "\n".join(lines)

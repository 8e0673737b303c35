"""The synthetic world generator: reproducible, documented, loadable, with the planted rings findable."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from ingest.catalogue import SMUGGLING_CLASSES
from ingest.formats import (
    AMLSIM_FORMATS,
    FORMATS,
    Container,
    Purpose,
    Scheme,
    markdown_example,
    markdown_table,
)
from ingest.generate import DUTY_FREE_THRESHOLD_USD, MIN_SCALE, WorldSummary, generate_world
from ingest.ledger import record_hash, verify_ledger_file
from ingest.normalise import account_key, address_key, phone_key
from ingest.reader import RawRow, read_rows
from ingest.validate import RowValidator
from ingest.variants import PHONE_STYLES, PhoneNumber, render_phone

DOC = Path(__file__).resolve().parents[3] / "docs" / "data-formats.md"
AMLSIM = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "amlsim"
SCALE = 10_000
SEED = 7
#: A day after every generated date, so the validator's "not in the future" rule never depends on today.
AFTER_THE_WORLD = date(2025, 6, 1)

Rows = list[dict[str, str]]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WorldSummary, float]:
    folder = tmp_path_factory.mktemp("world")
    started = time.perf_counter()
    summary = generate_world(folder, SCALE, SEED)
    return folder, summary, time.perf_counter() - started


@pytest.fixture(scope="module")
def folder(world: tuple[Path, WorldSummary, float]) -> Path:
    return world[0]


def _csv(folder: Path, name: str) -> Rows:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _jsonl(folder: Path, name: str) -> list[dict[str, object]]:
    with (folder / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _truth(folder: Path, scheme: Scheme) -> dict[str, Rows]:
    rings: dict[str, Rows] = defaultdict(list)
    for row in _csv(folder, "ground_truth.csv"):
        if row["scheme"] == scheme.value:
            rings[row["ring_id"]].append(row)
    return rings


def _members(ring: Rows, role: str) -> list[str]:
    return [row["entity_id"] for row in ring if row["role"] == role]


# -- reproducibility and size --------------------------------------------------------------------


def test_same_seed_writes_identical_bytes_and_another_seed_does_not(folder: Path, tmp_path: Path) -> None:
    again = generate_world(tmp_path / "again", SCALE, SEED)
    other = generate_world(tmp_path / "other", SCALE, SEED + 1)
    for name in again.rows:
        assert (tmp_path / "again" / name).read_bytes() == (folder / name).read_bytes(), name
    differing = [
        name
        for name in other.rows
        if (tmp_path / "other" / name).read_bytes() != (folder / name).read_bytes()
    ]
    assert "companies.csv" in differing and "transfers.csv" in differing


def test_scale_ten_thousand_is_about_ten_thousand_entities(
    world: tuple[Path, WorldSummary, float],
) -> None:
    _, summary, _ = world
    entities = summary.rows["travelers.csv"] + summary.rows["persons.csv"] + summary.rows["companies.csv"]
    assert 0.9 * SCALE <= entities <= 1.1 * SCALE


def test_summary_counts_the_rows_of_every_file(world: tuple[Path, WorldSummary, float]) -> None:
    folder, summary, _ = world
    for name, rows in summary.rows.items():
        lines = (folder / name).read_text(encoding="utf-8").count("\n")
        assert rows == lines - (1 if name.endswith(".csv") else 0), name
    assert summary.total_rows == sum(summary.rows.values())


def test_small_scales_and_bad_fractions_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate_world(tmp_path, MIN_SCALE - 1, SEED)
    with pytest.raises(ValueError, match="bad_rows"):
        generate_world(tmp_path, MIN_SCALE, SEED, bad_rows=0.9)


def test_progress_is_reported_per_source_and_grows(tmp_path: Path) -> None:
    seen: dict[str, list[int]] = defaultdict(list)
    summary = generate_world(tmp_path, MIN_SCALE, SEED, progress=lambda name, rows: seen[name].append(rows))
    assert set(seen) <= {fmt.name for fmt in FORMATS}
    for name, counts in seen.items():
        assert counts == sorted(counts), name
    assert seen["declarations"][-1] == summary.rows["declarations.csv"]


def test_memory_stays_flat_while_streaming_two_hundred_thousand_entities(tmp_path: Path) -> None:
    # A fresh interpreter, so the peak measured is this generation's and not an earlier test's.
    script = (
        "import resource, sys; from pathlib import Path; from ingest.generate import generate_world; "
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
        "generate_world(Path(sys.argv[1]), 200_000, 7); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=DOC.parents[1],
    )
    growth_mib = int(result.stdout.strip()) / 1024
    # Holding its million rows as Python objects would take gigabytes; streaming needs chunk-sized memory.
    assert growth_mib < 400


# -- formats and documentation ---------------------------------------------------------------------


def test_every_documented_file_is_written_with_exactly_its_columns(folder: Path) -> None:
    for fmt in FORMATS:
        if fmt.name == "bad_rows":
            continue
        path = folder / fmt.file_name
        assert path.is_file(), fmt.file_name
        if fmt.container is Container.CSV:
            with path.open(encoding="utf-8", newline="") as handle:
                assert tuple(next(csv.reader(handle))) == fmt.column_names, fmt.name
        else:
            keys = {tuple(record) for record in _jsonl(folder, fmt.file_name)}
            assert keys == {fmt.column_names}, fmt.name


def test_document_shows_every_format_table_and_example_as_specified() -> None:
    doc = DOC.read_text(encoding="utf-8")
    headings = re.findall(r"^### `([^`]+)`", doc, flags=re.MULTILINE)
    assert sorted(headings) == sorted(fmt.name for fmt in (*FORMATS, *AMLSIM_FORMATS))
    for fmt in FORMATS:
        assert markdown_table(fmt) in doc, fmt.name
        assert markdown_example(fmt) in doc, fmt.name
    for fmt in AMLSIM_FORMATS:
        assert markdown_table(fmt) in doc, fmt.name


def test_documented_examples_are_valid_rows() -> None:
    for fmt in FORMATS:
        if fmt.purpose is Purpose.EXTERNAL:
            continue
        example = {name: list(v) if isinstance(v, tuple) else v for name, v in fmt.example_row().items()}
        checked = RowValidator(fmt, today=AFTER_THE_WORLD).validate(RawRow(2, example))
        assert checked.ok, (fmt.name, checked.problem)
    ledger = next(fmt for fmt in FORMATS if fmt.name == "ledger").example_row()
    assert record_hash(ledger) == ledger["hash"]


@pytest.mark.skipif(not AMLSIM.is_dir(), reason="the shared AMLSim samples are not on this machine")
def test_amlsim_layouts_match_the_shared_files() -> None:
    files = {
        "nodes": AMLSIM / "20K_cycle200" / "nodes.csv",
        "transactions": AMLSIM / "20K_fanin200" / "transactions.csv",
        "accounts": AMLSIM / "sample_outputs" / "accounts.csv",
        "tx": AMLSIM / "sample_outputs" / "tx.csv",
        "alerts": AMLSIM / "sample_outputs" / "alerts.csv",
    }
    for fmt in AMLSIM_FORMATS:
        with files[fmt.name].open(encoding="utf-8") as handle:
            assert tuple(handle.readline().strip().split(",")) == fmt.column_names, fmt.name


def test_clean_world_loads_without_a_single_quarantined_row(folder: Path) -> None:
    for fmt in FORMATS:
        if fmt.name == "bad_rows":
            continue
        validator = RowValidator(fmt, today=AFTER_THE_WORLD)
        problems = [
            (row.line, checked.problem)
            for row in read_rows(folder / fmt.file_name, fmt)
            if not (checked := validator.validate(row)).ok
        ]
        assert problems == [], (fmt.name, problems[:5])


def test_dirty_world_spoils_exactly_the_rows_its_manifest_lists(tmp_path: Path) -> None:
    summary = generate_world(tmp_path, 3000, SEED, bad_rows=0.02)
    listed = {(row["file"], int(row["line"])) for row in _csv(tmp_path, "bad_rows.csv")}
    assert len(listed) == summary.bad_rows > 0
    refused = set()
    for fmt in FORMATS:
        if fmt.purpose is not Purpose.SOURCE:
            continue
        validator = RowValidator(fmt, today=AFTER_THE_WORLD)
        refused |= {
            (fmt.file_name, row.line)
            for row in read_rows(tmp_path / fmt.file_name, fmt)
            if not validator.validate(row).ok
        }
    assert refused == listed
    assert verify_ledger_file(tmp_path / "ledger.jsonl") == []


# -- identifiers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        PhoneNumber(82, "10", "48213390"),
        PhoneNumber(82, "2", "34531290"),
        PhoneNumber(82, "51", "64831516"),
        PhoneNumber(86, "755", "64571234"),
        PhoneNumber(81, "3", "47651234"),
        PhoneNumber(1, "212", "4031234"),
        PhoneNumber(852, "9", "6071786"),
        PhoneNumber(39, "02", "41234567"),
    ],
)
def test_every_phone_rendering_normalises_to_one_e164_number(phone: PhoneNumber) -> None:
    renderings = {render_phone(phone, style) for style in range(PHONE_STYLES)}
    assert len(renderings) == PHONE_STYLES
    assert {phone_key(text) for text in renderings} == {phone.e164}


def test_phones_in_the_world_come_in_many_layouts(folder: Path) -> None:
    phones = [row["phone"] for row in _csv(folder, "persons.csv") if row["phone"]]
    layouts = {re.sub(r"\d", "9", phone) for phone in phones}
    assert len(layouts) >= 10


def test_every_front_shares_an_identifier_with_its_delinquent_written_differently(folder: Path) -> None:
    companies = {row["company_id"]: row for row in _csv(folder, "companies.csv")}
    identity = {row["record_id"]: row["identity_id"] for row in _csv(folder, "identity_truth.csv")}
    listed = {
        row["entity_id"]: row["listed_on"]
        for row in _csv(folder, "watchlist.csv")
        if row["kind"] == "tax_delinquent"
    }
    rings = _truth(folder, Scheme.BYPASS_IMPORT)
    for ring in rings.values():
        [delinquent] = [companies[c] for c in _members(ring, "delinquent")]
        fronts = [companies[c] for c in _members(ring, "front")]
        assert 2 <= len(fronts) <= 5
        for front in fronts:
            assert front["registered_on"] > listed[delinquent["company_id"]]
            shared = _shared_identifiers(delinquent, front, identity)
            assert shared, (delinquent["company_id"], front["company_id"])
            for kind in shared & {"phone", "address"}:
                assert front[kind] != delinquent[kind], "a shared identifier is written differently"


def _shared_identifiers(a: dict[str, str], b: dict[str, str], identity: dict[str, str]) -> set[str]:
    shared = set()
    if a["phone"] and b["phone"] and phone_key(a["phone"]) == phone_key(b["phone"]):
        shared.add("phone")
    if a["address"] and b["address"] and address_key(a["address"]) == address_key(b["address"]):
        shared.add("address")
    accounts_a = {account_key(x) for x in a["bank_accounts"].split(";") if x}
    if accounts_a & {account_key(x) for x in b["bank_accounts"].split(";") if x}:
        shared.add("account")
    if identity[a["representative_person_id"]] == identity[b["representative_person_id"]]:
        shared.add("representative")
    return shared


def test_fronts_trade_with_the_delinquents_suppliers(folder: Path) -> None:
    suppliers_of: dict[str, set[str]] = defaultdict(set)
    goods_of: dict[str, set[str]] = defaultdict(set)
    for row in _csv(folder, "declarations.csv"):
        suppliers_of[row["importer_id"]].add(row["supplier_id"])
        goods_of[row["importer_id"]].add(row["hs_code"])
    for ring in _truth(folder, Scheme.BYPASS_IMPORT).values():
        [delinquent] = _members(ring, "delinquent")
        for front in _members(ring, "front"):
            assert suppliers_of[front] & suppliers_of[delinquent]
            assert goods_of[front] & goods_of[delinquent]


def test_identity_truth_covers_every_record_and_joins_differently_written_ones(folder: Path) -> None:
    truth = {row["record_id"]: row["identity_id"] for row in _csv(folder, "identity_truth.csv")}
    people = _csv(folder, "travelers.csv") + _csv(folder, "persons.csv")
    records = {row["person_id"] for row in people} | {
        row["company_id"] for row in _csv(folder, "companies.csv")
    }
    assert set(truth) == records
    by_identity: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in people:
        by_identity[truth[row["person_id"]]].append(row)
    shared = [rows for rows in by_identity.values() if len(rows) > 1]
    assert len(shared) >= 50
    assert all(len({r["date_of_birth"] for r in rows if r["date_of_birth"]}) <= 1 for rows in shared)
    assert sum(len({r["name"] for r in rows}) > 1 for rows in shared) >= 0.5 * len(shared)


# -- planted schemes -------------------------------------------------------------------------------


def test_every_scheme_has_at_least_five_rings_at_scale_ten_thousand(
    world: tuple[Path, WorldSummary, float],
) -> None:
    folder, summary, _ = world
    for scheme in Scheme:
        assert len(_truth(folder, scheme)) >= 5, scheme
        assert summary.rings[scheme] == len(_truth(folder, scheme))


def test_undervalued_imports_are_cheap_illicit_when_inspected_and_paid_by_third_parties(folder: Path) -> None:
    declarations = _csv(folder, "declarations.csv")
    transfers = _csv(folder, "transfers.csv")
    honest_price: dict[tuple[str, str], list[float]] = defaultdict(list)
    planted = {
        c for ring in _truth(folder, Scheme.UNDERVALUATION).values() for c in _members(ring, "importer")
    }
    for row in declarations:
        if row["importer_id"] and row["importer_id"] not in planted:
            honest_price[(row["hs_code"], row["origin_country"])].append(_unit_price(row))
    for ring in _truth(folder, Scheme.UNDERVALUATION).values():
        importers = set(_members(ring, "importer"))
        assert 3 <= len(importers) <= 6
        [agent_account] = _members(ring, "third_party_account")
        rows = [row for row in declarations if row["importer_id"] in importers]
        for row in rows:
            market = sorted(honest_price[(row["hs_code"], row["origin_country"])])
            if len(market) >= 5:
                assert _unit_price(row) < 0.6 * market[len(market) // 2]
            if row["inspected"] == "true":
                assert row["inspection_outcome"] == "illicit" and float(row["revenue"]) > 0
        suppliers = {row["supplier_id"] for row in rows}
        third_party = [t for t in transfers if t["sender_account"] == agent_account]
        assert suppliers <= {t["receiver_owner_id"] for t in third_party}
        assert not {t["sender_owner_id"] for t in third_party} & importers


def _unit_price(row: dict[str, str]) -> float:
    return float(row["declared_value"]) / float(row["quantity"])


def test_split_parcels_go_to_one_address_under_many_names_below_the_threshold(folder: Path) -> None:
    declarations = {
        row["tracking_number"]: row for row in _csv(folder, "declarations.csv") if row["tracking_number"]
    }
    shipments = {r["tracking_number"]: r for r in _jsonl(folder, "ledger.jsonl") if r["event"] == "shipment"}
    for ring in _truth(folder, Scheme.SPLIT_SHIPMENT).values():
        [buyer] = _members(ring, "buyer")
        parcels = _members(ring, "split_parcel")
        assert len(parcels) >= 10
        for tracking in parcels:
            declared = float(declarations[tracking]["declared_value"])
            assert declared < DUTY_FREE_THRESHOLD_USD < float(str(shipments[tracking]["price"]))
            assert shipments[tracking]["buyer_id"] == buyer
        assert len({address_key(str(shipments[t]["consignee_address"])) for t in parcels}) == 1
        assert len({shipments[t]["consignee_name"] for t in parcels}) >= 3


def test_couriers_travel_together_share_phones_are_paid_by_one_account_and_carry_contraband(
    folder: Path,
) -> None:
    travellers = {row["person_id"]: row for row in _csv(folder, "travelers.csv")}
    trips = _csv(folder, "trips.csv")
    hits = {
        str(h["object_ref"]): h for h in _jsonl(folder, "xray_hits.jsonl") if h["object_type"] == "baggage"
    }
    transfers = _csv(folder, "transfers.csv")
    for ring in _truth(folder, Scheme.COURIER).values():
        couriers = set(_members(ring, "courier"))
        [organiser_account] = _members(ring, "organiser_account")
        assert 4 <= len(couriers) <= 10
        phones = {phone_key(travellers[c]["phone"]) for c in couriers if travellers[c]["phone"]}
        assert 1 <= len(phones) <= 2
        ring_trips = [t for t in trips if t["person_id"] in couriers]
        groups = Counter((t["voyage"], t["departs_on"]) for t in ring_trips)
        assert max(groups.values()) >= 3
        bookings = Counter(t["booking_reference"] for t in ring_trips)
        assert max(bookings.values()) == 2
        smuggled = {hits[t["trip_id"]]["detected_class"] for t in ring_trips if t["trip_id"] in hits}
        assert smuggled & set(SMUGGLING_CLASSES)
        paid = {t["receiver_owner_id"] for t in transfers if t["sender_account"] == organiser_account}
        assert couriers <= paid


def test_round_tripping_money_comes_back_round_a_cycle_slightly_smaller(folder: Path) -> None:
    transfers = _csv(folder, "transfers.csv")
    for ring in _truth(folder, Scheme.ROUND_TRIPPING).values():
        accounts = set(_members(ring, "cycle_account"))
        assert 3 <= len(accounts) <= 6
        inside = sorted(
            (t for t in transfers if t["sender_account"] in accounts and t["receiver_account"] in accounts),
            key=lambda t: t["sent_at"],
        )
        out_degree = Counter(t["sender_account"] for t in inside)
        in_degree = Counter(t["receiver_account"] for t in inside)
        assert set(out_degree) == set(in_degree) == accounts
        first_hops = inside[: len(accounts)]
        assert [t["receiver_account"] for t in first_hops[:-1]] == [
            t["sender_account"] for t in first_hops[1:]
        ]
        assert first_hops[-1]["receiver_account"] == first_hops[0]["sender_account"]
        amounts = [float(t["amount"]) for t in first_hops]
        assert amounts == sorted(amounts, reverse=True) and amounts[-1] > 0.9 * amounts[0]


# -- honest noise ------------------------------------------------------------------------------------


def test_many_different_people_share_the_most_common_name(folder: Path) -> None:
    travellers = _csv(folder, "travelers.csv")
    births: dict[str, set[str]] = {}
    for row in travellers:
        births.setdefault(row["name"], set()).add(row["date_of_birth"])
    by_name = Counter(row["name"] for row in travellers)
    name, count = by_name.most_common(1)[0]
    assert count >= 3 and len(births[name]) >= 0.9 * count
    # Two Koreans share a full name with a probability of about 1/12,000: among some 2,600 Korean
    # travellers that is some 280 pairs of different people, so many names are each held by several.
    assert sum(len(days) >= 2 for days in births.values()) >= 50


def test_honest_firms_crowd_into_shared_office_buildings(folder: Path) -> None:
    planted = {row["entity_id"] for row in _csv(folder, "ground_truth.csv")}
    honest = [
        row
        for row in _csv(folder, "companies.csv")
        if row["company_id"] not in planted and row["country"] == "KR"
    ]
    buildings = Counter(_building(row["address"]) for row in honest)
    assert buildings.most_common(1)[0][1] >= 5


def _building(address: str) -> str:
    """The street address without its leading suite or room number."""
    return re.sub(r"^(suite |room )?\d+ (?=\d+ )", "", address_key(address))


def test_honest_households_share_a_home_phone(folder: Path) -> None:
    planted = {row["entity_id"] for row in _csv(folder, "ground_truth.csv")}
    phones = Counter(
        phone_key(row["phone"])
        for row in _csv(folder, "travelers.csv") + _csv(folder, "persons.csv")
        if row["phone"] and row["person_id"] not in planted
    )
    shared_landlines = [p for p, n in phones.items() if n > 1 and not p.startswith("+8210")]
    assert len(shared_landlines) >= 20


def test_hubs_and_utilities_collect_from_thousands_of_honest_parties(folder: Path) -> None:
    ledger = _jsonl(folder, "ledger.jsonl")
    addresses = Counter(address_key(str(r["consignee_address"])) for r in ledger if r["event"] == "purchase")
    assert addresses.most_common(1)[0][1] >= 50
    payers: dict[str, set[str]] = defaultdict(set)
    for row in _csv(folder, "transfers.csv"):
        payers[row["receiver_account"]].add(row["sender_owner_id"])
    assert max(len(p) for p in payers.values()) >= 300


def test_some_honest_declarations_are_illicit_and_most_inspections_are_clear(folder: Path) -> None:
    planted = {row["entity_id"] for row in _csv(folder, "ground_truth.csv")}
    inspected = [r for r in _csv(folder, "declarations.csv") if r["inspected"] == "true"]
    honest = [r for r in inspected if r["importer_id"] and r["importer_id"] not in planted]
    assert any(r["inspection_outcome"] == "illicit" for r in honest)
    assert sum(r["inspection_outcome"] == "clear" for r in honest) > 0.8 * len(honest)


def test_ledger_chain_of_the_world_verifies(folder: Path) -> None:
    assert verify_ledger_file(folder / "ledger.jsonl") == []

"""Entity resolution: which Person (or Company) records are one real party, and why.

Three steps, each cheap enough for millions of records:

1. **Blocking.** Every record gets a few keys (its name reading, name and birth day, surname and birth
   day, given name and birth day, each shared identifier, a firm's registration number). Records that
   share a key are candidate pairs. A key held by more than ``max_block`` records (an office building's
   address, "Kim Min-su" without a birth day) says too little to be worth the comparisons and is
   skipped, so the cost grows with the number of records, not its square.
2. **Evidence.** Small functions (:data:`PERSON_EVIDENCE`, :data:`COMPANY_EVIDENCE`) each give every
   candidate pair a weight (log-odds: positive for a match, negative against) and, for the pairs kept,
   a reason an investigator can read. Name similarity is computed with ``rapidfuzz.process.cpdist``
   over the distinct name pairs only; name agreement counts for less the commoner the name, so two
   records of "Kim Min-su" born on one day need one more shared identifier than two "Hwang Ji-u".
3. **Decision.** The weights and a prior (about :data:`DUPLICATE_RATE` records per record are another
   record of the same party) give a probability. From ``match_at`` up the pair is a match (``SAME_AS``);
   from ``review_at`` it goes to an investigator's review queue. Confirmed pairs always match, rejected
   pairs never do.

Example
-------
>>> from resolution.records import PartyRecords
>>> people = PartyRecords.build("Person", [
...     {"record_id": "P1", "name": "황지우", "date_of_birth": "1987-03-31", "phones": ["+821012345678"]},
...     {"record_id": "P2", "name": "Hwang Ji-woo", "date_of_birth": "1987-03-31",
...      "phones": ["+821012345678"]},
...     {"record_id": "P3", "name": "Hwang Ji-woo", "date_of_birth": "1990-05-01"},
... ])
>>> result = resolve(people)
>>> [(people.record_id[a], people.record_id[b]) for a, b in result.matches()]
[('P1', 'P2')]
>>> for weight, reason in result.explain(result.match_index()[0])[:3]:
...     print(reason)
shared phone +821012345678
same date of birth 1987-03-31
names agree: 'hwang jiu' ~ 'hwang jiu' (similarity 1.00, 3 records share the name)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz
from rapidfuzz.process import cdist, cpdist
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from resolution.records import IDENTIFIER_KINDS, NO_DAY, PartyRecords

__all__ = [
    "COMPANY_EVIDENCE",
    "DUPLICATE_RATE",
    "MATCHER_VERSION",
    "PERSON_EVIDENCE",
    "Evidence",
    "PairContext",
    "Resolution",
    "block_pairs",
    "resolve",
]

#: Stored with every link, so a link can be traced to the rules that made it.
MATCHER_VERSION = "1"
#: Up to this many distinct name readings, every two are scored once into a look-up table.
_VOCABULARY_TABLE_LIMIT = 8192
#: The prior: how many other records of the same party a record has, on average.
DUPLICATE_RATE = 0.05

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

# One bit per kind of blocking key, so a pair remembers every key it shares.
_NAME, _NAME_DAY, _FAMILY_DAY, _GIVEN_DAY, _REGISTRATION = 1, 2, 4, 8, 16
_IDENTIFIER_BIT = {kind: 32 << at for at, kind in enumerate(IDENTIFIER_KINDS)}
_IDENTIFIER_WORDS = {
    "phones": "phone",
    "emails": "e-mail address",
    "addresses": "address",
    "accounts": "account",
    "passports": "passport",
}


def _blocking_keys(records: PartyRecords) -> tuple[I64, I64, I64]:
    """(key number, record, key bit) triples; equal keys get equal numbers."""
    interned: dict[tuple[object, ...], int] = {}
    keys: list[int] = []
    owners: list[int] = []
    bits: list[int] = []

    def add(key: tuple[object, ...], at: int, bit: int) -> None:
        keys.append(interned.setdefault(key, len(interned)))
        owners.append(at)
        bits.append(bit)

    days = records.birth_day.tolist()
    for at, (readings, day) in enumerate(zip(records.readings, days, strict=True)):
        for family, given in readings:
            add(("n", family, given), at, _NAME)
            if day != NO_DAY:
                add(("nd", family, given, day), at, _NAME_DAY)
                if family:
                    add(("fd", family, day), at, _FAMILY_DAY)
                    add(("gd", given, day), at, _GIVEN_DAY)
        if records.registration_number[at]:
            add(("rg", records.registration_number[at]), at, _REGISTRATION)
    for kind, bit in _IDENTIFIER_BIT.items():
        for at, values in enumerate(records.identifiers[kind]):
            for value in values:
                add((kind, value), at, bit)
    as_array = np.asarray
    return as_array(keys, dtype=np.int64), as_array(owners, dtype=np.int64), as_array(bits, dtype=np.int64)


def block_pairs(records: PartyRecords, max_block: int = 64) -> tuple[I64, I64, I64, int]:
    """Candidate pairs ``(left, right, shared key bits)`` with left < right, each pair once, and the
    number of blocks skipped as too large."""
    key_id, owner, bit = _blocking_keys(records)
    empty = np.zeros(0, dtype=np.int64)
    if not len(key_id):
        return empty, empty, empty, 0
    order = np.argsort(key_id, kind="stable")
    key_id, owner, bit = key_id[order], owner[order], bit[order]
    starts = np.flatnonzero(np.r_[True, key_id[1:] != key_id[:-1]])
    sizes = np.diff(np.r_[starts, len(key_id)])
    lefts: list[I64] = []
    rights: list[I64] = []
    pair_bits: list[I64] = []
    for size in np.unique(sizes[(sizes > 1) & (sizes <= max_block)]).tolist():
        first = starts[sizes == size]
        i, j = np.triu_indices(size, k=1)
        lefts.append(owner[(first[:, None] + i[None, :]).ravel()])
        rights.append(owner[(first[:, None] + j[None, :]).ravel()])
        pair_bits.append(np.repeat(bit[first], len(i)))
    skipped = int((sizes > max_block).sum())
    if not lefts:
        return empty, empty, empty, skipped
    left, right, shared = np.concatenate(lefts), np.concatenate(rights), np.concatenate(pair_bits)
    keep = left != right  # a record with two readings can sit twice in one block
    left, right, shared = left[keep], right[keep], shared[keep]
    code = np.minimum(left, right) * len(records) + np.maximum(left, right)
    order = np.argsort(code)
    code, shared = code[order], shared[order]
    first_of_pair = np.r_[True, code[1:] != code[:-1]]
    unique_code = code[first_of_pair]
    merged = np.bitwise_or.reduceat(shared, np.flatnonzero(first_of_pair))
    return unique_code // len(records), unique_code % len(records), merged, skipped


def _codes(values: list[str]) -> I64:
    """Each text as a small integer (0 for empty), for vectorised equality tests."""
    numbers: dict[str, int] = {"": 0}
    return np.asarray([numbers.setdefault(v, len(numbers)) for v in values], dtype=np.int64)


@dataclass(frozen=True)
class PairContext:
    """What evidence functions read: the records, the candidate pairs and per-record helpers."""

    records: PartyRecords
    left: I64
    right: I64
    shared: I64
    #: Records with the same primary name reading as each record (how common the name is).
    name_count: I64
    #: Probability that two records with known days share the day: how much a same day says.
    day_agreement: float
    #: Text columns as integer codes (0 for empty): nationality, registration_number, register.
    codes: dict[str, I64]
    name_similarity: F64 = field(default_factory=lambda: np.zeros(0))

    def reading(self, at: int) -> str:
        readings = self.records.readings[at]
        return " ".join(part for part in readings[0] if part) if readings else ""


@dataclass(frozen=True)
class Evidence:
    """One evidence function's verdict on every pair: a weight each, and a reason for one pair."""

    name: str
    weight: F64
    reason: Callable[[int], str]


EvidenceFunction = Callable[[PairContext], Evidence]


@dataclass(frozen=True)
class _NameVocabulary:
    """Every distinct reading once, and each record's first and second reading as a number."""

    family: npt.NDArray[np.int64]
    given: list[str]
    first: I64
    second: I64

    @classmethod
    def of(cls, records: PartyRecords) -> _NameVocabulary:
        numbers: dict[tuple[str, str], int] = {}
        first, second = [], []
        for readings in records.readings:
            ids = [numbers.setdefault(r, len(numbers)) for r in readings[:2]] or [-1]
            first.append(ids[0])
            second.append(ids[-1])
        # The last entry stands for "no name": it matches nothing.
        families = _codes([f for f, _ in numbers] + [""])
        families[-1] = -1
        as_ids = np.asarray(first, dtype=np.int64), np.asarray(second, dtype=np.int64)
        empty = len(numbers)
        return cls(
            families, [g for _, g in numbers] + [""], np.where(as_ids[0] < 0, empty, as_ids[0]),
            np.where(as_ids[1] < 0, empty, as_ids[1]),
        )  # fmt: skip

    def similarity(self, left: I64, right: I64) -> F64:
        """Best similarity over the two records' readings: 0 when the surnames are different families."""
        # A name vocabulary is small next to the pairs: score every two readings once, then look up.
        if len(self.given) <= _VOCABULARY_TABLE_LIMIT and len(self.given) ** 2 <= 8 * len(left):
            table = cdist(self.given, self.given, scorer=fuzz.ratio, dtype=np.uint8, workers=-1)
            table[(self.family[:, None] != self.family[None, :]) | (self.family[:, None] < 0)] = 0
            return self._best(left, right, lambda a, b: table[a, b])
        return self._best(left, right, self._pairwise)

    def _pairwise(self, a: I64, b: I64) -> npt.NDArray[np.uint8]:
        size = len(self.given)
        unique_code, inverse = np.unique(np.minimum(a, b) * size + np.maximum(a, b), return_inverse=True)
        ua, ub = unique_code // size, unique_code % size
        given = self.given
        score = cpdist([given[i] for i in ua.tolist()], [given[i] for i in ub.tolist()], scorer=fuzz.ratio,
                       dtype=np.uint8, workers=-1)  # fmt: skip
        score[(self.family[ua] != self.family[ub]) | (self.family[ua] < 0)] = 0
        return np.asarray(score, dtype=np.uint8)[inverse]

    def _best(self, left: I64, right: I64, score: Callable[[I64, I64], npt.NDArray[np.uint8]]) -> F64:
        best = np.zeros(len(left), dtype=np.uint8)
        for a_ids in (self.first, self.second):
            for b_ids in (self.first, self.second):
                best = np.maximum(best, score(a_ids[left], b_ids[right]))
        return best.astype(np.float64) / 100.0


def name_similarity(ctx: PairContext) -> Evidence:
    """Names agree (transliterated, romanisation habits absorbed), weighed by how rare the name is."""
    sim = ctx.name_similarity
    count = np.minimum(ctx.name_count[ctx.left], ctx.name_count[ctx.right]).astype(np.float64)
    # Two unrelated records share a name with probability count / records.
    agreement = np.log(len(ctx.records) / np.maximum(count, 1.0))
    weight = np.where(
        sim >= 0.95, agreement, np.where(sim >= 0.85, agreement - 2.5, np.where(sim >= 0.7, -4.0, -9.0))
    )

    def reason(at: int) -> str:
        a, b = int(ctx.left[at]), int(ctx.right[at])
        verdict = "agree" if sim[at] >= 0.85 else "differ"
        common = f", {int(count[at])} records share the name" if count[at] > 1 and sim[at] >= 0.85 else ""
        return f"names {verdict}: {ctx.reading(a)!r} ~ {ctx.reading(b)!r} (similarity {sim[at]:.2f}{common})"

    return Evidence("name_similarity", weight, reason)


def _day_text(day: int) -> str:
    return date.fromordinal(date(1970, 1, 1).toordinal() + day).isoformat()


def _day_evidence(name: str, what: str, conflict_weight: float) -> EvidenceFunction:
    def evidence(ctx: PairContext) -> Evidence:
        a, b = ctx.records.birth_day[ctx.left], ctx.records.birth_day[ctx.right]
        known = (a != NO_DAY) & (b != NO_DAY)
        weight = np.where(known, np.where(a == b, -math.log(ctx.day_agreement), conflict_weight), 0.0)

        def reason(at: int) -> str:
            if not known[at]:
                return f"{what} not known on both records"
            if a[at] == b[at]:
                return f"same {what} {_day_text(int(a[at]))}"
            return f"{what} conflict: {_day_text(int(a[at]))} vs {_day_text(int(b[at]))}"

        return Evidence(name, weight, reason)

    evidence.__name__ = name
    return evidence


#: Different birth days: almost surely two people (households share everything else).
dob_conflict = _day_evidence("dob_conflict", "date of birth", -12.0)
#: Registration days come from registers that a clerk may get wrong; a conflict weighs less.
registration_day = _day_evidence("registration_day", "registration date", -3.0)


def nationality(ctx: PairContext) -> Evidence:
    """Two different nationalities argue against one person (dual nationals are rare in these files)."""
    code = ctx.codes["nationality"]
    left, right = code[ctx.left], code[ctx.right]
    conflict = (left != 0) & (right != 0) & (left != right)
    weight = np.where(conflict, -6.0, 0.0)
    texts = ctx.records.nationality

    def reason(at: int) -> str:
        a, b = texts[int(ctx.left[at])], texts[int(ctx.right[at])]
        return f"nationality conflict: {a} vs {b}" if conflict[at] else f"nationality {a or 'not known'}"

    return Evidence("nationality", weight, reason)


def registration_number(ctx: PairContext) -> Evidence:
    """A firm's registration number: the same one nearly proves it; two different ones nearly disprove."""
    code = ctx.codes["registration_number"]
    known = (code[ctx.left] != 0) & (code[ctx.right] != 0)
    same = code[ctx.left] == code[ctx.right]
    weight = np.where(known, np.where(same, 16.0, -16.0), 0.0)
    numbers = ctx.records.registration_number

    def reason(at: int) -> str:
        a, b = numbers[int(ctx.left[at])], numbers[int(ctx.right[at])]
        if not known[at]:
            return "registration number not known on both records"
        return f"same registration number {a}" if same[at] else f"registration numbers differ: {a} vs {b}"

    return Evidence("registration_number", weight, reason)


def _shared_identifier(kind: str, weight_when_shared: float) -> EvidenceFunction:
    bit = _IDENTIFIER_BIT[kind]
    word = _IDENTIFIER_WORDS[kind]

    def evidence(ctx: PairContext) -> Evidence:
        shared = (ctx.shared & bit) != 0
        weight = np.where(shared, weight_when_shared, 0.0)

        def reason(at: int) -> str:
            if not shared[at]:
                return f"no shared {word}"
            values = set(ctx.records.identifiers[kind][int(ctx.left[at])])
            common = sorted(values.intersection(ctx.records.identifiers[kind][int(ctx.right[at])]))
            return f"shared {word} {', '.join(common)}"

        return Evidence(f"shared_{kind}", weight, reason)

    evidence.__name__ = f"shared_{kind}"
    return evidence


def same_register(ctx: PairContext) -> Evidence:
    """A register rarely holds one party twice (a passport office issues one live passport per person);
    the same party turns up again in another register."""
    code = ctx.codes["register"]
    known = (code[ctx.left] != 0) & (code[ctx.right] != 0)
    same = code[ctx.left] == code[ctx.right]
    weight = np.where(known, np.where(same, -2.3, 0.7), 0.0)
    registers = ctx.records.register

    def reason(at: int) -> str:
        a, b = registers[int(ctx.left[at])], registers[int(ctx.right[at])]
        if not known[at]:
            return "register not known"
        return f"both in register {a}" if same[at] else f"registers {a} and {b}"

    return Evidence("same_register", weight, reason)


def passport_conflict(ctx: PairContext) -> Evidence:
    """Both records hold passports and none is the same: two people, unless one renewed it."""
    passports = ctx.records.identifiers["passports"]
    holds = np.asarray([bool(p) for p in passports])
    shared = (ctx.shared & _IDENTIFIER_BIT["passports"]) != 0
    conflict = holds[ctx.left] & holds[ctx.right] & ~shared
    weight = np.where(conflict, -8.0, 0.0)

    def reason(at: int) -> str:
        if not conflict[at]:
            return "no passport conflict"
        a, b = passports[int(ctx.left[at])], passports[int(ctx.right[at])]
        return f"different passports {', '.join(a)} vs {', '.join(b)}"

    return Evidence("passport_conflict", weight, reason)


#: Evidence for person records, each a function of the candidate pairs.
PERSON_EVIDENCE: tuple[EvidenceFunction, ...] = (
    name_similarity,
    dob_conflict,
    nationality,
    _shared_identifier("phones", 9.0),
    _shared_identifier("emails", 11.0),
    # Households share a home; the address alone says less than a phone.
    _shared_identifier("addresses", 8.0),
    _shared_identifier("accounts", 9.0),
    _shared_identifier("passports", 16.0),
    passport_conflict,
    same_register,
)
#: Evidence for company records. Identifiers weigh less: fronts of a delinquent firm share its phone,
#: address or account on purpose, and firms in one building share an address.
COMPANY_EVIDENCE: tuple[EvidenceFunction, ...] = (
    name_similarity,
    registration_number,
    registration_day,
    nationality,
    _shared_identifier("phones", 4.0),
    _shared_identifier("emails", 8.0),
    _shared_identifier("addresses", 2.0),
    _shared_identifier("accounts", 4.0),
)


@dataclass(frozen=True)
class Resolution:
    """The scored candidate pairs of one kind of record, with the decision on each."""

    records: PartyRecords
    context: PairContext
    evidence: tuple[Evidence, ...]
    probability: F64
    #: 'match', 'review' or 'no' per pair.
    decision: npt.NDArray[np.str_]
    blocks_skipped: int
    #: Seconds spent blocking (keys, candidate pairs, name vocabulary) and scoring the pairs.
    blocking_seconds: float = 0.0
    scoring_seconds: float = 0.0

    @property
    def comparisons(self) -> int:
        return len(self.probability)

    def match_index(self) -> I64:
        return np.flatnonzero(self.decision == "match")

    def review_index(self) -> I64:
        return np.flatnonzero(self.decision == "review")

    def matches(self) -> list[tuple[int, int]]:
        at = self.match_index()
        return list(zip(self.context.left[at].tolist(), self.context.right[at].tolist(), strict=True))

    def explain(self, at: int) -> list[tuple[float, str]]:
        """``(weight, reason)`` of every evidence function for pair ``at``, strongest first."""
        items = [(round(float(e.weight[at]), 2), e.reason(at)) for e in self.evidence]
        return sorted(items, key=lambda item: -abs(item[0]))

    def clusters(self) -> I64:
        """A cluster number per record: records joined by a chain of matches share one."""
        at = self.match_index()
        n = len(self.records)
        graph = coo_matrix((np.ones(len(at)), (self.context.left[at], self.context.right[at])), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        clusters: I64 = np.asarray(labels, dtype=np.int64)
        return clusters


def _day_agreement(records: PartyRecords) -> float:
    """How often two records with known days have the same day (birthdays bunch, so not 1 / span)."""
    known = records.birth_day[records.birth_day != NO_DAY]
    if len(known) < 2:
        return 1.0
    counts = np.unique(known, return_counts=True)[1].astype(np.float64)
    return float(max((counts**2).sum() / float(len(known)) ** 2, 1e-9))


def _name_counts(records: PartyRecords) -> I64:
    """How many records share each record's first reading."""
    primary = _codes([f"{r[0][0]}\x1f{r[0][1]}" if r else "" for r in records.readings])
    counts = np.bincount(primary)
    return counts[primary].astype(np.int64)


def resolve(
    records: PartyRecords,
    *,
    match_at: float = 0.9,
    review_at: float = 0.5,
    max_block: int = 64,
    confirmed: Iterable[tuple[str, str]] = (),
    rejected: Iterable[tuple[str, str]] = (),
) -> Resolution:
    """Block, score and decide every candidate pair of ``records``.

    ``confirmed`` and ``rejected`` are investigators' decisions on record-id pairs (either order): a
    confirmed pair is a match whatever the evidence says (and a candidate even if no key is shared),
    a rejected one never is.
    """
    if not 0.0 < review_at <= match_at < 1.0:
        raise ValueError(f"need 0 < review_at <= match_at < 1, got {review_at} and {match_at}")
    prepared = time.perf_counter()
    left, right, shared, skipped = block_pairs(records, max_block)
    position = {record_id: at for at, record_id in enumerate(records.record_id)}
    forced = _pair_codes(confirmed, position, len(records))
    if len(forced):
        left, right, shared = _with_pairs(left, right, shared, forced, len(records))
    vocabulary = _NameVocabulary.of(records)
    codes = {
        "nationality": _codes(records.nationality),
        "registration_number": _codes(records.registration_number),
        "register": _codes(records.register),
    }
    name_count, day_agreement = _name_counts(records), _day_agreement(records)
    scoring = time.perf_counter()
    context = PairContext(
        records, left, right, shared, name_count, day_agreement, codes, vocabulary.similarity(left, right)
    )
    functions = PERSON_EVIDENCE if records.kind == "Person" else COMPANY_EVIDENCE
    evidence = tuple(function(context) for function in functions)
    prior = math.log(DUPLICATE_RATE / max(len(records), 1))
    logit = sum((e.weight for e in evidence), np.full(len(left), prior))
    probability = 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))
    decision = np.where(probability >= match_at, "match", np.where(probability >= review_at, "review", "no"))
    code = left * len(records) + right
    decision[np.isin(code, forced)] = "match"
    decision[np.isin(code, _pair_codes(rejected, position, len(records)))] = "no"
    done = time.perf_counter()
    return Resolution(
        records, context, evidence, probability, decision, skipped, scoring - prepared, done - scoring
    )


def _pair_codes(pairs: Iterable[tuple[str, str]], position: dict[str, int], n: int) -> I64:
    codes = [
        min(position[a], position[b]) * n + max(position[a], position[b])
        for a, b in pairs
        if a in position and b in position and a != b
    ]
    return np.unique(np.asarray(codes, dtype=np.int64))


def _with_pairs(left: I64, right: I64, shared: I64, codes: I64, n: int) -> tuple[I64, I64, I64]:
    existing = left * n + right
    extra = codes[~np.isin(codes, existing)]
    return (
        np.concatenate([left, extra // n]),
        np.concatenate([right, extra % n]),
        np.concatenate([shared, np.zeros(len(extra), dtype=np.int64)]),
    )

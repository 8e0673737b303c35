"""Entity resolution: which Person (or Company) records are one real party, and why.

Three steps, each cheap enough for millions of records:

1. **Blocking.** Every record gets a few keys (its name reading, name and birth day, surname and birth
   day, given name and birth day, each shared identifier, a firm's registration number). Records that
   share a key are candidate pairs. A key held by more than ``max_block`` records (an office building's
   address, "Kim Min-su" without a birth day) says too little to be worth the comparisons and is
   skipped, so the cost grows with the number of records, not its square.
2. **Evidence.** Small functions (:data:`PERSON_EVIDENCE`, :data:`COMPANY_EVIDENCE`) each give every
   candidate pair a weight (log-odds, Fellegi-Sunter style: positive for a match, negative against),
   as numpy arrays over all pairs; the readable reason is written only for the pairs kept. Name
   similarity is 1 for pairs blocked on one reading and ``rapidfuzz.process.cpdist`` over the distinct
   pairs of other readings. Agreement counts for less the commoner the value: a name by how many
   records bear it (two records of "Kim Min-su" born on one day need one more shared identifier than
   two "Hwang Ji-u"), a person's phone, e-mail or home by how many records hold it. Two different
   values of an identifier count against, mildly; a value missing on either record counts for nothing.
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
shared phone +821012345678 (2 records hold it)
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
from rapidfuzz.process import cpdist
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from resolution.records import IDENTIFIER_KINDS, NO_DAY, PartyRecords

__all__ = [
    "COMPANY_EVIDENCE",
    "DUPLICATE_RATE",
    "MATCHER_VERSION",
    "PERSON_EVIDENCE",
    "CandidatePairs",
    "Evidence",
    "PairContext",
    "Resolution",
    "block_pairs",
    "resolve",
]

#: Stored with every link, so a link can be traced to the rules that made it.
MATCHER_VERSION = "2"
#: The prior: how many other records of the same party a record has, on average.
DUPLICATE_RATE = 0.05
_DECISIONS = np.array(["no", "review", "match"])
#: Up to this many given-name pairs, the pairs to compare are found with a dense table.
_DENSE_NAME_PAIRS = 1 << 24

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

# One bit per kind of blocking key, so a pair remembers every key it shares.
_NAME, _NAME_DAY, _FAMILY_DAY, _GIVEN_DAY, _REGISTRATION = 1, 2, 4, 8, 16
_IDENTIFIER_BIT = {kind: 32 << at for at, kind in enumerate(IDENTIFIER_KINDS)}
_IDENTIFIER_WORDS = {
    "phones": ("phone", "phones"),
    "emails": ("e-mail address", "e-mail addresses"),
    "addresses": ("address", "addresses"),
    "accounts": ("account", "accounts"),
    "passports": ("passport", "passports"),
}
# A blocking key is one int64: its kind's bit position in the top bits, then a value number and a day.
_DAY_OFFSET = 1 << 23
_VALUE_SHIFT = 24
_KIND_SHIFT = 58


def _codes(values: list[str]) -> I64:
    """Each text as a small integer (0 for empty), for vectorised equality tests."""
    numbers: dict[str, int] = {"": 0}
    return np.asarray([numbers.setdefault(v, len(numbers)) for v in values], dtype=np.int64)


@dataclass(frozen=True)
class _NameVocabulary:
    """Every distinct reading once, and each record's first and second reading as a number."""

    #: Per reading: its surname family and given name as codes (0 for none), and the given name itself.
    family: I64
    given_code: I64
    given: list[str]
    first: I64
    second: I64
    #: Each distinct given name once, at its code.
    given_names: list[str]

    @classmethod
    def of(cls, records: PartyRecords) -> _NameVocabulary:
        numbers: dict[tuple[str, str], int] = {}
        put = numbers.setdefault
        first = [put(r[0], len(numbers)) if r else -1 for r in records.readings]
        second = [put(r[1], len(numbers)) if len(r) > 1 else -1 for r in records.readings]
        # The last entry stands for "no name": it matches nothing.
        empty = len(numbers)
        families = _codes([f for f, _ in numbers] + [""])
        families[-1] = -1
        given = [g for _, g in numbers] + [""]
        first_ids = np.asarray(first, dtype=np.int64)
        second_ids = np.asarray(second, dtype=np.int64)
        first_ids[first_ids < 0] = empty
        second_ids = np.where(second_ids < 0, first_ids, second_ids)
        given_code = _codes(given)
        given_names = [""] * (int(given_code.max()) + 1)
        for name, number in zip(given, given_code.tolist(), strict=True):
            given_names[number] = name
        return cls(families, given_code, given, first_ids, second_ids, given_names)

    @property
    def empty(self) -> int:
        return len(self.given) - 1

    def similarity(self, left: I64, right: I64) -> F64:
        """Best similarity over the two records' readings: 0 when the surnames are different families."""
        a1, a2, b1, b2 = self.first[left], self.second[left], self.first[right], self.second[right]
        best = self._score(a1, b1)
        # Only records with a second reading can score better on it.
        two = np.flatnonzero((a1 != a2) | (b1 != b2))
        if len(two):
            for a_ids, b_ids in ((a1, b2), (a2, b1), (a2, b2)):
                best[two] = np.maximum(best[two], self._score(a_ids[two], b_ids[two]))
        return best.astype(np.float64) / 100.0

    def _given_ratio(self, a: I64, b: I64) -> npt.NDArray[np.uint8]:
        """``fuzz.ratio`` of given names ``a`` and ``b`` (codes), each distinct pair of names once."""
        size = len(self.given_names)
        code = np.minimum(a, b) * size + np.maximum(a, b)
        if size * size <= _DENSE_NAME_PAIRS:
            # Few distinct given names: mark the pairs needed in a dense table instead of sorting.
            needed = np.zeros(size * size, dtype=bool)
            needed[code] = True
            distinct = np.flatnonzero(needed)
            inverse = np.zeros(size * size, dtype=np.int64)
            inverse[distinct] = np.arange(len(distinct))
            at = inverse[code]
        else:
            distinct, at = np.unique(code, return_inverse=True)
        names = self.given_names
        ratios = cpdist([names[i] for i in (distinct // size).tolist()],
                        [names[i] for i in (distinct % size).tolist()],
                        scorer=fuzz.ratio, dtype=np.uint8, workers=-1)  # fmt: skip
        scores: npt.NDArray[np.uint8] = np.asarray(ratios, dtype=np.uint8)[at]
        return scores

    def _score(self, a: I64, b: I64) -> npt.NDArray[np.uint8]:
        """``fuzz.ratio`` of the given names of readings ``a`` and ``b``, 0 across surname families."""
        family_a = self.family[a]
        same_family = (family_a == self.family[b]) & (family_a >= 0)
        # Most candidate pairs were blocked on one reading: they score 100 without a string compared,
        # and each other pair of given names is compared once, however many record pairs hold it.
        score = np.where(same_family & (a == b), 100, 0).astype(np.uint8)
        fuzzy = np.flatnonzero(same_family & (a != b))
        if len(fuzzy):
            score[fuzzy] = self._given_ratio(self.given_code[a[fuzzy]], self.given_code[b[fuzzy]])
        return score


def _key(kind: int, value: I64, day: I64 | int = 0) -> I64:
    return (np.int64(kind) << _KIND_SHIFT) | (value << _VALUE_SHIFT) | (day + _DAY_OFFSET)


def _blocking_keys(records: PartyRecords, names: _NameVocabulary) -> tuple[I64, I64, I64]:
    """(key, record, key bit) triples; equal keys are equal numbers."""
    n = len(records)
    everyone = np.arange(n, dtype=np.int64)
    two = np.flatnonzero(names.second != names.first)
    owner = np.concatenate([everyone, two])
    reading = np.concatenate([names.first, names.second[two]])
    named = reading != names.empty
    owner, reading = owner[named], reading[named]
    day = records.birth_day[owner]
    known = day != NO_DAY
    family, given = names.family[reading], names.given_code[reading]
    has_family = known & (family > 0)
    parts = [
        (_key(0, reading), owner, _NAME),
        (_key(1, reading[known], day[known]), owner[known], _NAME_DAY),
        (_key(2, family[has_family], day[has_family]), owner[has_family], _FAMILY_DAY),
        (_key(3, given[has_family], day[has_family]), owner[has_family], _GIVEN_DAY),
    ]
    registration = _codes(records.registration_number)
    registered = np.flatnonzero(registration)
    parts.append((_key(4, registration[registered]), registered, _REGISTRATION))
    for at, (kind, bit) in enumerate(_IDENTIFIER_BIT.items()):
        values = records.identifiers[kind]
        holders = np.repeat(everyone, [len(v) for v in values])
        numbers: dict[str, int] = {}
        put = numbers.setdefault
        codes = np.asarray([put(v, len(numbers)) for vs in values for v in vs], dtype=np.int64)
        parts.append((_key(5 + at, codes), holders, bit))
    keys = np.concatenate([p[0] for p in parts])
    owners = np.concatenate([p[1] for p in parts])
    bits = np.concatenate([np.full(len(p[1]), p[2], dtype=np.int64) for p in parts])
    return keys, owners, bits


@dataclass(frozen=True)
class CandidatePairs:
    """Record pairs ``left < right`` that share at least one blocking key, each pair once."""

    left: I64
    right: I64
    #: The bits of every key kind the pair shares.
    shared: I64
    #: Per identifier kind, per pair: how many records hold the rarest value of that kind the two share;
    #: 0 when they share none.
    holders: dict[str, npt.NDArray[np.int32]]
    #: Blocks skipped as too large.
    skipped: int

    def __len__(self) -> int:
        return len(self.left)


def block_pairs(
    records: PartyRecords, max_block: int = 64, names: _NameVocabulary | None = None
) -> CandidatePairs:
    """The candidate pairs of ``records``: records sharing a blocking key held by at most ``max_block``."""
    key, owner, bit = _blocking_keys(records, names or _NameVocabulary.of(records))
    order = np.argsort(key, kind="stable")
    key, owner, bit = key[order], owner[order], bit[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.int64)
    sizes = np.diff(np.r_[starts, len(key)])
    lefts: list[I64] = [np.zeros(0, dtype=np.int64)]
    rights: list[I64] = [np.zeros(0, dtype=np.int64)]
    pair_bits: list[I64] = [np.zeros(0, dtype=np.int64)]
    pair_sizes: list[I64] = [np.zeros(0, dtype=np.int64)]
    for size in np.unique(sizes[(sizes > 1) & (sizes <= max_block)]).tolist():
        first = starts[sizes == size]
        i, j = np.triu_indices(size, k=1)
        lefts.append(owner[(first[:, None] + i[None, :]).ravel()])
        rights.append(owner[(first[:, None] + j[None, :]).ravel()])
        pair_bits.append(np.repeat(bit[first], len(i)))
        pair_sizes.append(np.full(len(first) * len(i), size, dtype=np.int64))
    skipped = int((sizes > max_block).sum())
    left, right = np.concatenate(lefts), np.concatenate(rights)
    shared, size_of = np.concatenate(pair_bits), np.concatenate(pair_sizes)
    keep = left != right  # a record with two readings can sit twice in one block
    n = len(records)
    code = np.minimum(left[keep], right[keep]) * n + np.maximum(left[keep], right[keep])
    order = np.argsort(code)
    code, shared, size_of = code[order], shared[keep][order], size_of[keep][order]
    first_of_pair = np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if len(code) else order[:0]
    merged = np.bitwise_or.reduceat(shared, first_of_pair) if len(code) else shared
    holders = {}
    for kind, identifier_bit in _IDENTIFIER_BIT.items():
        holders[kind] = np.zeros(len(first_of_pair), dtype=np.int32)
        if (merged & identifier_bit).any():
            rarest = np.minimum.reduceat(
                np.where(shared == identifier_bit, size_of, max_block + 1), first_of_pair
            )
            holders[kind][:] = np.where(rarest <= max_block, rarest, 0)
    unique_code = code[first_of_pair]
    return CandidatePairs(unique_code // n, unique_code % n, merged, holders, skipped)


@dataclass(frozen=True)
class PairContext:
    """What evidence functions read: the records, the candidate pairs and per-record helpers."""

    records: PartyRecords
    left: I64
    right: I64
    shared: I64
    #: See :attr:`CandidatePairs.holders`.
    holders: dict[str, npt.NDArray[np.int32]]
    #: Records with the same primary name reading as each record (how common the name is).
    name_count: I64
    #: Probability that two records with known days share the day: how much a same day says.
    day_agreement: float
    #: Columns as integer codes (0 for empty): nationality, registration_number, register, and each
    #: identifier kind (the record's whole set of values as one code).
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


def _identifier(
    kind: str, agreement: float, conflict: float = 0.0, m: float | None = None
) -> EvidenceFunction:
    """Evidence from one kind of identifier: ``agreement`` when the two records share a value,
    ``conflict`` when both hold values of this kind and share none, nothing when either has none.

    With ``m`` (how often one party's two records carry the same value) a shared value counts for
    log(m * records / holders) when that is more: the chance that an unrelated record holds a value is
    holders / records, so a phone two records hold says more in a register of millions.
    """
    bit = _IDENTIFIER_BIT[kind]
    word, words = _IDENTIFIER_WORDS[kind]

    def evidence(ctx: PairContext) -> Evidence:
        holders = ctx.holders[kind]
        weight = np.zeros(len(holders))
        code = ctx.codes[kind]
        differ = np.zeros(len(holders), dtype=bool)
        if conflict and code.any():
            left, right = code[ctx.left], code[ctx.right]
            # A value held by more records than a block takes is shared without a candidate-pair bit.
            differ = (left != 0) & (right != 0) & (left != right) & ((ctx.shared & bit) == 0)
            weight[differ] = conflict
        shared_at = np.flatnonzero(holders)
        weight[shared_at] = agreement
        if m is not None:
            # Only a value no one else holds: a household's phone and home are one piece of evidence.
            private = shared_at[holders[shared_at] == 2]
            weight[private] = max(agreement, math.log(m * len(ctx.records) / 2))
        shared = holders > 0
        values = ctx.records.identifiers[kind]

        def reason(at: int) -> str:
            a, b = values[int(ctx.left[at])], values[int(ctx.right[at])]
            if shared[at]:
                held = f" ({holders[at]} records hold it)" if m is not None else ""
                return f"shared {word} {', '.join(sorted(set(a).intersection(b)))}{held}"
            if differ[at]:
                return f"different {words}: {', '.join(a)} vs {', '.join(b)}"
            return f"no shared {word}"

        return Evidence(f"{kind}", weight, reason)

    evidence.__name__ = kind
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


#: Evidence for person records, each a function of the candidate pairs. A shared phone, e-mail address
#: or home that only the two records hold counts for more the larger the register. Two different homes
#: count against, mildly (people move between registers); two different phones or e-mail addresses say
#: nothing, since people carry several (mobile, home, work) and households and offices share them.
PERSON_EVIDENCE: tuple[EvidenceFunction, ...] = (
    name_similarity,
    dob_conflict,
    nationality,
    _identifier("phones", 9.0, m=0.7),
    _identifier("emails", 11.0, m=0.5),
    _identifier("addresses", 8.0, conflict=-1.6, m=0.6),
    _identifier("accounts", 9.0, m=0.8),
    # A passport number is unique by issue, not by chance: sharing one nearly proves it; two people
    # renew a passport rarely enough that two different ones argue strongly against.
    _identifier("passports", 16.0, conflict=-8.0),
    same_register,
)
#: Evidence for company records. Identifiers weigh less and never by rarity: fronts of a delinquent firm
#: share its phone, address or account on purpose, and firms in one building share an address.
COMPANY_EVIDENCE: tuple[EvidenceFunction, ...] = (
    name_similarity,
    registration_number,
    registration_day,
    nationality,
    _identifier("phones", 4.0),
    _identifier("emails", 8.0),
    _identifier("addresses", 2.0),
    _identifier("accounts", 4.0),
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
    #: Seconds spent on the records (name readings, codes, blocking keys, candidate pairs) and on scoring
    #: the pairs (every evidence function over every pair, the probability and the decision).
    blocking_seconds: float = 0.0
    scoring_seconds: float = 0.0
    #: CPU seconds of this process (all threads) while scoring: on a shared machine, what scoring costs.
    scoring_cpu_seconds: float = 0.0

    @property
    def comparisons(self) -> int:
        """Candidate pairs scored: each is one pair weighed by every evidence function."""
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
    names = _NameVocabulary.of(records)
    pairs = block_pairs(records, max_block, names)
    position = {record_id: at for at, record_id in enumerate(records.record_id)}
    forced = _pair_codes(confirmed, position, len(records))
    if len(forced):
        pairs = _with_pairs(pairs, forced, len(records))
    codes = {
        "nationality": _codes(records.nationality),
        "registration_number": _codes(records.registration_number),
        "register": _codes(records.register),
    }
    for kind in IDENTIFIER_KINDS:
        codes[kind] = _codes(["\x1f".join(values) for values in records.identifiers[kind]])
    # How many records share each record's first reading.
    name_count = np.bincount(names.first)[names.first]
    day_agreement = _day_agreement(records)
    scoring, scoring_cpu = time.perf_counter(), time.process_time()
    left, right = pairs.left, pairs.right
    context = PairContext(
        records, left, right, pairs.shared, pairs.holders, name_count, day_agreement, codes,
        names.similarity(left, right),
    )  # fmt: skip
    functions = PERSON_EVIDENCE if records.kind == "Person" else COMPANY_EVIDENCE
    evidence = tuple(function(context) for function in functions)
    logit = np.full(len(left), math.log(DUPLICATE_RATE / max(len(records), 1)))
    for item in evidence:
        logit += item.weight
    probability = 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))
    level = (probability >= review_at).astype(np.int8) + (probability >= match_at)
    code = left * len(records) + right
    if len(forced):
        level[np.isin(code, forced)] = 2
    refused = _pair_codes(rejected, position, len(records))
    if len(refused):
        level[np.isin(code, refused)] = 0
    decision = _DECISIONS[level]
    done, done_cpu = time.perf_counter(), time.process_time()
    return Resolution(
        records, context, evidence, probability, decision, pairs.skipped, scoring - prepared, done - scoring,
        done_cpu - scoring_cpu,
    )  # fmt: skip


def _pair_codes(pairs: Iterable[tuple[str, str]], position: dict[str, int], n: int) -> I64:
    codes = [
        min(position[a], position[b]) * n + max(position[a], position[b])
        for a, b in pairs
        if a in position and b in position and a != b
    ]
    return np.unique(np.asarray(codes, dtype=np.int64))


def _with_pairs(pairs: CandidatePairs, codes: I64, n: int) -> CandidatePairs:
    extra = codes[~np.isin(codes, pairs.left * n + pairs.right)]
    return CandidatePairs(
        np.concatenate([pairs.left, extra // n]),
        np.concatenate([pairs.right, extra % n]),
        np.concatenate([pairs.shared, np.zeros(len(extra), dtype=np.int64)]),
        {
            kind: np.concatenate([held, np.zeros(len(extra), dtype=np.int32)])
            for kind, held in pairs.holders.items()
        },
        pairs.skipped,
    )

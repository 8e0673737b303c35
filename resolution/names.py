"""Names as the matcher compares them: Hangul and Latin forms of one Korean name meet on one reading.

A Korean person is ``김민수`` in one register, ``KIM MINSU`` on the passport and ``Gim Min-su`` or
``Minsoo Kim`` elsewhere. :func:`person_readings` turns each into readings ``(surname, given)``: the
surname as a canonical family (Kim, Gim and Ghim are one; Lee, Yi, Rhee and I are one), the given
name as a coarse phonetic spelling that absorbs the usual romanisation habits (``oo``/``u``,
``eo``/``u``, ``g``/``k``, ``r``/``l``...). Hangul is romanised syllable by syllable (anyascii writes
the Revised Romanization), the first syllable being the surname.

Names in other scripts or of other origins keep their words, order-free, because the matcher cannot
tell family from given name there.

Example
-------
>>> person_readings("김민수") == person_readings("Gim Min-soo") == person_readings("MINSU KIM")
True
>>> person_readings("Lee Ji-woo")[0], person_readings("이지우")[0]
(('lee', 'jiu'), ('lee', 'jiu'))
>>> company_name_key("Jeil Commerce Co., Ltd.")
'commerce jeil'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

__all__ = [
    "KOREAN_SURNAME_SPELLINGS",
    "company_name_key",
    "given_name_key",
    "person_readings",
    "surname_family",
]

#: Canonical family -> the ways the family name is written in Latin script (Revised Romanization first,
#: then McCune-Reischauer and the spellings families chose for their passports).
KOREAN_SURNAME_SPELLINGS: dict[str, tuple[str, ...]] = {
    "kim": ("gim", "kim", "ghim"),
    "lee": ("i", "lee", "yi", "rhee", "ri", "rhie"),
    "park": ("bak", "bag", "park", "pak", "bark"),
    "choi": ("choe", "choi", "chey"),
    "jung": ("jeong", "jung", "chung", "cheong"),
    "kang": ("gang", "kang"),
    "cho": ("jo", "cho", "joh"),
    "yoon": ("yun", "yoon"),
    "jang": ("jang", "chang"),
    "lim": ("im", "lim", "rim", "leem"),
    "han": ("han",),
    "oh": ("o", "oh"),
    "seo": ("seo", "suh", "so"),
    "shin": ("sin", "shin", "shinn"),
    "kwon": ("gwon", "kwon", "kweon"),
    "hwang": ("hwang",),
    "ahn": ("an", "ahn"),
    "song": ("song",),
    "ryu": ("ryu", "lyu", "yoo", "yu", "ryoo"),
    "hong": ("hong",),
    "jeon": ("jeon", "jun", "chun", "chon"),
    "ko": ("go", "ko", "koh"),
    "moon": ("mun", "moon"),
    "yang": ("yang",),
    "son": ("son", "sohn"),
    "bae": ("bae", "pae"),
    "baek": ("baeg", "baek", "paik", "baik", "back"),
    "heo": ("heo", "hur", "huh"),
    "nam": ("nam",),
    "noh": ("no", "noh", "roh", "ro"),
    "ha": ("ha",),
}
_FAMILY_OF = {
    spelling: family for family, spellings in KOREAN_SURNAME_SPELLINGS.items() for spelling in spellings
}
#: Spellings that are also common given-name syllables: a surname only when nothing else can be.
_WEAK_SURNAMES = frozenset({"i", "o", "yu", "an", "ha", "jo", "go", "no", "ro", "so", "jun", "im"})

_HANGUL_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")
_NOT_LETTER = re.compile(r"[^a-z]+")
_WORD_SPLIT = re.compile(r"[\s,]+")
_VOWEL_RUNS = (("woo", "u"), ("wu", "u"), ("eo", "u"), ("oo", "u"), ("ou", "u"), ("ee", "i"), ("ui", "i"))
_CONSONANTS = str.maketrans({"g": "k", "d": "t", "b": "p", "r": "l", "f": "p"})
_COMPANY_FORMS = frozenset(
    {
        "co", "ltd", "inc", "corp", "corporation", "company", "limited", "llc", "gmbh", "ag", "sa", "srl",
        "bv", "nv", "plc", "pt", "tbk", "jsc", "pte", "sdn", "bhd", "kk", "ju", "yuhanhoesa", "jusikhoesa",
    }
)  # fmt: skip


def surname_family(word: str) -> str | None:
    """The canonical Korean family for a Latin spelling of a surname, or None."""
    return _FAMILY_OF.get(word.casefold())


def given_name_key(given: str) -> str:
    """A coarse phonetic spelling of a romanised Korean given name (any hyphenation and spacing)."""
    text = _NOT_LETTER.sub("", anyascii(given).casefold())
    text = text.replace("sh", "s").replace("ch", "j").replace("kh", "k").replace("ph", "p")
    for run, vowel in _VOWEL_RUNS:
        text = text.replace(run, vowel)
    text = text.translate(_CONSONANTS)
    return re.sub(r"(.)\1+", r"\1", text)


def _words(text: str) -> list[str]:
    latin = anyascii(unicodedata.normalize("NFKC", text)).casefold()
    return [_NOT_LETTER.sub("", w) for w in _WORD_SPLIT.split(latin) if _NOT_LETTER.sub("", w)]


def _hangul_reading(name: str) -> tuple[str, str] | None:
    syllables = _HANGUL_SYLLABLE.findall(name)
    if len(syllables) < 2:
        return None
    family = surname_family(anyascii(syllables[0]).casefold()) or anyascii(syllables[0]).casefold()
    return family, given_name_key("".join(syllables[1:]))


# Registers repeat names (thousands of Kim Min-su): each distinct spelling is read once.
@lru_cache(maxsize=1 << 17)
def person_readings(name: str, korean: bool = True) -> tuple[tuple[str, str], ...]:
    """The readings ``(surname family, given key)`` of a person's name, most likely first.

    A Korean name in Hangul or Latin gives one reading, or two when either end word could be the
    surname (``Yu Jin Kim``). Any other name gives one reading ``('', words sorted)``.
    """
    hangul = _hangul_reading(name)
    if hangul:
        return (hangul,)
    words = _words(name)
    if not words:
        return ()
    # "KIM, Minsu" says which word is the family name; otherwise either end may be.
    ends = (0,) if "," in name else (0, len(words) - 1)
    candidates = [at for at in ends if korean and len(words) > 1 and surname_family(words[at])]
    candidates.sort(key=lambda at: words[at] in _WEAK_SURNAMES)
    readings = [
        (_FAMILY_OF[words[at]], given_name_key("".join(words[:at] + words[at + 1 :]))) for at in candidates
    ]
    if readings:
        return tuple(dict.fromkeys(readings))
    return (("", " ".join(sorted(words))),)


@lru_cache(maxsize=1 << 17)
def company_name_key(name: str) -> str:
    """A firm's name without legal form and punctuation, words sorted, Hangul romanised and coarsened."""
    text = re.sub(r"\(\s*주\s*\)|주식회사|유한회사", " ", unicodedata.normalize("NFKC", name))
    if _HANGUL_SYLLABLE.search(text):
        return given_name_key(text)
    words = [w for w in _words(text) if w not in _COMPANY_FORMS]
    return " ".join(sorted(words))

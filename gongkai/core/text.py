"""Text tools every app needs: Chinese word segmentation, personal-data detection and masking.

Segmentation (分词) feeds the search index and the query parser; both must call
:func:`segment_for_index` (or :func:`segment`) so that a document and a query are cut the same
way. The segmenter is ``rjieba`` (a Rust port of jieba: the same dictionary and results at about
twenty times the speed) with the government terms of ``data/userdict.txt`` added, loaded once
on first use.

Personal-data detection (:func:`find_personal_data`) screens text before it is published:
resident identity numbers with a valid check digit and birth date, mobile and landline numbers,
bank card numbers passing the Luhn check, and e-mail addresses. Positions always refer to the
text as given, so that callers can highlight or mask exactly what was found.
"""

from __future__ import annotations

import datetime
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import rjieba

USER_DICTIONARY = Path(__file__).resolve().parent / "data" / "userdict.txt"

# --- Normalisation -------------------------------------------------------------------------

# Control and invisible format characters that only get in the way of matching: C0/C1 controls
# (tab and line breaks are whitespace and are kept), zero-width spaces and joiners, direction
# marks, the byte-order mark.
_CONTROL_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)


def normalize(text: str) -> str:
    """Normalise text before segmentation: NFKC, Latin lower case, no control characters.

    NFKC folds full-width letters, digits and punctuation to their ordinary forms, so that
    ``ＰＭ２．５`` and ``PM2.5`` are the same word in the index and in a query.
    """
    # Full-width forms are NFKC's only change to most Chinese text, and NFKC itself is slow on
    # it (a million characters a second here): fold them first, and call it only when some
    # other character still needs it. NFKC maps them to the same ASCII, so the result is equal.
    text = _FULL_WIDTH_RE.sub(_fold_full_width, text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _CONTROL_RE.sub("", text).lower()


_FULL_WIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")


def _fold_full_width(match: re.Match[str]) -> str:
    code = ord(match.group())
    return " " if code == 0x3000 else chr(code - 0xFEE0)


# A one-to-one fold (full-width ASCII to ASCII, ideographic space to space, Latin capitals to
# small letters) that keeps every character's position, for matching against the text as given.
_WIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH_FOLD[0x3000] = 0x20
_CASE_FOLD = {**_WIDTH_FOLD, **{code: code + 32 for code in range(ord("A"), ord("Z") + 1)}}
_CASE_FOLD.update({code: value + 32 for code, value in _WIDTH_FOLD.items() if 65 <= value <= 90})


def _fold_width(text: str) -> str:
    return text.translate(_WIDTH_FOLD)


def _fold_case(text: str) -> str:
    return text.translate(_CASE_FOLD)


def fold_for_matching(text: str) -> str:
    """``text`` with full-width ASCII folded to ASCII and Latin capitals to small letters, one
    character for one: positions in the result are positions in ``text`` (for highlighting
    the tokens of :func:`segment` in the text as given)."""
    return text.translate(_CASE_FOLD)


# --- Segmentation --------------------------------------------------------------------------

# rjieba's default segmenter (built when rjieba is imported) is used, not a second instance:
# each instance holds its own copy of the dictionary, some 25 MB per process.
_dictionary_loaded = False
_dictionary_lock = threading.Lock()


def _read_user_dictionary(path: Path) -> Iterator[tuple[str, int | None]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            frequency = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            yield parts[0], frequency


def _load_user_dictionary() -> None:
    """Add the government terms to the segmenter, once; safe to call from any thread."""
    global _dictionary_loaded
    if _dictionary_loaded:
        return
    with _dictionary_lock:
        if _dictionary_loaded:
            return
        for term, frequency in _read_user_dictionary(USER_DICTIONARY):
            word = normalize(term)
            if frequency is None:
                # The lowest frequency at which the term is cut whole, as jieba's add_word does.
                frequency = max(rjieba.suggest_freq(word), 1)
            rjieba.add_word(word, frequency, None)
        # Set only when every term is in, so that no caller segments with half a dictionary.
        _dictionary_loaded = True


# Runs of Latin letters and digits, with inner dots (pm2.5, 3.14, v1.2), are kept whole; a run
# of up to four digits followed by 年, 月 or 日 (2014年, 12月) is kept with its unit as well,
# because searchers type dates as one word.
_ALNUM_RUN_RE = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*")
_DATE_UNITS = frozenset("年月日")
# A token worth indexing holds at least one letter, digit or ideograph.
_WORD_CHAR_RE = re.compile(r"\w")


@lru_cache(maxsize=8192)
def _inner_words(word: str) -> tuple[str, ...]:
    """The dictionary words of four or more characters strictly inside ``word``."""
    return tuple(
        word[offset : offset + size]
        for size in range(4, len(word))
        for offset in range(len(word) - size + 1)
        if rjieba.has_word(word[offset : offset + size])
    )


def segment(text: str) -> list[str]:
    """Cut ``text`` into words in search mode.

    Search mode adds the dictionary's shorter words inside a longer one, so ``保障性住房``
    yields ``保障``, ``保障性``, ``住房`` and ``保障性住房``, and ``政府信息公开`` yields
    ``信息公开`` among others: a search for any of them finds the text.

    Whitespace and punctuation are dropped; Latin and digit runs such as ``pm2.5`` and dates
    such as ``2014年`` are tokens too (added after the segmenter's own tokens when it cut them
    differently). The text is normalised first (:func:`normalize`), so tokens are in lower
    case and half-width. Repeated words are repeated: term frequency matters to ranking.
    """
    normalised = normalize(text)
    if not normalised:
        return []
    _load_user_dictionary()
    tokens = [
        word
        for word in rjieba.cut_for_search(normalised)
        if word.isalnum() or _WORD_CHAR_RE.search(word)
    ]
    # Search mode adds only the two- and three-character words inside a longer one; add the
    # longer dictionary words too, or a search for 信息公开 would miss 政府信息公开.
    for word in [word for word in tokens if len(word) > 4 and not word.isascii()]:
        tokens.extend(_inner_words(word))
    seen: set[str] | None = None
    for match in _ALNUM_RUN_RE.finditer(normalised):
        run = match.group()
        extras = [run]
        unit = normalised[match.end() : match.end() + 1]
        if unit in _DATE_UNITS and len(run) <= 4 and run.isdigit():
            extras.append(run + unit)
        for extra in extras:
            if seen is None:
                seen = set(tokens)
            if extra not in seen:
                seen.add(extra)
                tokens.append(extra)
    return tokens


def segment_for_index(text: str) -> str:
    """The text as space-separated normalised tokens, for a full-text index or its query."""
    return " ".join(segment(text))


# --- Personal data -------------------------------------------------------------------------


class Kind(StrEnum):
    """Kinds of personal data that :func:`find_personal_data` reports."""

    RESIDENT_ID = "resident_id"  # 居民身份证号码
    MOBILE = "mobile"  # 手机号码
    LANDLINE = "phone_landline"  # 固定电话 (offices publish theirs: lower risk)
    BANK_CARD = "bank_card"  # 银行卡号
    EMAIL = "email"  # 电子邮箱


class Risk(StrEnum):
    HIGH = "high"  # block publication until a person has looked
    LOW = "low"  # show to the reviewer, publication may go ahead


@dataclass(frozen=True, slots=True)
class Finding:
    """One match in a text: ``text[start:end] == value``."""

    kind: str
    start: int
    end: int
    value: str
    masked: str
    risk: Risk = Risk.HIGH


# GB 11643-1999: weights 2**(17-i) mod 11 (ISO 7064 MOD 11-2) and the check characters.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _today() -> datetime.date:
    # One day of slack so that a birth "today" in China is never rejected by a UTC clock.
    return datetime.datetime.now(tz=datetime.UTC).date() + datetime.timedelta(days=1)


def _valid_birth_date(year: int, month: int, day: int) -> bool:
    if year < 1900:
        return False
    try:
        born = datetime.date(year, month, day)
    except ValueError:
        return False
    return born <= _today()


def is_valid_resident_id(value: str) -> bool:
    """Whether ``value`` is an 18-character resident identity number (居民身份证号码).

    Checks the form (17 digits and a digit or X), the region's first digit, the birth date and
    the check digit. Full-width characters and a lower-case x are accepted.
    """
    value = _fold_width(value.strip()).upper()
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        return False
    if value[0] == "0" or value[17] not in _ID_CHECK:
        return False
    if not _valid_birth_date(int(value[6:10]), int(value[10:12]), int(value[12:14])):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value, _ID_WEIGHTS, strict=False))
    return _ID_CHECK[total % 11] == value[17]


def _is_valid_old_resident_id(value: str) -> bool:
    """A 15-digit identity number of before 1999: region and a 19yy birth date, no check digit."""
    if len(value) != 15 or not value.isdigit() or value[0] == "0":
        return False
    return _valid_birth_date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


# The patterns run over the width-folded text, whose positions are those of the original.
# Lookarounds keep a match from starting or ending inside a longer run of digits.
_EMAIL_RE = re.compile(
    r"(?<![\w.%+-])[a-z0-9](?:[a-z0-9._%+-]*[a-z0-9_%+-])?@"
    r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}(?![\w-])",
    re.IGNORECASE | re.ASCII,
)
# A number ending in X ends there, whatever follows (an ID typed right before a phone number).
_RESIDENT_ID_RE = re.compile(r"(?<![0-9])[1-9][0-9]{16}(?:[0-9](?![0-9])|[Xx])")
_OLD_RESIDENT_ID_RE = re.compile(r"(?<![0-9])[1-9][0-9]{14}(?![0-9])")
_MOBILE_RE = re.compile(
    r"(?<![0-9+])(?:(?:\+|00)?86[ -]?)?(1[3-9][0-9](?:[ -]?[0-9]{4}){2})(?![0-9])"
)
_LANDLINE_RE = re.compile(
    r"(?<![0-9])(?:\(0[1-9][0-9]{1,2}\) ?|0[1-9][0-9]{1,2}[ -])[2-9][0-9]{6,7}(?:-[0-9]{1,5})?"
    r"(?![0-9])"
)
_BANK_CARD_RE = re.compile(
    r"(?<![0-9])(?:[1-9][0-9]{12,18}|[1-9][0-9]{3}(?:[ -][0-9]{4}){2,3}(?:[ -][0-9]{1,3})?)"
    r"(?![0-9Xx])"
)
_SEPARATORS_RE = re.compile(r"[^0-9Xx]")


def _digits(value: str) -> str:
    return _SEPARATORS_RE.sub("", _fold_width(value))


def mask(value: str, kind: str) -> str:
    """``value`` with its identifying middle replaced by asterisks.

    Resident ID: first 6 and last 4 (``370303********1234``); mobile: ``138****5678``; bank
    card: first 4 and last 4; e-mail: first character, ``***`` and the domain; landline: the
    area code and the last 4 digits. Any other kind is masked entirely.
    """
    if kind == Kind.RESIDENT_ID:
        digits = _digits(value).upper()
        return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
    if kind == Kind.MOBILE:
        digits = _digits(value)[-11:]
        return f"{digits[:3]}****{digits[-4:]}"
    if kind == Kind.BANK_CARD:
        digits = _digits(value)
        return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
    if kind == Kind.EMAIL:
        local, _at, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}"
    if kind == Kind.LANDLINE:
        folded = _fold_width(value)
        match = re.match(r"(\(?0[0-9]{2,3}\)?[ -]?)([0-9]+)(.*)", folded)
        if match is not None:
            area, local, extension = match.groups()
            return area + "*" * (len(local) - 4) + local[-4:] + extension
    return "*" * len(value)


def _candidates(folded: str) -> Iterator[tuple[str, int, int, Risk]]:
    """Every validated match, most specific kinds first (overlaps are settled by the caller)."""
    for match in _EMAIL_RE.finditer(folded):
        domain = match.group().rpartition("@")[2].lower()
        risk = Risk.LOW if domain.endswith(".gov.cn") else Risk.HIGH
        yield Kind.EMAIL, match.start(), match.end(), risk
    for match in _RESIDENT_ID_RE.finditer(folded):
        if is_valid_resident_id(match.group()):
            yield Kind.RESIDENT_ID, match.start(), match.end(), Risk.HIGH
    for match in _OLD_RESIDENT_ID_RE.finditer(folded):
        if _is_valid_old_resident_id(match.group()):
            yield Kind.RESIDENT_ID, match.start(), match.end(), Risk.HIGH
    for match in _MOBILE_RE.finditer(folded):
        yield Kind.MOBILE, match.start(), match.end(), Risk.HIGH
    for match in _BANK_CARD_RE.finditer(folded):
        digits = _digits(match.group())
        if 13 <= len(digits) <= 19 and _luhn_valid(digits):
            yield Kind.BANK_CARD, match.start(), match.end(), Risk.HIGH
    for match in _LANDLINE_RE.finditer(folded):
        yield Kind.LANDLINE, match.start(), match.end(), Risk.LOW


def find_personal_data(text: str) -> list[Finding]:
    """The personal data found in ``text``, in order of position, without overlaps.

    Where two candidates overlap the more specific wins (an e-mail over the digits in it, a
    resident ID over a bank card, a mobile over a landline). Full-width digits are found too.
    """
    folded = _fold_width(text)
    taken: list[tuple[int, int]] = []
    findings: list[Finding] = []
    for kind, start, end, risk in _candidates(folded):
        if any(start < other_end and other_start < end for other_start, other_end in taken):
            continue
        taken.append((start, end))
        value = text[start:end]
        findings.append(Finding(kind, start, end, value, mask(value, kind), risk))
    findings.sort(key=lambda finding: finding.start)
    return findings


def mask_text(text: str, *, kinds: Iterable[str] | None = None) -> str:
    """``text`` with the personal data found in it masked (only ``kinds``, if given)."""
    wanted = None if kinds is None else {str(kind) for kind in kinds}
    findings = [f for f in find_personal_data(text) if wanted is None or f.kind in wanted]
    return _replace(text, findings)


def _replace(text: str, findings: list[Finding]) -> str:
    parts: list[str] = []
    position = 0
    for finding in findings:
        parts.append(text[position : finding.start])
        parts.append(finding.masked)
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


# --- Terms ---------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so that of two terms starting at the same place the longer one wins.
    ordered = sorted(terms, key=lambda term: (-len(term), term))
    return re.compile("|".join(re.escape(term) for term in ordered))


def find_terms(text: str, terms: Iterable[str], *, kind: str) -> list[Finding]:
    """Every occurrence of any of ``terms`` in ``text``, reported as ``kind``.

    For secrecy markings and configured sensitive expressions. Matching ignores Latin case and
    full-width forms; overlapping occurrences are reported once, the longest term first.
    """
    folded_terms = tuple(sorted({_fold_case(term) for term in terms if term.strip()}))
    if not folded_terms or not text:
        return []
    pattern = _terms_pattern(folded_terms)
    return [
        Finding(
            kind,
            match.start(),
            match.end(),
            text[match.start() : match.end()],
            "*" * (match.end() - match.start()),
        )
        for match in pattern.finditer(_fold_case(text))
    ]


# --- Snippets ------------------------------------------------------------------------------

_WHITESPACE_RE = re.compile(r"\s+")


def snippet(text: str, start: int, end: int, *, width: int = 20) -> str:
    """The hit ``text[start:end]`` with up to ``width`` characters either side, on one line.

    An ellipsis marks where the text was cut; runs of whitespace become one space.
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    left = max(0, start - width)
    right = min(len(text), end + width)
    excerpt = _WHITESPACE_RE.sub(" ", text[left:right]).strip()
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    return f"{prefix}{excerpt}{suffix}"

"""Document numbers (文号 / 发文字号): parsing, validation and normalisation.

A 文号 has three parts: the issuer's prefix (机关代字, e.g. ``张政办发``), the year in
hexagonal brackets (``〔2014〕``) and the serial followed by 号: ``张政办发〔2014〕50号``. Typed by
hand it arrives as ``[2014]``, ``(2014)``, ``（2014）``, ``﹝2014﹞``, ``［2014］``, ``【2014】`` or
``〈2014〉``, sometimes with spaces. Everything is stored in the 〔〕 form (GB/T 9704), and
:func:`doc_number_key` gives the lookup key, so every variant finds the same document.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gongkai.catalogue.workflow import CatalogueError

EARLIEST_YEAR = 1949  # the earliest 文号 a government portal is expected to carry
PREFIX_MAX_LENGTH = 30

# Opening and closing brackets seen around the year, each matched with any closing form (a
# typist mixing 〔 and ] still means 〔〕).
_OPEN = "〔[(（﹝［【〈<＜{｛"
_CLOSE = "〕])）﹞］】〉>＞}｝"
_NUMBER_RE = re.compile(
    rf"^(?P<prefix>[^\s{re.escape(_OPEN + _CLOSE)}]+?)\s*"
    rf"[{re.escape(_OPEN)}]\s*(?P<year>[0-9]{{4}})\s*[{re.escape(_CLOSE)}]\s*"
    r"(?:第\s*)?(?P<serial>[0-9]{1,6})\s*号$"
)
_SPACES_RE = re.compile(r"\s+")


class DocumentNumberError(CatalogueError):
    """A 文号 that cannot be read; the message says why, in the active language."""


@dataclass(frozen=True)
class DocumentNumber:
    """A parsed 文号."""

    prefix: str  # 机关代字, e.g. 张政办发
    year: int
    serial: int

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.serial}号"

    @property
    def key(self) -> str:
        """The lookup key: the normalised form, so every bracket variant gives the same."""
        return str(self)


def _clean(value: str) -> str:
    # NFKC folds full-width digits (２０１４) and letters; brackets keep their own code points
    # for 〔〕 and ﹝﹞ and are listed above anyway. Spaces of any kind are then dropped.
    folded = unicodedata.normalize("NFKC", value)
    # Once more after the spaces go: NFKC can leave a space before a combining mark (´ gives
    # " ́"), and the mark composes with the letter before it only then.
    return unicodedata.normalize("NFKC", _SPACES_RE.sub("", folded).strip())


def parse_doc_number(value: str, *, today: datetime.date | None = None) -> DocumentNumber:
    """Read a 文号 in any of the accepted forms; raises :class:`DocumentNumberError`.

    The year must lie between 1949 and next year (a number is sometimes allocated in late
    December for the coming year); the serial must be a positive number.
    """
    text = _clean(value)
    if not text:
        raise DocumentNumberError(_("Enter the document number."))
    match = _NUMBER_RE.match(text)
    if match is None:
        raise DocumentNumberError(
            _(
                "“%(value)s” is not a document number: expected the issuer's prefix, the year in "
                "brackets and the serial, for example 张政办发〔2014〕50号."
            )
            % {"value": value.strip()}
        )
    prefix = match.group("prefix")
    if len(prefix) > PREFIX_MAX_LENGTH:
        raise DocumentNumberError(
            _("The prefix of a document number may have at most %(max)d characters.")
            % {"max": PREFIX_MAX_LENGTH}
        )
    year = int(match.group("year"))
    this_year = (today or datetime.datetime.now(tz=datetime.UTC).date()).year
    if not EARLIEST_YEAR <= year <= this_year + 1:
        raise DocumentNumberError(
            _("The year %(year)d of the document number is not plausible (%(first)d–%(last)d).")
            % {"year": year, "first": EARLIEST_YEAR, "last": this_year + 1}
        )
    serial = int(match.group("serial"))
    if serial < 1:
        raise DocumentNumberError(_("The serial of a document number must be at least 1."))
    return DocumentNumber(prefix=prefix, year=year, serial=serial)


def normalize_doc_number(value: str, *, today: datetime.date | None = None) -> str:
    """The 文号 in its stored form, ``张政办发〔2014〕50号``; empty input gives ``""``."""
    if not _clean(value):
        return ""
    return str(parse_doc_number(value, today=today))


def is_doc_number(value: str) -> bool:
    """Whether ``value`` reads as a whole 文号 (any bracket form), as typed in a search box."""
    text = _clean(value)
    try:
        parse_doc_number(text, today=datetime.date(9998, 1, 1))
    except DocumentNumberError:
        return False
    return bool(text)


def doc_number_key(value: str) -> str:
    """The lookup key of a 文号 as typed in a search box: never raises.

    A valid number gives its normalised form; anything else gives the cleaned text, with
    brackets unified, so that a partial or odd query still matches stored keys consistently.
    """
    text = _clean(value)
    if not text:
        return ""
    try:
        return parse_doc_number(text, today=datetime.date(9998, 1, 1)).key
    except DocumentNumberError:
        return text.translate(_BRACKET_FOLD)


_BRACKET_FOLD = str.maketrans(dict.fromkeys(_OPEN, "〔") | dict.fromkeys(_CLOSE, "〕"))

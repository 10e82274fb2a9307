"""Gap-free serial numbers (索引号, registration numbers, tracking numbers).

A number is allocated inside the transaction that creates the record it numbers: the counter
row for its scope is locked (``SELECT ... FOR UPDATE``) and incremented, so a second creation in
the same scope waits until the first commits or rolls back. Numbers are therefore unique per
scope and never reused, and a creation that rolls back takes its increment with it: no gaps.

The printed form comes from a configurable pattern in :meth:`str.format` syntax restricted to
plain named placeholders, for example ``{org_code}/{year}-{serial:05d}`` or
``张政办〔{year}〕{serial}号``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import router, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from gongkai.core.models import SerialCounter

SCOPE_MAX_LENGTH = SerialCounter._meta.get_field("scope").max_length or 200


class NumberingError(ValueError):
    """A number pattern or scope that cannot be used; the message is translated."""


def allocate_serial(scope: str) -> int:
    """The next serial number in ``scope`` (1, 2, 3, …), allocated in the current transaction.

    Must be called inside ``transaction.atomic()`` — the transaction that creates the numbered
    record — so that the number commits or rolls back with it. Concurrent callers in the same
    scope queue on the counter row's lock; callers in other scopes do not wait.
    """
    if not scope or len(scope) > SCOPE_MAX_LENGTH:
        raise NumberingError(
            _("A numbering scope must have 1 to %(max)d characters.") % {"max": SCOPE_MAX_LENGTH}
        )
    # The write database, also for the locking read: a router sending reads to a replica must
    # not see the counter, which only the primary can lock.
    using = router.db_for_write(SerialCounter)
    if not transaction.get_connection(using).in_atomic_block:
        raise transaction.TransactionManagementError(
            "allocate_serial() must be called inside the transaction.atomic() block that creates "
            "the numbered record; outside one the number could be lost or reused."
        )
    counters = SerialCounter.objects.using(using).select_for_update()
    counter = counters.filter(scope=scope).first()
    if counter is None:
        # INSERT ... ON CONFLICT DO NOTHING (INSERT OR IGNORE on SQLite): when two transactions
        # create the same scope at once, the second waits for the first on the unique index and
        # then inserts nothing; it cannot fail, so no savepoint is needed. The locking read
        # below then sees the committed row (READ COMMITTED) and waits for its lock.
        SerialCounter.objects.using(using).bulk_create(
            [SerialCounter(scope=scope)], ignore_conflicts=True
        )
        counter = counters.get(scope=scope)
    SerialCounter.objects.using(using).filter(pk=counter.pk).update(last_value=F("last_value") + 1)
    return counter.last_value + 1


# --- Patterns ------------------------------------------------------------------------------

_formatter = string.Formatter()
# The standard format spec ([[fill]align][sign][#][0][width][,|_][.precision][type]) with width
# and precision of at most two digits, so that a pattern cannot ask for a megabyte of padding.
_SPEC_RE = re.compile(r"(?:[^{}]?[<>=^])?[+ -]?#?0?[0-9]{0,2}[,_]?(?:\.[0-9]{1,2})?[a-zA-Z%]?")


def _placeholders(pattern: str) -> list[tuple[str, str]]:
    """The (name, format spec) of each placeholder; raises NumberingError when malformed.

    Only plain names are allowed: no positional fields, attribute or index access
    (``{serial.__class__}``), conversions or nested fields, since patterns are data entered by
    an administrator.
    """
    try:
        parsed = list(_formatter.parse(pattern))
    except ValueError as error:
        raise NumberingError(
            _("The number pattern “%(pattern)s” is malformed: every { needs a matching }.")
            % {"pattern": pattern}
        ) from error
    fields: list[tuple[str, str]] = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier():
            raise NumberingError(
                _("Unknown placeholder “{%(name)s}” in the number pattern “%(pattern)s”.")
                % {"name": name, "pattern": pattern}
            )
        if conversion is not None or (spec and not _SPEC_RE.fullmatch(spec)):
            raise NumberingError(
                _("The placeholder “{%(name)s}” in the number pattern “%(pattern)s” is malformed.")
                % {"name": name, "pattern": pattern}
            )
        fields.append((name, spec or ""))
    return fields


def _check_names(pattern: str, fields: list[tuple[str, str]], allowed: Iterable[str]) -> None:
    known = set(allowed)
    for name, _spec in fields:
        if name not in known:
            raise NumberingError(
                _("Unknown placeholder “{%(name)s}” in the number pattern “%(pattern)s”.")
                % {"name": name, "pattern": pattern}
            )


def format_number(pattern: str, **values: Any) -> str:
    """``pattern`` with its placeholders filled from ``values``.

    >>> format_number("{org_code}/{year}-{serial:05d}", org_code="004316771", year=2014, serial=7)
    '004316771/2014-00007'
    """
    fields = _placeholders(pattern)
    _check_names(pattern, fields, values)
    for name, spec in fields:
        try:
            format(values[name], spec)
        except (ValueError, TypeError) as error:
            raise NumberingError(
                _(
                    "The format of the placeholder “{%(name)s}” in the number pattern "
                    "“%(pattern)s” does not fit its value."
                )
                % {"name": name, "pattern": pattern}
            ) from error
    return pattern.format_map(values)


def validate_pattern(
    pattern: str,
    *,
    allowed: Iterable[str] | Mapping[str, Any],
    required: Iterable[str] = ("serial",),
) -> frozenset[str]:
    """Check a pattern entered in a form; returns the placeholder names it uses.

    Every placeholder must be one of ``allowed`` and every name in ``required`` must appear
    (without ``{serial}`` two records would get the same number). When ``allowed`` maps names
    to sample values, the pattern is also filled in with them, which catches a format spec that
    does not fit the value (``{org_code:05d}`` for a text code).
    """
    fields = _placeholders(pattern)
    _check_names(pattern, fields, allowed)
    used = frozenset(name for name, _spec in fields)
    for name in required:
        if name not in used:
            raise NumberingError(
                _("The number pattern “%(pattern)s” must contain the placeholder “{%(name)s}”.")
                % {"name": name, "pattern": pattern}
            )
    if isinstance(allowed, Mapping):
        format_number(pattern, **allowed)
    return used


def allocate_number(*, scope: str, pattern: str, **values: Any) -> tuple[int, str]:
    """Allocate the next serial in ``scope`` and format it: ``(serial, formatted number)``.

    The pattern is checked before a serial is taken; ``serial`` is supplied here and must not
    be among ``values``. Call inside the creating transaction, as for :func:`allocate_serial`.
    """
    if "serial" in values:
        raise NumberingError(_("The serial is allocated, not given."))
    _check_names(pattern, _placeholders(pattern), {*values, "serial"})
    serial = allocate_serial(scope)
    return serial, format_number(pattern, serial=serial, **values)

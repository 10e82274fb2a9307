"""Querysets compiled to SQL once a database connection and run again with new values.

Django builds and compiles a queryset's SQL on every evaluation: resolving the lookups, the
joins of ``select_related``, the ordering, the converters. On a page that runs a few small
queries by primary key this costs more than running them (the document page: about half of
its CPU, docs/performance.md, issue 10). A :class:`PreparedQuery` builds its queryset once with
a *sentinel* in place of each parameter, compiles it on the connection it is about to use, and
keeps the SQL, where the sentinels stand among its parameters and what Django needs to turn a
row into model instances (the select list, ``klass_info`` and its related populators, the
converters). Each call then puts the call's values where the sentinels were, runs the SQL on
the same connection and turns the rows into instances as ``ModelIterable`` does (or into tuples
as ``values_list`` does).

What is kept lives on the connection object (one per thread and alias): it is compiled for that
connection's vendor and version, and never shared across threads. A change of settings (tests'
``override_settings``) drops it everywhere; so does :func:`forget`.

Parameters are declared by kind: ``int`` (an id: 0 ≤ value < 2**31; Django's own checks of a
value against the column's range never apply there), ``str``, or :data:`INT_LIST` (the values
of an ``__in``; the placeholder is repeated for each). A value outside what the compiled SQL
can stand for — an int out of range, an empty list, ``None`` — makes the call build the
queryset with the real values and evaluate it the ordinary way, so the answer is Django's
whatever the value. Querysets that need more than one query or rows from elsewhere
(``prefetch_related``, a related manager's known objects) are refused when first compiled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.core.signals import setting_changed
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    RelatedPopulator,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler
from django.dispatch import receiver

T = TypeVar("T")


class IntList:
    """The kind of a parameter that is a list of ids (the right side of ``__in``)."""

    def __repr__(self) -> str:
        return "INT_LIST"


INT_LIST = IntList()
Kind = type[int] | type[str] | IntList

# Ids below this go through the compiled SQL (signed 32 bits: every integer column's range).
_INT_LIMIT = 2**31
# Sentinels: values no query is built with, inside every integer column's range and positive
# (Django drops a negative value compared with a positive-integer column before writing SQL).
_INT_SENTINEL = 2_071_694_000
_STR_SENTINEL = "\N{REFERENCE MARK}gongkai.prepared.{}\N{REFERENCE MARK}"
_PLACEHOLDER = re.compile(r"%%|%s")  # Django's SQL: %s a parameter, %% a literal percent

# Moves on at every change of settings: what was compiled before is compiled again.
_epoch = 0


@receiver(setting_changed)
def _settings_changed(**kwargs: Any) -> None:
    forget()


def forget() -> None:
    """Compile every prepared query again at its next call (on every connection)."""
    global _epoch
    _epoch += 1


def _is_id(value: Any) -> bool:
    return type(value) is int and 0 <= value < _INT_LIMIT


class PreparedQueryError(ValueError):
    """A queryset that a prepared query cannot stand for."""


class _Compiled:
    """One prepared query compiled for one connection."""

    def __init__(self, queryset: QuerySet[Any], kinds: Sequence[Kind], sentinels: list[Any]):
        alias = queryset.db
        compiler: SQLCompiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        self.epoch = _epoch
        self.kinds = kinds
        # Where each parameter's sentinel stands among the SQL's parameters.
        self.slots: list[tuple[int, int]] = []  # (position among params, parameter's index)
        for position, value in enumerate(params):
            for index, sentinel in enumerate(sentinels):
                if type(value) is type(sentinel) and value == sentinel:
                    self.slots.append((position, index))
        for index, sentinel in enumerate(sentinels):
            if index not in {each for _, each in self.slots} or str(sentinel) in sql:
                raise PreparedQueryError(
                    f"parameter {index} ({kinds[index]!r}) is not a parameter of the SQL: {sql}"
                )
        self.params = list(params)
        # With a list parameter: the SQL in pieces, split where its placeholder stood.
        self.pieces = self._split(sql) if any(isinstance(k, IntList) for k in kinds) else [sql]
        self.col_count = compiler.col_count
        self.has_extra_select = compiler.has_extra_select
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise PreparedQueryError("composite fields are not supported")
        self.converters = list(compiler.get_converters(fields).items())
        iterable = queryset._iterable_class
        self.annotations: list[tuple[str, int]] = []
        self.populators: list[RelatedPopulator] = []
        if iterable is ModelIterable:
            self.shape = "model"
            klass_info = compiler.klass_info
            if klass_info is None:
                raise PreparedQueryError("a model query without its model's columns")
            select = compiler.select
            self.model = klass_info["model"]
            select_fields = klass_info["select_fields"]
            self.model_slice = slice(select_fields[0], select_fields[-1] + 1)
            self.init_list = [column[0].target.attname for column in select[self.model_slice]]
            self.populators = get_related_populators(klass_info, select, alias)  # type: ignore[call-arg]
            self.annotations = list((compiler.annotation_col_map or {}).items())
        elif iterable is ValuesListIterable:
            self.shape = "tuple"
        elif iterable is FlatValuesListIterable:
            self.shape = "flat"
        else:
            raise PreparedQueryError(f"{iterable.__name__} is not supported")

    def _split(self, sql: str) -> list[str]:
        """The SQL cut at the placeholders of list parameters (``IN (%s)``), so that each call
        can put one placeholder there for each of its values."""
        listed = {at for at, index in self.slots if isinstance(self.kinds[index], IntList)}
        pieces: list[str] = []
        start = position = 0
        for match in _PLACEHOLDER.finditer(sql):
            if match.group() != "%s":
                continue
            if position in listed:
                if not sql[: match.start()].upper().endswith(" IN (") or not sql[
                    match.end() :
                ].startswith(")"):
                    raise PreparedQueryError(f"a list parameter outside IN (...): {sql}")
                pieces.append(sql[start : match.start()])
                start = match.end()
            position += 1
        pieces.append(sql[start:])
        return pieces

    def sql_for(self, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """The SQL and its parameters with ``values`` where the sentinels were."""
        params: list[Any] = list(self.params)
        for position, index in self.slots:
            params[position] = values[index]
        if len(self.pieces) == 1:
            return self.pieces[0], params
        sql = [self.pieces[0]]
        flat: list[Any] = []
        for value in params:
            if isinstance(value, list):
                sql.append(", ".join(["%s"] * len(value)))
                sql.append(self.pieces[len(sql) // 2])
                flat.extend(value)
            else:
                flat.append(value)
        return "".join(sql), flat

    def rows(self, connection: Any, rows: list[Any]) -> list[Any]:
        """The rows as ``ModelIterable`` or ``values_list`` would give them."""
        if self.has_extra_select:
            rows = [row[: self.col_count] for row in rows]
        if self.converters:
            converted = []
            for row in map(list, rows):
                for position, (functions, expression) in self.converters:
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
                converted.append(row)
            rows = converted
        if self.shape == "tuple":
            return [tuple(row) for row in rows]
        if self.shape == "flat":
            return [row[0] for row in rows]
        return self._instances(connection.alias, rows)

    def _instances(self, alias: str, rows: list[Any]) -> list[Any]:
        model, init_list, model_slice = self.model, self.init_list, self.model_slice
        instances = []
        for row in rows:
            instance = model.from_db(alias, init_list, row[model_slice])
            for populator in self.populators:
                populator.populate(row, instance)
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances


class PreparedQuery(Generic[T]):
    """``build(*values)``'s results, from SQL compiled once a connection.

    ``build`` makes the queryset from the parameters (it is called with sentinels, once a
    connection, and with the real values only where they cannot go into the compiled SQL);
    ``kinds`` are the parameters' kinds (``int``, ``str``, :data:`INT_LIST`). Calling returns a
    list: model instances, or tuples or values for ``values_list``. ``hints`` go to the database
    router, as a related manager's instance would.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], *kinds: Kind) -> None:
        self.build = build
        self.kinds = kinds
        self.sentinels: list[Any] = []  # as the compiled SQL's parameters hold them
        for index, kind in enumerate(kinds):
            if kind is int or isinstance(kind, IntList):
                self.sentinels.append(_INT_SENTINEL + index)
            elif kind is str:
                self.sentinels.append(_STR_SENTINEL.format(index))
            else:
                raise PreparedQueryError(f"unknown kind {kind!r}")
        self.model: Any = None

    def __repr__(self) -> str:
        return f"<PreparedQuery {self.build.__module__}.{self.build.__qualname__}>"

    def _fits(self, values: Sequence[Any]) -> bool:
        """Whether ``values`` can go where the sentinels were (else: the ordinary way)."""
        if len(values) != len(self.kinds):
            return False
        for value, kind in zip(values, self.kinds, strict=True):
            if kind is str:
                if type(value) is not str:
                    return False
            elif kind is int:
                if not _is_id(value):
                    return False
            elif not isinstance(value, list | tuple | set | frozenset) or not value:
                return False  # no values: Django writes no SQL at all
            elif not all(_is_id(each) for each in value):
                return False
        return True

    def __call__(self, *values: Any, **hints: Any) -> list[T]:
        if not self._fits(values):
            return list(self.build(*values))
        queryset = None
        if self.model is None:
            queryset = self._sentinel_queryset()
            self.model = queryset.model
        connection = connections[router.db_for_read(self.model, **hints)]
        kept: dict[PreparedQuery[Any], _Compiled] | None = getattr(
            connection, "_gongkai_prepared", None
        )
        if kept is None:
            kept = {}
            setattr(connection, "_gongkai_prepared", kept)  # noqa: B010 - not a Django attribute
        compiled = kept.get(self)
        if compiled is None or compiled.epoch != _epoch:
            if queryset is None:
                queryset = self._sentinel_queryset()
            compiled = kept[self] = _Compiled(
                queryset.using(connection.alias), self.kinds, self.sentinels
            )
        sql, params = compiled.sql_for(
            [
                list(value) if isinstance(kind, IntList) else value
                for value, kind in zip(values, self.kinds, strict=True)
            ]
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return compiled.rows(connection, rows)

    def _sentinel_queryset(self) -> QuerySet[Any]:
        queryset = self.build(
            *[
                [sentinel] if isinstance(kind, IntList) else sentinel
                for sentinel, kind in zip(self.sentinels, self.kinds, strict=True)
            ]
        )
        if queryset._prefetch_related_lookups or queryset._known_related_objects:  # type: ignore[attr-defined]
            raise PreparedQueryError(
                "querysets with prefetch_related or a related manager's objects are not supported"
            )
        return queryset

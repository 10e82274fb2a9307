"""Gap-free serial numbers and number patterns (gongkai.core.numbering)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from gongkai.core.models import SerialCounter
from gongkai.core.numbering import (
    NumberingError,
    allocate_number,
    allocate_serial,
    format_number,
    validate_pattern,
)

# --- Allocation ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_serials_are_sequential_per_scope():
    with transaction.atomic():
        numbers = [allocate_serial("index:004316771:2014") for _ in range(3)]

    assert numbers == [1, 2, 3]
    assert SerialCounter.objects.get(scope="index:004316771:2014").last_value == 3


@pytest.mark.django_db
def test_scopes_are_independent():
    with transaction.atomic():
        first = [allocate_serial("index:A:2014"), allocate_serial("index:A:2014")]
        other = allocate_serial("index:B:2014")
        next_year = allocate_serial("index:A:2015")
        third = allocate_serial("index:A:2014")

    assert first == [1, 2]
    assert other == 1
    assert next_year == 1
    assert third == 3


@pytest.mark.django_db
def test_existing_counter_costs_two_queries(django_assert_num_queries):
    with transaction.atomic():
        allocate_serial("request:2014")
        with django_assert_num_queries(2):  # the locking read and the increment
            assert allocate_serial("request:2014") == 2


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_does_not_consume_a_number():
    with transaction.atomic():
        assert allocate_serial("letter:2014") == 1

    with pytest.raises(RuntimeError), transaction.atomic():
        assert allocate_serial("letter:2014") == 2
        raise RuntimeError("the record could not be created")

    with transaction.atomic():
        assert allocate_serial("letter:2014") == 2
    assert SerialCounter.objects.get(scope="letter:2014").last_value == 2


@pytest.mark.django_db(transaction=True)
def test_rolled_back_creation_of_a_scope_leaves_no_counter():
    with pytest.raises(RuntimeError), transaction.atomic():
        allocate_serial("new-scope")
        raise RuntimeError("the record could not be created")

    assert not SerialCounter.objects.filter(scope="new-scope").exists()
    with transaction.atomic():
        assert allocate_serial("new-scope") == 1


@pytest.mark.django_db
def test_rolled_back_savepoint_does_not_consume_a_number():
    with transaction.atomic():
        assert allocate_serial("registration") == 1
        with pytest.raises(RuntimeError), transaction.atomic():
            allocate_serial("registration")
            raise RuntimeError("the inner creation failed")
        assert allocate_serial("registration") == 2


@pytest.mark.django_db(transaction=True)
def test_allocation_outside_a_transaction_is_refused():
    with pytest.raises(transaction.TransactionManagementError, match="inside the transaction"):
        allocate_serial("index:A:2014")

    assert not SerialCounter.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["", "x" * 201])
def test_scope_must_have_a_usable_length(scope):
    with pytest.raises(NumberingError, match="1 to 200 characters"), transaction.atomic():
        allocate_serial(scope)


@pytest.mark.django_db
def test_allocate_number_formats_the_serial():
    with transaction.atomic():
        first = allocate_number(
            scope="index:004316771:2014",
            pattern="{org_code}/{year}-{serial:05d}",
            org_code="004316771",
            year=2014,
        )
        second = allocate_number(
            scope="index:004316771:2014",
            pattern="{org_code}/{year}-{serial:05d}",
            org_code="004316771",
            year=2014,
        )

    assert first == (1, "004316771/2014-00001")
    assert second == (2, "004316771/2014-00002")


@pytest.mark.django_db
def test_allocate_number_checks_the_pattern_before_taking_a_serial():
    with pytest.raises(NumberingError, match="org_code"), transaction.atomic():
        allocate_number(scope="index:2014", pattern="{org_code}-{serial}", year=2014)
    with pytest.raises(NumberingError), transaction.atomic():
        allocate_number(scope="index:2014", pattern="{serial}", serial=5)

    assert not SerialCounter.objects.filter(scope="index:2014").exists()


# --- Patterns ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "values", "expected"),
    [
        ("{org_code}/{year}-{serial:05d}", {"org_code": "004316771", "year": 2014}, None),
        ("张政办〔{year}〕{serial}号", {"year": 2014}, "张政办〔2014〕50号"),
        ("ZDYSQ{year}{serial:04d}", {"year": 2014}, "ZDYSQ20140050"),
        ("{{literal}}{serial}", {}, "{literal}50"),
        ("{serial:>6}", {}, "    50"),
    ],
)
def test_format_number(pattern, values, expected):
    result = format_number(pattern, serial=50, **values)

    if expected is None:
        expected = "004316771/2014-00050"
    assert result == expected


@pytest.mark.parametrize(
    ("pattern", "named"),
    [
        ("{org}/{serial}", "{org}"),
        ("{serial.__class__}", "{serial.__class__}"),
        ("{serial[0]}", "{serial[0]}"),
        ("{0}-{serial}", "{0}"),
        ("{}-{serial}", "{}"),
    ],
)
def test_unknown_placeholders_are_named_in_the_error(pattern, named):
    with pytest.raises(NumberingError) as error:
        format_number(pattern, serial=1, year=2014)

    assert named in str(error.value)
    assert "Unknown placeholder" in str(error.value)


@pytest.mark.parametrize(
    "pattern",
    ["{serial", "serial}", "{serial!r}", "{serial:{width}}", "{serial:999999d}", "{year:05q}"],
)
def test_malformed_patterns_are_rejected(pattern):
    with pytest.raises(NumberingError):
        format_number(pattern, serial=1, year=2014)


def test_numbering_error_is_a_value_error():
    with pytest.raises(ValueError, match="does not fit its value"):
        format_number("{org_code:05d}-{serial}", org_code="A01", serial=1)


def test_validate_pattern_returns_the_placeholders():
    used = validate_pattern(
        "{org_code}/{year}-{serial:05d}", allowed={"org_code", "year", "serial"}
    )

    assert used == {"org_code", "year", "serial"}


def test_validate_pattern_rejects_names_not_allowed():
    with pytest.raises(NumberingError, match="agency"):
        validate_pattern("{agency}-{serial}", allowed={"year", "serial"})


def test_validate_pattern_requires_the_serial():
    with pytest.raises(NumberingError, match=r"must contain the placeholder “\{serial\}”"):
        validate_pattern("张政办〔{year}〕号", allowed={"year", "serial"})


def test_validate_pattern_tries_sample_values():
    allowed = {"org_code": "004316771", "year": 2014, "serial": 1}

    assert validate_pattern("{org_code}-{serial:03d}", allowed=allowed) == {"org_code", "serial"}
    with pytest.raises(NumberingError, match="org_code"):
        validate_pattern("{org_code:05d}-{serial}", allowed=allowed)


# --- Concurrency ---------------------------------------------------------------------------

THREADS = 8
PER_THREAD = 25


def _run_threads(target, *args):
    """Run ``target(barrier, *args)`` in THREADS threads; re-raise the first error in any."""
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run():
        try:
            target(barrier, *args)
        except BaseException as error:
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    if errors:
        raise errors[0]


def _allocate_many(barrier, scope, committed):
    barrier.wait()
    for attempt in range(PER_THREAD):
        try:
            with transaction.atomic():
                number = allocate_serial(scope)
                if attempt % 5 == 4:
                    raise _Abandon
        except _Abandon:
            continue
        committed.append(number)


class _Abandon(Exception):
    """Raised to roll a creation back."""


def _allocate_in_new_scopes(barrier, scopes, results):
    for scope in scopes:
        barrier.wait()
        with transaction.atomic():
            results.append((scope, allocate_serial(scope)))


def _assert_concurrent_allocation_is_gap_free():
    committed: list[int] = []
    with transaction.atomic():
        assert allocate_serial("warm-up") == 1

    _run_threads(_allocate_many, "index:concurrent", committed)

    expected = THREADS * PER_THREAD * 4 // 5  # every fifth creation rolls back
    assert sorted(committed) == list(range(1, expected + 1))
    assert SerialCounter.objects.get(scope="index:concurrent").last_value == expected


def _assert_concurrent_scope_creation_is_safe():
    scopes = [f"race:{n}" for n in range(10)]
    results: list[tuple[str, int]] = []

    _run_threads(_allocate_in_new_scopes, scopes, results)

    for scope in scopes:
        numbers = sorted(number for name, number in results if name == scope)
        assert numbers == list(range(1, THREADS + 1)), scope
    assert SerialCounter.objects.filter(scope__startswith="race:").count() == len(scopes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocation_is_gap_free_on_postgresql():
    _assert_concurrent_allocation_is_gap_free()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_of_a_scope_on_postgresql():
    _assert_concurrent_scope_creation_is_safe()


def _sqlite_test_database_is_a_file() -> bool:
    return connection.vendor == "sqlite" and not connection.is_in_memory_db()


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocation_is_gap_free_on_sqlite_file():
    if not _sqlite_test_database_is_a_file():
        pytest.skip("needs SQLite with a file test database (GONGKAI_SQLITE_TEST_PATH)")
    _assert_concurrent_allocation_is_gap_free()


@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_of_a_scope_on_sqlite_file():
    if not _sqlite_test_database_is_a_file():
        pytest.skip("needs SQLite with a file test database (GONGKAI_SQLITE_TEST_PATH)")
    _assert_concurrent_scope_creation_is_safe()

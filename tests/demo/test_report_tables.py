"""The annual report's tables on the demonstration records (REG 50): the seed's 2014 figures,
and every identity holding for the government's 2014, 2024 and 2025 reports. The demonstration
is loaded once for the module, inside a transaction rolled back after its last test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongkai.catalogue.models import Document, NormativeRegistration
from gongkai.info_requests.models import InfoRequest, Remedy
from gongkai.reports.tables import (
    CARRIED_FORWARD,
    CARRIED_OVER,
    NEW,
    TOTAL,
    annual_tables,
    government_scope,
    table_three,
)
from gongkai.reports.validation import validate
from tests.reports.test_tables import independent_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(district):
    """The demonstration, loaded once for the package (``tests/demo/conftest.py``)."""


def test_reg_50_the_2014_report_gives_the_seeds_15_applications_all_answered(loaded):
    tables = annual_tables(government_scope(2014))
    three = tables.three
    assert three.cell(NEW) == 15
    assert three.cell(CARRIED_OVER) == 0
    assert three.cell(TOTAL) == 15
    assert three.cell(CARRIED_FORWARD) == 0
    assert all(tables.four.cell(kind) == 0 for kind in tables.four.cells)  # no remedies
    assert validate(tables) == []


@pytest.mark.parametrize("year", [2014, 2024, 2025])
def test_reg_50_every_identity_holds_on_the_demonstration(loaded, year):
    scope = government_scope(year)
    tables = annual_tables(scope)
    assert validate(tables) == []
    assert tables.three.cells == independent_count(year, scope.agency_ids)


def test_reg_50_2025s_two_is_2024s_four(loaded):
    t2024 = table_three(government_scope(2024))
    t2025 = table_three(government_scope(2025))
    assert t2024.cells[CARRIED_FORWARD] == t2025.cells[CARRIED_OVER]
    assert t2025.cell(CARRIED_OVER) > 0  # the demonstration carries applications over


def test_reg_50_table_four_counts_the_demonstrations_remedies(loaded):
    scope_ids = government_scope(2025).agency_ids
    for year in (2024, 2025, 2026):
        four = annual_tables(government_scope(year)).four
        for kind in Remedy.Kind.values:
            rows = Remedy.objects.filter(
                kind=kind, request__agency_id__in=government_scope(year).agency_ids
            )
            open_in_year = [
                r for r in rows
                if r.filed_on.year <= year and (r.decided_on is None or r.decided_on.year >= year)
            ]  # fmt: skip
            assert four.cell(kind) == len(open_in_year)
    assert Remedy.objects.filter(request__agency_id__in=scope_ids).count() == 2


def test_reg_50_table_two_counts_the_normative_register(loaded):
    scope = government_scope(2014)
    two = annual_tables(scope).two
    registered = NormativeRegistration.objects.filter(
        year=2014, document__agency_id__in=scope.agency_ids, document__state="published"
    )
    assert two.documents["normative"]["made"].value == registered.count() > 0
    ended = Document.objects.filter(
        registration__isnull=False,
        validity__in=["repealed", "expired"],
        repeal_date__year=2014,
        agency_id__in=scope.agency_ids,
    )
    assert two.documents["normative"]["repealed"].value == ended.count()
    # Figures the records cannot support yet are 0, each with its reason.
    assert two.documents["rules"]["made"].value == 0 and two.documents["rules"]["made"].reason
    assert all(f.value == 0 and f.reason for f in two.decisions.values())
    assert two.fees.value == Decimal("0") and two.fees.reason
    assert InfoRequest.objects.exists()

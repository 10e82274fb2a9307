"""Form definitions as data: the shipped ones are valid and installed by the migration, a
broken definition is refused with every problem named, and periods and due days."""

from __future__ import annotations

import copy
import json

import pytest

from gongkai.reports.statistics import definitions
from gongkai.reports.statistics.definitions import (
    DefinitionError,
    definition_of,
    install_definitions,
    read_definitions,
    validate_definition,
)
from gongkai.reports.statistics.models import StatisticsField, StatisticsForm
from gongkai.reports.statistics.periods import (
    MONTHLY,
    QUARTERLY,
    YEARLY,
    PeriodError,
    last_ended_period,
    period_from_key,
)
from tests.reports.statistics.conftest import D

GOOD = {
    "code": "sample",
    "title": "样例报表",
    "period": "monthly",
    "due_day": 5,
    "all_members": True,
    "fields": [
        {
            "key": "documents",
            "label": "主动公开",
            "kind": "integer",
            "source": "documents_published",
        },
        {"key": "remarks", "label": "备注", "kind": "text", "source": ""},
    ],
}


def test_the_shipped_definitions_are_valid_and_cover_three_periods():
    forms = read_definitions()
    assert {form["period"] for form in forms} == {MONTHLY, QUARTERLY, YEARLY}
    for form in forms:
        assert validate_definition(form) == []


@pytest.mark.django_db
def test_the_migration_installed_the_shipped_forms_as_they_are_defined():
    for data in read_definitions():
        form = StatisticsForm.objects.get(code=data["code"])
        stored = definition_of(form)
        assert stored["title"] == data["title"]
        assert [f["key"] for f in stored["fields"]] == [f["key"] for f in data["fields"]]
        assert validate_definition(stored) == []


@pytest.mark.django_db
def test_installing_again_leaves_an_existing_form_as_the_office_changed_it():
    form = StatisticsForm.objects.get(code="disclosure-monthly")
    form.title = "本区自定义月报表"
    form.save(update_fields=["title"])
    made = install_definitions(
        read_definitions(), form_model=StatisticsForm, field_model=StatisticsField
    )
    assert made == 0
    form.refresh_from_db()
    assert form.title == "本区自定义月报表"


def test_a_good_definition_passes():
    assert validate_definition(GOOD) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(code="Bad Code"), "The code must be"),
        (lambda d: d.update(title=" "), "needs a title"),
        (lambda d: d.update(period="weekly"), "monthly, quarterly or yearly"),
        (lambda d: d.update(due_day=0), "due day must be"),
        (lambda d: d.update(due_day=32), "due day must be"),
        (lambda d: d.update(all_members=False, agency_kinds=[]), "Name the kinds"),
        (lambda d: d.update(agency_kinds=["ministry"]), "not all known kinds"),
        (lambda d: d.update(fields=[]), "at least one field"),
        (lambda d: d["fields"][1].update(key="documents"), "used twice"),
        (lambda d: d["fields"][0].update(source="unicorns"), "no metric “unicorns”"),
        (lambda d: d["fields"][1].update(source="letters_received"), "must be a number"),
        (lambda d: d["fields"][0].update(kind="date"), "integer, decimal or text"),
        (lambda d: d["fields"][0].update(label=""), "needs a label"),
    ],
)
def test_a_broken_definition_names_its_problem(change, message):
    data = copy.deepcopy(GOOD)
    change(data)
    errors = validate_definition(data)
    assert any(message in error for error in errors), errors


def test_a_broken_data_file_is_refused_whole(tmp_path):
    broken = copy.deepcopy(GOOD)
    broken["fields"][0]["source"] = "unicorns"
    path = tmp_path / "forms.json"
    path.write_text(json.dumps({"forms": [GOOD, broken]}), encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        read_definitions(path)
    assert any("unicorns" in error for error in caught.value.errors)
    assert any("used twice" in error for error in caught.value.errors)  # the code "sample"
    assert definitions.DATA_FILE.exists()


@pytest.mark.parametrize(
    ("kind", "key", "start", "end", "due_day", "due"),
    [
        (MONTHLY, "2025-02", D(2025, 2, 1), D(2025, 2, 28), 31, D(2025, 3, 31)),
        (MONTHLY, "2025-01", D(2025, 1, 1), D(2025, 1, 31), 31, D(2025, 2, 28)),  # clamped
        (MONTHLY, "2024-12", D(2024, 12, 1), D(2024, 12, 31), 5, D(2025, 1, 5)),
        (QUARTERLY, "2025-Q3", D(2025, 7, 1), D(2025, 9, 30), 10, D(2025, 10, 10)),
        (YEARLY, "2025", D(2025, 1, 1), D(2025, 12, 31), 20, D(2026, 1, 20)),
    ],
)
def test_periods_and_due_days(kind, key, start, end, due_day, due):
    period = period_from_key(kind, key)
    assert (period.start, period.end, period.key) == (start, end, key)
    assert period.due_on(due_day) == due


def test_the_last_ended_period():
    assert last_ended_period(MONTHLY, D(2025, 1, 15)).key == "2024-12"
    assert last_ended_period(QUARTERLY, D(2025, 4, 1)).key == "2025-Q1"
    assert last_ended_period(YEARLY, D(2025, 12, 31)).key == "2024"


@pytest.mark.parametrize(
    ("kind", "key"),
    [(MONTHLY, "2025-13"), (MONTHLY, "2025"), (QUARTERLY, "2025-Q5"), (YEARLY, "25")],
)
def test_a_key_that_names_no_period_is_refused(kind, key):
    with pytest.raises(PeriodError):
        period_from_key(kind, key)


@pytest.mark.django_db
def test_the_admin_refuses_a_field_the_platform_cannot_compute():
    from gongkai.reports.statistics.admin import StatisticsFieldForm, StatisticsFormForm

    form = StatisticsForm.objects.get(code="disclosure-monthly")
    base = {"key": "extra", "label": "额外", "kind": "integer", "order": 9, "required": True}
    bad = StatisticsFieldForm(data={**base, "form": form.pk, "source": "unicorns"})
    assert not bad.is_valid()
    assert any("unicorns" in error for error in bad.non_field_errors())
    good = StatisticsFieldForm(data={**base, "form": form.pk, "source": "letters_received"})
    assert good.is_valid(), good.errors
    definition = StatisticsFormForm(
        data={"code": "new-form", "title": "新报表", "period": "monthly", "due_day": 40,
              "remind_days": 3, "all_members": True, "agency_kinds": "[]", "active": True}
    )  # fmt: skip
    assert not definition.is_valid()

"""The catalogue's configuration in Django's admin: taxonomies, numbering, record types."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.catalogue.models import AgencyCatalogueSettings, RecordField, RecordType
from gongkai.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, user_factory, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user_factory(is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize(
    "model", ["statutoryitem", "topic", "genre", "column", "sensitiveterm", "recordtype"]
)
def test_configuration_lists_open(admin_client, model):
    response = admin_client.get(reverse(f"admin:catalogue_{model}_changelist"))

    assert response.status_code == 200


def test_a_record_type_is_defined_through_the_service(admin_client):
    response = admin_client.post(
        reverse("admin:catalogue_recordtype_add"),
        {
            "code": "school-places",
            "name": "学位分配公示",
            "description": "",
            "sort_order": "5",
            "active": "on",
            "new_fields": (
                "school | 学校 | text | required,searchable\n"
                "places | 学位数 | number\n"
                "kind | 类别 | choice | searchable | 公办,民办"
            ),
            "fields-TOTAL_FORMS": "0",
            "fields-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    record_type = RecordType.objects.get(code="school-places")
    assert list(record_type.fields.values_list("key", "type", "required")) == [
        ("school", "text", True),
        ("places", "number", False),
        ("kind", "choice", False),
    ]
    assert RecordField.objects.get(key="kind", record_type=record_type).choices == ["公办", "民办"]
    assert AuditEntry.objects.filter(action="catalogue.define_record_type").count() == 1


def test_a_bad_field_line_is_shown_and_nothing_is_defined(admin_client):
    response = admin_client.post(
        reverse("admin:catalogue_recordtype_add"),
        {
            "code": "broken",
            "name": "坏类型",
            "sort_order": "0",
            "new_fields": "school | 学校 | colour",
            "fields-TOTAL_FORMS": "0",
            "fields-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not RecordType.objects.filter(code="broken").exists()
    assert not AuditEntry.objects.filter(action="catalogue.define_record_type").exists()


def test_staff_without_the_administrator_role_cannot_define_types(client, user_factory):
    client.force_login(user_factory(is_staff=True))

    response = client.get(reverse("admin:catalogue_recordtype_add"))

    assert response.status_code == 403


def test_number_patterns_are_checked(admin_client, agency):
    url = reverse("admin:catalogue_agencycatalogueSettings_add".lower())
    data = {
        "agency": agency.pk,
        "index_pattern": "{org_code}/{year}-{serial:05d}-{colour}",
        "registration_pattern": "{org_code}-{year}-{serial:04d}",
        "publication_limit_days": "25",
        "interpretation_lag_days": "3",
        "reassess_months": "12",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "colour" in str(errors["index_pattern"])
    assert "article 26" in str(errors["publication_limit_days"])
    assert not AgencyCatalogueSettings.objects.exists()

    data.update(index_pattern="{org_code}/{year}-{serial:05d}", publication_limit_days="15")
    assert admin_client.post(url, data).status_code == 302
    assert AgencyCatalogueSettings.objects.get().publication_limit_days == 15


def test_fields_are_added_to_an_existing_type_through_the_service(admin_client):
    from gongkai.catalogue.models import Column

    admin_client.post(
        reverse("admin:catalogue_recordtype_add"),
        {
            "code": "school-places",
            "name": "学位分配公示",
            "sort_order": "0",
            "active": "on",
            "new_fields": "school | 学校 | text | required",
            "fields-TOTAL_FORMS": "0",
            "fields-INITIAL_FORMS": "0",
        },
    )
    record_type = RecordType.objects.get(code="school-places")
    column = Column.objects.get(slug="zdly-jy")

    response = admin_client.post(
        reverse("admin:catalogue_recordtype_change", args=[record_type.pk]),
        {
            "name": "学位分配结果公示",
            "column": column.pk,
            "sort_order": "0",
            "active": "on",
            "new_fields": "places | 学位数 | number",
            "fields-TOTAL_FORMS": "1",
            "fields-INITIAL_FORMS": "1",
            "fields-0-id": record_type.fields.get().pk,
            "fields-0-record_type": record_type.pk,
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    record_type.refresh_from_db()
    assert record_type.name == "学位分配结果公示"
    assert record_type.column == column
    assert list(record_type.fields.values_list("key", flat=True)) == ["school", "places"]
    assert AuditEntry.objects.filter(action="catalogue.add_record_field").count() == 1
    assert AuditEntry.objects.filter(action="catalogue.update_record_type").count() == 1

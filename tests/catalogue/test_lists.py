"""Structured lists: the seeded types, validation of values, and the services' permissions."""

from __future__ import annotations

import datetime
import json

import pytest

from gongkai.agencies.models import StaffRole
from gongkai.catalogue import lists
from gongkai.catalogue.lists import FieldSpec, ListError, ListPermissionDenied, RecordInvalid
from gongkai.catalogue.models import ListRecord, RecordField, RecordType
from gongkai.core.models import AuditEntry
from tests.catalogue.lists_support import (
    SENTINEL_ID,
    SENTINEL_NAME,
    housing_values,
    make_record,
    power_values,
    seed,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 6, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def types(db):
    return seed()


@pytest.fixture
def administrator(staff_role_factory, agency):
    return staff_role_factory(agency=agency, role=StaffRole.Role.ADMINISTRATOR).user


def test_seed_defines_the_five_key_area_types_with_columns_and_statutory_items(types):
    assert set(types) == {
        "power-list",
        "procurement-notice",
        "procurement-result",
        "housing-allocation",
        "land-expropriation",
    }
    power = types["power-list"]
    assert power.name == "行政权力清单"
    assert power.column.slug == "zdly-xzql"
    assert {item.code for item in power.statutory_items.all()} == {"reg20-05", "reg20-06"}
    power_type = power.fields.get(key="power_type")
    assert power_type.type == RecordField.Type.CHOICE
    assert power_type.choices[0] == "行政许可" and "行政裁决" in power_type.choices
    assert power.fields.get(key="implementing_agency").type == RecordField.Type.AGENCY
    assert [f.label for f in power.fields.all()][-1] == "监督电话"

    housing = types["housing-allocation"]
    assert housing.column.slug == "zdly-bzxzf"
    personal = {f.key for f in housing.fields.filter(personal=True)}
    assert personal == {"applicant_name", "id_number"}
    assert types["procurement-notice"].fields.get(key="budget").type == RecordField.Type.MONEY
    assert types["land-expropriation"].fields.get(label="面积（亩）").type == "number"
    assert {i.code for i in types["land-expropriation"].statutory_items.all()} == {
        "reg21-county-04"
    }


def test_seed_is_repeat_safe_and_keeps_fields_an_administrator_added(types, administrator):
    lists.add_field(
        types["power-list"], actor=administrator, key="remarks", label="备注", type="text"
    )

    again = seed()

    assert RecordType.objects.count() == 5
    assert again["power-list"].fields.filter(key="remarks").exists()
    assert again["power-list"].fields.count() == 10


def test_values_are_checked_and_stored_in_canonical_form(types, agency, editor):
    record = make_record(
        types["procurement-notice"],
        agency=agency,
        actor=editor,
        values={
            "project_name": "办公设备采购项目",
            "budget": "1,250,000.5",
            "notice_date": "2024年3月1日",
            "procurement_method": "公开招标",
        },
    )

    assert record.state == ListRecord.State.DRAFT
    assert record.data == {
        "project_name": "办公设备采购项目",
        "budget": "1250000.50",
        "notice_date": "2024-03-01",
        "procurement_method": "公开招标",
    }


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("budget", "-1", "An amount of money cannot be negative."),
        ("budget", "12.345", "An amount of money has at most two decimal places."),
        ("budget", "十万", "Enter an amount of money, such as 12500.00."),
        ("notice_date", "2024-02-30", "Enter a date, such as 2024-03-01."),
        ("procurement_method", "拍卖", "Choose one of: 公开招标、邀请招标"),
        ("project_name", "  ", "This field is required."),
        ("nonsense", "x", "This list has no field with this key."),
    ],
)
def test_invalid_values_are_refused_with_a_message_per_field(
    types, agency, editor, key, value, message
):
    values = {
        "project_name": "办公设备采购项目",
        "budget": "100",
        "notice_date": "2024-03-01",
        "procurement_method": "公开招标",
        key: value,
    }

    with pytest.raises(RecordInvalid) as caught:
        lists.create_record(types["procurement-notice"], agency=agency, actor=editor, values=values)

    assert caught.value.errors[key].startswith(message)
    assert not ListRecord.objects.exists()


def test_agency_fields_accept_a_name_or_an_organisation_code(types, agency, other_agency, editor):
    by_name = make_record(
        types["power-list"], agency=agency, actor=editor, values=power_values(1, other_agency.name)
    )
    by_code = make_record(
        types["power-list"],
        agency=agency,
        actor=editor,
        values=power_values(2, other_agency.org_code),
    )

    assert by_name.data["implementing_agency"] == other_agency.pk
    assert by_code.data["implementing_agency"] == other_agency.pk
    with pytest.raises(RecordInvalid) as caught:
        lists.create_record(
            types["power-list"], agency=agency, actor=editor, values=power_values(3, "不存在的局")
        )
    assert "implementing_agency" in caught.value.errors


def test_web_addresses_must_be_http_or_https(administrator, agency, editor):
    record_type = lists.define_record_type(
        actor=administrator,
        code="links",
        name="链接",
        fields=[
            FieldSpec("title", "标题", "text", required=True),
            FieldSpec("link", "网址", "url"),
            FieldSpec("file", "附件", "attachment"),
        ],
    )

    good = make_record(
        record_type,
        agency=agency,
        actor=editor,
        values={"title": "a", "link": "https://www.gov.cn/", "file": "http://example.gov.cn/a.pdf"},
    )
    assert good.data["link"] == "https://www.gov.cn/"
    for bad in ("javascript:alert(1)", "ftp://example.com/x", "www.gov.cn"):
        with pytest.raises(RecordInvalid) as caught:
            lists.create_record(
                record_type, agency=agency, actor=editor, values={"title": "b", "link": bad}
            )
        assert "link" in caught.value.errors
    with pytest.raises(RecordInvalid) as caught:
        lists.create_record(
            record_type,
            agency=agency,
            actor=editor,
            values={"title": "c", "file": "attachment:999"},
        )
    assert caught.value.errors["file"] == "No attachment of a published document has this number."


def test_search_text_leaves_personal_fields_out(types, agency, editor):
    record = make_record(
        types["housing-allocation"],
        agency=agency,
        actor=editor,
        values=housing_values(batch=f"2024年第一批 {SENTINEL_ID}"),
    )

    assert SENTINEL_NAME not in record.search_text
    assert SENTINEL_ID not in record.search_text  # masked even where typed into the batch
    assert "2024年第一批" in record.search_text
    assert agency.name in record.search_text


def test_publish_and_withdraw_write_audit_entries_without_personal_values(types, agency, editor):
    record = make_record(
        types["housing-allocation"], agency=agency, actor=editor, values=housing_values()
    )

    (published,) = lists.publish_records([record], actor=editor, now=NOW)
    assert published.state == ListRecord.State.PUBLISHED
    assert published.published_at == NOW
    withdrawn = lists.withdraw_record(published, actor=editor, reason="信息有误")
    assert withdrawn.state == ListRecord.State.WITHDRAWN
    assert withdrawn.withdrawn_at is not None

    actions = list(
        AuditEntry.objects.filter(object_type="catalogue.listrecord", object_id=str(record.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "catalogue.create_list_record",
        "catalogue.publish_list_record",
        "catalogue.withdraw_list_record",
    ]
    logged = json.dumps(
        list(AuditEntry.objects.values("details", "object_repr")), ensure_ascii=False
    )
    assert SENTINEL_NAME not in logged
    assert SENTINEL_ID not in logged


def test_update_record_corrects_values_and_names_only_the_changed_fields(types, agency, editor):
    record = make_record(
        types["housing-allocation"], agency=agency, actor=editor, values=housing_values()
    )

    updated = lists.update_record(record, actor=editor, values=housing_values(household_size=4))

    assert updated.data["household_size"] == "4"
    entry = AuditEntry.objects.get(action="catalogue.update_list_record")
    assert entry.details == {"changed": ["household_size"]}


def test_only_published_drafts_can_be_withdrawn_and_published_once(types, agency, editor):
    record = make_record(
        types["housing-allocation"], agency=agency, actor=editor, values=housing_values()
    )
    with pytest.raises(ListError, match=r"Only a published record can be withdrawn\."):
        lists.withdraw_record(record, actor=editor)
    lists.publish_records([record], actor=editor)
    with pytest.raises(ListError, match="is published already"):
        lists.publish_records([record], actor=editor)


def test_editors_of_another_agency_cannot_touch_the_records_and_nothing_changes(
    types, agency, editor, other_editor
):
    draft = make_record(
        types["housing-allocation"], agency=agency, actor=editor, values=housing_values()
    )
    published = make_record(
        types["housing-allocation"],
        agency=agency,
        actor=editor,
        values=housing_values(1),
        publish=True,
    )
    entries = AuditEntry.objects.count()

    with pytest.raises(ListPermissionDenied):
        lists.create_record(
            types["housing-allocation"], agency=agency, actor=other_editor, values=housing_values(2)
        )
    with pytest.raises(ListPermissionDenied):
        lists.publish_records([draft], actor=other_editor)
    with pytest.raises(ListPermissionDenied):
        lists.withdraw_record(published, actor=other_editor)
    with pytest.raises(ListPermissionDenied):
        lists.update_record(draft, actor=other_editor, values=housing_values(household_size=9))

    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.state == ListRecord.State.DRAFT
    assert draft.data["household_size"] == "3"
    assert published.state == ListRecord.State.PUBLISHED
    assert ListRecord.objects.count() == 2
    assert AuditEntry.objects.count() == entries


def test_publishing_is_all_or_none_when_one_record_belongs_to_another_agency(
    types, agency, other_agency, editor, other_editor
):
    own = make_record(
        types["housing-allocation"], agency=agency, actor=editor, values=housing_values()
    )
    theirs = make_record(
        types["housing-allocation"],
        agency=other_agency,
        actor=other_editor,
        values=housing_values(1),
    )

    with pytest.raises(ListPermissionDenied):
        lists.publish_records([own, theirs], actor=editor)

    assert set(ListRecord.objects.values_list("state", flat=True)) == {ListRecord.State.DRAFT}


def test_the_disclosure_office_may_publish_for_any_agency(
    types, other_agency, other_editor, office_user
):
    record = make_record(
        types["housing-allocation"],
        agency=other_agency,
        actor=other_editor,
        values=housing_values(),
    )

    (published,) = lists.publish_records([record], actor=office_user)

    assert published.state == ListRecord.State.PUBLISHED


def test_only_administrators_define_types_and_a_refusal_creates_nothing(editor, administrator):
    spec = [FieldSpec("title", "标题", "text", required=True)]
    with pytest.raises(ListPermissionDenied):
        lists.define_record_type(actor=editor, code="subsidies", name="补贴发放", fields=spec)
    assert not RecordType.objects.filter(code="subsidies").exists()

    record_type = lists.define_record_type(
        actor=administrator, code="subsidies", name="补贴发放", fields=spec
    )
    assert record_type.fields.get().label == "标题"
    assert AuditEntry.objects.filter(action="catalogue.define_record_type").exists()


def test_type_rules_personal_filters_choices_and_required_fields(
    types, administrator, agency, editor
):
    housing = types["housing-allocation"]
    with pytest.raises(ListError, match="personal data cannot be offered as a public filter"):
        lists.add_field(
            housing,
            actor=administrator,
            key="phone",
            label="电话",
            type="text",
            personal=True,
            searchable=True,
        )
    with pytest.raises(ListError, match="needs at least one choice"):
        lists.add_field(housing, actor=administrator, key="kind", label="类别", type="choice")
    make_record(housing, agency=agency, actor=editor, values=housing_values())
    with pytest.raises(ListError, match="cannot be added to a list that has records"):
        lists.add_field(
            housing, actor=administrator, key="x", label="新增", type="text", required=True
        )
    with pytest.raises(ListPermissionDenied):
        lists.update_record_type(housing, actor=editor, name="改名")

    lists.update_record_type(housing, actor=administrator, active=False)
    with pytest.raises(ListError, match="switched off"):
        lists.create_record(housing, agency=agency, actor=editor, values=housing_values(1))

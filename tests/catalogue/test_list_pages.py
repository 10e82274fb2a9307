"""Public pages of the structured lists and the staff pages (import, publish, withdraw)."""

from __future__ import annotations

import io
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongkai.catalogue import list_io, lists
from gongkai.catalogue.models import ListRecord
from tests.catalogue.lists_support import (
    HOUSING_HEADERS,
    SENTINEL_ID,
    SENTINEL_ID_MASKED,
    SENTINEL_NAME,
    SENTINEL_NAME_MASKED,
    housing_values,
    make_record,
    power_values,
    seed,
    xlsx,
)
from tests.workbooks import parts

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.catalogue.urls_lists_test")]


@pytest.fixture
def types(db):
    return seed()


@pytest.fixture
def housing(types, agency, editor):
    """The housing list with the sentinel record and another published, a draft and a
    withdrawn record."""
    record_type = types["housing-allocation"]
    make_record(record_type, agency=agency, actor=editor, values=housing_values(), publish=True)
    make_record(
        record_type,
        agency=agency,
        actor=editor,
        values=housing_values(1, support_mode="租赁补贴", batch="2023年第二批"),
        publish=True,
    )
    make_record(
        record_type, agency=agency, actor=editor, values=housing_values(2, batch="草稿批次")
    )
    withdrawn = make_record(
        record_type,
        agency=agency,
        actor=editor,
        values=housing_values(3, batch="撤回批次"),
        publish=True,
    )
    lists.withdraw_record(withdrawn, actor=editor)
    return record_type


def assert_no_leak(html: str) -> None:
    assert SENTINEL_NAME not in html
    assert SENTINEL_ID not in html


def records_of(record_type, state):
    return ListRecord.objects.filter(record_type=record_type, state=state)


# --- Public pages ------------------------------------------------------------------------


def test_index_lists_the_types_with_their_published_counts(client, housing):
    response = client.get(reverse("catalogue:list_index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "行政权力清单" in html and "保障性住房分配公示" in html
    assert reverse("catalogue:list_records", args=["housing-allocation"]) in html
    housing_type = next(t for t in response.context["record_types"] if t.code == housing.code)
    assert housing_type.record_count == 2  # the draft and the withdrawn record are not counted


def test_list_page_masks_personal_fields_and_hides_drafts_and_withdrawn(client, housing):
    response = client.get(reverse("catalogue:list_records", args=[housing.code]))

    assert response.status_code == 200
    html = response.content.decode()
    assert_no_leak(html)
    assert SENTINEL_NAME_MASKED in html
    assert SENTINEL_ID_MASKED in html
    assert "草稿批次" not in html and "撤回批次" not in html
    assert response.context["page"].paginator.count == 2
    assert '<html lang="zh-hans"' in html


def test_record_page_masks_personal_fields_and_drafts_and_withdrawn_are_not_found(client, housing):
    sentinel = records_of(housing, ListRecord.State.PUBLISHED).get(
        data__applicant_name=SENTINEL_NAME
    )

    response = client.get(reverse("catalogue:list_record", args=[housing.code, sentinel.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert_no_leak(html)
    assert SENTINEL_NAME_MASKED in html and SENTINEL_ID_MASKED in html
    assert "2024年第一批" in html
    for state in (ListRecord.State.DRAFT, ListRecord.State.WITHDRAWN):
        hidden = records_of(housing, state).get()
        url = reverse("catalogue:list_record", args=[housing.code, hidden.pk])
        assert client.get(url).status_code == 404
    wrong_type = reverse("catalogue:list_record", args=["power-list", sentinel.pk])
    assert client.get(wrong_type).status_code == 404


def test_public_exports_mask_personal_fields(client, housing):
    csv_response = client.get(reverse("catalogue:list_export_csv", args=[housing.code]))
    xlsx_response = client.get(reverse("catalogue:list_export_xlsx", args=[housing.code]))

    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response["Content-Disposition"].startswith(
        'attachment; filename="housing-allocation'
    )
    text = csv_response.getvalue().decode("utf-8-sig")
    assert_no_leak(text)
    assert SENTINEL_NAME_MASKED in text and SENTINEL_ID_MASKED in text
    assert "草稿批次" not in text and "撤回批次" not in text
    sheet = load_workbook(io.BytesIO(xlsx_response.getvalue())).active
    flat = "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
    assert_no_leak(flat)
    assert SENTINEL_ID_MASKED in flat


def test_filters_and_search_narrow_the_list_and_the_export(client, housing):
    url = reverse("catalogue:list_records", args=[housing.code])

    by_mode = client.get(url, {"support_mode": "租赁补贴"})
    assert by_mode.context["page"].paginator.count == 1
    assert "申请人001"[:1] + "*" * 5 in by_mode.content.decode()
    by_year = client.get(url, {"notice_date": "2024"})
    assert by_year.context["page"].paginator.count == 2
    assert client.get(url, {"notice_date": "1999"}).context["page"].paginator.count == 0
    assert client.get(url, {"q": "第二批"}).context["page"].paginator.count == 1
    assert client.get(url, {"batch": "第二批"}).context["page"].paginator.count == 1
    assert client.get(url, {"batch": "草稿"}).context["page"].paginator.count == 0
    # Personal fields are not searchable: the applicant's name finds nothing.
    assert client.get(url, {"q": SENTINEL_NAME}).context["page"].paginator.count == 0
    export = client.get(reverse("catalogue:list_export_csv", args=[housing.code]), {"q": "第二批"})
    assert len(export.getvalue().decode("utf-8-sig").strip().splitlines()) == 2


def test_filter_choices_show_counts_of_published_records(client, housing):
    response = client.get(reverse("catalogue:list_records", args=[housing.code]))

    filters = {f.field.key: f for f in response.context["filters"]}
    assert set(filters) == {"batch", "support_mode", "notice_date"}  # never a personal field
    modes = {o.value: o.count for o in filters["support_mode"].options}
    assert modes == {"经济适用住房": 0, "廉租住房": 0, "公共租赁住房": 1, "租赁补贴": 1}
    assert [(o.value, o.count) for o in filters["notice_date"].options] == [("2024", 2)]


def test_an_id_number_typed_into_a_non_personal_field_is_masked_too(client, types, agency, editor):
    housing = types["housing-allocation"]
    record = make_record(
        housing,
        agency=agency,
        actor=editor,
        values=housing_values(5, batch=f"补录 {SENTINEL_ID}"),
        publish=True,
    )

    for url in (
        reverse("catalogue:list_records", args=[housing.code]),
        reverse("catalogue:list_record", args=[housing.code, record.pk]),
        reverse("catalogue:list_export_csv", args=[housing.code]),
    ):
        text = client.get(url).getvalue().decode("utf-8-sig")
        assert SENTINEL_ID not in text, url
        assert SENTINEL_ID_MASKED in text, url


def test_list_page_is_accessible_without_javascript(client, housing):
    html = client.get(reverse("catalogue:list_records", args=[housing.code])).content.decode()

    assert "<script" not in html.split("</head>")[1]
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    assert "filter-q" in ids and "filter-support_mode" in ids
    for control_id in ids:
        assert f'for="{control_id}"' in html, control_id
    assert '<th scope="col">申请人姓名</th>' in html
    assert '<th scope="row">' in html
    assert 'method="get"' in html


@pytest.mark.parametrize("count", [5, 50])
def test_list_pages_run_a_bounded_number_of_queries(
    client, types, agency, other_agency, editor, django_assert_max_num_queries, count
):
    power = types["power-list"]
    for n in range(count):
        implementing = other_agency if n % 2 else agency
        make_record(
            power,
            agency=agency,
            actor=editor,
            values=power_values(n, implementing.name),
            publish=True,
        )

    with django_assert_max_num_queries(10):
        response = client.get(reverse("catalogue:list_records", args=[power.code]))
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(count, 20)
    assert other_agency.name in response.content.decode()
    with django_assert_max_num_queries(6):
        assert client.get(reverse("catalogue:list_index")).status_code == 200
    record = records_of(power, ListRecord.State.PUBLISHED).first()
    with django_assert_max_num_queries(6):
        assert (
            client.get(reverse("catalogue:list_record", args=[power.code, record.pk])).status_code
            == 200
        )
    for extension in ("csv", "xlsx"):
        with django_assert_max_num_queries(6):  # the stream read to its end
            response = client.get(reverse(f"catalogue:list_export_{extension}", args=[power.code]))
            assert response.status_code == 200
            response.getvalue()


def _before(record_type, records, extension):
    """What the export answered before it was streamed: every row read into one table, then
    written whole (the CSV's old writer; the XLSX's workbook)."""
    import csv

    headers, rows = list_io.export_table(record_type, list(records))
    if extension == "xlsx":
        output = io.BytesIO()
        list_io._workbook(record_type.name, headers, rows, output)
        return output.getvalue()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([list_io._safe_text(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_a_long_list_is_exported_in_chunks_as_it_was_whole(
    client, types, agency, other_agency, editor, monkeypatch, extension
):
    """Chunks of two records (seven records: three chunks and a half) give the same file as
    the table read whole; the answer is streamed, so the page cache never keeps it."""
    from gongkai.catalogue.selectors import lists as selectors

    power = types["power-list"]
    for n in range(7):
        implementing = other_agency if n % 2 else agency
        values = power_values(n, implementing.name)
        if n == 3:
            values["legal_basis"] = '=HYPERLINK("http://x")'  # defused in both
        make_record(power, agency=agency, actor=editor, values=values, publish=True)
    monkeypatch.setattr(list_io, "EXPORT_CHUNK", 2)

    with time_machine.travel(timezone.now(), tick=False):  # the workbook records its time
        response = client.get(reverse(f"catalogue:list_export_{extension}", args=[power.code]))
        content = response.getvalue()
        expected = _before(power, selectors.public_records(power), extension)
    assert response.status_code == 200
    assert response.streaming
    assert "no-store" not in response.get("Cache-Control", "")  # public, like the list
    assert response["Content-Disposition"].startswith(f'attachment; filename="{power.code}-')
    if extension == "csv":
        assert content == expected
        assert content.count(b"\xef\xbb\xbf") == 1
        assert len(content.decode("utf-8-sig").splitlines()) == 8
        assert "'=HYPERLINK" in content.decode("utf-8-sig")
    else:
        assert response["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert parts(content) == parts(expected)
        assert load_workbook(io.BytesIO(content)).active.max_row == 8


def test_pagination_keeps_the_filters(client, types, agency, editor):
    power = types["power-list"]
    for n in range(25):
        make_record(
            power, agency=agency, actor=editor, values=power_values(n, agency.name), publish=True
        )
    url = reverse("catalogue:list_records", args=[power.code])

    first = client.get(url, {"power_type": "行政许可"})
    html = first.content.decode()
    assert "power_type=%E8%A1%8C%E6%94%BF%E8%AE%B8%E5%8F%AF&amp;page=2" in html
    second = client.get(url, {"power_type": "行政许可", "page": 2})
    assert len(second.context["rows"]) == 5


# --- Staff pages -------------------------------------------------------------------------


def staff_url(name, *args):
    return reverse(f"lists_staff:{name}", args=args)


def test_staff_pages_need_a_signed_in_member_of_staff(client, types):
    response = client.get(staff_url("records", "housing-allocation"))

    assert response.status_code == 302
    assert "sign-in" in response["Location"]


def test_staff_records_page_shows_the_agencys_records_unmasked_and_audits_the_read(
    client, housing, editor
):
    from gongkai.core.models import AuditEntry

    client.force_login(editor)
    response = client.get(staff_url("records", housing.code))

    assert response.status_code == 200
    html = response.content.decode()
    assert SENTINEL_NAME in html  # staff of the agency see what they publish
    assert "草稿批次" in html
    assert AuditEntry.objects.filter(action="personal_data.read", actor=editor).exists()
    assert client.get(staff_url("index")).status_code == 200


def test_import_page_reports_by_row_then_imports_the_valid_rows_on_request(
    client, types, agency, editor
):
    housing = types["housing-allocation"]
    client.force_login(editor)
    rows = [
        [*housing_values(1).values()],
        [*housing_values(2, household_size="很多").values()],
    ]
    upload = xlsx(HOUSING_HEADERS, rows)

    report = client.post(staff_url("import", housing.code), {"file": upload})

    assert report.status_code == 200
    assert report.context["report"].invalid_rows == [3]
    html = report.content.decode()
    assert "<td>3</td>" in html and "家庭人口" in html
    assert not ListRecord.objects.exists()

    refused = client.post(staff_url("import", housing.code), {"confirm": "1"})
    assert refused.status_code == 200
    assert not ListRecord.objects.exists()

    done = client.post(staff_url("import", housing.code), {"confirm": "1", "import_valid": "1"})
    assert done.status_code == 302
    (record,) = ListRecord.objects.all()
    assert record.data["applicant_name"] == "申请人001"
    assert record.state == ListRecord.State.DRAFT
    assert record.agency == agency

    published = client.post(staff_url("publish", housing.code), {"all": "1"})
    assert published.status_code == 302
    record.refresh_from_db()
    assert record.state == ListRecord.State.PUBLISHED

    client.post(staff_url("withdraw", housing.code, record.pk))
    record.refresh_from_db()
    assert record.state == ListRecord.State.WITHDRAWN


def test_staff_of_another_agency_cannot_publish_or_withdraw_its_records(
    client, housing, agency, other_editor
):
    draft = records_of(housing, ListRecord.State.DRAFT).get()
    published = records_of(housing, ListRecord.State.PUBLISHED).first()
    client.force_login(other_editor)

    client.post(staff_url("publish", housing.code), {"record": [draft.pk]})
    client.post(staff_url("publish", housing.code), {"all": "1"})
    response = client.post(staff_url("withdraw", housing.code, published.pk))

    assert response.status_code == 404
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.state == ListRecord.State.DRAFT
    assert published.state == ListRecord.State.PUBLISHED
    page = client.get(staff_url("records", housing.code)).content.decode()
    assert SENTINEL_NAME not in page and "草稿批次" not in page


def test_staff_cannot_import_into_another_agency_by_switching_to_it(
    client, types, agency, other_editor
):
    client.force_login(other_editor)
    switch = client.post(reverse("workbench:switch_agency"), {"agency": agency.pk})
    assert switch.status_code == 403

    upload = xlsx(HOUSING_HEADERS, [[*housing_values(1).values()]])
    client.post(staff_url("import", "housing-allocation"), {"file": upload})
    client.post(staff_url("import", "housing-allocation"), {"confirm": "1"})

    assert not ListRecord.objects.filter(agency=agency).exists()


def test_an_attachment_field_links_a_published_documents_attachment_only_while_published(
    client, agency, editor, reviewer, administrator_user, published_document
):
    from gongkai.catalogue import services
    from gongkai.catalogue.lists import FieldSpec
    from gongkai.catalogue.models import Attachment

    document = published_document()
    attachment = Attachment.objects.create(
        document=document,
        file="attachments/00/list-test.pdf",
        original_name="采购文件.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )
    record_type = lists.define_record_type(
        actor=administrator_user,
        code="tenders",
        name="招标文件",
        fields=[
            FieldSpec("title", "标题", "text", required=True),
            FieldSpec("file", "文件", "attachment"),
        ],
    )
    record = make_record(
        record_type,
        agency=agency,
        actor=editor,
        values={"title": "招标文件一", "file": f"attachment:{attachment.pk}"},
        publish=True,
    )
    url = reverse("catalogue:list_record", args=[record_type.code, record.pk])
    download = reverse("catalogue:attachment", args=[document.pk, attachment.pk])

    assert download in client.get(url).content.decode()

    services.withdraw_document(document, actor=reviewer, reason="撤回")
    html = client.get(url).content.decode()
    assert download not in html
    assert "采购文件.pdf" not in html


@pytest.fixture
def administrator_user(staff_role_factory, agency):
    from gongkai.agencies.models import StaffRole

    return staff_role_factory(agency=agency, role=StaffRole.Role.ADMINISTRATOR).user

"""The export layout, exactly: one row per response, the number, the time, one column per
question; multiple choices joined with "；" in choice order; formulas defused."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from gongkai.core.models import AuditEntry, Export
from gongkai.interaction.surveys import exports
from gongkai.interaction.surveys.models import Question, Survey
from gongkai.interaction.surveys.services import AnswerValue, QuestionSpec
from tests.interaction.surveys.conftest import SPECS, answer
from tests.workbooks import parts

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
Kind = Question.Kind
FIRST = datetime.datetime(2026, 3, 2, 9, 5, 7, tzinfo=SHANGHAI)
SECOND = datetime.datetime(2026, 3, 3, 21, 30, 0, tzinfo=SHANGHAI)
THIRD = datetime.datetime(2026, 3, 4, 0, 0, 1, tzinfo=SHANGHAI)
FROZEN = datetime.datetime(2026, 3, 5, 10, 0, 0, tzinfo=SHANGHAI)

# The questions of SPECS plus one whose choice a spreadsheet would take for a formula.
EXPORT_SPECS = [
    *SPECS,
    QuestionSpec(text="=1+1 您的看法", kind=Kind.SINGLE, required=False, choices=["@赞成", "反对"]),
]

HEADER = [
    "Response number",
    "Submitted at",
    "1. 您的身份是？",
    "2. 您通过哪些渠道了解信息？",
    "3. 总体满意程度",
    "4. 其他意见和建议",
    "5. =1+1 您的看法",  # begins with its number: never a formula
]
ROWS = [
    [1, "2026-03-02 09:05:07", "家长", "网站；学校通知", 5, "希望公开招生政策", "'@赞成"],
    [2, "2026-03-03 21:30:00", "学生", "公众号", 3, '\'=HYPERLINK("http://x")', ""],
    [3, "2026-03-04 00:00:01", "其他市民", "网站；公众号；学校通知", 1, "", ""],
]


@pytest.fixture
def answered(make_survey):
    """A survey with three responses given at known Beijing times."""
    survey = make_survey(opens=-400, closes=400, specs=EXPORT_SPECS)
    # Chosen in reverse order: the export still lists them in the question's order.
    fifth = survey.questions.get(position=5)
    answer(
        survey,
        token="1" * 43,
        single=0,
        multiple=(2, 0),
        rating=5,
        text="希望公开招生政策",
        extra={fifth.pk: AnswerValue(choice_ids=(fifth.choices.get(position=1).pk,))},
    )
    answer(
        survey,
        token="2" * 43,
        single=1,
        multiple=(1,),
        rating=3,
        text='=HYPERLINK("http://x")',
    )
    answer(survey, token="3" * 43, single=2, multiple=(2, 1, 0), rating=1)
    for number, moment in ((1, FIRST), (2, SECOND), (3, THIRD)):
        survey.responses.filter(number=number).update(submitted_at=moment)
    return survey


def test_the_table_has_the_documented_layout(answered):
    headers, rows = exports.export_table(answered)
    assert headers == HEADER
    assert rows[0][6] == "@赞成"  # guarded when written, not here
    assert rows[1][5] == '=HYPERLINK("http://x")'


def test_csv_is_utf8_with_bom_and_exactly_the_layout(answered):
    content = exports.export_csv(answered)

    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig") == (
        "Response number,Submitted at,1. 您的身份是？,2. 您通过哪些渠道了解信息？,"
        "3. 总体满意程度,4. 其他意见和建议,5. =1+1 您的看法\r\n"
        "1,2026-03-02 09:05:07,家长,网站；学校通知,5,希望公开招生政策,'@赞成\r\n"
        '2,2026-03-03 21:30:00,学生,公众号,3,"\'=HYPERLINK(""http://x"")",\r\n'
        "3,2026-03-04 00:00:01,其他市民,网站；公众号；学校通知,1,,\r\n"
    )


def test_xlsx_has_the_same_cells_numbers_as_numbers(answered):
    book = load_workbook(io.BytesIO(exports.export_xlsx(answered)))
    sheet = book.worksheets[0]

    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    # openpyxl reads an empty written cell as None.
    assert values[0] == HEADER
    assert values[1:] == [[None if cell == "" else cell for cell in row] for row in ROWS]
    assert sheet.title == "2025年政府信息公开满意度调查"
    assert sheet["A2"].data_type == "n" and sheet["E2"].data_type == "n"
    assert sheet["F3"].data_type == "s"  # the guarded text is text, not a formula


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_defused(start):
    assert exports.safe_cell(f"{start}cmd") == f"'{start}cmd"
    assert exports.safe_cell("正常文字=1") == "正常文字=1"
    assert exports.safe_cell(5) == 5


def test_staff_export_both_formats_through_my_exports_and_the_reads_are_audited(
    client, answered, editor, exported
):
    client.force_login(editor)
    with time_machine.travel(FROZEN, tick=False):
        csv_response = exported(client, reverse("surveys_staff:export_csv", args=[answered.pk]))
        xlsx_response = exported(client, reverse("surveys_staff:export_xlsx", args=[answered.pk]))
        # The file is byte for byte what the synchronous export answered with.
        expected_csv = exports.export_csv(answered)
        expected_xlsx = exports.export_xlsx(answered)

    assert csv_response.status_code == 200
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["Content-Disposition"].startswith(
        f'attachment; filename="survey-{answered.pk}-'
    )
    assert csv_response["Cache-Control"] == "private, no-store"
    csv_content = csv_response.getvalue()
    assert csv_content == expected_csv
    assert csv_content.startswith(b"\xef\xbb\xbf")
    assert xlsx_response.status_code == 200
    xlsx_content = xlsx_response.getvalue()
    assert parts(xlsx_content) == parts(expected_xlsx)  # see tests.workbooks
    assert xlsx_content.startswith(b"PK")
    for action in ("exports.request", "exports.download"):
        entries = AuditEntry.objects.filter(action=action, actor=editor)
        assert entries.count() == 2
        assert {entry.details["parameters"]["survey"] for entry in entries} == {str(answered.pk)}
    assert (
        AuditEntry.objects.get(action="exports.download", details__parameters__format="csv").kind
        == AuditEntry.Kind.READ
    )


def test_a_survey_export_button_takes_posts_only(client, answered, editor, private_media):
    client.force_login(editor)
    assert client.get(reverse("surveys_staff:export_csv", args=[answered.pk])).status_code == 405
    assert not Export.objects.exists()


def test_an_empty_survey_exports_its_header_only(make_survey):
    survey = make_survey()
    text = exports.export_csv(survey).decode("utf-8-sig")
    assert text.count("\r\n") == 1
    assert text.startswith("Response number,Submitted at,1. 您的身份是？")


def test_a_citizens_survey_exports_the_same_layout_and_no_account(make_survey, citizen):
    survey = make_survey(answer_control=Survey.AnswerControl.CITIZEN)
    stored = answer(survey, account=citizen, text="意见")

    headers, rows = exports.export_table(survey)
    text = exports.export_csv(survey).decode("utf-8-sig")

    assert headers == HEADER[:6]
    assert rows[0][0] == 1 and rows[0][5] == "意见"
    for clear in (stored.account_hash, citizen.email, citizen.display_name):
        assert clear not in text


def test_with_the_database_backend_the_button_leaves_the_file_to_a_worker(
    client, answered, editor, settings, private_media
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(editor)
    response = client.post(
        reverse("surveys_staff:export_xlsx", args=[answered.pk]),
        follow=True,
        headers={"accept-language": "zh-hans"},
    )
    assert response.redirect_chain == [(reverse("workbench:exports"), 302)]
    page = response.content.decode()
    assert "您的导出正在准备中" in page and 'data-testid="exports-pending"' in page
    export = Export.objects.get()
    assert (export.state, export.requested_by, export.parameters) == (
        Export.State.QUEUED,
        editor,
        {"survey": str(answered.pk), "format": "xlsx"},
    )
    assert DBTaskResult.objects.get().task_path == "gongkai.core.tasks.build_export"

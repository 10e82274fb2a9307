"""A survey's answers as a flat table, to CSV and XLSX (layout documented in docs/surveys.md).

One row per response, in response-number order; the columns are the response number, the time
it was submitted (Asia/Shanghai, ``YYYY-MM-DD HH:MM:SS``) and one column per question in the
survey's order. The header row names the first two columns and each question by its number and
text (``1. …``). A single choice is the choice's text; a multiple choice the chosen texts in
the question's order of choices, joined with "；"; a rating the number; a free text as typed;
an optional question left empty an empty cell.

The layout does not change with the language of the page asking for it, apart from the two
first headers, and never with the data: a spreadsheet made for one survey reads the next.
A text a spreadsheet would take for a formula (starting with =, +, -, @, a tab or a carriage
return) is written with a leading apostrophe, in both formats.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.interaction.surveys.models import Answer, Question, Survey

MULTIPLE_SEPARATOR = "；"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def safe_cell(value: Any) -> Any:
    """``value``, with an apostrophe before a text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_table(survey: Survey) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows (cells not yet guarded against formulas)."""
    questions = list(survey.questions.order_by("position").prefetch_related("choices"))
    headers = [_("Response number"), _("Submitted at")]
    headers += [f"{question.position}. {question.text}" for question in questions]
    choice_text: dict[int, str] = {}
    choice_order: dict[int, int] = {}
    for question in questions:
        for choice in question.choices.all():
            choice_text[choice.pk] = choice.text
            choice_order[choice.pk] = choice.position
    kinds = {question.pk: question.kind for question in questions}
    answers = Answer.objects.filter(response__survey=survey)
    values: dict[tuple[int, int], Any] = {}
    for response_id, question_id, rating, text in answers.values_list(
        "response_id", "question_id", "rating", "text"
    ):
        kind = kinds.get(question_id)
        if kind == Question.Kind.RATING:
            values[(response_id, question_id)] = rating
        elif kind == Question.Kind.TEXT:
            values[(response_id, question_id)] = text
    chosen: dict[tuple[int, int], list[int]] = {}
    for response_id, question_id, choice_id in Answer.choices.through.objects.filter(
        answer__response__survey=survey
    ).values_list("answer__response_id", "answer__question_id", "choice_id"):
        chosen.setdefault((response_id, question_id), []).append(choice_id)
    for key, choice_ids in chosen.items():
        ordered = sorted(choice_ids, key=lambda pk: choice_order.get(pk, 0))
        values[key] = MULTIPLE_SEPARATOR.join(choice_text.get(pk, "") for pk in ordered)
    rows: list[list[Any]] = []
    for response_id, number, submitted_at in survey.responses.order_by("number").values_list(
        "pk", "number", "submitted_at"
    ):
        row: list[Any] = [number, timezone.localtime(submitted_at).strftime(TIME_FORMAT)]
        for question in questions:
            value = values.get((response_id, question.pk))
            row.append("" if value is None else value)
        rows.append(row)
    return headers, rows


def export_csv(survey: Survey) -> bytes:
    """The table as CSV in UTF-8 with a byte-order mark (which Excel needs to read Chinese),
    lines ended with CRLF."""
    headers, rows = export_table(survey)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(value) for value in headers])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(survey: Survey) -> bytes:
    """The table as an XLSX workbook of one sheet; numbers as numbers, texts as texts."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    headers, rows = export_table(survey)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(survey.title))
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def sheet_title(title: str) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters."""
    cleaned = "".join(" " if char in "[]:*?/\\'" else char for char in title).strip()
    return (cleaned or "Survey")[:31]


def export_filename(survey: Survey, extension: str) -> str:
    """``survey-<id>-<YYYYMMDD>.<ext>``: ASCII, so every browser keeps it."""
    return f"survey-{survey.pk}-{timezone.localdate().strftime('%Y%m%d')}.{extension}"

"""The permission matrix's table (issue 9): for every URL of the workbench, the admin and the API,
who may GET it and who may POST to it, and which of agency A's records its arguments name.

A row's persona sets name who is *allowed*; everyone else must be refused. ``None`` says the
URL does not take that method at all (405 for everybody). Adding a URL means adding its row
here: ``tests/test_permission_matrix.py`` fails naming every URL the table does not hold, and
every row whose URL is gone. The rules behind each row are the apps' ``permissions.py`` modules
and docs/architecture.md ("who sees what"); the comments say why where a row may surprise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib import admin
from django.db.models import Model

from tests.info_requests.conftest import VALID_ID
from tests.permission_world import (
    ACCOUNTABLE_PERSON,
    ADMINISTRATOR,
    ANONYMOUS,
    APPLICANT,
    COMMENTER_CONTACT,
    DRAFT_NUMBER,
    EDITOR,
    HANDLER,
    HEAD,
    LEGAL,
    OFFICE,
    OTHER_AGENCY,
    REVIEWER,
    SUPERUSER,
    WRITER,
)

if TYPE_CHECKING:
    from tests.permission_world import World

Personas = frozenset[str]
Args = Callable[["World"], dict[str, Any]]


def _set(*personas: str) -> Personas:
    return frozenset(personas)


NOBODY = _set()
AGENCY_A = _set(EDITOR, REVIEWER, HANDLER, LEGAL, HEAD)  # each role of agency A, on its own
CROSS_AGENCY = _set(OFFICE, ADMINISTRATOR, SUPERUSER)  # the office and the administrators
A_AND_CROSS = AGENCY_A | CROSS_AGENCY  # who sees agency A's records where any role reads them
STAFF = A_AND_CROSS | {OTHER_AGENCY}  # everyone holding a role (agency B's staff act for B)
EVERYONE = STAFF | {ANONYMOUS}


@dataclass(frozen=True)
class Row:
    """Who may GET and who may POST (``None``: the method is refused, 405), the URL's
    arguments, what a POST sends (nothing by default: the permission is checked before the
    form is read, so an empty form shows a right role's 400 and a wrong role's 403)."""

    get: Personas | None
    post: Personas | None
    args: Args | None = None
    data: Callable[[World], dict[str, Any]] | None = None
    # The form only offers what is the user's own (their agencies, their service points): a
    # POST naming agency A's comes back as the form with its error (400, or 200 where the app
    # shows invalid forms so) rather than a 403. Nothing may change all the same.
    form_refusal: bool = False
    # Sign-out: its success is the redirect to a sign-in page.
    signs_out: bool = False
    # Whether the admin's page is opened as the superuser when they may (see ADMIN_PERSONAS).
    request_superuser: bool = True


def page(personas: Personas, *, args: Args | None = None) -> Row:
    """A page that only shows (GET; a POST is refused)."""
    return Row(get=personas, post=None, args=args)


def form(personas: Personas, *, args: Args | None = None) -> Row:
    """A page with its form (GET shows it, POST sends it)."""
    return Row(get=personas, post=personas, args=args)


def action(personas: Personas, *, args: Args | None = None) -> Row:
    """An action (POST only)."""
    return Row(get=None, post=personas, args=args)


def _pk(name: str) -> Args:
    return lambda w: {"pk": w.records[name]}


def _with(name: str, **others: str) -> Args:
    return lambda w: {"pk": w.records[name], **{key: w.records[v] for key, v in others.items()}}


# --- the workbench ------------------------------------------------------------------------------

_type = {"args": lambda w: {"code": w.record_type}}
_LIST_EDITORS = _set(EDITOR, REVIEWER, OFFICE)  # catalogue.lists.can_edit_list_records

CATALOGUE = {
    # Structured lists: the current agency's editors and reviewers, and the office (whose
    # session works for agency A here); agency B's staff work on B's lists.
    "lists_staff:index": form(_LIST_EDITORS | {OTHER_AGENCY}),
    "lists_staff:records": form(_LIST_EDITORS | {OTHER_AGENCY}, **_type),
    "lists_staff:import": form(_LIST_EDITORS | {OTHER_AGENCY}, **_type),
    "lists_staff:template": form(_LIST_EDITORS | {OTHER_AGENCY}, **_type),
    "lists_staff:publish": action(_LIST_EDITORS | {OTHER_AGENCY}, **_type),
    "lists_staff:withdraw": action(
        _LIST_EDITORS, args=lambda w: {"code": w.record_type, "pk": w.list_record}
    ),
    # Documents: every role of the agency reads them, the office and administrators too.
    "catalogue_staff:document_list": page(STAFF),
    "catalogue_staff:document_create": form(_set(EDITOR, OTHER_AGENCY)),
    "catalogue_staff:review_queue": page(STAFF),
    # Names the current agency's documents carrying the number: A's draft to A's staff and
    # those working for A, nothing of A's to B (whose forged choice of A does not count).
    "catalogue_staff:doc_number_check": page(STAFF, args=lambda w: {"?": {"value": DRAFT_NUMBER}}),
    "catalogue_staff:document_detail": page(A_AND_CROSS, args=_pk("draft")),
    "catalogue_staff:document_edit": form(_set(EDITOR), args=_pk("draft")),
    "catalogue_staff:document_submit": action(_set(EDITOR), args=_pk("draft")),
    # The reviewer approves what an editor submitted (never their own submission).
    "catalogue_staff:document_approve": action(_set(REVIEWER), args=_pk("submitted")),
    "catalogue_staff:document_reject": action(_set(REVIEWER), args=_pk("submitted")),
    "catalogue_staff:document_withdraw": action(_set(REVIEWER, OFFICE), args=_pk("published")),
    "catalogue_staff:document_amend": action(_set(EDITOR), args=_pk("published")),
    "catalogue_staff:document_validity": action(_set(REVIEWER, OFFICE), args=_pk("published")),
    "catalogue_staff:version_diff": page(A_AND_CROSS, args=_pk("published")),
    "catalogue_staff:attachment_upload": action(_set(EDITOR), args=_pk("draft")),
    "catalogue_staff:attachment_download": page(
        A_AND_CROSS, args=_with("draft", attachment_pk="draft_attachment")
    ),
    "catalogue_staff:attachment_remove": action(
        _set(EDITOR), args=_with("draft", attachment_pk="draft_attachment")
    ),
}

# Applications: the office, and the handling agency's handlers, legal reviewers and head —
# never its editors or reviewers, another agency, or the administrator (architecture.md).
_CASE = _set(HANDLER, LEGAL, HEAD, OFFICE)
_case = {"args": _pk("request")}
_unassigned = {"args": _pk("request_unassigned")}  # asked of A, still with the office
_replied = {"args": _pk("request_replied")}
_templates = _set(HANDLER, HEAD, OFFICE)  # info_requests.permissions.NOTICE_TEMPLATE_ROLES
_scope = {"args": lambda w: {"scope": w.agency.pk}}
_template = {"args": lambda w: {"scope": w.agency.pk, "kind": "acknowledgement"}}

REQUESTS = {
    "info_requests_staff:queue": page(_CASE | {OTHER_AGENCY}),
    "info_requests_staff:register": form(_set(OFFICE)),
    "info_requests_staff:detail": page(_CASE, **_case),
    "info_requests_staff:upload_file": action(_set(HANDLER, OFFICE), **_case),
    "info_requests_staff:download_file": page(_CASE, args=_with("request", file_pk="request_file")),
    "info_requests_staff:download_notice": page(
        _CASE,
        args=lambda w: {"pk": w.request, "notice_pk": w.request_notice, "fmt": "docx"},
    ),
    "info_requests_staff:accept": action(_set(OFFICE), **_unassigned),
    "info_requests_staff:assign": action(_set(OFFICE), **_unassigned),
    "info_requests_staff:transfer": action(_set(OFFICE), **_case),
    "info_requests_staff:request_correction": action(_set(HANDLER, OFFICE), **_case),
    "info_requests_staff:receive_correction": action(_set(HANDLER, OFFICE), **_case),
    "info_requests_staff:close_at_receipt": action(_set(OFFICE), **_unassigned),
    "info_requests_staff:extend": action(_set(OFFICE), **_case),
    "info_requests_staff:consult": action(_set(HANDLER), **_case),
    "info_requests_staff:settle_consultation": action(
        _set(HANDLER), args=_with("request_consulting", consultation_pk="request_consultation")
    ),
    "info_requests_staff:issue_fee_notice": action(_set(HANDLER), **_case),
    "info_requests_staff:settle_fee": action(
        _set(HANDLER), args=_with("request_charged", fee_pk="request_fee")
    ),
    "info_requests_staff:draft_reply": action(_set(HANDLER), **_case),
    "info_requests_staff:submit_for_review": action(_set(HANDLER), **_case),
    "info_requests_staff:review": action(_set(LEGAL), **_case),
    "info_requests_staff:approve_as_head": action(_set(HEAD), **_case),
    "info_requests_staff:deliver": action(_set(HANDLER), **_replied),
    "info_requests_staff:close": action(_set(HANDLER, OFFICE), **_replied),
    # A proposal makes a catalogue draft: a handler who is also an editor of the handling
    # agency. None of the personas holds both roles at agency A, so nobody here may.
    "info_requests_staff:propose_for_disclosure": action(NOBODY, **_replied),
    "info_requests_staff:record_remedy": action(_set(OFFICE), **_replied),
    "info_requests_staff:decide_remedy": action(
        _set(OFFICE), args=_with("request_replied", remedy_pk="request_remedy")
    ),
    "info_requests_staff:reissue_notice": action(_set(HANDLER, OFFICE), **_case),
    # The index sends each to the templates they may edit (B's staff to B's).
    "info_requests_staff:notice_template_index": page(_templates | {OTHER_AGENCY}),
    "info_requests_staff:notice_templates": page(_templates, **_scope),
    "info_requests_staff:notice_settings": form(_templates, **_scope),
    "info_requests_staff:edit_notice_template": form(_templates, **_template),
    "info_requests_staff:revert_notice_template": form(_templates, **_template),
}

# Letters: the office, and the handling agency's handlers and reviewers (the writer's name,
# phone and e-mail are on every letter); never the administrator or another agency.
_LETTERS = _set(REVIEWER, HANDLER, OFFICE)
_letter = {"args": _pk("letter")}
_new_letter = {"args": _pk("letter_unassigned")}
_answered = {"args": _pk("letter_replied")}

LETTERS = {
    "letters_staff:queue": page(_LETTERS | {OTHER_AGENCY}),
    "letters_staff:register": form(_set(OFFICE)),
    # Asked for agency A's figures: B's staff are refused (their own they may read).
    "letters_staff:statistics": page(_LETTERS, args=lambda w: {"?": w.letter_figures_of_a}),
    # Asks for the export (decision 0041); agency A's figures in the form, as the button sends.
    "letters_staff:statistics_export": Row(
        get=None, post=_LETTERS, data=lambda w: w.letter_figures_of_a
    ),
    "letters_staff:detail": page(_LETTERS, **_letter),
    "letters_staff:download_attachment": page(
        _LETTERS, args=_with("letter", attachment_pk="letter_attachment")
    ),
    "letters_staff:accept": action(_set(OFFICE), **_new_letter),
    "letters_staff:reject": action(_set(OFFICE), **_new_letter),
    "letters_staff:assign": action(_set(OFFICE), **_new_letter),
    "letters_staff:transfer": action(_set(OFFICE), **_letter),
    "letters_staff:draft": action(_set(HANDLER), **_letter),
    "letters_staff:submit": action(_set(HANDLER), **_letter),
    "letters_staff:review": action(_set(REVIEWER), **_letter),
    "letters_staff:close": action(_set(OFFICE), **_answered),
    "letters_staff:propose_publication": action(_set(REVIEWER, OFFICE), **_answered),
    "letters_staff:publication": form(_set(REVIEWER, OFFICE), **_answered),
    "letters_staff:withdraw_publication": action(_set(REVIEWER, OFFICE), **_answered),
}

# Consultations on drafts: the agency's editors prepare, its reviewers publish, moderate,
# close and report; every role of the agency, the office and administrators read.
_draft = {"args": _pk("consultation_draft")}
_open = {"args": _pk("consultation_open")}
_closed = {"args": _pk("consultation_closed")}

CONSULTATIONS = {
    "consultations_staff:list": page(STAFF),
    "consultations_staff:create": form(_set(EDITOR, OTHER_AGENCY)),
    "consultations_staff:detail": page(A_AND_CROSS, **_draft),
    "consultations_staff:edit": form(_set(EDITOR), **_draft),
    "consultations_staff:attachment_upload": action(_set(EDITOR), **_draft),
    "consultations_staff:attachment_download": page(
        A_AND_CROSS, args=_with("consultation_draft", attachment_pk="consultation_attachment")
    ),
    "consultations_staff:attachment_remove": action(
        _set(EDITOR), args=_with("consultation_draft", attachment_pk="consultation_attachment")
    ),
    # Made by the editor: its reviewer publishes it (a second pair of eyes).
    "consultations_staff:publish": action(_set(REVIEWER), **_draft),
    "consultations_staff:close": action(_set(REVIEWER), **_open),
    "consultations_staff:final_document": action(_set(REVIEWER), args=_pk("consultation_feedback")),
    "consultations_staff:comments": page(A_AND_CROSS, **_open),
    "consultations_staff:comment_moderate": action(
        _set(REVIEWER), args=_with("consultation_open", comment_pk="consultation_comment")
    ),
    "consultations_staff:feedback": page(A_AND_CROSS, **_closed),
    "consultations_staff:feedback_summary": action(_set(REVIEWER), **_closed),
    "consultations_staff:feedback_point_add": action(_set(REVIEWER), **_closed),
    "consultations_staff:feedback_point_remove": action(
        _set(REVIEWER), args=_with("consultation_closed", point_pk="feedback_point")
    ),
    "consultations_staff:feedback_decisions": action(_set(REVIEWER), **_closed),
    "consultations_staff:feedback_publish": action(_set(REVIEWER), **_closed),
}

# Surveys: editors build, reviewers publish and close; every role of the agency reads the
# results and exports, the office and administrators too.
_survey = {"args": _pk("survey")}
_survey_draft = {"args": _pk("survey_draft")}
_question = {"args": _with("survey_draft", question_pk="survey_question")}

SURVEYS = {
    "surveys_staff:index": page(STAFF),
    "surveys_staff:create": form(_set(EDITOR, OTHER_AGENCY)),
    "surveys_staff:detail": page(A_AND_CROSS, **_survey),
    "surveys_staff:edit": form(_set(EDITOR), **_survey_draft),
    "surveys_staff:publish": action(_set(REVIEWER), **_survey_draft),
    "surveys_staff:close": action(_set(REVIEWER), **_survey),
    "surveys_staff:results": page(A_AND_CROSS, **_survey),
    "surveys_staff:export_csv": action(A_AND_CROSS, **_survey),
    "surveys_staff:export_xlsx": action(A_AND_CROSS, **_survey),
    "surveys_staff:question_add": form(_set(EDITOR), **_survey_draft),
    "surveys_staff:question_edit": form(_set(EDITOR), **_question),
    "surveys_staff:question_move": action(_set(EDITOR), **_question),
    "surveys_staff:question_remove": action(_set(EDITOR), **_question),
}

# Channels: an agency's editors enter its figures, the office every agency's and alone the
# hotline sessions; no other role, and no administrator.
_ENTRY = _set(EDITOR, OFFICE)
_ENTRY_ANY = _ENTRY | {OTHER_AGENCY}  # lists and new entries: B's editor works on B's own
_opinion = {"args": _pk("opinion")}
_DAY_FIGURES = dict.fromkeys(
    ("visitors", "phone_consultations", "files_consulted", "pages_copied", "certificates_issued"),
    "1",
)
_channel = {"args": _pk("channel")}

CHANNELS = {
    "channels_staff:summary": page(_ENTRY_ANY),
    "channels_staff:hotline_list": page(_set(OFFICE)),
    "channels_staff:hotline_new": form(_set(OFFICE)),
    "channels_staff:hotline_detail": page(_set(OFFICE), args=_pk("hotline_session")),
    "channels_staff:hotline_edit": form(_set(OFFICE), args=_pk("hotline_session")),
    "channels_staff:log_list": page(_ENTRY_ANY),
    # B's editor opens these forms for B's own, but may not enter A's day or A's matter: A's
    # point and A are no choices of theirs (a refused form, nothing written).
    "channels_staff:log_new": Row(
        get=_ENTRY_ANY,
        post=_ENTRY,
        data=lambda w: {"point": w.service_point.pk, "date": "2026-03-09", **_DAY_FIGURES},
        form_refusal=True,
    ),
    "channels_staff:log_edit": form(_ENTRY, args=_pk("service_log")),
    "channels_staff:channel_list": page(_ENTRY_ANY),
    "channels_staff:channel_detail": page(_ENTRY, **_channel),
    "channels_staff:figures_new": form(_ENTRY, **_channel),
    "channels_staff:figures_edit_year": form(
        _ENTRY, args=lambda w: {"pk": w.channel, "year": 2025}
    ),
    "channels_staff:figures_edit": form(
        _ENTRY, args=lambda w: {"pk": w.channel, "year": 2026, "month": 2}
    ),
    "channels_staff:opinion_list": page(_ENTRY_ANY),
    "channels_staff:opinion_new": Row(
        get=_ENTRY_ANY,
        post=_ENTRY,
        data=lambda w: {
            "agency": w.agency.pk,
            "topic": "甲局新的舆情",
            "source": "other",
            "found_on": "2026-03-09",
        },
        form_refusal=True,
    ),
    "channels_staff:opinion_detail": page(_ENTRY, **_opinion),
    "channels_staff:opinion_edit": form(_ENTRY, **_opinion),
    "channels_staff:opinion_respond": form(_ENTRY, **_opinion),
    "channels_staff:opinion_close": form(_ENTRY, **_opinion),
}

# Key tasks: the office builds and decides; the lead agency's staff (any role) read its tasks
# and notices, its head and editor act for it; the administrator's role opens none of it.
_READERS = AGENCY_A | {OFFICE}
_ACTING = _set(EDITOR, HEAD)
_plan = {"args": _pk("plan")}
_task = {"args": _pk("task")}
_notice = {"args": _pk("notice")}

PLANS = {
    "plans_staff:index": page(_READERS | {OTHER_AGENCY}),  # staff are sent to their tasks
    "plans_staff:plan_create": form(_set(OFFICE)),
    "plans_staff:plan": page(_set(OFFICE), **_plan),
    "plans_staff:plan_edit": form(_set(OFFICE), **_plan),
    "plans_staff:plan_publish": action(_set(OFFICE), **_plan),
    "plans_staff:category_add": action(_set(OFFICE), **_plan),
    "plans_staff:task_create": form(_set(OFFICE), **_plan),
    "plans_staff:my_tasks": page(_READERS | {OTHER_AGENCY}),
    "plans_staff:task": page(_READERS, **_task),
    "plans_staff:task_edit": form(_set(OFFICE), **_task),
    "plans_staff:report_file": page(_READERS, args=_with("task", file_pk="task_file")),
    "plans_staff:sign": action(_ACTING, **_task),
    "plans_staff:report": action(_ACTING, **_task),
    "plans_staff:extension": action(_ACTING, **_task),
    "plans_staff:completion": action(_ACTING, **_task),
    "plans_staff:extension_decision": action(_set(OFFICE), **_task),
    "plans_staff:decision": action(_set(OFFICE), **_task),
    "plans_staff:notices": page(_READERS | {OTHER_AGENCY}),
    "plans_staff:notice_create": form(_set(OFFICE)),
    "plans_staff:notice": page(_READERS, **_notice),
    "plans_staff:notice_issue": action(_set(OFFICE), **_notice),
    "plans_staff:notice_close": action(_set(OFFICE), **_notice),
    "plans_staff:notice_answer": action(_ACTING, **_notice),
    "plans_staff:answer_file": page(_READERS, args=_with("notice", file_pk="notice_file")),
}

# Monthly performance: the office computes, checks and publishes; every member of staff reads
# the tables (each sees only their own agencies' rows, B's staff B's).
_month = {"args": _pk("monthly")}

MONTHLY = {
    "monthly_staff:index": page(STAFF),
    "monthly_staff:compute": action(_set(OFFICE)),
    "monthly_staff:health": page(STAFF),
    "monthly_staff:health_run": action(_set(OFFICE)),
    "monthly_staff:detail": page(STAFF, **_month),
    "monthly_staff:recompute": action(_set(OFFICE), **_month),
    "monthly_staff:check": action(_set(OFFICE), **_month),
    "monthly_staff:publish": action(_set(OFFICE), **_month),
    "monthly_staff:correct": form(_set(OFFICE), **_month),
    # Agency A's rows of a figure: not for B's staff.
    "monthly_staff:records": page(
        A_AND_CROSS,
        args=lambda w: {"pk": w.monthly, "agency_pk": w.agency, "key": w.monthly_key},
    ),
}

# Assessment: the office defines, scores and publishes; the agency's own staff read its
# scorecards and evidence; accountability records are the office's alone; the administrator's
# role opens none of it.
_scheme = {"args": _pk("scheme")}
_indicator = {"args": _pk("indicator")}
_hand_score = {"args": lambda w: {"pk": w.indicator, "slug": w.agency.slug}}

ASSESSMENT = {
    "assessment_staff:index": page(_READERS | {OTHER_AGENCY}),
    "assessment_staff:scheme_new": form(_set(OFFICE)),
    "assessment_staff:scheme_detail": page(_set(OFFICE), **_scheme),
    "assessment_staff:scheme_edit": form(_set(OFFICE), **_scheme),
    "assessment_staff:scheme_activate": action(_set(OFFICE), **_scheme),
    "assessment_staff:scheme_publish": action(_set(OFFICE), **_scheme),
    "assessment_staff:scheme_new_version": form(_set(OFFICE), **_scheme),
    "assessment_staff:indicator_new": form(_set(OFFICE), **_scheme),
    "assessment_staff:scorecards": page(_set(OFFICE), **_scheme),
    "assessment_staff:card": page(_READERS, args=lambda w: {"pk": w.scheme, "slug": w.agency.slug}),
    "assessment_staff:records": page(
        _READERS,
        args=lambda w: {
            "pk": w.scheme,
            "slug": w.agency.slug,
            "indicator_pk": w.indicator_computed,
        },
    ),
    "assessment_staff:indicator_edit": form(_set(OFFICE), **_indicator),
    "assessment_staff:indicator_delete": action(_set(OFFICE), **_indicator),
    "assessment_staff:hand_scores": page(_set(OFFICE), **_indicator),
    "assessment_staff:hand_score_edit": form(_set(OFFICE), **_hand_score),
    "assessment_staff:hand_score_delete": action(_set(OFFICE), **_hand_score),
    "assessment_staff:evidence_file": page(_READERS, args=_pk("evidence")),
    "assessment_staff:accountability_list": page(_set(OFFICE)),
    "assessment_staff:accountability_new": form(_set(OFFICE)),
    "assessment_staff:accountability_edit": form(_set(OFFICE), args=_pk("accountability")),
}

# Annual reports: the office, and the agency's editors and head; sending one for publication
# makes a catalogue document, so it also takes the agency's editor role.
_PREPARERS = _set(EDITOR, HEAD, OFFICE)
_report = {"args": _pk("annual_report")}

REPORTS = {
    "reports_staff:index": page(STAFF),
    # The form offers only the bodies the user may report for: agency A is no valid choice
    # for anyone else.
    "reports_staff:create": Row(
        get=None,
        post=_PREPARERS,
        data=lambda w: {
            "agency": w.agency.pk,
            "year": 2024,
            "scope": "agency",
            "report_format": "fmt2021",
        },
        form_refusal=True,
    ),
    "reports_staff:detail": page(_PREPARERS, **_report),
    "reports_staff:section": form(
        _PREPARERS, args=lambda w: {"pk": w.annual_report, "section": w.report_section}
    ),
    "reports_staff:records": page(
        _PREPARERS, args=lambda w: {"pk": w.annual_report, "?": w.report_cell}
    ),
    "reports_staff:send": action(_set(EDITOR), **_report),
    "reports_staff:download": page(
        _PREPARERS, args=lambda w: {"pk": w.annual_report, "kind": "json"}
    ),
    # Asks for the Word or PDF file (decision 0041): downloaded from My exports.
    "reports_staff:export": action(
        _PREPARERS, args=lambda w: {"pk": w.annual_report, "kind": "pdf"}
    ),
}

# Statistics submissions: every role of the agency reads its own (the office and the
# administrators every agency's); its editors and head fill them in; the office checks.
_submission = {"args": _pk("submission")}

STATISTICS = {
    "statistics_staff:index": page(STAFF),
    "statistics_staff:queue": page(_set(OFFICE)),
    "statistics_staff:overview": page(_set(OFFICE)),
    "statistics_staff:open": action(_set(OFFICE)),
    "statistics_staff:trends": page(_set(OFFICE)),
    # Ask for the statistics page's files (decision 0041): POST only, downloaded from My exports.
    "statistics_staff:export_csv": Row(get=None, post=_set(OFFICE), data=lambda w: {"year": 2025}),
    "statistics_staff:export_xlsx": Row(get=None, post=_set(OFFICE), data=lambda w: {"year": 2025}),
    "statistics_staff:detail": Row(get=A_AND_CROSS, post=_PREPARERS, **_submission),
    "statistics_staff:return": action(_set(OFFICE), **_submission),
    "statistics_staff:accept": action(_set(OFFICE), **_submission),
}

SHELL = {
    "workbench:home": form(STAFF),
    "workbench:login": form(EVERYONE),  # signed-in people are sent on to the workbench
    "workbench:logout": Row(get=None, post=EVERYONE, signs_out=True),
    "workbench:account": form(STAFF),
    "workbench:password": form(STAFF),
    # The second step of the sign-in (decision 0026) and one's own backup codes: every member
    # of staff, for their own account (with the second step off in the suite, the code pages
    # send a signed-in user on).
    "workbench:two_factor": form(STAFF),
    "workbench:two_factor_enrol": form(STAFF),
    "workbench:backup_codes": action(STAFF),
    # Working for agency A: its own staff and the cross-agency roles; agency B's staff may
    # not (nor may a forged session value make them).
    "workbench:switch_agency": Row(
        get=None, post=A_AND_CROSS, data=lambda w: {"agency": w.agency.pk}
    ),
    "workbench:audit": form(CROSS_AGENCY),
    # My exports: everyone's own list; a file only to whoever asked for it (here the editor,
    # the survey's answers), a 404 to everyone else — the administrators included.
    "workbench:exports": page(STAFF),
    "workbench:export_download": page(_set(EDITOR), args=_pk("export")),
}

# --- the API ------------------------------------------------------------------------------------

# The API is read-only and public: nobody gets more from it than the public does (what only
# some may read is shown to nobody here, agency A's drafts not even to its own editor).
API = {
    "api:openapi-json": form(EVERYONE),  # django-ninja answers the schema to any method
    "api:openapi-view": form(EVERYONE),
    "api:home": page(EVERYONE),
    "api:api-root": page(EVERYONE),
    "api:agency_list": page(EVERYONE),
    "api:agency_detail": page(EVERYONE, args=lambda w: {"slug": w.agency.slug}),
    "api:document_list": page(EVERYONE),
    "api:normative_register": page(EVERYONE),
    "api:document_detail": page(EVERYONE, args=lambda w: {"key": w.published.index_number}),
    "api:list_types": page(EVERYONE),
    "api:list_records": page(EVERYONE, args=lambda w: {"code": w.record_type.code}),
    "api:search": page(EVERYONE),
}

# --- the admin ----------------------------------------------------------------------------------

# The admin lets in only accounts with its staff flag: the administrator (whose role's
# predicates open agencies, staff roles, membership, the site identity and record types) and
# the superuser. Every other persona lacks the flag, so anonymous and one signed-in member of
# staff stand for them all (the test asserts the flag). The superuser holds every permission
# Django's admin knows: it opens each model's list and the admin's own pages, and is asked for
# every page refused even to it (adding audit entries, deleting agencies …); its other pages
# and its POSTs would only render Django's forms again.
ADMIN_PERSONAS = (ANONYMOUS, EDITOR, ADMINISTRATOR, SUPERUSER)
ADMIN_POSTERS = (ANONYMOUS, EDITOR, ADMINISTRATOR)
_ADMINS = _set(ADMINISTRATOR, SUPERUSER)
_SUPER = _set(SUPERUSER)

LIST, ADD, HISTORY, CHANGE, DELETE, BARE = "changelist", "add", "history", "change", "delete", ""
EVERY = frozenset({LIST, ADD, HISTORY, CHANGE, DELETE})


@dataclass(frozen=True)
class AdminModel:
    """Which of a model's admin pages the superuser opens (GET), and which the administrator
    opens (GET) and sends (POST)."""

    superuser: frozenset[str] = EVERY
    administrator_get: frozenset[str] = frozenset()
    administrator_post: frozenset[str] = frozenset()


def _but(*pages: str) -> frozenset[str]:
    return EVERY - set(pages)


_READ_ONLY = AdminModel(superuser=_but(ADD, DELETE))  # the admin's ReadOnlyAdmin
_SINGLETON = AdminModel(superuser=_but(ADD))  # settings rows: one, and it exists here

ADMIN_MODELS: dict[str, AdminModel] = {
    "auth.group": AdminModel(),
    # Sign-in attempts are written by django-axes only.
    "axes.accessattempt": AdminModel(superuser=_but(ADD)),
    "axes.accesslog": AdminModel(superuser=_but(ADD)),
    "axes.accessfailurelog": AdminModel(superuser=_but(ADD)),
    "core.user": AdminModel(),
    "core.calendaryear": AdminModel(superuser=_but(DELETE)),
    "core.calendarday": AdminModel(),
    "core.auditentry": _READ_ONLY,
    "core.serialcounter": _READ_ONLY,
    "core.outgoingmail": _READ_ONLY,
    # Queued jobs (decision 0031): written by the task queue only, shown to the superuser.
    "django_tasks_database.dbtaskresult": _READ_ONLY,
    "agencies.agency": AdminModel(
        superuser=_but(DELETE),
        administrator_get=_but(DELETE),
        administrator_post=_but(DELETE),
    ),
    # Membership changes are history: added, never changed or deleted.
    "agencies.membershipchange": AdminModel(
        superuser=_but(DELETE),
        administrator_get=_but(DELETE),
        administrator_post=frozenset({LIST, ADD, HISTORY}),
    ),
    # Roles are granted and revoked, never edited.
    "agencies.staffrole": AdminModel(administrator_get=EVERY, administrator_post=_but(CHANGE)),
    "agencies.siteidentity": AdminModel(
        superuser=_but(ADD, DELETE),
        administrator_get=_but(ADD, DELETE),
        administrator_post=_but(ADD, DELETE),
    ),
    "catalogue.statutoryitem": AdminModel(),
    "catalogue.topic": AdminModel(),
    "catalogue.genre": AdminModel(),
    "catalogue.column": AdminModel(),
    "catalogue.sensitiveterm": AdminModel(),
    "catalogue.agencycataloguesettings": AdminModel(),
    "catalogue.recordtype": AdminModel(
        superuser=_but(DELETE),
        administrator_get=_but(DELETE),
        administrator_post=_but(DELETE),
    ),
    "info_requests.requestpolicy": _SINGLETON,
    "info_requests.agencyrequestsettings": AdminModel(),
    "interaction.lettersettings": _SINGLETON,
    "interaction.lettertype": AdminModel(),
    "interaction.hotlineprogramme": AdminModel(),
    "interaction.servicepoint": AdminModel(),
    "interaction.channel": AdminModel(),
    "supervision.plansettings": _SINGLETON,
    "supervision.healthsettings": _SINGLETON,
    "reports.statisticsform": AdminModel(),
    # Submissions are the agencies' (the workbench): the admin only shows them.
    "reports.statisticssubmission": AdminModel(superuser=_but(ADD, DELETE)),
}


def _admin_rows() -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for label, spec in ADMIN_MODELS.items():
        app_label, model_name = label.split(".")
        for page_name in (*EVERY, BARE):
            if page_name == BARE:  # admin/<app>/<model>/<id>/ redirects to the change page
                key = f"admin/{app_label}/{model_name}/<path:object_id>/"
                superuser, administrator = True, True
                posted = True
            else:
                key = f"admin:{app_label}_{model_name}_{page_name}"
                superuser = page_name in spec.superuser
                administrator = page_name in spec.administrator_get
                posted = page_name in spec.administrator_post
            su = [SUPERUSER] if superuser else []
            rows[key] = Row(
                get=_set(*su, *([ADMINISTRATOR] if administrator else [])),
                post=_set(*su, *([ADMINISTRATOR] if posted else [])),
                request_superuser=page_name == LIST,
            )
    # The user admin's own page for setting a password; the calendar's import of a State
    # Council notice (core.admin).
    rows["admin:auth_user_password_change"] = Row(_SUPER, _SUPER, request_superuser=False)
    rows["admin:core_calendaryear_import"] = Row(_SUPER, _SUPER, request_superuser=False)
    return rows


ADMIN = {
    "admin:index": form(_ADMINS),
    "admin:login": form(EVERYONE),  # the form is public; staff are sent on to the index
    "admin:logout": Row(get=None, post=_ADMINS, signs_out=True),
    "admin:password_change": form(_ADMINS),
    "admin:password_change_done": page(_ADMINS),
    # Needs the model and field it completes for: a bare request is refused even to staff.
    "admin:autocomplete": page(NOBODY),
    "admin:jsi18n": page(_ADMINS),
    # No model has a public page to send staff to ("view on site"): not found, even for them.
    "admin:view_on_site": form(
        NOBODY,
        args=lambda w: {"content_type_id": w.agency_content_type, "object_id": w.agency.pk},
    ),
    "admin:app_list": form(_ADMINS, args=lambda w: {"app_label": "agencies"}),
    # The admin's catch-all: sign-in for the public, "not found" for staff.
    r"admin/(?P<url>.*)$": form(NOBODY),
    **_admin_rows(),
}

# --- what a page may show whom ------------------------------------------------------------------


def secrets(w: World) -> dict[str, tuple[tuple[str, ...], Personas]]:
    """What only some may read, by what it is: its values in agency A's records, and who may
    see them. No page of the workbench, the admin or the API — allowed or refused — may show
    a value to anyone else (architecture.md, "who sees what"): not the applicant's data to an
    editor or the administrator, not the writer's to the legal reviewer, not A's drafts to B."""
    unpublished = (
        w.draft.title,
        w.submitted.title,
        w.consultation_draft.title,
        w.survey_draft.title,
        w.task.title,
        w.notice.subject,
        w.opinion.topic,
        *(w.records[name].number for name in ("request", "request_unassigned", "request_replied")),
        *(w.records[name].number for name in ("letter", "letter_unassigned", "letter_replied")),
    )
    return {
        "the applicant's personal data": ((*APPLICANT.values(), VALID_ID), _CASE),
        "the letter writer's personal data": (tuple(WRITER.values()), _LETTERS),
        "a commenter's contact": ((COMMENTER_CONTACT,), _set(REVIEWER, OFFICE)),
        "the person held accountable": ((ACCOUNTABLE_PERSON,), _set(OFFICE)),
        "agency A's unpublished records": (unpublished, A_AND_CROSS),
    }


MATRIX: dict[str, Row] = {
    **CATALOGUE,
    **REQUESTS,
    **LETTERS,
    **CONSULTATIONS,
    **SURVEYS,
    **CHANNELS,
    **PLANS,
    **MONTHLY,
    **ASSESSMENT,
    **REPORTS,
    **STATISTICS,
    **SHELL,
    **API,
    **ADMIN,
}


# --- URLs ---------------------------------------------------------------------------------------


def admin_model(pattern: str) -> type[Model] | None:
    """The model of an admin URL ``admin/<app>/<model>/…`` registered with the admin site."""
    parts = pattern.split("/")
    if len(parts) < 4:
        return None
    try:
        model = apps.get_model(parts[1], parts[2])
    except (LookupError, ValueError):
        return None
    return model if admin.site.is_registered(model) else None


def _value(name: str, value: Any) -> Any:
    if isinstance(value, Model):
        return getattr(value, name) if name in ("code", "slug") else value.pk
    return value


def url_for(route: Any, row: Row, world: World) -> tuple[str, list[Model]]:
    """The URL to request for ``route`` and the records it names (whose rows a refused request
    must leave as they were). Admin object pages name the first row of their model."""
    from urllib.parse import urlencode

    from django.urls import reverse

    pattern = route.pattern
    if row.args is not None:
        given = dict(row.args(world))
        query = given.pop("?", None)
        targets = [value for value in given.values() if isinstance(value, Model)]
        url = reverse(route.name, kwargs={k: _value(k, v) for k, v in given.items()})
        return (f"{url}?{urlencode(query)}" if query else url), targets
    model = admin_model(pattern)
    if model is not None and ("<path:object_id>" in pattern or "<id>" in pattern):
        obj = model._base_manager.order_by("pk").first()
        assert obj is not None, f"no {model._meta.label} row for {route.key}"
        if route.name:
            argument = "id" if "<id>" in pattern else "object_id"
            return reverse(route.name, kwargs={argument: obj.pk}), [obj]
        return "/" + pattern.replace("<path:object_id>", str(obj.pk)), [obj]
    if route.name is None and "(?P<url>" in pattern:
        return "/admin/no-such-page/", []
    return reverse(route.name), []

"""People with sentinel personal data, and the records they make, built through the services:
shared by the privacy tests of issue 9 (sentinels, reads in the audit trail, retention).

A :class:`Person` carries values found nowhere else: a rare name, an 18-digit resident
identity number with a valid check digit, a mobile number, an e-mail address and a postal
address. :class:`Desk` is the staff who handle what they send: the disclosure office, and a
department's handler, legal reviewer, reviewer and editor.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from gongkai.agencies import services as agency_services
from gongkai.agencies.models import Agency, StaffRole
from gongkai.info_requests import services as request_services
from gongkai.info_requests.models import InfoRequest, Notice, RequestFile
from gongkai.info_requests.outcomes import Outcome
from gongkai.interaction.consultations import services as consultation_services
from gongkai.interaction.consultations.models import Comment
from gongkai.interaction.letters import services as letter_services
from gongkai.interaction.letters.models import Letter, LetterType
from gongkai.interaction.surveys import services as survey_services
from gongkai.interaction.surveys.models import Question, Response, Survey
from tests.catalogue.conftest import make_pdf, upload
from tests.catalogue.lists_support import resident_id
from tests.info_requests.conftest import at
from tests.search.interaction_support import draft_consultation

Role = StaffRole.Role
_keys = itertools.count(1)


@dataclass(frozen=True)
class Person:
    """One data subject's sentinel values: none may be seen where it should not be."""

    role: str
    name: str
    id_number: str
    phone: str
    email: str
    address: str

    def values(self) -> dict[str, str]:
        return {
            f"{self.role} name": self.name,
            f"{self.role} ID number": self.id_number,
            f"{self.role} phone": self.phone,
            f"{self.role} e-mail": self.email,
            f"{self.role} address": self.address,
        }


def person(role: str, name: str, id17: str, phone: str, email_user: str, address: str) -> Person:
    return Person(role, name, resident_id(id17), phone, f"{email_user}@example.cn", address)


_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(first17: str) -> str:
    """A unified social credit code with its check character (GB 32100-2015)."""
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return first17 + _CREDIT_CHARS[(31 - total % 31) % 31]


def key(prefix: str) -> str:
    """A form's submission key (16 characters at least)."""
    return f"{prefix}-sentinel-{next(_keys):06d}"


def moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


# --------------------------------------------------------------------------- the staff


@dataclass
class Desk:
    government: Agency
    office_agency: Agency
    department: Agency
    office: Any
    handler: Any
    legal_reviewer: Any
    reviewer: Any
    editor: Any


def make_desk(agency_factory, staff_role_factory) -> Desk:
    """The people's government, its general office (the disclosure office) and a department,
    members since 2015, with their staff. The handler is an editor too (REG 44 proposals)."""
    government = agency_factory(
        kind=Agency.Kind.GOVERNMENT, name="测试区人民政府", short_name="区政府"
    )
    office_agency = agency_factory(name="测试区人民政府办公室", short_name="区政府办")
    department = agency_factory(name="测试区住房和城乡建设局", short_name="区住建局")
    for member in (government, office_agency, department):
        agency_services.record_membership_change(
            member, actor=None, change="joined", date=datetime.date(2015, 1, 1), system=True
        )
    office = staff_role_factory(agency=office_agency, role=Role.OFFICE).user
    handler = staff_role_factory(agency=department, role=Role.HANDLER).user
    staff_role_factory(user=handler, agency=department, role=Role.EDITOR)
    return Desk(
        government=government,
        office_agency=office_agency,
        department=department,
        office=office,
        handler=handler,
        legal_reviewer=staff_role_factory(agency=department, role=Role.LEGAL_REVIEWER).user,
        reviewer=staff_role_factory(agency=department, role=Role.REVIEWER).user,
        editor=staff_role_factory(agency=department, role=Role.EDITOR).user,
    )


# --------------------------------------------------------------------------- applications


def application(applicant: Person, **overrides: Any) -> request_services.Application:
    values: dict[str, Any] = {
        "applicant_kind": InfoRequest.ApplicantKind.PERSON,
        "name": applicant.name,
        "id_type": InfoRequest.IdType.RESIDENT_ID,
        "id_number": applicant.id_number,
        "phone": applicant.phone,
        "email": applicant.email,
        "address": applicant.address,
        "postcode": "255000",
        "description": (
            f"本人{applicant.name}（住{applicant.address}，电话{applicant.phone}）"
            f"申请公开住房保障资金发放明细。"
        ),
        "form": InfoRequest.Form.ELECTRONIC,
        "delivery": InfoRequest.Delivery.EMAIL,
        "fee_waiver_requested": True,
        "fee_waiver_reason": f"{applicant.name}家庭困难",
        "assistance": "视力不好，需要大字版",
    }
    values.update(overrides)
    return request_services.Application(**values)


def received_application(
    desk: Desk,
    applicant: Person,
    day: datetime.date,
    *,
    citizen=None,
    files: bool = True,
    **overrides: Any,
) -> InfoRequest:
    """Submitted online on ``day``, accepted and assigned to the department that day; with
    ``files``, a scan of the applicant's identity document and the information released."""
    with at(day):
        request, _code = request_services.submit_request(
            application(applicant, **overrides),
            agency=desk.office_agency,
            submission_key=key("apply"),
            citizen=citizen,
        )
        request_services.accept_request(request, actor=desk.office, handling_agency=desk.department)
    if not files:
        request.refresh_from_db()
        return request
    with at(day):
        request_services.add_request_file(
            request,
            actor=desk.office,
            kind=RequestFile.Kind.IDENTITY,
            uploaded_file=upload("身份证.pdf", make_pdf(applicant.id_number)),
        )
        request_services.add_request_file(
            request,
            actor=desk.handler,
            kind=RequestFile.Kind.RELEASED,
            uploaded_file=upload("资金明细.pdf", make_pdf("Housing fund")),
        )
    request.refresh_from_db()
    return request


def answered_application(
    desk: Desk, request: InfoRequest, day: datetime.date, *, close: bool = True
) -> InfoRequest:
    """Replied on ``day`` (disclosed, the reply addressing the applicant by name), delivered
    by e-mail and, with ``close``, closed that day."""
    with at(day):
        request_services.draft_reply(
            request,
            actor=desk.handler,
            outcome=Outcome.DISCLOSED,
            reply_text=f"{request.name}：您申请的信息予以公开，见附件。",
        )
        request_services.submit_for_review(request, actor=desk.handler)
        request_services.review_request(request, actor=desk.legal_reviewer, approve=True)
        request_services.deliver_request(
            request, actor=desk.handler, how=f"电子邮件发送至{request.email}"
        )
        if close:
            request_services.close_request(request, actor=desk.handler)
    request.refresh_from_db()
    return request


def rendered(notice: Notice) -> Notice:
    """``notice`` with stand-in DOCX and PDF files stored, as if rendered (the real rendering
    embeds a Chinese font: seconds a notice)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    names = {
        fmt: default_storage.save(f"notices/test/{notice.pk}.{fmt}", ContentFile(content))
        for fmt, content in (("docx", b"PK stand-in"), ("pdf", make_pdf("notice")))
    }
    Notice.objects.filter(pk=notice.pk).update(
        docx=names["docx"], pdf=names["pdf"], docx_sha256="0" * 64, pdf_sha256="0" * 64
    )
    notice.refresh_from_db()
    return notice


# --------------------------------------------------------------------------- letters


def replied_letter(
    desk: Desk, writer: Person, day: datetime.date, reply_day: datetime.date, *, consent: bool
) -> Letter:
    """Written online on ``day`` with the writer's data in its text, accepted, assigned to the
    department and replied on ``reply_day`` (the reply addressing the writer by name)."""
    with at(day):
        letter, _code = letter_services.submit_letter(
            letter_services.LetterInput(
                letter_type=LetterType.objects.get(slug="consultation"),
                name=writer.name,
                phone=writer.phone,
                email=writer.email,
                subject=f"{writer.name}咨询公租房申请条件",
                content=(
                    f"我叫{writer.name}，身份证号{writer.id_number}，手机{writer.phone}，"
                    f"邮箱{writer.email}。请问公租房的申请条件是什么？"
                ),
                consent_to_publish=consent,
            ),
            submission_key=key("letter"),
            attachments=[upload("材料.pdf", make_pdf(writer.id_number))],
        )
        letter_services.accept_letter(letter, actor=desk.office, handling_agency=desk.department)
    with at(reply_day):
        letter_services.draft_reply(
            letter,
            actor=desk.handler,
            reply_text=f"{writer.name}您好：公租房申请条件见区住建局网站，电话0533-2100000。",
        )
        letter_services.submit_for_review(letter, actor=desk.handler)
        letter_services.review_letter(letter, actor=desk.reviewer, approve=True)
    letter.refresh_from_db()
    return letter


def published_as_qa(desk: Desk, letter: Letter, day: datetime.date) -> None:
    """Propose the replied letter as public Q&A and confirm the masked texts as proposed."""
    with at(day):
        proposal = letter_services.propose_publication(letter, actor=desk.reviewer)
        letter_services.publish_letter(
            letter,
            actor=desk.reviewer,
            subject=proposal.public_subject,
            content=proposal.public_content,
            reply=proposal.public_reply,
        )


# --------------------------------------------------------------------------- consultations


def commented_consultation(
    desk: Desk, commenter: Person, opens: datetime.date, closes: datetime.date
) -> list[Comment]:
    """A consultation of the department open from ``opens`` to ``closes``, showing comments
    at once, with two comments of ``commenter`` (name not shown), closed after ``closes``."""
    with at(opens):
        consultation = draft_consultation(
            desk.department, desk.editor, opens_on=opens, closes_on=closes, moderation="at_once"
        )
        consultation_services.publish_consultation(consultation, actor=desk.reviewer)
        comments = [
            consultation_services.submit_comment(
                consultation,
                name=commenter.name,
                contact=contact,
                text=text,
                submission_key=key("comment"),
            )[0]
            for contact, text in (
                (commenter.phone, "建议明确犬只登记的办理地点和时限。"),
                (commenter.email, f"建议增加法律责任条款。联系我：{commenter.phone}"),
            )
        ]
    consultation_services.close_if_due(
        consultation, now=moment(closes + datetime.timedelta(days=1))
    )
    return comments


# --------------------------------------------------------------------------- surveys


def answered_survey(
    desk: Desk, respondent: Person, opens: datetime.date, closes: datetime.date
) -> Response:
    """A survey of the department, results shown while open, answered on ``opens`` with the
    respondent's data in a free text, closed on ``closes``."""
    built = moment(opens - datetime.timedelta(days=1))
    survey = survey_services.create_survey(
        agency=desk.department,
        actor=desk.editor,
        title="住房保障服务满意度调查",
        introduction="请对住房保障服务作出评价。",
        opens_at=moment(opens, 0),
        closes_at=moment(closes, 23),
        results_shown=Survey.ResultsShown.LIVE,
        now=built,
    )
    spec = survey_services.QuestionSpec
    survey_services.add_question(
        survey,
        spec(text="总体满意程度", kind=Question.Kind.SINGLE, choices=["满意", "不满意"]),
        actor=desk.editor,
        now=built,
    )
    survey_services.add_question(
        survey, spec(text="意见和建议", kind=Question.Kind.TEXT), actor=desk.editor, now=built
    )
    survey_services.publish_survey(survey, actor=desk.reviewer, now=built)
    choice_q, text_q = survey.questions.order_by("position")
    response, _new = survey_services.submit_response(
        survey,
        {
            choice_q.pk: survey_services.AnswerValue(
                choice_ids=(choice_q.choices.order_by("position").first().pk,)
            ),
            text_q.pk: survey_services.AnswerValue(
                text=(
                    f"我是{respondent.name}，身份证{respondent.id_number}，电话{respondent.phone}，"
                    f"邮箱{respondent.email}，住{respondent.address}，希望回访。"
                )
            ),
        },
        visitor_token=f"sentinel-visitor-{next(_keys):06d}",
        submission_key=key("survey"),
        now=moment(opens, 12),
    )
    survey_services.close_at_closing_time(survey, now=moment(closes + datetime.timedelta(days=1)))
    return response

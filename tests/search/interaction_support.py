"""Letters and consultations for the search tests, made through their services: a letter by
the sentinel person of ``lists_support`` (with a phone and an e-mail of their own), replied and
optionally published as public Q&A; a consultation published on ``agency``."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from gongkai.agencies.models import StaffRole
from gongkai.interaction.consultations import services as consultation_services
from gongkai.interaction.consultations.articles import ArticleData
from gongkai.interaction.consultations.models import Consultation
from gongkai.interaction.letters import services as letter_services
from gongkai.interaction.letters.models import Letter, LetterType, PublishedLetter
from tests.catalogue.lists_support import SENTINEL_NAME

SENTINEL_PHONE = "13755501234"
SENTINEL_EMAIL = "shen.yanqiu@example.cn"

_keys = itertools.count(1)


class LetterDesk:
    """The office, and a handler beside ``reviewer`` in ``agency``: enough to answer letters."""

    def __init__(self, agency, reviewer, staff_role_factory, agency_factory) -> None:
        self.agency = agency
        self.reviewer = reviewer
        self.office = staff_role_factory(agency=agency_factory(), role=StaffRole.Role.OFFICE).user
        self.handler = staff_role_factory(agency=agency, role=StaffRole.Role.HANDLER).user

    def replied(
        self,
        *,
        subject: str,
        content: str,
        reply: str,
        consent: bool = True,
        name: str = SENTINEL_NAME,
        phone: str = SENTINEL_PHONE,
        email: str = SENTINEL_EMAIL,
    ) -> Letter:
        """A letter written online, accepted, assigned to ``agency`` and replied today."""
        letter, _code = letter_services.submit_letter(
            letter_services.LetterInput(
                letter_type=LetterType.objects.get(slug="consultation"),
                name=name,
                phone=phone,
                email=email,
                subject=subject,
                content=content,
                consent_to_publish=consent,
            ),
            submission_key=f"search-letter-{next(_keys):06d}",
        )
        letter_services.accept_letter(letter, actor=self.office, handling_agency=self.agency)
        letter_services.draft_reply(letter, actor=self.handler, reply_text=reply)
        letter_services.submit_for_review(letter, actor=self.handler)
        return letter_services.review_letter(letter, actor=self.reviewer, approve=True)

    def publish(self, letter: Letter) -> PublishedLetter:
        """Propose the letter and confirm the masked text as it was proposed."""
        proposal = letter_services.propose_publication(letter, actor=self.reviewer)
        return letter_services.publish_letter(
            letter,
            actor=self.reviewer,
            subject=proposal.public_subject,
            content=proposal.public_content,
            reply=proposal.public_reply,
        )


def draft_consultation(agency, editor, **fields) -> Consultation:
    today = timezone.localdate()
    values = {
        "agency": agency,
        "actor": editor,
        "title": "测试区养犬管理办法（征求意见稿）",
        "summary": "为规范养犬行为，起草本办法。",
        "body": "<p>犬只应当办理登记。</p>",
        "opens_on": today,
        "closes_on": today + datetime.timedelta(days=30),
        "moderation": Consultation.Moderation.BEFORE,
        "articles": [ArticleData("第一条", "犬牌", "养犬人应当为犬只佩戴犬牌。")],
    }
    values.update(fields)
    return consultation_services.create_consultation(**values)


def published_consultation(agency, editor, reviewer, **fields) -> Consultation:
    consultation = draft_consultation(agency, editor, **fields)
    return consultation_services.publish_consultation(consultation, actor=reviewer)

"""Demonstration monthly tables (每月公示) and site-health findings.

``load(stdout)`` is an entry of ``load_demo``'s ``DEMO_LOADERS``, run after
the catalogue, applications and letters loaders, inside the command's transaction. Every table
goes through the services on the dates of its story: the monthly job computes the previous
month's draft on the first working day of a month (``actor=None``), the office (the ``office``
sign-in) checks it two working days later and publishes it the day after — the twelve months of
2014 (seed: 各部门每月政府信息公开情况在区政府网站公示) and every month from January 2025 to
October 2026. The figures are whatever the other loaders' records give.

One month is corrected: a letter to the health bureau that came by post on 27 June 2025 was
found and registered only on 10 July — after June's table was published — with its real
receipt date; it is answered, and the office publishes June again as version 2 with a note
saying what changed (the bureau's letters received). The letter goes through the letters'
services like any other (it has no e-mail address, so no mail is queued for its writer).

Finally the site-health watch runs once for today, so that the health page and the queue
have findings.

Idempotent: when any monthly table exists the loader says so and changes nothing.
"""

from __future__ import annotations

import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.core.models import OutgoingMail, User
from gongkai.core.workdays import CalendarNotCovered, add_working_days
from gongkai.interaction.letters import services as letters
from gongkai.interaction.letters.models import Letter, LetterType
from gongkai.supervision.monthly import services
from gongkai.supervision.monthly.models import MonthlyPublication
from gongkai.supervision.monthly.tasks import first_working_day

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = "office"
MONTHS = [(2014, month) for month in range(1, 13)] + [
    (year, month) for year in (2025, 2026) for month in range(1, 13)
]
LAST_MONTH = (2026, 10)

# The corrected month and the late letter's story.
CORRECTED = (2025, 6)
LATE_AGENCY = "health"
LATE_RECEIVED = datetime.date(2025, 6, 27)  # a Friday: it came by post
LATE_REGISTERED = datetime.date(2025, 7, 10)
LATE_REPLIED = datetime.date(2025, 7, 14)
LATE_SUBJECT = "社区卫生服务中心夜间门诊时间咨询"


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def _following(year: int, month: int) -> tuple[int, int]:
    return (year, month + 1) if month < 12 else (year + 1, 1)


def _later(day: datetime.date, working_days: int) -> datetime.date:
    try:
        return add_working_days(day, working_days)
    except CalendarNotCovered:
        return day + datetime.timedelta(days=working_days)


def _publish(year: int, month: int, office: User) -> MonthlyPublication:
    """The month's story: computed by the job, checked and published by the office."""
    computed_on = first_working_day(*_following(year, month))
    publication = services.compute_month(year, month, actor=None, now=_at(computed_on, 1, 5))
    checked_on = _later(computed_on, 2)
    services.check_publication(publication, actor=office, now=_at(checked_on, 10))
    return services.publish_publication(
        publication, actor=office, now=_at(_later(checked_on, 1), 9, 30)
    )


def _late_letter(office: User) -> Letter | None:
    """The letter of the correction, registered late with its real receipt date."""
    agency = Agency.objects.filter(slug=LATE_AGENCY).first()
    letter_type = LetterType.objects.filter(slug="consultation", active=True).first()
    staff = {user.username: user for user in User.objects.filter(
        username__in=["health-handler", "health-reviewer"])}  # fmt: skip
    if agency is None or letter_type is None or len(staff) < 2:
        return None
    first_mail = OutgoingMail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    data = letters.LetterInput(
        letter_type=letter_type,
        name="赵文静",
        phone="13900005678",
        email="",
        subject=LATE_SUBJECT,
        content="请问马尚社区卫生服务中心夏季是否开设夜间门诊？每天几点到几点？",
        agency=agency,
    )
    letter, _code = letters.register_letter(
        data, actor=office, channel=Letter.Channel.LETTER, received_on=LATE_RECEIVED
    )
    Letter.objects.filter(pk=letter.pk).update(submitted_at=_at(LATE_REGISTERED, 9, 40))
    letter = letters.accept_letter(letter, actor=office, handling_agency=agency,
                                   on=LATE_REGISTERED)  # fmt: skip
    handler, reviewer = staff["health-handler"], staff["health-reviewer"]
    letters.draft_reply(
        letter,
        actor=handler,
        on=LATE_REPLIED,
        reply_text="您好！马尚社区卫生服务中心6月至9月开设夜间门诊，时间为每天18:00至21:00。"
        "感谢您的来信，信件登记延误，敬请谅解。",
    )
    letters.submit_for_review(letter, actor=handler, on=LATE_REPLIED)
    letter = letters.review_letter(letter, actor=reviewer, approve=True, on=LATE_REPLIED)
    letters.close_unrated_letter(letter, today=_later(LATE_REPLIED, 11))
    # What the letter caused went out back then, not now.
    OutgoingMail.objects.filter(
        pk__gt=first_mail, topic__startswith="letters.", sent_at__isnull=True
    ).update(sent_at=F("created_at"))
    return letter


def _correct(published: MonthlyPublication, office: User) -> MonthlyPublication | None:
    letter = _late_letter(office)
    if letter is None:
        return None
    agency = letter.handling_agency
    assert agency is not None  # noqa: S101 - accepted with its handling agency above
    before = published.figures.get(agency=agency, key="letters_received").value
    note = (
        f"6月27日以信件寄达区卫生局的来信1件，7月10日方登记，原表未计入。现补录并重新计算，"
        f"{agency.name}6月份“收到来信”由{before}件更正为{before + 1}件，其他数据不变。"
    )
    started = _later(LATE_REPLIED, 1)
    correction = services.start_correction(
        *CORRECTED, actor=office, note=note, now=_at(started, 15)
    )
    services.check_publication(correction, actor=office, now=_at(_later(started, 1), 10))
    return services.publish_publication(
        correction, actor=office, now=_at(_later(started, 2), 9, 30)
    )


def load(stdout: TextIO) -> None:
    """The monthly loader of ``load_demo`` (after the catalogue, applications and letters)."""
    existing = MonthlyPublication.objects.count()
    if existing:
        stdout.write(
            _("Monthly performance: %(count)d tables present already, none loaded.\n")
            % {"count": existing}
        )
        return
    office = User.objects.filter(username=OFFICE).first()
    if office is None:
        raise RuntimeError("the agencies loader must run first: the office sign-in is missing")
    today = timezone.localdate()
    published = 0
    corrected = None
    for year, month in MONTHS:
        if (year, month) > LAST_MONTH or datetime.date(*_following(year, month), 1) > today:
            break
        publication = _publish(year, month, office)
        published += 1
        if (year, month) == CORRECTED:
            corrected = _correct(publication, office)
    checked = services.record_health_checks(today=today)
    stdout.write(
        _(
            "Monthly performance: %(count)d months published%(corrected)s; site health: "
            "%(checked)d things checked.\n"
        )
        % {
            "count": published,
            "corrected": _(", one of them corrected") if corrected is not None else "",
            "checked": checked,
        }
    )

"""Hotline sessions, walk-in and archive services, other channels and opinion responses.

These are records of work done outside the portal's own forms, entered by staff so that the
yearly figures (and the annual report) are counted from rows rather than typed in:

* ``HotlineSession`` — one broadcast of a hotline programme (``HotlineProgramme``: 政风行风热线,
  its special programme 区长市民面对面 …) with the leaders and agencies on air and the calls;
* ``ServiceLog`` — one day at one ``ServicePoint`` (the archive's reception room, a reading
  room): visitors, phone consultations, files consulted, pages copied, certificates issued;
* ``ChannelFigure`` — one figure (posts, issues, followers …) of one ``Channel`` (政务微博,
  手机报, a printed bulletin) for a month or a whole year;
* ``OpinionResponse`` — a matter of public opinion (舆情) found, and the response published.

The programmes, service points and channels are configuration (the administrator's); the rest
changes only through ``channels.services``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.core.workdays import CalendarNotCovered, working_days_between

# --------------------------------------------------------------------------- hotline


class HotlineProgramme(models.Model):
    """A broadcast in which leaders and agencies take the public's calls on air.

    The district's radio runs 政风行风热线 (departments on air in turn) and its special
    programme 区长市民面对面 (the district's leaders on air); a new programme is a new row.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    broadcaster = models.ForeignKey(
        Agency,
        verbose_name=_("broadcaster"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Only active programmes are offered for new sessions."),
    )
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("hotline programme")
        verbose_name_plural = _("hotline programmes")

    def __str__(self) -> str:
        return self.name


class HotlineSession(models.Model):
    """One broadcast of a hotline programme (政风行风热线) and what came of it.

    ``follow_ups`` counts the cases taken off air for investigation (下线后调查办理), as staff
    enter it. Each such case is registered as a letter handled like any other
    (``Letter.hotline_session`` points here, ``follow_up_letters`` from here). Which figure
    counts (:attr:`follow_up_cases`): the linked letters as soon as there is one — they are
    the record, and the entered number is then only what was announced on air — and the entered
    number for a session without any, such as the sessions recorded before follow-ups were
    registered as letters (2014 in the demonstration).
    """

    programme = models.ForeignKey(
        HotlineProgramme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    aired_on = models.DateField(_("date on air"))
    # The leaders on air, in order: [{"name": "…", "title": "…"}]; names of office holders
    # speaking in public, shown on the public page.
    leaders = models.JSONField(_("leaders on air"), default=list, blank=True)
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("agencies on air"), blank=True, related_name="hotline_sessions"
    )
    topics = models.TextField(
        _("matters raised"),
        blank=True,
        help_text=_("What callers raised, in a sentence or two; shown on the public page."),
    )
    calls = models.PositiveIntegerField(_("calls taken"))
    answered_on_air = models.PositiveIntegerField(_("questions answered on air"))
    follow_ups = models.PositiveIntegerField(_("cases taken for follow-up"))
    notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("For staff only; never shown in public.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-aired_on", "programme__sort_order", "id"]
        verbose_name = _("hotline session")
        verbose_name_plural = _("hotline sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "aired_on"], name="hotline_session_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(answered_on_air__lte=F("calls")),
                name="hotline_answered_within_calls",
            ),
            models.CheckConstraint(
                condition=Q(follow_ups__lte=F("calls")), name="hotline_follow_ups_within_calls"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.aired_on:%Y-%m-%d}"

    @property
    def follow_up_letter_count(self) -> int:
        """The letters registered as this session's follow-ups (an annotation
        ``follow_up_letter_total`` when the queryset has it, else one query)."""
        annotated = getattr(self, "follow_up_letter_total", None)
        if annotated is not None:
            return int(annotated)
        if self.pk is None:
            return 0
        return self.follow_up_letters.count()  # type: ignore[attr-defined]

    @property
    def follow_up_cases(self) -> int:
        """The session's follow-up figure: its follow-up letters when there are any, else the
        number entered (see the class)."""
        return follow_up_cases(self.follow_ups, self.follow_up_letter_count)


def follow_up_cases(entered: int, letters: int) -> int:
    """A session's follow-up figure: the ``letters`` registered as its follow-ups when there
    is at least one, else the number ``entered`` by staff."""
    return letters if letters else entered


# --------------------------------------------------------------------------- services


class ServicePoint(models.Model):
    """A place where the public is served in person and by phone: the archive's reception
    room (档案馆查档接待), a reading room for government information (政府信息查阅室), a
    service hall with touch screens."""

    class Kind(models.TextChoices):
        ARCHIVE = "archive", _("archive")  # 档案馆
        READING_ROOM = "reading_room", _("reading room")  # 政府信息查阅室 / 阅览室
        SERVICE_HALL = "service_hall", _("service hall")  # 服务大厅

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="service_points"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active points are offered for new logs.")
    )
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="service_point_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


# The figures of a day's log, in the order pages show them.
SERVICE_FIGURES: tuple[str, ...] = (
    "visitors",
    "phone_consultations",
    "files_consulted",
    "pages_copied",
    "certificates_issued",
)


class ServiceLog(models.Model):
    """One day at one service point. A day has one row; correcting it replaces its figures
    (the audit entry keeps what they were)."""

    point = models.ForeignKey(
        ServicePoint, verbose_name=_("service point"), on_delete=models.PROTECT, related_name="logs"
    )
    date = models.DateField(_("date"))
    visitors = models.PositiveIntegerField(_("visitors"), default=0)  # 接待查档群众（人次）
    phone_consultations = models.PositiveIntegerField(  # 接待电话咨询（人次）
        _("phone consultations"), default=0
    )
    files_consulted = models.PositiveIntegerField(_("files consulted"), default=0)  # 卷次
    pages_copied = models.PositiveIntegerField(_("pages copied"), default=0)  # 复印（页）
    certificates_issued = models.PositiveIntegerField(  # 出具证明（份）
        _("certificates issued"), default=0
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-date", "point__sort_order", "id"]
        verbose_name = _("service log")
        verbose_name_plural = _("service logs")
        constraints = [
            models.UniqueConstraint(fields=["point", "date"], name="service_log_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.point} {self.date:%Y-%m-%d}"

    def figures(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in SERVICE_FIGURES}


# --------------------------------------------------------------------------- other channels


class Metric(models.TextChoices):
    """What a channel counts. Most figures are counts of things done in the period and add up;
    followers and subscribers are a level at the end of the period (``LEVEL_METRICS``)."""

    POSTS = "posts", _("items published")  # 发布工作动态、民生政策、实用信息（条次）
    MESSAGES_RECEIVED = "messages_received", _("messages received")  # 收到网民留言（条次）
    MESSAGES_ANSWERED = "messages_answered", _("messages answered")  # 回复留言（条次）
    ISSUES = "issues", _("issues published")  # 编发（期）
    COPIES = "copies", _("copies printed")  # 印刷发行（份）
    MESSAGES_SENT = "messages_sent", _("text messages sent")  # 短信（条）
    FOLLOWERS = "followers", _("followers")  # 粉丝数, at the end of the period
    SUBSCRIBERS = "subscribers", _("subscribers")  # 订阅用户, at the end of the period


LEVEL_METRICS: frozenset[str] = frozenset({Metric.FOLLOWERS, Metric.SUBSCRIBERS})


class Channel(models.Model):
    """A channel through which an agency publishes beyond the portal: 政务微博, 手机报, a printed
    bulletin (《张店通讯》), an SMS platform. ``metrics`` lists the figures it reports."""

    class Kind(models.TextChoices):
        MICROBLOG = "microblog", _("government microblog")  # 政务微博
        WECHAT = "wechat", _("WeChat account")  # 政务微信
        MOBILE_BULLETIN = "mobile_bulletin", _("mobile bulletin")  # 手机报
        PRINTED_BULLETIN = "printed_bulletin", _("printed bulletin")  # 印刷简报、通讯
        SMS = "sms", _("text-message platform")  # 短信平台
        OTHER = "other", _("other channel")

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="channels"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    metrics = models.JSONField(
        _("figures reported"),
        default=list,
        help_text=_("The figures the channel's agency enters for each period."),
    )
    opened_on = models.DateField(
        _("opened on"),
        null=True,
        blank=True,
        help_text=_("Totals since opening are shown when every period since then is entered."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active channels are offered for new figures.")
    )
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="channel_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        metrics = self.metrics if isinstance(self.metrics, list) else None
        if not metrics or any(metric not in Metric.values for metric in metrics):
            raise ValidationError({"metrics": _("Choose the figures the channel reports.")})
        if len(set(metrics)) != len(metrics):
            raise ValidationError({"metrics": _("Each figure may be chosen once.")})

    @property
    def metric_choices(self) -> list[Metric]:
        """The channel's figures, in the order of ``Metric``."""
        chosen = set(self.metrics or [])
        return [metric for metric in Metric if metric.value in chosen]


class ChannelFigure(models.Model):
    """One figure of one channel for one period: a month, or a whole year (``month`` empty).

    A channel reports a year either month by month or as a whole, never both (the services
    refuse the mix), so that adding the rows of a year never counts anything twice.
    """

    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="figures"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    metric = models.CharField(_("figure"), max_length=20, choices=Metric.choices)
    value = models.PositiveIntegerField(_("value"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["channel", "year", "month", "metric"]
        verbose_name = _("channel figure")
        verbose_name_plural = _("channel figures")
        constraints = [
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="channel_figure_month_valid",
            ),
            models.UniqueConstraint(
                fields=["channel", "year", "month", "metric"],
                condition=Q(month__isnull=False),
                name="channel_figure_once_a_month",
            ),
            models.UniqueConstraint(
                fields=["channel", "year", "metric"],
                condition=Q(month__isnull=True),
                name="channel_figure_once_a_year",
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"
        return f"{self.channel} {period} {self.get_metric_display()}"


# --------------------------------------------------------------------------- opinion responses


class OpinionResponse(models.Model):
    """A matter of public opinion (舆情) an agency found, and how it responded (回应关切).

    The response is a published catalogue document or a page elsewhere (the official
    microblog, a news site). The working days to respond are computed from the dates on the
    official calendar, the day found not counted — never stored.
    """

    class Source(models.TextChoices):
        FORUM = "forum", _("online forum")  # 网络论坛、贴吧
        SOCIAL_MEDIA = "social_media", _("microblog, WeChat or short video")  # 微博、微信、短视频
        NEWS_MEDIA = "news_media", _("news media")  # 新闻媒体
        HOTLINE = "hotline", _("hotline or letters")  # 热线、来信
        REFERRED = "referred", _("referred by a higher authority")  # 上级交办
        OTHER = "other", _("other")

    class State(models.TextChoices):
        OPEN = "open", _("being handled")  # found; the response is being prepared
        RESPONDED = "responded", _("responded")  # a response was published
        CLOSED = "closed", _("closed without a public response")  # assessed: none needed

    topic = models.CharField(_("topic"), max_length=200)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_detail = models.CharField(
        _("where it was found"),
        max_length=200,
        blank=True,
        help_text=_("The forum, account or newspaper, for staff."),
    )
    found_on = models.DateField(_("date found"))
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="opinion_responses",
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    response_document = models.ForeignKey(
        "catalogue.Document",
        verbose_name=_("response in the catalogue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    response_url = models.URLField(_("response elsewhere"), max_length=500, blank=True)
    response_title = models.CharField(_("title of the response"), max_length=200, blank=True)
    responded_on = models.DateField(_("date responded"), null=True, blank=True)
    closing_reason = models.TextField(_("why no public response"), blank=True)
    notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("For staff only; never shown in public.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("opinion response")
        verbose_name_plural = _("opinion responses")
        constraints = [
            # A response is a catalogue document or an address elsewhere, not both; it exists
            # exactly when the matter is responded to, and not before the matter was found.
            models.CheckConstraint(
                condition=Q(response_document__isnull=True) | Q(response_url=""),
                name="opinion_one_response",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        state="responded",
                        responded_on__isnull=False,
                        responded_on__gte=F("found_on"),
                    )
                    & (Q(response_document__isnull=False) | ~Q(response_url=""))
                )
                | (
                    ~Q(state="responded")
                    & Q(responded_on__isnull=True, response_document__isnull=True, response_url="")
                ),
                name="opinion_response_when_responded",
            ),
        ]

    def __str__(self) -> str:
        return self.topic

    @property
    def working_days_to_respond(self) -> int | None:
        """Working days from the day found (not counted) to the day responded; None before a
        response, or when the calendar does not cover the dates."""
        return response_working_days(self.found_on, self.responded_on)


def response_working_days(
    found_on: datetime.date, responded_on: datetime.date | None
) -> int | None:
    """Working days from ``found_on`` (not counted) to ``responded_on`` on the official
    calendar; None without a response date or outside the calendar's years."""
    if responded_on is None:
        return None
    try:
        return working_days_between(found_on, responded_on)
    except CalendarNotCovered:
        return None

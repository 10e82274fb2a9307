"""Surveys (在线调查): a survey of an agency, its questions and choices, and the answers.

A survey is built by the agency's editors (draft), published by its reviewers, and closed by
them or by its closing time. Who may answer is the survey's :attr:`Survey.answer_control`:

* **one answer per browser** (the default): visitors answer without an account, known by a
  random token in a cookie, stored only as a keyed hash (:attr:`Response.visitor_hash`), with a
  limit of answers per client address kept in the cache, never in the database;
* **signed-in citizens only**: one answer per citizen account (``gongkai.citizens``), stored
  only as a keyed hash of the account's id (:attr:`Response.account_hash`).

The client address, a citizen's id, address and name are never stored with an answer.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongkai.agencies.models import Agency

# A rating scale goes from at least 0 to at most 10 and has at least two points.
RATING_LOWEST = 0
RATING_HIGHEST = 10
TEXT_ANSWER_MAX_LENGTH = 2000


class Survey(models.Model):
    """An online survey (在线调查) of one agency."""

    class State(models.TextChoices):
        # The context keeps these apart from the same English words for applications.
        DRAFT = "draft", pgettext_lazy("survey", "draft")  # being built; not public
        PUBLISHED = "published", pgettext_lazy("survey", "published")  # answers between its times
        CLOSED = "closed", pgettext_lazy("survey", "closed")  # final: no more answers

    class ResultsShown(models.TextChoices):
        LIVE = "live", _("while the survey is open")
        AFTER_CLOSING = "after_closing", _("only after it has closed")

    class AnswerControl(models.TextChoices):
        """Who may answer, and how a second answer is recognised (fixed once published)."""

        # Anyone; the cookie token's keyed hash once per survey, and the address limit.
        BROWSER = "browser", _("one answer per browser (cookie and address limit)")
        # Signed-in citizens (confirmed, active accounts); the account id's keyed hash once.
        CITIZEN = "citizen", _("signed-in citizens only, one answer per account")

    class Phase(models.TextChoices):
        """What a visitor finds at a given moment (derived from the state and the times)."""

        DRAFT = "draft", pgettext_lazy("survey", "not published")
        UPCOMING = "upcoming", pgettext_lazy("survey", "not yet open")
        OPEN = "open", pgettext_lazy("survey", "open")
        CLOSED = "closed", pgettext_lazy("survey", "closed")

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="surveys"
    )
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    results_shown = models.CharField(
        _("results shown"),
        max_length=16,
        choices=ResultsShown.choices,
        default=ResultsShown.AFTER_CLOSING,
    )
    answer_control = models.CharField(
        _("who may answer"),
        max_length=16,
        choices=AnswerControl.choices,
        default=AnswerControl.BROWSER,
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "published", "closed"]), name="survey_state_known"
            ),
            models.CheckConstraint(
                condition=Q(answer_control__in=["browser", "citizen"]),
                name="survey_answer_control_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def phase(self, now: datetime.datetime) -> str:
        """Draft, upcoming, open or closed at ``now``: a published survey past its closing
        time is closed even before the daily job records it."""
        if self.state == self.State.DRAFT:
            return self.Phase.DRAFT
        if self.state == self.State.CLOSED or now >= self.closes_at:
            return self.Phase.CLOSED
        if now < self.opens_at:
            return self.Phase.UPCOMING
        return self.Phase.OPEN

    @property
    def for_citizens(self) -> bool:
        """Whether only signed-in citizens answer, once per account."""
        return self.answer_control == self.AnswerControl.CITIZEN

    def results_public(self, now: datetime.datetime) -> bool:
        """Whether the public may see the results at ``now``."""
        phase = self.phase(now)
        if phase == self.Phase.CLOSED:
            return True
        return phase == self.Phase.OPEN and self.results_shown == self.ResultsShown.LIVE


class Question(models.Model):
    """One question of a survey, in its place (``position`` 1, 2, 3 … within the survey)."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        RATING = "rating", _("rating scale")
        TEXT = "text", _("free text")

    CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE})

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField(_("question number"))
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("explanation"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    required = models.BooleanField(_("answer required"), default=True)
    scale_min = models.SmallIntegerField(_("lowest rating"), null=True, blank=True)
    scale_max = models.SmallIntegerField(_("highest rating"), null=True, blank=True)
    min_label = models.CharField(_("label of the lowest rating"), max_length=50, blank=True)
    max_label = models.CharField(_("label of the highest rating"), max_length=50, blank=True)

    class Meta:
        ordering = ["survey", "position", "id"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "position"], name="survey_question_position_unique"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="survey_question_position"),
            # A rating question has a scale of at least two points within 0–10; others none.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="rating",
                        scale_min__gte=RATING_LOWEST,
                        scale_max__lte=RATING_HIGHEST,
                        scale_max__gt=models.F("scale_min"),
                    )
                    | (~Q(kind="rating") & Q(scale_min__isnull=True, scale_max__isnull=True))
                ),
                name="survey_question_rating_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    @property
    def has_choices(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    def scale(self) -> range:
        """The ratings a visitor may give (empty for other kinds)."""
        if self.scale_min is None or self.scale_max is None:
            return range(0)
        return range(self.scale_min, self.scale_max + 1)


class Choice(models.Model):
    """One choice of a single- or multiple-choice question, in its place."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveIntegerField(_("choice number"))
    text = models.CharField(_("choice"), max_length=200)

    class Meta:
        ordering = ["question", "position", "id"]
        verbose_name = _("survey choice")
        verbose_name_plural = _("survey choices")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="survey_choice_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One visitor's answers to a survey, numbered 1, 2, 3 … within the survey.

    Exactly one of two keyed hashes (HMACs keyed by the server's secret, with the survey's id
    in the message) stands for who answered, by the survey's setting: ``visitor_hash``, of the
    visitor's random cookie token, for one answer per browser; ``account_hash``, of the citizen
    account's id, for signed-in citizens. Either recognises the same person again on the same
    survey without storing anything a reader of the database could use to find them: no
    client address, account id, e-mail address or name is stored.
    """

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="responses"
    )
    number = models.PositiveIntegerField(_("response number"))
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    # Exactly one of the two is set (the other is empty), by the survey's answer control.
    visitor_hash = models.CharField(_("visitor (keyed hash)"), max_length=64, blank=True)
    account_hash = models.CharField(_("citizen account (keyed hash)"), max_length=64, blank=True)
    # The key of the form that was sent: the same form sent twice finds this response.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["survey", "number"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "number"], name="survey_response_number_unique"
            ),
            models.UniqueConstraint(
                fields=["survey", "visitor_hash"],
                condition=~Q(visitor_hash=""),
                name="survey_response_one_per_visitor",
            ),
            models.UniqueConstraint(
                fields=["survey", "account_hash"],
                condition=~Q(account_hash=""),
                name="survey_response_one_per_account",
            ),
            models.CheckConstraint(
                condition=(
                    (~Q(visitor_hash="") & Q(account_hash=""))
                    | (Q(visitor_hash="") & ~Q(account_hash=""))
                ),
                name="survey_response_one_respondent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.number}"


class Answer(models.Model):
    """The answer of one response to one question: chosen choices, a rating or a text."""

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    choices = models.ManyToManyField(
        Choice, verbose_name=_("chosen choices"), blank=True, related_name="answers"
    )
    rating = models.SmallIntegerField(_("rating"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["response", "question__position"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="survey_answer_once_a_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response} · {self.question.position}"


class SurveyEvent(models.Model):
    """One step of a survey's history: who did what, when, from which state to which."""

    class Code(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("settings changed")
        QUESTION_ADDED = "question_added", _("question added")
        QUESTION_CHANGED = "question_changed", _("question changed")
        QUESTION_MOVED = "question_moved", _("question moved")
        QUESTION_REMOVED = "question_removed", _("question removed")
        PUBLISHED = "published", _("published")
        CLOSED = "closed", _("closed")

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="events"
    )
    code = models.CharField(_("event"), max_length=24, choices=Code.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"))
    from_state = models.CharField(_("from"), max_length=16, blank=True)
    to_state = models.CharField(_("to"), max_length=16, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("survey event")
        verbose_name_plural = _("survey events")

    def __str__(self) -> str:
        return f"{self.survey} {self.code}"

"""Assessment (考核): indicator schemes, hand scores, published scorecards (成绩单) and
accountability records (责任追究).

* ``IndicatorScheme`` — the year's indicators, versioned. The office defines a draft, makes it
  the year's active scheme (provisional scorecards are computed from it while the year runs)
  and publishes the scores once the year is over; a published scheme is frozen, and a change
  after that is a new version, published in turn as a visibly marked correction.
* ``Indicator`` — a tree: groups whose points are their children's sum, and leaves that are
  either computed (a measure of :mod:`.measures` through a scoring function of :mod:`.scoring`,
  its parameters stored here as data) or scored by hand by an assessor.
* ``HandScore`` — an assessor's points for one agency on a hand-scored indicator, with the
  required comment and evidence: private files (``EvidenceFile``) or public catalogue documents.
* ``Scorecard`` and ``Score`` — written once, when the office publishes: each member agency's
  total and rank, and each indicator's figure, points and the records behind the figure. They
  are never recomputed, so later changes to the records do not alter a published scorecard.
* ``AccountabilityRecord`` — a person held accountable, the reason, the measure and the date.
  The person's name is for the disclosure office only: no public page, no agency's staff and
  not the admin show it (decision 0020).

The states and every change go through ``assessment.services``.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency


class IndicatorScheme(models.Model):
    """One version of a year's indicator scheme (考核指标体系)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")  # the office is defining it; nobody else sees it
        ACTIVE = "active", _("active")  # the year's scheme: provisional and published scores
        CLOSED = "closed", _("replaced")  # a later version of the year replaced it

    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.DRAFT, db_index=True
    )
    previous = models.ForeignKey(  # the version this one was copied from
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    change_note = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    # Set once, when the office publishes the scores: from then on the scheme is frozen.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("indicator scheme")
        verbose_name_plural = _("indicator schemes")
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="scheme_year_version"),
            models.UniqueConstraint(
                fields=["year"], condition=Q(state="active"), name="scheme_one_active_a_year"
            ),
            models.UniqueConstraint(
                fields=["year"], condition=Q(state="draft"), name="scheme_one_draft_a_year"
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | ~Q(state="draft"),
                name="scheme_published_not_draft",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="scheme_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} · v{self.version} · {self.title}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_frozen(self) -> bool:
        """Indicators and hand scores can no longer change: published, or replaced."""
        return self.published_at is not None or self.state == self.State.CLOSED


class Indicator(models.Model):
    """One node of a scheme's tree (考核指标): a group, a computed leaf or a hand-scored leaf."""

    class Kind(models.TextChoices):
        GROUP = "group", _("group")  # its points are the sum of its children's
        COMPUTED = "computed", _("computed from records")
        MANUAL = "manual", _("scored by hand")

    class Unscored(models.TextChoices):  # what a leaf scores without a figure or a hand score
        FULL = "full", _("full points")  # nothing to hold against the agency (or no deduction)
        ZERO = "zero", _("no points")  # e.g. a bonus not earned
        REQUIRED = "required", _("must be scored before publication")  # hand-scored only

    scheme = models.ForeignKey(
        IndicatorScheme,
        verbose_name=_("scheme"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=20)  # 1, 1.2, B1 …
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("rule as published"), blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    sort_order = models.PositiveIntegerField(_("display order"), default=0)
    measure = models.CharField(_("computed from"), max_length=40, blank=True)  # measures.MEASURES
    scoring = models.CharField(_("scoring function"), max_length=20, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    unscored = models.CharField(
        _("without a figure or a score"),
        max_length=8,
        choices=Unscored.choices,
        default=Unscored.FULL,
    )
    assessor = models.ForeignKey(  # a member of the disclosure office (decision 0020)
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["scheme", "sort_order", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=Q(max_points__gte=0), name="indicator_points_not_negative"
            ),
            models.CheckConstraint(
                condition=(Q(kind="computed") & ~Q(measure="") & ~Q(scoring=""))
                | (~Q(kind="computed") & Q(measure="") & Q(scoring="")),
                name="indicator_computed_has_rule",
            ),
            models.CheckConstraint(
                condition=Q(kind="manual") | ~Q(unscored="required"),
                name="indicator_required_only_by_hand",
            ),
            models.CheckConstraint(
                condition=Q(kind="manual") | Q(assessor__isnull=True),
                name="indicator_assessor_only_by_hand",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="indicator_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_leaf(self) -> bool:
        return self.kind != self.Kind.GROUP


class HandScore(models.Model):
    """An assessor's points for one agency on a hand-scored indicator, with why and proof."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="hand_scores",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"))
    documents = models.ManyToManyField(  # public catalogue documents as evidence
        "catalogue.Document", verbose_name=_("evidence documents"), blank=True, related_name="+"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("scored at"))

    class Meta:
        ordering = ["indicator", "agency__sort_order", "agency_id"]
        verbose_name = _("hand score")
        verbose_name_plural = _("hand scores")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "agency"], name="hand_score_unique"),
            models.CheckConstraint(condition=~Q(comment=""), name="hand_score_has_comment"),
            models.CheckConstraint(condition=Q(points__gte=0), name="hand_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.agency}: {self.points}"


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    """A random name outside any public path: files are served by a permission-checked view."""
    return f"assessment/{secrets.token_hex(2)}/{secrets.token_hex(16)}"


class EvidenceFile(models.Model):
    """A private file supporting a hand score (a screenshot, an inspection record …)."""

    hand_score = models.ForeignKey(
        HandScore, verbose_name=_("hand score"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class Scorecard(models.Model):
    """An agency's published scorecard (成绩单) under one scheme version: frozen."""

    scheme = models.ForeignKey(
        IndicatorScheme,
        verbose_name=_("scheme"),
        on_delete=models.PROTECT,
        related_name="scorecards",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))

    class Meta:
        ordering = ["scheme", "rank", "agency__sort_order", "agency_id"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "agency"], name="scorecard_unique"),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="scorecard_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.year} · {self.agency}: {self.total}"


class Score(models.Model):
    """One indicator's line of a published scorecard: the figure, the points, the records."""

    class Basis(models.TextChoices):
        GROUP = "group", _("sum of the indicators below")
        COMPUTED = "computed", _("computed from the records")
        NO_RECORDS = "no_records", _("no records to measure")
        HAND = "hand", _("scored by the assessor")
        UNSCORED = "unscored", _("not scored")

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField(_("basis"), max_length=12, choices=Basis.choices)
    figure = models.DecimalField(
        _("figure"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    numerator = models.PositiveIntegerField(_("counted"), null=True, blank=True)
    denominator = models.PositiveIntegerField(_("of"), null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    records = models.JSONField(_("records behind the figure"), default=list, blank=True)
    hand_score = models.ForeignKey(
        HandScore,
        verbose_name=_("hand score"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["scorecard", "indicator__sort_order", "indicator_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "indicator"], name="score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.points}"


class AccountabilityRecord(models.Model):
    """责任追究: a person held accountable for the disclosure work of an agency.

    ``person`` and ``person_title`` are seen by the disclosure office only; the yearly summary
    (``selectors.accountability_summary``) counts records by measure without them.
    """

    class Measure(models.TextChoices):
        CRITICISM = "criticism", _("circulated criticism")  # 通报批评
        ADMONITION = "admonition", _("admonishing talk")  # 诫勉谈话
        SELF_EXAMINATION = "self_examination", _("written self-examination ordered")  # 责令检查
        ORGANISATIONAL = "organisational", _("organisational measure")  # 组织处理
        DISCIPLINARY = "disciplinary", _("disciplinary sanction")  # 党纪政务处分
        OTHER = "other", _("other measure")

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.CharField(_("person held accountable"), max_length=100)
    person_title = models.CharField(_("post"), max_length=100, blank=True)
    reason = models.TextField(_("reason"))
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    decided_on = models.DateField(_("date decided"))
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")
        constraints = [
            models.CheckConstraint(condition=~Q(person=""), name="accountability_has_person"),
            models.CheckConstraint(condition=~Q(reason=""), name="accountability_has_reason"),
        ]

    def __str__(self) -> str:
        # Never the person: this string reaches audit entries and log lines.
        return f"{self.agency} · {self.get_measure_display()} · {self.decided_on:%Y-%m-%d}"

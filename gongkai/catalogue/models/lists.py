"""Structured key-area lists (结构化清单): record types defined as data, and their records.

An administrator adds a type (the power list, procurement notices and results, housing
allocation lists, land-expropriation notices …) without code: a type is a list of typed fields;
a record holds its values as JSON checked against the type.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.models.taxonomy import Column, StatutoryItem


class RecordType(models.Model):
    """A kind of structured list, e.g. 行政权力清单."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    column = models.ForeignKey(
        Column,
        verbose_name=_("column"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="record_types",
    )
    statutory_items = models.ManyToManyField(  # the power list answers REG 20 items 5 and 6
        StatutoryItem,
        verbose_name=_("statutory items"),
        blank=True,
        related_name="record_types",
    )
    sort_order = models.PositiveIntegerField(_("display order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("record type")
        verbose_name_plural = _("record types")

    def __str__(self) -> str:
        return self.name


class RecordField(models.Model):
    """One field of a record type."""

    class Type(models.TextChoices):
        TEXT = "text", _("text")
        NUMBER = "number", _("number")
        MONEY = "money", _("amount of money")
        DATE = "date", _("date")
        AGENCY = "agency", _("agency")
        CHOICE = "choice", _("choice")
        URL = "url", _("web address")
        ATTACHMENT = "attachment", _("attachment")

    record_type = models.ForeignKey(
        RecordType,
        verbose_name=_("record type"),
        on_delete=models.CASCADE,
        related_name="fields",
    )
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=100)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    personal = models.BooleanField(  # masked on public pages, never indexed
        _("personal data"), default=False
    )
    searchable = models.BooleanField(_("shown as a filter"), default=False)
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["record_type", "sort_order", "id"]
        verbose_name = _("record field")
        verbose_name_plural = _("record fields")
        constraints = [
            models.UniqueConstraint(fields=["record_type", "key"], name="record_field_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.label}"


class ListRecord(models.Model):
    """One row of a structured list, published by its agency."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    record_type = models.ForeignKey(
        RecordType,
        verbose_name=_("record type"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="list_records"
    )
    data = models.JSONField(_("values"), default=dict)
    search_text = models.TextField(_("searchable text"), blank=True)  # without personal fields
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawal time"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["record_type", "-published_at", "id"]
        verbose_name = _("list record")
        verbose_name_plural = _("list records")
        indexes = [
            models.Index(fields=["record_type", "state", "agency"], name="list_record_public"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} #{self.pk}"

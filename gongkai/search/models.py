"""The search index: one row per public object, its text pre-segmented into space-joined tokens.

The rows are derived data, rebuilt from the database at any time (``manage.py rebuild_index``).
The full-text structure itself is the backend's: an FTS5 table on SQLite (rowid = entry id), a
``tsvector`` column with a GIN index on PostgreSQL (see the migrations).
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Genre, StatutoryItem, Topic


class SearchEntry(models.Model):
    class Source(models.TextChoices):
        DOCUMENT = "document", _("document")  # catalogue.Document
        RECORD = "record", _("list record")  # catalogue.ListRecord
        # Registered by their apps (``search.sources``):
        QA = "qa", _("public Q&A")  # interaction.PublishedLetter
        CONSULTATION = "consultation", _("consultation on a draft")  # interaction.Consultation

    class Kind(models.TextChoices):
        # New kinds go at the end: the embedded engine stores each kind as its position.
        DOCUMENT = "document", _("document")
        NEWS = "news", _("news item")
        INTERPRETATION = "interpretation", _("policy interpretation")
        RECORD = "record", _("list record")
        QA = "qa", _("public Q&A")  # 公开答复: a published letter and its reply
        CONSULTATION = "consultation", _("consultation on a draft")  # 建议征集

    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    object_id = models.BigIntegerField(_("object id"))
    kind = models.CharField(_("content type"), max_length=16, choices=Kind.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, on_delete=models.CASCADE, related_name="+"
    )
    statutory_item = models.ForeignKey(
        StatutoryItem, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.ForeignKey(Topic, null=True, on_delete=models.SET_NULL, related_name="+")
    genre = models.ForeignKey(Genre, null=True, on_delete=models.SET_NULL, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), null=True)
    validity = models.CharField(_("validity"), max_length=16, blank=True)
    published_at = models.DateTimeField(_("publication time"), null=True)
    url = models.CharField(_("address"), max_length=300)
    title = models.CharField(_("title"), max_length=300)
    doc_number = models.CharField(_("document number"), max_length=64, blank=True)
    doc_number_key = models.CharField(max_length=64, blank=True, db_index=True)
    index_number = models.CharField(_("index number"), max_length=64, blank=True, db_index=True)
    snippet_text = models.TextField(blank=True)  # plain text the snippets are cut from
    title_tokens = models.TextField(blank=True)  # weight A
    meta_tokens = models.TextField(blank=True)  # weight B: summary, 文号, 索引号, agency, metadata
    body_tokens = models.TextField(blank=True)  # weight C: body and attachment text

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["source", "object_id"], name="search_entry_unique"),
        ]
        indexes = [models.Index(fields=["-published_at", "-id"], name="search_entry_date")]

    def __str__(self) -> str:
        return self.title

    INDEXED_FIELDS = (
        "kind", "agency_id", "statutory_item_id", "topic_id", "genre_id", "year", "validity",
        "published_at", "url", "title", "doc_number", "doc_number_key", "index_number",
        "snippet_text", "title_tokens", "meta_tokens", "body_tokens",
    )  # fmt: skip


class SearchPending(models.Model):
    """An entry written or removed since an engine outside the database last looked (the
    Tantivy backend's queue, written in the same transaction as the entry)."""

    entry_id = models.BigIntegerField()  # not a foreign key: removed entries are queued too
    # When it was queued: a queue whose oldest entry has waited long is not being applied
    # (``status``). The database's clock for entries queued by raw SQL (a new directory).
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now, db_default=Now())

    class Meta:
        verbose_name = _("queued search entry")
        verbose_name_plural = _("queued search entries")

    def __str__(self) -> str:
        return str(self.entry_id)

"""Forms of the catalogue's staff pages.

The forms read and check what a person typed; they change nothing. The views hand the cleaned
data to the services (``catalogue.services``), which check permissions and states again and
make the change. Server-side validation is authoritative: ``static/gongkai/js/document-form.js``
only repeats some of these checks while the person types.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.docnumbers import DocumentNumberError, normalize_doc_number
from gongkai.catalogue.models import Column, Document, Genre, StatutoryItem, Topic
from gongkai.core.html import sanitize_html

SEARCH_MAX_LENGTH = 100
EARLIEST_YEAR = 1949

# The fields of the document form that ``create_document`` / ``update_document`` accept; the
# kind is chosen once, when the draft is made.
DOCUMENT_FIELDS = (
    "kind",
    "title",
    "summary",
    "body",
    "formation_date",
    "changed_date",
    "doc_number",
    "statutory_item",
    "topic",
    "genre",
    "keywords",
    "columns",
    "co_issuers",
    "effective_date",
    "manner",
    "manner_reason",
    "source",
    "is_normative",
    "needs_interpretation",
    "interpretation_format",
    "video_url",
)
_MANY = ("columns", "co_issuers")
_TEXT = (
    "summary",
    "body",
    "doc_number",
    "keywords",
    "manner_reason",
    "source",
    "interpretation_format",
    "video_url",
)
# Fields a news item (工作动态) does without: the page hides them for news (the lighter form).
NEWS_HIDDEN = frozenset(
    {"doc_number", "statutory_item", "genre", "co_issuers", "is_normative", "needs_interpretation"}
)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentFilterForm(forms.Form):
    """Filters of the staff list: state, kind, year and a search over title, 文号 and 索引号."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Title, document number or index number."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *Document.State.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Document.Kind.choices]
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=EARLIEST_YEAR,
        max_value=9999,
        help_text=_("Year of the formation date."),
    )


class TopicChoiceField(forms.ChoiceField):
    """主题分类 as a select grouped by the top-level topics; cleans to a ``Topic`` or None."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._topics: dict[str, Topic] = {}

    def load(self) -> None:
        """Read the tree in one query and build the grouped choices."""
        topics = list(Topic.objects.order_by("sort_order", "id"))
        self._topics = {str(topic.pk): topic for topic in topics}
        children: dict[int, list[Topic]] = {}
        for topic in topics:
            if topic.parent_id is not None:
                children.setdefault(topic.parent_id, []).append(topic)
        choices: list[Any] = [("", _("— none —"))]
        for topic in topics:
            if topic.parent_id is not None:
                continue
            below = children.get(topic.pk, [])
            if below:
                group = [(str(topic.pk), _("%(name)s (general)") % {"name": topic.name})]
                group += [(str(child.pk), child.name) for child in below]
                choices.append((topic.name, group))
            else:
                choices.append((str(topic.pk), topic.name))
        self.choices = choices

    def clean(self, value: Any) -> Topic | None:  # type: ignore[override]
        value = super().clean(value)
        if not value:
            return None
        return self._topics[str(value)]


class ColumnChoiceField(forms.ModelMultipleChoiceField):
    """栏目 as checkboxes; a sub-column shows its parent's name before its own."""

    def label_from_instance(self, obj: Column) -> str:
        if obj.parent_id is not None and obj.parent is not None:
            return f"{obj.parent.name} › {obj.name}"
        return obj.name


class DocumentForm(forms.Form):
    """Create or edit a draft: a document, a news item or a policy interpretation.

    The three kinds share the form. A news item (工作动态) needs no 文号 and no formation date;
    an interpretation needs its format (text, graphic, video), a video address for a video, and
    names the policies it interprets. The kind is chosen when the draft is made. The validity
    of a document is recorded after its publication (``set_validity``), not on the draft.
    """

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Document.Kind.choices,
        initial=Document.Kind.DOCUMENT,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        max_length=500_000,
        help_text=_(
            "Paragraphs, headings, lists, tables and links are kept; scripts, styles and "
            "embedded content are removed."
        ),
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    formation_date = forms.DateField(
        label=_("Formation date"),
        required=False,
        widget=_date_input(),
        help_text=_("The publication limit of 20 working days runs from this date."),
    )
    changed_date = forms.DateField(
        label=_("Date of change"),
        required=False,
        widget=_date_input(),
        help_text=_("For a changed document: the publication limit runs again from this date."),
    )
    doc_number = forms.CharField(
        label=_("Document number"),
        required=False,
        max_length=64,
        help_text=_("For example 张政办发〔2014〕50号; [2014] and (2014) are accepted as well."),
    )
    statutory_item = forms.ModelChoiceField(
        label=_("Statutory item"),
        required=False,
        queryset=StatutoryItem.objects.order_by("sort_order", "article", "number"),
        empty_label=_("— none —"),
    )
    topic = TopicChoiceField(label=_("Topic"), required=False)
    genre = forms.ModelChoiceField(
        label=_("Genre"),
        required=False,
        queryset=Genre.objects.order_by("sort_order", "id"),
        empty_label=_("— none —"),
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=200,
        help_text=_("Separated by spaces or commas."),
    )
    columns = ColumnChoiceField(
        label=_("Columns"),
        required=False,
        queryset=Column.objects.select_related("parent").order_by("sort_order", "id"),
        widget=forms.CheckboxSelectMultiple,
    )
    effective_date = forms.DateField(
        label=_("Effective date"), required=False, widget=_date_input()
    )
    manner = forms.ChoiceField(
        label=_("Disclosure manner"),
        choices=Document.Manner.choices,
        initial=Document.Manner.PROACTIVE,
        widget=forms.RadioSelect,
    )
    manner_reason = forms.CharField(
        label=_("Reason for the disclosure manner"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the document is not disclosed: the legal ground."),
    )
    source = forms.CharField(label=_("Source"), required=False, max_length=200)
    is_normative = forms.BooleanField(
        label=_("Normative document"),
        required=False,
        help_text=_("A normative document needs its document number."),
    )
    needs_interpretation = forms.BooleanField(
        label=_("Needs a policy interpretation"), required=False
    )
    co_issuers = forms.ModelMultipleChoiceField(
        label=_("Co-issuing agencies"),
        required=False,
        queryset=Agency.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    interpretation_format = forms.ChoiceField(
        label=_("Interpretation format"),
        required=False,
        choices=[("", _("— none —")), *Document.InterpretationFormat.choices],
    )
    video_url = forms.URLField(
        label=_("Video address"),
        required=False,
        max_length=200,
        assume_scheme="https",
    )
    interprets = forms.ModelMultipleChoiceField(
        label=_("Interpreted policies"),
        required=False,
        queryset=Document.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("The policies of your agency that this interpretation explains."),
    )

    def __init__(
        self,
        *args: Any,
        agency: Agency,
        policies: QuerySet[Document],
        document: Document | None = None,
        today: datetime.date | None = None,
        **kwargs: Any,
    ) -> None:
        """``policies``: the documents an interpretation may be linked to; ``document``: the
        draft being edited (its kind is then fixed, and its links are only added to)."""
        if document is not None:
            kwargs.setdefault("initial", self.initial_from(document))
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.document = document
        self.today = today or timezone.localdate()
        self.linked: list[Document] = []
        self.fields["topic"].load()  # type: ignore[attr-defined]
        self.fields["co_issuers"].queryset = Agency.objects.exclude(  # type: ignore[attr-defined]
            pk=agency.pk
        ).order_by("sort_order", "name")
        interprets = self.fields["interprets"]
        if document is not None:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("The kind is chosen when the draft is made.")
            self.linked = list(document.interprets.only("id", "title", "doc_number"))
            policies = policies.exclude(pk__in=[policy.pk for policy in self.linked])
            interprets.label = _("Add interpreted policies")
        interprets.queryset = policies.only("id", "title", "doc_number")  # type: ignore[attr-defined]
        interprets.label_from_instance = _policy_label  # type: ignore[attr-defined]
        self.fields["doc_number"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "data-live-check": "doc-number"}
        )

    @staticmethod
    def initial_from(document: Document) -> dict[str, Any]:
        """The form's initial values for an existing draft."""
        initial: dict[str, Any] = {}
        for name in DOCUMENT_FIELDS:
            if name in _MANY:
                initial[name] = [obj.pk for obj in getattr(document, name).all()]
            elif name in {"statutory_item", "genre"}:
                initial[name] = getattr(document, f"{name}_id")
            elif name == "topic":
                initial[name] = str(document.topic_id) if document.topic_id else ""
            else:
                initial[name] = getattr(document, name)
        return initial

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Enter the title."), code="required")
        return title

    def clean_body(self) -> str:
        return sanitize_html(self.cleaned_data.get("body") or "")

    def clean_doc_number(self) -> str:
        value = self.cleaned_data.get("doc_number") or ""
        try:
            return normalize_doc_number(value, today=self.today)
        except DocumentNumberError as error:
            raise forms.ValidationError(error.message, code="invalid") from error

    def _require(self, cleaned: dict[str, Any], name: str, message: Any) -> None:
        if not cleaned.get(name) and name not in self.errors:
            self.add_error(name, forms.ValidationError(message, code="required"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind == Document.Kind.DOCUMENT:
            self._require(cleaned, "formation_date", _("Enter the formation date of the document."))
        if cleaned.get("is_normative"):
            self._require(
                cleaned, "doc_number", _("A normative document needs its document number.")
            )
        for name in ("formation_date", "changed_date"):
            day = cleaned.get(name)
            if day and day > self.today:
                self.add_error(
                    name, forms.ValidationError(_("This date is in the future."), code="future")
                )
        formation, changed = cleaned.get("formation_date"), cleaned.get("changed_date")
        if formation and changed and changed < formation:
            self.add_error(
                "changed_date",
                forms.ValidationError(
                    _("The date of change cannot be before the formation date."), code="order"
                ),
            )
        withheld = cleaned.get("manner") == Document.Manner.WITHHELD
        if withheld and not (cleaned.get("manner_reason") or "").strip():
            self.add_error(
                "manner_reason",
                forms.ValidationError(
                    _("Give the reason why the document is not disclosed."), code="required"
                ),
            )
        if kind == Document.Kind.INTERPRETATION:
            self._require(
                cleaned, "interpretation_format", _("Choose the format of the interpretation.")
            )
            if cleaned.get("interpretation_format") == Document.InterpretationFormat.VIDEO:
                self._require(cleaned, "video_url", _("Enter the address of the video."))
        else:
            # Interpretation-only fields mean nothing on other kinds: dropped, not stored.
            cleaned["interpretation_format"] = ""
            cleaned["video_url"] = ""
            cleaned["interprets"] = []
        return cleaned

    def document_fields(self) -> dict[str, Any]:
        """The cleaned values, keyed as ``create_document`` / ``update_document`` take them."""
        names = [n for n in DOCUMENT_FIELDS if not (n == "kind" and self.document is not None)]
        values = {name: self.cleaned_data.get(name) for name in names}
        for name in _MANY:
            values[name] = list(values[name] or [])
        for name in _TEXT:
            values[name] = values[name] or ""
        values["is_normative"] = bool(values["is_normative"])
        values["needs_interpretation"] = bool(values["needs_interpretation"])
        return values

    def policies_to_link(self) -> list[Document]:
        """Policies chosen for an interpretation that are not linked yet."""
        return list(self.cleaned_data.get("interprets") or [])

    def sections(self) -> dict[str, list[forms.BoundField]]:
        """Fields grouped for the template's fieldsets."""
        groups = {
            "main": ["kind", "title", "summary", "body"],
            "metadata": [
                "formation_date",
                "changed_date",
                "doc_number",
                "statutory_item",
                "topic",
                "genre",
                "keywords",
                "source",
                "effective_date",
                "co_issuers",
            ],
            "interpretation": ["interpretation_format", "video_url", "interprets"],
            "columns": ["columns"],
            "manner": ["manner", "manner_reason", "is_normative", "needs_interpretation"],
        }
        return {key: [self[name] for name in names] for key, names in groups.items()}

    def add_service_error(self, error: Exception) -> None:
        """Show a service's refusal beside the field it names, else above the form."""
        field = getattr(error, "field", None)
        message = getattr(error, "message", None) or str(error)
        if field in self.fields and field not in self.errors:
            self.add_error(field, message)
        else:
            self.add_error(None, message)


def _policy_label(document: Document) -> str:
    if document.doc_number:
        return f"{document.title}（{document.doc_number}）"
    return document.title


class AttachmentForm(forms.Form):
    """One file for a draft; its type and size are checked by the service, by content."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX), or a PNG, JPEG or GIF image."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.gif"}),
    )


class ApproveForm(forms.Form):
    """Approve after the confidentiality review: a reason for every personal-data hit left
    standing, and optionally a later publication time."""

    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("Leave empty to publish at once."),
    )

    def __init__(
        self,
        *args: Any,
        findings: list[Any],
        now: datetime.datetime | None = None,
        **kwargs: Any,
    ) -> None:
        """``findings``: the hits that need the reviewer's reason (personal data)."""
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.findings = findings
        for finding in findings:
            self.fields[self.reason_field(finding.pk)] = forms.CharField(
                label=_("Why it may stand"),
                required=True,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={
                    "required": _(
                        "Say why this personal data may be published, or reject the document."
                    )
                },
            )

    @staticmethod
    def reason_field(finding_id: int) -> str:
        return f"reason_{finding_id}"

    def clean_publish_at(self) -> datetime.datetime | None:
        value = self.cleaned_data.get("publish_at")
        if value is not None and value <= self.now:
            raise forms.ValidationError(
                _("The scheduled publication time must be in the future."), code="past"
            )
        return value

    def accept_reasons(self) -> dict[int, str]:
        return {
            finding.pk: self.cleaned_data[self.reason_field(finding.pk)].strip()
            for finding in self.findings
        }

    def reason_fields(self) -> list[tuple[Any, forms.BoundField]]:
        return [(finding, self[self.reason_field(finding.pk)]) for finding in self.findings]


class RejectForm(forms.Form):
    comment = forms.CharField(
        label=_("Comments for the editor"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what the editor must change.")},
    )

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(_("Say what the editor must change."), code="required")
        return comment


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for the withdrawal.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the withdrawal."), code="required")
        return reason


class ValidityForm(forms.Form):
    """Record a published document's validity (有效, 失效, 废止, 已修订), the date it was
    repealed or expired, and the later document that amends or repeals it."""

    validity = forms.ChoiceField(label=_("Validity"), choices=Document.Validity.choices)
    date = forms.DateField(
        label=_("Repeal or expiry date"),
        required=False,
        widget=_date_input(),
        help_text=_("For a repealed or expired document; today when left empty."),
    )
    by = forms.ModelChoiceField(
        label=_("Amending or repealing document"),
        required=False,
        queryset=Document.objects.none(),
        empty_label=_("— none —"),
        help_text=_("The later, published document that amends or repeals this one, if any."),
    )

    def __init__(self, *args: Any, successors: QuerySet[Document], **kwargs: Any) -> None:
        """``successors``: the published documents that may be named as amending this one."""
        super().__init__(*args, **kwargs)
        by = self.fields["by"]
        by.queryset = successors.only("id", "title", "doc_number")  # type: ignore[attr-defined]
        by.label_from_instance = _policy_label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("by") is not None and cleaned.get("validity") == Document.Validity.VALID:
            self.add_error(
                "by",
                forms.ValidationError(
                    _("A valid document has no amending or repealing document."), code="valid"
                ),
            )
        return cleaned


class VersionDiffForm(forms.Form):
    """Two version numbers of a document to compare."""

    a = forms.IntegerField(label=_("From version"), min_value=1, max_value=100_000)
    b = forms.IntegerField(label=_("To version"), min_value=1, max_value=100_000)

"""Forms of the consultations' public and staff pages.

The forms read and check what a person typed; they change nothing. The views hand the cleaned
data to ``consultations.services``, which checks everything again and names the field of any
refusal; :meth:`ServiceErrorsMixin.add_service_error` shows it beside that field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models import Document
from gongkai.core.html import html_to_text
from gongkai.interaction.consultations.articles import ArticleData, articles_from_text
from gongkai.interaction.consultations.models import (
    Comment,
    Consultation,
    ConsultationArticle,
    Decision,
    FeedbackPoint,
)
from gongkai.interaction.consultations.services import (
    MAX_COMMENT_CHARS,
    MAX_CONTACT,
    MAX_NAME,
    CommentDecision,
    ConsultationError,
    check_contact,
)

# A choice of the decision select that groups a comment under a point: "point:<id>".
POINT_PREFIX = "point:"
_DOCUMENT_ADDRESS_RE = re.compile(r"/documents/(\d{1,18})/?(?:[?#].*)?$")


class ServiceErrorsMixin:
    """Show a service's refusal beside the field it names, else above the form."""

    def add_service_error(self, error: Exception) -> None:
        field = getattr(error, "field", None)
        message = getattr(error, "message", None) or str(error)
        if field in self.fields and field not in self.errors:  # type: ignore[attr-defined]
            self.add_error(field, message)  # type: ignore[attr-defined]
        else:
            self.add_error(None, message)  # type: ignore[attr-defined]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Public ----------------------------------------------------------------------------------


class PublicErrorList(ErrorList):
    """Errors styled by the portal's stylesheet (``.field-errors``), still ``.errorlist``."""

    def __init__(self, initlist: Any = None, error_class: str | None = None, **kwargs: Any) -> None:
        super().__init__(initlist, error_class=error_class or "field-errors", **kwargs)


class CommentForm(ServiceErrorsMixin, forms.Form):
    """A comment on the whole draft or on one article (no account needed)."""

    article = forms.ChoiceField(label=_("Your comment is on"), required=False)
    text = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write your comment.")},
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=MAX_NAME,
        error_messages={"required": _("Give your name.")},
    )
    contact = forms.CharField(
        label=_("Phone or e-mail"),
        max_length=MAX_CONTACT,
        help_text=_(
            "Only the agency sees it, to reach you about your comment; it is never published."
        ),
        error_messages={
            "required": _(
                "Give a phone number or an e-mail address, so that the agency can reach you."
            )
        },
    )
    show_name = forms.BooleanField(
        label=_("Show my name with the comment (otherwise it is shown as anonymous)"),
        required=False,
    )

    def __init__(self, *args: Any, articles: list[ConsultationArticle], **kwargs: Any) -> None:
        kwargs.setdefault("error_class", PublicErrorList)
        super().__init__(*args, **kwargs)
        self._articles = {str(article.pk): article for article in articles}
        choices: list[tuple[str, str]] = [("", str(_("the whole draft")))]
        choices += [(str(article.pk), str(article)) for article in articles]
        article_field = self.fields["article"]
        assert isinstance(article_field, forms.ChoiceField)  # noqa: S101
        article_field.choices = choices
        if not articles:
            self.fields["article"].widget = forms.HiddenInput()

    def clean_contact(self) -> str:
        contact = (self.cleaned_data.get("contact") or "").strip()
        try:
            check_contact(contact)
        except ConsultationError as error:
            raise forms.ValidationError(error.message) from None
        return contact

    def chosen_article(self) -> ConsultationArticle | None:
        return self._articles.get(self.cleaned_data.get("article") or "")


# --- Staff: the draft ------------------------------------------------------------------------


class ConsultationForm(ServiceErrorsMixin, forms.Form):
    """The draft: title, explanation, text, dates and how comments are shown."""

    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the draft is made and its main points (起草说明)."),
    )
    body = forms.CharField(
        label=_("Text of the draft"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Paste the whole text; formatting is kept, scripts and styles are removed."),
    )
    opens_on = forms.DateField(label=_("Open for comments from"), widget=_date_input())
    closes_on = forms.DateField(
        label=_("Open for comments until"),
        widget=_date_input(),
        help_text=_("Both days included (China Standard Time)."),
    )
    moderation = forms.ChoiceField(
        label=_("Comments"),
        choices=Consultation.Moderation.choices,
        widget=forms.RadioSelect,
    )
    split_articles = forms.BooleanField(
        label=_("Split the text into articles by their numbers (第一条, 第二条 …)"),
        required=False,
        help_text=_("Replaces the articles below with those found in the text."),
    )

    def fields_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            key: data[key]
            for key in ("title", "summary", "body", "opens_on", "closes_on", "moderation")
        }

    def split_from_text(self) -> list[ArticleData] | None:
        """The articles found in the text when the editor asked for it, else None."""
        if not self.cleaned_data.get("split_articles"):
            return None
        return articles_from_text(html_to_text(self.cleaned_data.get("body") or ""))


class ArticleForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=30, required=False)
    heading = forms.CharField(label=_("Heading"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


ArticleFormSet = forms.formset_factory(ArticleForm, extra=3, can_delete=True, max_num=500)


def articles_of(formset: Any) -> list[ArticleData]:
    """The articles of a valid formset, in order, without those marked for deletion."""
    articles: list[ArticleData] = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        articles.append(
            ArticleData(
                number=data.get("number") or "",
                heading=data.get("heading") or "",
                text=data.get("text") or "",
            )
        )
    return articles


class AttachmentForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX), or a PNG, JPEG or GIF image."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.gif"}),
    )


class PublishForm(ServiceErrorsMixin, forms.Form):
    personal_data_reason = forms.CharField(
        label=_("Why the personal data found may be published"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when the check found personal data, such as an office's phone."),
    )


class CloseForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why it closes early"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the consultation closes early.")},
    )


# --- Staff: comments -------------------------------------------------------------------------


class ModerateForm(ServiceErrorsMixin, forms.Form):
    action = forms.ChoiceField(
        choices=[("show", _("Show")), ("hide", _("Hide"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Reason for hiding"), max_length=1000, required=False)


class CommentFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Moderation"),
        required=False,
        choices=[("", _("All comments")), *Comment.State.choices],
    )


# --- Staff: feedback -------------------------------------------------------------------------


class FeedbackSummaryForm(ServiceErrorsMixin, forms.Form):
    summary = forms.CharField(
        label=_("Summary of the feedback"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "How the comments were considered and what changed in the final text; the figures "
            "are counted from the comments."
        ),
    )


class PointForm(ServiceErrorsMixin, forms.Form):
    text = forms.CharField(
        label=_("Point"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what the point is.")},
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed unless the point was adopted."),
    )


class DecisionsForm(ServiceErrorsMixin, forms.Form):
    """One decision (or a point to group under) and a reason for every shown comment."""

    def __init__(
        self, *args: Any, comments: list[Comment], points: list[FeedbackPoint], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.comments = comments
        choices: list[Any] = [("", _("— not decided —")), *Decision.choices]
        if points:
            grouped = [
                (f"{POINT_PREFIX}{point.pk}", _("point %(n)d: %(text)s") % {
                    "n": point.order, "text": point.text[:40]})
                for point in points
            ]  # fmt: skip
            choices.append((_("grouped under a point"), grouped))
        for comment in comments:
            initial = f"{POINT_PREFIX}{comment.point_id}" if comment.point_id else comment.decision
            self.fields[f"decision_{comment.pk}"] = forms.ChoiceField(
                label=_("Decision"), choices=choices, required=False, initial=initial
            )
            self.fields[f"reason_{comment.pk}"] = forms.CharField(
                label=_("Reason"),
                required=False,
                initial=comment.decision_reason,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> Iterator[tuple[Comment, forms.BoundField, forms.BoundField]]:
        for comment in self.comments:
            yield comment, self[f"decision_{comment.pk}"], self[f"reason_{comment.pk}"]

    @staticmethod
    def decisions_from(data: dict[str, Any], comments: list[Comment]) -> list[CommentDecision]:
        """The decisions in the cleaned ``data`` of the form made for ``comments``."""
        result: list[CommentDecision] = []
        for comment in comments:
            value = data.get(f"decision_{comment.pk}") or ""
            reason = data.get(f"reason_{comment.pk}") or ""
            if value.startswith(POINT_PREFIX):
                point_id = int(value[len(POINT_PREFIX) :])
                result.append(CommentDecision(comment_id=comment.pk, point_id=point_id))
            else:
                result.append(CommentDecision(comment_id=comment.pk, decision=value, reason=reason))
        return result


class DocumentReferenceField(forms.CharField):
    """A catalogue document named by its index number (索引号) or its public address."""

    def clean(self, value: Any) -> Document | None:  # type: ignore[override]
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        match = _DOCUMENT_ADDRESS_RE.search(text)
        if match:
            document = Document.objects.filter(pk=int(match.group(1))).first()
        else:
            document = Document.objects.filter(index_number=text).first()
        if document is None:
            raise forms.ValidationError(
                _("No document of the catalogue has this index number or address.")
            )
        return document


class PublishFeedbackForm(ServiceErrorsMixin, forms.Form):
    final_document = DocumentReferenceField(
        label=_("Final document"),
        required=False,
        max_length=300,
        help_text=_(
            "Its index number (索引号) or its address on the public site; it must be published. "
            "It may also be linked later."
        ),
    )
    personal_data_reason = forms.CharField(
        label=_("Why the personal data found may be published"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FinalDocumentForm(ServiceErrorsMixin, forms.Form):
    final_document = DocumentReferenceField(
        label=_("Final document"),
        max_length=300,
        help_text=_("Its index number (索引号) or its address on the public site."),
        error_messages={"required": _("Name the final document.")},
    )

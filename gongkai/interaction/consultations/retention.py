"""Anonymising commenters' personal data years after a consultation closed (decision 0028).

The comments on a consultation on a draft closed on or before the cutoff
(``core.retention.personal_data_cutoff``) lose their commenter: the name becomes “（已匿名）”
(so does a name shown on the public page), the contact is emptied, and the commenter's own
values are replaced (identity numbers, mobiles, bank cards and e-mail addresses masked) in the
comment. The comment's text, article, moderation, decision and reason stay, and with them the
feedback report and its counts.

Repeat-safe: an anonymised comment (its name “（已匿名）”) is never selected again.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.core import audit, retention
from gongkai.interaction.consultations.models import Comment, Consultation

FINISHED = (Consultation.State.CLOSED, Consultation.State.FEEDBACK)


def due_comments(cutoff: datetime.date) -> QuerySet[Comment]:
    """The comments to anonymise: of consultations closed by ``cutoff``, not anonymised yet."""
    return (
        Comment.objects.filter(
            consultation__state__in=FINISHED, consultation__closes_on__lte=cutoff
        )
        .exclude(name=retention.ANONYMISED)
        .order_by("pk")
    )


def anonymise_comments(cutoff: datetime.date) -> int:
    """Anonymise the due comments, one consultation a transaction; returns how many."""
    done = 0
    consultations = list(
        due_comments(cutoff).order_by().values_list("consultation_id", flat=True).distinct()
    )
    for consultation_id in consultations:
        with transaction.atomic():
            comments = list(
                due_comments(cutoff).filter(consultation_id=consultation_id).select_for_update()
            )
            for comment in comments:
                own = [comment.name, comment.contact]
                comment.name = retention.ANONYMISED
                comment.contact = ""
                comment.text = retention.scrub(comment.text, own=own)
                comment.save(update_fields=["name", "contact", "text"])
            if comments:
                consultation = Consultation.objects.get(pk=consultation_id)
                audit.record(
                    "consultations.anonymise_comments",
                    actor=None,
                    obj=consultation,
                    agency_id=consultation.agency_id,
                    details={
                        "fields": ["comment.name", "comment.contact", "comment.text"],
                        "comments": [comment.pk for comment in comments],
                    },
                )
            done += len(comments)
    return done


def register() -> None:
    retention.register_anonymiser("consultations", _("commenters"), anonymise_comments)

"""Anonymising letter writers' personal data years after their letter closed (decision 0028).

A letter closed (or not accepted) on or before the cutoff
(``core.retention.personal_data_cutoff``) loses its writer: the name becomes “（已匿名）”, the
phone and e-mail are emptied, the writer's own values are replaced (and identity numbers,
mobiles, bank cards and e-mail addresses masked) in the subject, the letter, the reply, the
rating's comment, the note to the writer and the events' comments, and the writer's files are
deleted. The number, type, channel, agencies, dates, state, rating, reopening and every event
stay — the statistics are computed from them — and so does the public Q&A, whose texts were
masked and confirmed by a reviewer when it was published.

Repeat-safe: an anonymised letter (its name “（已匿名）”) is never selected again.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.core import audit, retention
from gongkai.interaction.letters.models import Letter

FINISHED = (Letter.State.CLOSED, Letter.State.REJECTED)
EMPTIED_FIELDS = ("phone", "email")
SCRUBBED_FIELDS = ("subject", "content", "reply_text", "rating_comment", "rejection_note")


def due_letters(cutoff: datetime.date) -> QuerySet[Letter]:
    """The letters to anonymise: finished on or before ``cutoff``, not anonymised yet."""
    return (
        Letter.objects.filter(state__in=FINISHED, closed_on__lte=cutoff)
        .exclude(name=retention.ANONYMISED)
        .order_by("pk")
    )


def anonymise_letters(cutoff: datetime.date) -> int:
    """Anonymise every due letter, each in its own transaction; returns how many."""
    done = 0
    for pk in list(due_letters(cutoff).values_list("pk", flat=True)):
        if anonymise_letter(pk, cutoff=cutoff):
            done += 1
    return done


def anonymise_letter(pk: int, *, cutoff: datetime.date) -> bool:
    """Anonymise one letter if it is still due (checked again under its lock)."""
    with transaction.atomic():
        letter = due_letters(cutoff).select_for_update().filter(pk=pk).first()
        if letter is None:
            return False
        own = [letter.name, letter.phone, letter.email]
        letter.name = retention.ANONYMISED
        for name in EMPTIED_FIELDS:
            setattr(letter, name, "")
        for name in SCRUBBED_FIELDS:
            setattr(letter, name, retention.scrub(getattr(letter, name), own=own))
        letter.save(update_fields=["name", *EMPTIED_FIELDS, *SCRUBBED_FIELDS, "updated_at"])
        for event in letter.events.exclude(comment=""):
            comment = retention.scrub(event.comment, own=own)
            if comment != event.comment:
                event.comment = comment
                event.save(update_fields=["comment"])
        files = 0
        for attachment in letter.attachments.all():
            retention.delete_file_after_commit(attachment.file)
            attachment.delete()
            files += 1
        audit.record(
            "letters.anonymise_letter",
            actor=None,
            obj=letter,
            agency_id=letter.handling_agency_id or letter.agency_id,
            details={"fields": ["name", *EMPTIED_FIELDS, *SCRUBBED_FIELDS], "files_deleted": files},
        )
    return True


def register() -> None:
    retention.register_anonymiser("letters", _("letter writers"), anonymise_letters)

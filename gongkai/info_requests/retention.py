"""Anonymising applicants' personal data years after their application closed (decision 0028).

An application closed on or before the cutoff (``core.retention.personal_data_cutoff``), with
no reconsideration or lawsuit still undecided, loses its applicant: the name and the contact
person become “（已匿名）”; the identity document, its keyed hash, the phone, e-mail, address,
postcode and credit code are emptied; the link to an account is cut; the applicant's own
values are replaced (and identity numbers, mobiles, bank cards and e-mail addresses masked) in
the texts of the case, its events, consultations and notices; the reason for a fee waiver and
the help asked for are emptied (they describe the person); the files the applicant sent or was
sent (``RequestFile.PERSONAL``) are deleted, and the notices' renderings too (a download
renders them again from the anonymised text). The number, channel, dates, agencies, applicant
kind, outcome, withheld parts, fees, remedies and every event stay: the annual report and
every statistic are computed from them and do not change.

Repeat-safe: an anonymised application (its name “（已匿名）”) is never selected again.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.core import audit, retention
from gongkai.info_requests.models import InfoRequest, Notice, RequestFile
from gongkai.info_requests.notice_models import RENDERED_FIELDS

State = InfoRequest.State

# Emptied (or, for the names, set to ANONYMISED); named in the audit entry.
EMPTIED_FIELDS = (
    "credit_code",
    "id_number",
    "id_digest",
    "phone",
    "email",
    "address",
    "postcode",
    "fee_waiver_reason",
    "assistance",
)
SCRUBBED_FIELDS = ("description", "doc_number_hint", "reply_text", "delivery_note", "receipt_basis")


def due_requests(cutoff: datetime.date) -> QuerySet[InfoRequest]:
    """The applications to anonymise: closed on or before ``cutoff``, no remedy pending, not
    anonymised yet."""
    return (
        InfoRequest.objects.filter(state=State.CLOSED, closed_on__lte=cutoff)
        .exclude(name=retention.ANONYMISED)
        .exclude(remedies__result="")  # a reconsideration or lawsuit not yet decided
        .order_by("pk")
    )


def anonymise_requests(cutoff: datetime.date) -> int:
    """Anonymise every due application, each in its own transaction; returns how many."""
    done = 0
    for pk in list(due_requests(cutoff).values_list("pk", flat=True)):
        if anonymise_request(pk, cutoff=cutoff):
            done += 1
    return done


def anonymise_request(pk: int, *, cutoff: datetime.date) -> bool:
    """Anonymise one application if it is still due (checked again under its lock)."""
    with transaction.atomic():
        request = due_requests(cutoff).select_for_update().filter(pk=pk).first()
        if request is None:
            return False
        own = [
            request.name,
            request.contact_person,
            request.id_number,
            request.phone,
            request.email,
            request.address,
            request.credit_code,
        ]
        request.name = retention.ANONYMISED
        if request.contact_person:
            request.contact_person = retention.ANONYMISED
        for name in EMPTIED_FIELDS:
            setattr(request, name, "")
        for name in SCRUBBED_FIELDS:
            setattr(request, name, retention.scrub(getattr(request, name), own=own))
        request.user = None
        request.citizen = None
        request.save(
            update_fields=[
                "name", "contact_person", *EMPTIED_FIELDS, *SCRUBBED_FIELDS, "user", "citizen",
                "updated_at",
            ]
        )  # fmt: skip
        for event in request.events.exclude(comment=""):
            comment = retention.scrub(event.comment, own=own)
            if comment != event.comment:
                event.comment = comment
                event.save(update_fields=["comment"])
        for consultation in request.consultations.exclude(note=""):
            note = retention.scrub(consultation.note, own=own)
            if note != consultation.note:
                consultation.note = note
                consultation.save(update_fields=["note"])
        notices = _anonymise_notices(request, own)
        files = 0
        for stored in request.files.filter(kind__in=RequestFile.PERSONAL):
            retention.delete_file_after_commit(stored.file)
            stored.delete()
            files += 1
        audit.record(
            "info_requests.anonymise_request",
            actor=None,
            obj=request,
            agency_id=request.handling_agency_id or request.agency_id,
            details={
                "fields": ["name", "contact_person", *EMPTIED_FIELDS, *SCRUBBED_FIELDS],
                "files_deleted": files,
                "notices": notices,
            },
        )
    return True


def _anonymise_notices(request: InfoRequest, own: list[str]) -> int:
    """The issued notices' text without the applicant, their renderings deleted.

    Issued notices are otherwise never changed (``Notice.save`` refuses): this is the one
    exception, written with ``update`` and recorded in the audit entry."""
    count = 0
    for notice in Notice.objects.filter(request=request):
        title = retention.scrub(notice.title, own=own)
        body = retention.scrub(notice.body, own=own)
        if title == notice.title and body == notice.body:
            continue  # nothing of the applicant in it, nor in its renderings
        for field_name in ("docx", "pdf"):
            retention.delete_file_after_commit(getattr(notice, field_name))
        Notice.objects.filter(pk=notice.pk).update(
            title=title, body=body, **dict.fromkeys(RENDERED_FIELDS, "")
        )
        count += 1
    return count


def register() -> None:
    retention.register_anonymiser("info_requests", _("applicants"), anonymise_requests)

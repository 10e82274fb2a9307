"""What a citizen's pages read: the citizen's own applications and nothing else."""

from __future__ import annotations

from django.db.models import QuerySet

from gongkai.citizens.models import CitizenAccount
from gongkai.info_requests.models import InfoRequest


def applications_of(citizen: CitizenAccount | None) -> QuerySet[InfoRequest]:
    """The applications listed under ``citizen``'s account, the latest first.

    Only what the list shows is loaded: none of the applicant's personal data.
    """
    if citizen is None:
        return InfoRequest.objects.none()
    return (
        InfoRequest.objects.filter(citizen=citizen)
        .select_related("agency")
        .only("number", "description", "received_on", "state", "citizen", "agency__name")
        .order_by("-received_on", "-id")
    )


def own_application(citizen: CitizenAccount | None, number: str) -> InfoRequest | None:
    """The application ``number`` when it is listed under ``citizen``'s account, else None."""
    number = number.strip()
    if citizen is None or not number or len(number) > 64:
        return None
    return applications_of(citizen).filter(number__iexact=number).first()

"""Anonymising survey respondents years after a survey closed (decision 0028).

A response stores no name or address, only a keyed hash of the visitor's cookie token or of
the citizen account's id (``Response``), which the server's key can link to that browser or
account again. Once the survey closed on or before the cutoff
(``core.retention.personal_data_cutoff``), each hash is replaced by a random value of its
own — the respondent can no longer be recognised, while the constraints (one respondent a
response, never twice the same) hold — and the identity numbers, mobiles, bank cards and
e-mail addresses respondents typed into free texts are masked. The choices, ratings and the
texts otherwise stay: the results and exports do not change.

Repeat-safe: a replaced hash starts with ``anon-`` and is never selected again.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.core import audit, retention
from gongkai.interaction.surveys.models import Answer, Response, Survey

ANONYMOUS_PREFIX = "anon-"


def due_responses(cutoff: datetime.date) -> QuerySet[Response]:
    """The responses to anonymise: of surveys closed by ``cutoff``, hashes not yet replaced."""
    return (
        Response.objects.filter(
            survey__state=Survey.State.CLOSED, survey__closes_at__date__lte=cutoff
        )
        .filter(
            (~Q(visitor_hash="") & ~Q(visitor_hash__startswith=ANONYMOUS_PREFIX))
            | (~Q(account_hash="") & ~Q(account_hash__startswith=ANONYMOUS_PREFIX))
        )
        .order_by("pk")
    )


def _random_hash() -> str:
    return ANONYMOUS_PREFIX + secrets.token_hex(24)


def anonymise_responses(cutoff: datetime.date) -> int:
    """Anonymise the due responses, one survey a transaction; returns how many."""
    done = 0
    surveys = list(due_responses(cutoff).order_by().values_list("survey_id", flat=True).distinct())
    for survey_id in surveys:
        with transaction.atomic():
            responses = list(due_responses(cutoff).filter(survey_id=survey_id).select_for_update())
            for response in responses:
                if response.visitor_hash:
                    response.visitor_hash = _random_hash()
                if response.account_hash:
                    response.account_hash = _random_hash()
                response.save(update_fields=["visitor_hash", "account_hash"])
            masked = 0
            for answer in Answer.objects.filter(response__in=responses).exclude(text=""):
                text = retention.scrub(answer.text)
                if text != answer.text:
                    answer.text = text
                    answer.save(update_fields=["text"])
                    masked += 1
            if responses:
                survey = Survey.objects.get(pk=survey_id)
                audit.record(
                    "surveys.anonymise_responses",
                    actor=None,
                    obj=survey,
                    agency_id=survey.agency_id,
                    details={
                        "fields": ["response.respondent", "answer.text"],
                        "responses": len(responses),
                        "texts_masked": masked,
                    },
                )
            done += len(responses)
    return done


def register() -> None:
    retention.register_anonymiser("surveys", _("survey respondents"), anonymise_responses)

"""The demonstration applications: the seed's 2014 figures and a recent set in every state."""

from __future__ import annotations

import datetime
import itertools
import random

import pytest
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.core.models import OutgoingMail
from gongkai.core.text import is_valid_resident_id
from gongkai.core.workdays import working_days_between
from gongkai.info_requests import demo
from gongkai.info_requests.clocks import read_clock
from gongkai.info_requests.models import (
    Consultation,
    FeeNotice,
    InfoRequest,
    Remedy,
    RequestEvent,
    WithheldPart,
)
from gongkai.info_requests.outcomes import Outcome
from gongkai.info_requests.services import is_valid_credit_code
from tests.demo.conftest import assert_unchanged

pytestmark = pytest.mark.django_db

State = InfoRequest.State
Code = RequestEvent.Code


@pytest.fixture
def loaded(district):
    """The demonstration, loaded once for the package (``tests/demo/conftest.py``)."""
    return district.output, district.seconds


def test_2014_applications_are_the_seeds(loaded):
    rows = InfoRequest.objects.filter(received_on__year=2014).select_related("agency")
    assert rows.count() == 15
    assert rows.filter(channel=InfoRequest.Channel.ONLINE).count() == 5
    letters = [InfoRequest.Channel.REGISTERED_MAIL, InfoRequest.Channel.ORDINARY_MAIL]
    assert rows.filter(channel__in=letters).count() == 10
    towns = [Agency.Kind.TOWN, Agency.Kind.SUBDISTRICT]
    government = [Agency.Kind.GOVERNMENT, Agency.Kind.GENERAL_OFFICE, Agency.Kind.DEPARTMENT]
    assert rows.filter(agency__kind__in=towns).count() == 1
    assert rows.filter(agency__kind__in=government).count() == 14
    for request in rows:
        # Answered within the 2007 Regulation's 15 working days, without an extension.
        assert request.rule_set == "2007"
        assert request.state == State.CLOSED and request.outcome
        assert request.extension_days == 0
        assert working_days_between(request.received_on, request.replied_on) <= 15
        reading = read_clock(request)
        assert reading.limit == 15 and reading.on_time is True
        assert request.events.filter(code=Code.REVIEW_APPROVED).exists()  # legal review
    assert not FeeNotice.objects.filter(request__received_on__year=2014).exists()
    assert not Remedy.objects.filter(request__received_on__year=2014).exists()


def test_recent_applications_cover_every_outcome_and_state(loaded):
    recent = InfoRequest.objects.filter(received_on__gte=demo.RECENT_START)
    assert recent.count() == demo.RECENT_COUNT
    assert set(recent.values_list("state", flat=True)) == set(State.values)
    assert set(recent.exclude(outcome="").values_list("outcome", flat=True)) == set(Outcome.values)
    assert set(recent.values_list("channel", flat=True)) == set(InfoRequest.Channel.values)
    organisations = recent.filter(applicant_kind=InfoRequest.ApplicantKind.ORGANISATION)
    assert set(organisations.values_list("organisation_kind", flat=True)) == set(
        InfoRequest.OrganisationKind.values
    )
    assert all(
        is_valid_credit_code(code) for code in organisations.values_list("credit_code", flat=True)
    )
    people = InfoRequest.objects.filter(applicant_kind=InfoRequest.ApplicantKind.PERSON)
    assert all(phone[3:7] == "0000" for phone in people.values_list("phone", flat=True))
    # The query codes nobody is given are hashed cheaply, in the standard format.
    codes = InfoRequest.objects.values_list("query_code", flat=True)
    assert all(code.startswith("pbkdf2_sha256$1000$") for code in codes)
    residents = InfoRequest.objects.filter(id_type=InfoRequest.IdType.RESIDENT_ID)
    assert all(
        is_valid_resident_id(number) for number in residents.values_list("id_number", flat=True)
    )
    today = timezone.localdate()
    newest = recent.order_by("-received_on").first().received_on
    assert today - datetime.timedelta(days=30) < newest
    assert newest <= today - datetime.timedelta(days=demo.DAYS_BEFORE_TODAY)

    # Overdue: received long ago and still being handled past the due date.
    overdue = [r for r in recent.filter(clock_state="overdue") if read_clock(r).state == "overdue"]
    assert overdue
    assert all(r.state == State.HANDLING and r.received_on < today - datetime.timedelta(days=40)
               for r in overdue)  # fmt: skip
    assert recent.filter(extension_days__gt=0).exists()
    third_party = Consultation.objects.filter(kind=Consultation.Kind.THIRD_PARTY)
    assert third_party.filter(answered_on__isnull=False).exists()
    assert third_party.filter(answered_on__isnull=True, request__state=State.CONSULTING).exists()
    assert Consultation.objects.filter(kind=Consultation.Kind.AGENCY).exists()  # REG 34
    assert recent.filter(events__code=Code.CORRECTED).exists()
    assert recent.filter(events__code=Code.REVIEW_RETURNED).exists()
    assert recent.filter(events__code=Code.HEAD_APPROVED).exists()
    assert recent.filter(events__code=Code.TRANSFERRED).exists()
    repeat = recent.get(outcome=Outcome.REPEAT)
    assert repeat.repeat_of is not None and repeat.repeat_of.number in repeat.reply_text

    # Partial disclosure names what is withheld and why.
    assert WithheldPart.objects.filter(request__outcome=Outcome.PARTLY_DISCLOSED).exists()

    # Fees: per page and per application; one paid, one waived, one lapsed (其他处理-2).
    assert {"per_page", "per_application"} <= set(
        FeeNotice.objects.values_list("method", flat=True)
    )
    settlements = set(FeeNotice.objects.values_list("settlement", flat=True))
    assert {"paid", "waived", "lapsed", ""} <= settlements
    # The outcomes of a missed deadline come only from the deadline job (no actor).
    for outcome in (Outcome.NO_CORRECTION, Outcome.UNPAID_FEE):
        for request in recent.filter(outcome=outcome):
            closing = request.events.get(code=Code.CLOSED)
            assert closing.actor is None and closing.data["outcome"] == outcome
    lapsed = FeeNotice.objects.get(settlement="lapsed")
    assert lapsed.request.outcome == Outcome.UNPAID_FEE and lapsed.settled_on > lapsed.due_on

    # One reconsideration and one lawsuit, about closed applications.
    remedies = Remedy.objects.select_related("request")
    assert remedies.filter(kind=Remedy.Kind.RECONSIDERATION).count() == 1
    assert remedies.filter(kind=Remedy.Kind.LITIGATION).count() == 1
    for remedy in remedies:
        assert remedy.request.state == State.CLOSED and remedy.filed_on > remedy.request.closed_on


def test_histories_are_chronological_and_closed_applications_have_outcomes(loaded):
    assert not InfoRequest.objects.filter(state=State.CLOSED, outcome="").exists()
    events = RequestEvent.objects.order_by("request_id", "id").values_list("request_id", "on")
    for _request, rows in itertools.groupby(events, key=lambda row: row[0]):
        days = [on for _pk, on in rows]
        assert days == sorted(days)
    for request in InfoRequest.objects.all():
        assert request.events.order_by("id").first().on == request.received_on
        read_clock(request)  # the clock's events make sense (ClockError otherwise)
        if request.state != State.CLOSED:
            assert request.replied_on is None or request.state in (State.REPLIED, State.DELIVERED)
        else:
            assert request.closed_on >= request.received_on


def test_few_mails_to_reserved_addresses(loaded):
    mails = OutgoingMail.objects.filter(topic__startswith="info_requests.")
    recipients = list(mails.values_list("recipient", flat=True))
    assert len(recipients) < 60
    assert all(address.endswith("@example.invalid") for address in recipients)
    assert InfoRequest.objects.exclude(email="").count() <= 15


def test_a_second_load_changes_nothing(loaded, reloaded):
    output, _seconds = loaded
    total = str(15 + demo.RECENT_COUNT)
    assert total in output
    assert_unchanged(reloaded, "info_requests")
    assert total in reloaded.output


def test_plan_is_the_same_on_the_same_day(loaded):
    agencies = {agency.slug: agency for agency in Agency.objects.all()}
    staff = demo.prepare_staff(agencies)
    end = demo.end_date()

    def plan() -> list[tuple[object, ...]]:
        planner = demo.Planner(random.Random(demo.SEED), end, staff)
        cases = demo.plan_2014(planner) + planner.recent()
        return [
            (case.agency, case.channel, case.received, case.data.name, case.data.id_number,
             case.data.description, [(step.on, step.action) for step in case.steps])
            for case in cases
        ]  # fmt: skip

    first = plan()
    assert first == plan()
    stored = sorted(InfoRequest.objects.values_list("name", flat=True))
    assert sorted(row[3] for row in first) == stored

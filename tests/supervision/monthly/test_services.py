"""The monthly table's life: computed, checked, published and frozen; corrected as a new
version with the old one kept; refused for anyone but the office, with nothing changed."""

from __future__ import annotations

import pytest

from gongkai.core.models import AuditEntry
from gongkai.supervision.monthly import services
from gongkai.supervision.monthly.models import (
    MonthlyFigure,
    MonthlyPublication,
    PublicationEvent,
)
from gongkai.supervision.monthly.workflow import MonthlyError, MonthlyPermissionDenied
from tests.supervision.monthly.conftest import D, at

pytestmark = pytest.mark.django_db

State = MonthlyPublication.State


def values(publication, agency) -> dict[str, int]:
    return dict(publication.figures.filter(agency=agency).values_list("key", "value"))


def snapshot() -> dict[str, object]:
    return {
        "publications": sorted(
            MonthlyPublication.objects.values_list(
                "pk",
                "year",
                "month",
                "version",
                "state",
                "checked_at",
                "published_at",
                "correction_note",
            )
        ),
        "figures": sorted(MonthlyFigure.objects.values_list("pk", "key", "value", "record_ids")),
        "events": PublicationEvent.objects.count(),
        "audit": AuditEntry.objects.filter(action__startswith="monthly.").count(),
    }


@pytest.fixture
def published(office, dept, publish_document):
    """March 2025 with two publications of ``dept``, computed, checked and published."""
    publish_document(dept, D(2025, 3, 5))
    publish_document(dept, D(2025, 3, 6))
    publication = services.compute_month(2025, 3, actor=office)
    services.check_publication(publication, actor=office)
    return services.publish_publication(publication, actor=office)


def test_the_office_computes_checks_and_publishes(office, dept, publish_document):
    publish_document(dept, D(2025, 3, 5))

    publication = services.compute_month(2025, 3, actor=office)
    assert (publication.version, publication.state) == (1, State.DRAFT)
    assert values(publication, dept)["documents_published"] == 1

    services.check_publication(publication, actor=office)
    services.publish_publication(publication, actor=office)

    publication.refresh_from_db()
    assert publication.state == State.PUBLISHED
    assert publication.published_by == office and publication.published_at is not None
    assert list(publication.events.values_list("code", "from_state", "to_state")) == [
        ("computed", "", "draft"),
        ("checked", "draft", "checked"),
        ("published", "checked", "published"),
    ]
    assert list(
        AuditEntry.objects.filter(action__startswith="monthly.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["monthly.compute", "monthly.check", "monthly.publish"]


def test_a_published_month_is_frozen_when_records_change(published, office, dept, publish_document):
    before = values(published, dept)
    ids_before = sorted(published.figures.values_list("pk", "value", "record_ids"))

    publish_document(dept, D(2025, 3, 20))  # a record of March, entered after publication
    published.refresh_from_db()

    assert values(published, dept) == before == {**before, "documents_published": 2}
    assert sorted(published.figures.values_list("pk", "value", "record_ids")) == ids_before
    with pytest.raises(MonthlyError):
        services.compute_month(2025, 3, actor=office)
    with pytest.raises(MonthlyError):
        services.recompute_publication(published, actor=office)
    assert values(published, dept)["documents_published"] == 2


def test_a_correction_is_a_new_version_and_the_old_one_is_kept(
    published, office, dept, publish_document
):
    publish_document(dept, D(2025, 3, 20))

    correction = services.start_correction(2025, 3, actor=office, note="补录3月20日发布的信息1条。")
    assert (correction.version, correction.state) == (2, State.DRAFT)
    assert values(correction, dept)["documents_published"] == 3
    services.check_publication(correction, actor=office)
    services.publish_publication(correction, actor=office)

    published.refresh_from_db()
    assert published.state == State.PUBLISHED  # still readable, as it was
    assert values(published, dept)["documents_published"] == 2
    assert MonthlyPublication.objects.filter(year=2025, month=3).count() == 2
    event = correction.events.get(code="correction_started")
    assert event.comment == "补录3月20日发布的信息1条。" and event.data["corrects"] == 1


def test_a_correction_needs_its_note_and_a_published_month(published, office):
    with pytest.raises(MonthlyError, match="Say what is corrected"):
        services.start_correction(2025, 3, actor=office, note="  ")
    with pytest.raises(MonthlyError, match="Only a published month"):
        services.start_correction(2025, 4, actor=office, note="更正")
    services.start_correction(2025, 3, actor=office, note="更正")
    with pytest.raises(MonthlyError, match="being prepared already"):
        services.start_correction(2025, 3, actor=office, note="再次更正")


def test_recomputing_a_checked_draft_sends_it_back_to_draft(office, dept, publish_document):
    publication = services.compute_month(2025, 3, actor=office)
    services.check_publication(publication, actor=office)
    publish_document(dept, D(2025, 3, 7))

    again = services.compute_month(2025, 3, actor=office)  # the same version, computed again

    assert again.pk == publication.pk
    assert (again.version, again.state, again.checked_at) == (1, State.DRAFT, None)
    assert values(again, dept)["documents_published"] == 1
    with pytest.raises(MonthlyError):
        services.publish_publication(again, actor=office)  # it must be checked again


def test_only_a_month_that_has_ended_is_computed(office):
    with at(D(2025, 3, 31)), pytest.raises(MonthlyError, match="once the month has ended"):
        services.compute_month(2025, 3, actor=office)
    with at(D(2025, 4, 1)):
        assert services.compute_month(2025, 3, actor=office).state == State.DRAFT


@pytest.mark.parametrize("who", ["dept_staff", "dept_reviewer", "other_staff", "admin"])
def test_only_the_office_acts_and_a_refusal_changes_nothing(
    who, request, published, office, user_factory
):
    actor = (
        user_factory(is_superuser=True, is_staff=True)
        if who == "admin"
        else request.getfixturevalue(who)
    )
    draft = services.compute_month(2025, 4, actor=office)
    before = snapshot()

    attempts = [
        lambda: services.compute_month(2025, 5, actor=actor),
        lambda: services.recompute_publication(draft, actor=actor),
        lambda: services.check_publication(draft, actor=actor),
        lambda: services.start_correction(2025, 3, actor=actor, note="更正"),
    ]
    for attempt in attempts:
        with pytest.raises(MonthlyPermissionDenied):
            attempt()
    assert snapshot() == before

    services.check_publication(draft, actor=office)
    before = snapshot()
    with pytest.raises(MonthlyPermissionDenied):
        services.publish_publication(draft, actor=actor)

    assert snapshot() == before

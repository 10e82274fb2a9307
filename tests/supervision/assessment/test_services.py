"""The services of assessment: schemes and versions, indicators, hand scores with their
required comment and evidence, publication and freezing, accountability records. A refused
action changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.core.models import AuditEntry
from gongkai.supervision.assessment import selectors, services
from gongkai.supervision.assessment.models import (
    AccountabilityRecord,
    EvidenceFile,
    HandScore,
    IndicatorScheme,
    Score,
    Scorecard,
)
from gongkai.supervision.assessment.services import IndicatorInput
from gongkai.supervision.assessment.workflow import (
    AssessmentError,
    AssessmentPermissionDenied,
    WorkflowError,
)
from tests.supervision.assessment.conftest import (
    AFTER_YEAR,
    DURING_YEAR,
    PERSON,
    YEAR,
    build_scheme,
    document,
    everything,
    indicator,
    info_request,
    make_png,
)

pytestmark = pytest.mark.django_db

D = datetime.date
State = IndicatorScheme.State


def refused(error_type, action, *, field=None, message=""):
    """Run ``action``: it must raise ``error_type`` (naming ``field``) and change nothing."""
    before = everything()
    with pytest.raises(error_type) as caught:
        action()
    assert everything() == before
    if field is not None:
        assert caught.value.field == field
    assert message in caught.value.message
    return caught.value


def hand(scheme, code, agency, actor, **overrides):
    values = {"points": "8", "comment": "抽查发现问题，扣2分。", "actor": actor}
    values.update(overrides)
    return services.record_hand_score(indicator(scheme, code), agency, **values)


# --------------------------------------------------------------------------- schemes


def test_the_office_makes_a_draft_and_the_next_draft_waits(office):
    scheme = services.create_scheme(YEAR, title="2025年度考核指标", actor=office, now=DURING_YEAR)

    assert (scheme.year, scheme.version, scheme.state) == (YEAR, 1, State.DRAFT)
    assert AuditEntry.objects.filter(action="assessment.create_scheme").count() == 1
    refused(
        AssessmentError,
        lambda: services.create_scheme(YEAR, title="另一稿", actor=office),
        field="year",
        message="already has a draft",
    )


@pytest.mark.parametrize("who", ["editor", "stranger", "administrator"])
def test_only_the_office_defines_schemes(request, who, scheme):
    actor = request.getfixturevalue(who)
    refused(
        AssessmentPermissionDenied, lambda: services.create_scheme(2026, title="x", actor=actor)
    )
    refused(
        AssessmentPermissionDenied,
        lambda: services.add_indicator(
            scheme, IndicatorInput(code="9", name="x", kind="manual", max_points="5"), actor=actor
        ),
    )
    refused(AssessmentPermissionDenied, lambda: services.activate_scheme(scheme, actor=actor))
    refused(AssessmentPermissionDenied, lambda: services.publish_scores(scheme, actor=actor))


def test_activation_needs_indicators_and_no_empty_group(office):
    scheme = services.create_scheme(YEAR, title="空表", actor=office)
    refused(AssessmentError, lambda: services.activate_scheme(scheme, actor=office),
            message="no indicators")  # fmt: skip
    services.add_indicator(scheme, IndicatorInput(code="1", name="主动公开", kind="group"),
                           actor=office)  # fmt: skip
    refused(AssessmentError, lambda: services.activate_scheme(scheme, actor=office),
            message="has no indicators under it")  # fmt: skip


def test_a_group_is_worth_the_sum_of_its_children(office):
    scheme = build_scheme(office, activate=False)
    group = indicator(scheme, "1")
    assert group.max_points == Decimal("30.00")

    services.update_indicator(
        indicator(scheme, "1.2"),
        IndicatorInput(code="1.2", name="按时公开", kind="computed", max_points="15", parent=group,
                       measure="late_publications", scoring="deduction",
                       parameters={"per": "3"}),
        actor=office,
    )  # fmt: skip
    group.refresh_from_db()
    assert group.max_points == Decimal("35.00")
    services.delete_indicator(indicator(scheme, "1.2"), actor=office)
    group.refresh_from_db()
    assert group.max_points == Decimal("20.00")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "1.1"}, "code", "already"),
        ({"code": "1 1"}, "code", "up to 20 letters"),
        ({"name": " "}, "name", "Give the indicator a name"),
        ({"max_points": "0"}, "max_points", "maximum points"),
        ({"max_points": "-3"}, "max_points", "negative"),
        ({"measure": "made_up"}, "measure", "measures"),
        ({"scoring": "made_up"}, "scoring", "scoring function"),
        ({"parameters": {"zero_at": "60"}}, "parameters", "full_at"),
        ({"unscored": "required"}, "unscored", "full points or none"),
    ],
)
def test_indicators_are_checked(office, data, field, message):
    scheme = build_scheme(office, activate=False)
    values = {
        "code": "1.3", "name": "政策解读", "kind": "computed", "max_points": "10",
        "measure": "interpretation_coverage", "scoring": "linear",
        "parameters": {"zero_at": "0", "full_at": "100"}, "parent": indicator(scheme, "1"),
    }  # fmt: skip
    values.update(data)
    refused(
        AssessmentError,
        lambda: services.add_indicator(scheme, IndicatorInput(**values), actor=office),
        field=field,
        message=message,
    )


def test_an_indicator_goes_under_a_group_of_its_own_scheme_and_not_under_itself(office):
    scheme = build_scheme(office, activate=False)
    other = build_scheme(office, year=2026, activate=False)
    refused(
        AssessmentError,
        lambda: services.add_indicator(
            scheme,
            IndicatorInput(code="4", name="x", kind="manual", max_points="5",
                           parent=indicator(other, "1")),
            actor=office,
        ),
        field="parent",
    )  # fmt: skip
    refused(
        AssessmentError,
        lambda: services.add_indicator(
            scheme,
            IndicatorInput(code="4", name="x", kind="manual", max_points="5",
                           parent=indicator(scheme, "2")),
            actor=office,
        ),
        field="parent",
    )  # fmt: skip
    group = indicator(scheme, "1")
    refused(
        AssessmentError,
        lambda: services.update_indicator(
            group, IndicatorInput(code="1", name="组", kind="group", parent=group), actor=office
        ),
        field="parent",
    )
    refused(
        AssessmentError,
        lambda: services.update_indicator(
            group, IndicatorInput(code="1", name="组", kind="manual", max_points="5"), actor=office
        ),
        field="kind",
    )


def test_the_assessor_is_a_member_of_the_office(office, editor):
    scheme = build_scheme(office, activate=False)
    refused(
        AssessmentError,
        lambda: services.update_indicator(
            indicator(scheme, "2"),
            IndicatorInput(code="2", name="日常抽测", kind="manual", max_points="10",
                           assessor=editor),
            actor=office,
        ),
        field="assessor",
    )  # fmt: skip


# --------------------------------------------------------------------------- hand scores


def test_a_hand_score_needs_a_comment_and_evidence(office, scheme, agency, evidence_document):
    refused(AssessmentError, lambda: hand(scheme, "2", agency, office, comment=" ",
                                          documents=[evidence_document]),
            field="comment")  # fmt: skip
    refused(AssessmentError, lambda: hand(scheme, "2", agency, office), field="documents",
            message="evidence")  # fmt: skip
    draft = document(agency, published=None)
    refused(AssessmentError, lambda: hand(scheme, "2", agency, office, documents=[draft]),
            field="documents", message="not a public document")  # fmt: skip
    refused(AssessmentError, lambda: hand(scheme, "2", agency, office, points="10.5",
                                          documents=[evidence_document]),
            field="points", message="more than 10")  # fmt: skip
    refused(AssessmentError, lambda: hand(scheme, "2", agency, office, points="-1",
                                          documents=[evidence_document]),
            field="points")  # fmt: skip

    score = hand(scheme, "2", agency, office, documents=[evidence_document])

    assert (score.points, score.assessor) == (Decimal("8.00"), office)
    assert list(score.documents.all()) == [evidence_document]
    entry = AuditEntry.objects.get(action="assessment.record_hand_score")
    assert entry.agency_id == agency.pk and entry.details["points"] == "8.00"


def test_a_file_is_evidence_too_and_a_new_score_replaces_the_old(office, scheme, agency):
    upload = SimpleUploadedFile("抽查截图.png", make_png(), content_type="image/png")
    score = hand(scheme, "2", agency, office, files=[upload])
    evidence = score.files.get()
    assert (evidence.original_name, evidence.content_type) == ("抽查截图.png", "image/png")

    refused(AssessmentError, lambda: hand(scheme, "2", agency, office, remove_files=[evidence.pk]),
            field="documents")  # fmt: skip
    bad = SimpleUploadedFile("x.png", b"#!/bin/sh\n", content_type="image/png")
    refused(AssessmentError, lambda: hand(scheme, "2", agency, office, files=[bad]),
            field="evidence_files")  # fmt: skip

    again = hand(scheme, "2", agency, office, points="6", comment="复查仍未整改，再扣2分。")

    assert again.pk == score.pk and again.points == Decimal("6.00")
    assert HandScore.objects.count() == 1
    last = AuditEntry.objects.filter(action="assessment.record_hand_score").order_by("pk").last()
    assert last.details["before"] == {"points": "8.00", "comment": "抽查发现问题，扣2分。"}


def test_only_the_assigned_assessor_scores_by_hand(
    office, colleague, editor, agency, evidence_document
):
    scheme = build_scheme(office, assessor=office)
    for actor in (colleague, editor):
        refused(
            AssessmentPermissionDenied,
            lambda actor=actor: hand(scheme, "2", agency, actor, documents=[evidence_document]),
        )
    unassigned = build_scheme(office, year=2026)  # no assessor: any member of the office
    assert (
        hand(unassigned, "2", agency, colleague, documents=[evidence_document]).assessor
        == colleague
    )


def test_a_hand_score_is_for_a_member_of_the_year(
    office, scheme, agency_factory, evidence_document
):
    outsider = agency_factory()
    refused(AssessmentError, lambda: hand(scheme, "2", outsider, office,
                                          documents=[evidence_document]),
            field="agency")  # fmt: skip


# --------------------------------------------------------------------------- publication


def test_scores_are_published_after_the_year_and_frozen(
    office, scheme, agency, other_agency, evidence_document
):
    info_request(agency, received=D(2025, 3, 1), due=D(2025, 3, 28), replied=D(2025, 3, 10))
    info_request(agency, received=D(2025, 4, 1), due=D(2025, 4, 28), replied=D(2025, 4, 30))
    hand(scheme, "2", agency, office, documents=[evidence_document])
    refused(AssessmentError, lambda: services.publish_scores(scheme, actor=office, now=DURING_YEAR),
            message="after the year is over")  # fmt: skip

    scorecards = services.publish_scores(scheme, actor=office, now=AFTER_YEAR)

    scheme.refresh_from_db()
    assert scheme.published_at == AFTER_YEAR and scheme.is_frozen
    assert len(scorecards) == 3  # the two agencies and the office's own
    mine = Scorecard.objects.get(scheme=scheme, agency=agency)
    # 1 of 2 on time: 50% on a 60–100 line gives 0 of 20; 10 for publishing; 8 by hand.
    assert (mine.total, mine.rank, mine.period_start, mine.period_end) == (
        Decimal("18.00"), 3, D(2025, 1, 1), D(2025, 12, 31)
    )  # fmt: skip
    reply = Score.objects.get(scorecard=mine, indicator__code="1.1")
    assert (reply.figure, reply.numerator, reply.denominator, reply.points) == (
        Decimal("50.00"), 1, 2, Decimal("0.00")
    )  # fmt: skip
    assert [row["counted"] for row in reply.records] == [True, False]
    assert Score.objects.get(scorecard=mine, indicator__code="2").hand_score.points == 8
    assert Scorecard.objects.get(scheme=scheme, agency=other_agency).rank == 1

    # Frozen: nothing about the scheme or its scores changes any more.
    new = IndicatorInput(code="9", name="x", kind="manual", max_points="5")
    refused(WorkflowError, lambda: services.add_indicator(scheme, new, actor=office))
    refused(WorkflowError, lambda: hand(scheme, "2", other_agency, office,
                                        documents=[evidence_document]))  # fmt: skip
    refused(WorkflowError, lambda: services.delete_indicator(indicator(scheme, "3"), actor=office))
    refused(WorkflowError, lambda: services.update_scheme(scheme, title="改名", actor=office))
    refused(WorkflowError, lambda: services.publish_scores(scheme, actor=office, now=AFTER_YEAR))
    refused(
        WorkflowError, lambda: services.delete_hand_score(HandScore.objects.get(), actor=office)
    )

    # Later changes to the records do not alter what was published.
    info_request(agency, received=D(2025, 5, 1), due=D(2025, 5, 28), replied=D(2025, 5, 2))
    card = selectors.published_card(scheme, agency)
    assert card.total == Decimal("18.00")
    assert card.line_for(indicator(scheme, "1.1").pk).denominator == 2


def test_publication_waits_for_required_hand_scores(office, agency, evidence_document):
    rows = [{"code": "1", "name": "年度报告", "kind": "manual", "max_points": "10",
             "unscored": "required"}]  # fmt: skip
    scheme = build_scheme(office, rows=rows)
    refused(AssessmentError, lambda: services.publish_scores(scheme, actor=office, now=AFTER_YEAR),
            message="Hand scores are still missing")  # fmt: skip


def test_a_new_version_corrects_the_published_scorecards(office, scheme, agency, evidence_document):
    hand(scheme, "2", agency, office, documents=[evidence_document])
    services.publish_scores(scheme, actor=office, now=AFTER_YEAR)
    refused(AssessmentError, lambda: services.new_version(scheme, change_note=" ", actor=office),
            field="change_note")  # fmt: skip

    draft = services.new_version(scheme, change_note="加分项权重调整为3分", actor=office)

    assert (draft.version, draft.state, draft.previous) == (2, State.DRAFT, scheme)
    assert [i.code for i in selectors.leaves(draft)] == [i.code for i in selectors.leaves(scheme)]
    copied = HandScore.objects.get(indicator__scheme=draft)
    assert copied.points == Decimal("8.00") and list(copied.documents.all()) == [evidence_document]
    assert selectors.published_scheme(YEAR) == scheme  # until the correction is published

    services.update_indicator(
        indicator(draft, "3"),
        IndicatorInput(code="3", name="加分项", kind="manual", max_points="3", unscored="zero"),
        actor=office,
    )
    services.activate_scheme(draft, actor=office)
    scheme.refresh_from_db()
    assert scheme.state == State.CLOSED  # replaced; its published rows stay
    services.publish_scores(draft, actor=office, now=AFTER_YEAR + datetime.timedelta(days=3))

    assert selectors.published_scheme(YEAR) == draft
    assert selectors.earlier_publications(draft) == [scheme]
    assert Scorecard.objects.filter(scheme=scheme).count() == 2  # the agency and the office's
    assert selectors.max_total(selectors.indicator_tree(draft)) == Decimal("43.00")


def test_a_replaced_version_is_frozen_too(office):
    first = build_scheme(office)
    second = services.new_version(first, change_note="修订", actor=office)
    services.activate_scheme(second, actor=office)
    first.refresh_from_db()
    refused(WorkflowError, lambda: services.update_scheme(first, title="x", actor=office))


# --------------------------------------------------------------------------- accountability


def record(actor, agency, **overrides):
    values = {
        "person": PERSON, "person_title": "综合科科长", "reason": "未按时公开经适房分配信息。",
        "measure": AccountabilityRecord.Measure.ADMONITION, "decided_on": D(2025, 12, 10),
        "decision_number": "张政办督〔2025〕6号", "actor": actor,
        "now": AFTER_YEAR,
    }  # fmt: skip
    values.update(overrides)
    return services.record_accountability(agency, **values)


def test_accountability_records_are_the_offices_and_name_no_person_in_the_audit(
    office, editor, agency
):
    refused(AssessmentPermissionDenied, lambda: record(editor, agency))
    refused(AssessmentError, lambda: record(office, agency, person=" "), field="person")
    refused(AssessmentError, lambda: record(office, agency, reason=""), field="reason")
    refused(AssessmentError, lambda: record(office, agency, measure="fine"), field="measure")
    refused(AssessmentError, lambda: record(office, agency, decided_on=D(2026, 2, 1)),
            field="decided_on")  # fmt: skip
    refused(AssessmentError, lambda: record(office, None), field="agency")

    made = record(office, agency)
    services.update_accountability(
        made, agency=agency, person="周建国", reason=made.reason, measure="criticism",
        decided_on=made.decided_on, actor=office, now=AFTER_YEAR,
    )  # fmt: skip

    entries = AuditEntry.objects.filter(action__startswith="assessment.").filter(
        action__contains="accountability"
    )
    assert entries.count() == 2
    for entry in entries:
        assert PERSON not in str(entry.details) and "周建国" not in str(entry.details)
        assert PERSON not in entry.object_repr and "周建国" not in entry.object_repr
    assert entries.order_by("pk").last().details["person_changed"] is True


def test_the_yearly_summary_counts_by_measure_without_persons(office, agency, other_agency):
    record(office, agency)
    record(office, other_agency, measure="criticism", decided_on=D(2025, 3, 1))
    record(office, agency, measure="criticism", decided_on=D(2025, 5, 1))
    record(office, agency, decided_on=D(2024, 5, 1), now=AFTER_YEAR)

    summary = selectors.accountability_summary(2025)

    counts = {row["measure"]: row["count"] for row in summary["by_measure"]}
    assert (summary["total"], summary["agencies"]) == (3, 2)
    assert counts["admonition"] == 1 and counts["criticism"] == 2 and counts["other"] == 0
    assert len(summary["by_measure"]) == len(AccountabilityRecord.Measure.choices)
    assert PERSON not in str(summary)


def test_evidence_files_outlive_a_copy(office, scheme, agency):
    upload = SimpleUploadedFile("记录.png", make_png(), content_type="image/png")
    hand(scheme, "2", agency, office, files=[upload])
    services.new_version(scheme, change_note="复制", actor=office)
    names = set(EvidenceFile.objects.values_list("file", flat=True))
    assert EvidenceFile.objects.count() == 2 and len(names) == 1  # one stored file, two rows

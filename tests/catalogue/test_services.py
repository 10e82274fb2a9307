"""The services of the catalogue: the path of a document from draft to public and after."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from gongkai.agencies.models import StaffRole
from gongkai.catalogue import services
from gongkai.catalogue.models import (
    AgencyCatalogueSettings,
    Document,
    DocumentEvent,
    DocumentRelation,
    DocumentVersion,
    NormativeRegistration,
    SensitiveTerm,
)
from gongkai.catalogue.selectors.staff import late_publications, version_diff, versions_of
from gongkai.catalogue.services import CatalogueError, CataloguePermissionDenied, ScreeningBlocked
from gongkai.core.models import AuditEntry
from tests.catalogue.conftest import make_docx, make_xlsx, upload

State = Document.State
TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2024, 3, 11, 10, 0, tzinfo=TZ)
RESIDENT_ID = "11010519491231002X"


def _published_versions(document):
    return list(DocumentVersion.objects.filter(document=document).values_list("number", flat=True))


# --- Drafts --------------------------------------------------------------------------------


def test_create_document_makes_a_sanitised_draft_with_its_event(document_factory, editor):
    document = document_factory(
        body='<p onclick="x()">正文</p><script>alert(1)</script>', doc_number="张政办发[2014]50号"
    )
    assert document.state == State.DRAFT
    assert "script" not in document.body and "onclick" not in document.body
    assert document.doc_number == "张政办发〔2014〕50号"
    assert document.doc_number_key == "张政办发〔2014〕50号"
    assert document.index_number is None  # allocated at first publication only
    event = document.events.get()
    assert (event.code, event.actor, event.to_state) == ("created", editor, State.DRAFT)
    assert AuditEntry.objects.filter(action="catalogue.create_document").count() == 1


def test_news_items_need_no_document_number_but_normative_documents_do(document_factory):
    news = document_factory(kind=Document.Kind.NEWS, title="区长调研工作", formation_date=None)
    assert news.doc_number == ""
    with pytest.raises(CatalogueError, match="normative document needs its document number"):
        document_factory(is_normative=True)


def test_a_bad_document_number_is_refused_and_nothing_is_made(document_factory):
    with pytest.raises(CatalogueError, match="is not a document number") as caught:
        document_factory(doc_number="第五十号")
    assert caught.value.field == "doc_number"
    assert not Document.objects.exists()


def test_reg_18_a_withheld_document_needs_a_reason_and_a_reassessment_date(
    document_factory, agency
):
    AgencyCatalogueSettings.objects.create(agency=agency, reassess_months=6)
    with pytest.raises(CatalogueError, match="reason why the document is not disclosed"):
        document_factory(manner=Document.Manner.WITHHELD)
    document = document_factory(
        manner=Document.Manner.WITHHELD, manner_reason="涉及第三方商业秘密", now=NOW
    )
    assert document.reassess_on == datetime.date(2024, 9, 11)


def test_update_document_changes_a_draft_and_records_the_fields(document_factory, editor):
    document = document_factory()
    services.update_document(document, actor=editor, title="新标题", keywords="教育")
    document.refresh_from_db()
    assert document.title == "新标题"
    event = document.events.get(code="updated")
    assert event.data == {"fields": ["keywords", "title"]}


def _snapshot(document):
    document.refresh_from_db()
    fields = {f.attname: getattr(document, f.attname) for f in Document._meta.concrete_fields}
    return fields, DocumentEvent.objects.count(), AuditEntry.objects.count()


def test_editors_of_another_agency_cannot_touch_a_draft_and_nothing_changes(
    document_factory, other_editor, other_reviewer
):
    document = document_factory()
    before = _snapshot(document)
    attempts = [
        lambda: services.update_document(document, actor=other_editor, title="改掉"),
        lambda: services.submit_document(document, actor=other_editor),
        lambda: services.add_attachment(
            document, actor=other_editor, uploaded_file=upload("a.docx", make_docx("x"))
        ),
        lambda: services.start_amendment(document, actor=other_editor),
    ]
    for attempt in attempts:
        with pytest.raises(CataloguePermissionDenied):
            attempt()
    assert _snapshot(document) == before
    assert not document.attachments.exists()


def test_another_agencys_reviewer_cannot_approve(document_factory, editor, other_reviewer):
    document = services.submit_document(document_factory(), actor=editor)
    before = _snapshot(document)
    with pytest.raises(CataloguePermissionDenied):
        services.approve_document(document, actor=other_reviewer)
    assert _snapshot(document) == before


def test_a_reviewer_cannot_edit_drafts(document_factory, reviewer):
    document = document_factory()
    with pytest.raises(CataloguePermissionDenied):
        services.update_document(document, actor=reviewer, title="x")


# --- Review and publication (REG 17) -------------------------------------------------------


def test_reg_17_nothing_is_public_before_approval(document_factory, editor, reviewer):
    document = document_factory()
    services.submit_document(document, actor=editor)
    document.refresh_from_db()
    assert document.state == State.SUBMITTED
    assert document.published_at is None and document.index_number is None
    assert not DocumentVersion.objects.exists()
    services.approve_document(document, actor=reviewer, now=NOW)
    assert document.state == State.PUBLISHED
    assert document.published_at == NOW
    assert _published_versions(document) == [1]
    codes = list(document.events.order_by("pk").values_list("code", flat=True))
    assert codes == ["created", "submitted", "approved", "published"]


def test_reg_17_no_one_approves_their_own_submission(document_factory, agency, staff_role_factory):
    both = staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR).user
    staff_role_factory(agency=agency, user=both, role=StaffRole.Role.REVIEWER)
    document = document_factory(actor=both)
    services.submit_document(document, actor=both)
    before = _snapshot(document)
    with pytest.raises(CataloguePermissionDenied):
        services.approve_document(document, actor=both)
    assert _snapshot(document) == before
    assert document.state == State.SUBMITTED


def test_approving_a_draft_is_a_workflow_error(document_factory, reviewer):
    document = document_factory()
    with pytest.raises(services.WorkflowError):
        services.approve_document(document, actor=reviewer)
    assert document.state == State.DRAFT


def test_reject_needs_a_comment_and_returns_the_draft(document_factory, editor, reviewer):
    document = services.submit_document(document_factory(), actor=editor)
    with pytest.raises(CatalogueError, match="Say what the editor should change"):
        services.reject_document(document, actor=reviewer, comment="  ")
    services.reject_document(document, actor=reviewer, comment="请补充内容概述")
    assert document.state == State.DRAFT
    event = document.events.get(code="rejected")
    assert (event.actor, event.comment, event.from_state) == (
        reviewer,
        "请补充内容概述",
        "submitted",
    )


def test_a_resident_id_inside_an_attachment_blocks_approval(document_factory, editor, reviewer):
    document = document_factory()
    services.add_attachment(
        document,
        actor=editor,
        uploaded_file=upload("名单.xlsx", make_xlsx(("姓名", "身份证号"), ("张三", RESIDENT_ID))),
    )
    services.submit_document(document, actor=editor)
    finding = document.findings.get(kind="resident_id")
    assert finding.severity == "needs_reason"
    assert finding.location.endswith(":名单.xlsx")
    assert RESIDENT_ID not in finding.snippet and "110105********002X" in finding.snippet
    before = _snapshot(document)
    with pytest.raises(ScreeningBlocked, match="resident ID number in the attachment") as caught:
        services.approve_document(document, actor=reviewer)
    assert RESIDENT_ID not in str(caught.value)
    assert _snapshot(document) == before
    assert not DocumentVersion.objects.exists()


def test_an_accepted_reason_lets_personal_data_stand(document_factory, editor, reviewer):
    document = document_factory(body="<p>联系人：李科长，电话 13812345678。</p>")
    services.submit_document(document, actor=editor)
    finding = document.findings.get(kind="mobile")
    services.approve_document(
        document, actor=reviewer, accept_reasons={finding.pk: "工作人员的办公手机，可以公开"}
    )
    assert document.state == State.PUBLISHED
    accepted = document.findings.get(run=2, kind="mobile")
    assert (accepted.accepted_reason, accepted.accepted_by) == (
        "工作人员的办公手机，可以公开",
        reviewer,
    )
    assert document.events.get(code="approved").data["accepted"] == [accepted.pk]


def test_a_secrecy_marking_blocks_approval_even_with_a_reason(document_factory, editor, reviewer):
    document = document_factory(body="<p>机密★一年</p><p>关于某事项的通知</p>")
    services.submit_document(document, actor=editor)
    finding = document.findings.get(kind="secrecy")
    with pytest.raises(ScreeningBlocked, match="secrecy marking"):
        services.approve_document(document, actor=reviewer, accept_reasons={finding.pk: "无妨"})
    document.refresh_from_db()
    assert document.state == State.SUBMITTED


def test_screening_runs_again_on_approval_over_current_terms(document_factory, editor, reviewer):
    document = document_factory(body="<p>本通知仅限内部使用范围外的说明。</p><p>内部资料</p>")
    SensitiveTerm.objects.filter(term="内部资料").update(active=False)
    services.submit_document(document, actor=editor)
    assert not document.findings.filter(kind="secrecy").exists()
    SensitiveTerm.objects.filter(term="内部资料").update(active=True)
    with pytest.raises(ScreeningBlocked):
        services.approve_document(document, actor=reviewer)


def test_index_number_is_allocated_once_from_the_agency_pattern(
    document_factory, publish, agency, editor, reviewer
):
    AgencyCatalogueSettings.objects.create(
        agency=agency, index_pattern="{org_code}-{year}-{serial:03d}"
    )
    first = publish(document_factory(), now=NOW)
    second = publish(document_factory(), now=NOW)
    assert first.index_number == f"{agency.org_code}-2024-001"
    assert second.index_number == f"{agency.org_code}-2024-002"
    services.start_amendment(first, actor=editor)
    services.update_document(first, actor=editor, body="<p>修订后的正文。</p>")
    publish(first, now=NOW + datetime.timedelta(days=400))
    first.refresh_from_db()
    assert first.index_number == f"{agency.org_code}-2024-001"  # never changed
    assert first.version == 2


def test_normative_documents_are_registered_once(document_factory, publish, agency, editor):
    AgencyCatalogueSettings.objects.create(
        agency=agency, registration_pattern="ZGD-{year}-{serial:03d}"
    )
    one = publish(document_factory(is_normative=True, doc_number="张政发〔2024〕1号"), now=NOW)
    two = publish(document_factory(is_normative=True, doc_number="张政发〔2024〕2号"), now=NOW)
    plain = publish(document_factory(), now=NOW)
    assert [r.number for r in NormativeRegistration.objects.order_by("serial")] == [
        "ZGD-2024-001",
        "ZGD-2024-002",
    ]
    assert one.registration.number == "ZGD-2024-001" and two.registration.serial == 2
    assert not NormativeRegistration.objects.filter(document=plain).exists()
    services.start_amendment(one, actor=editor)
    publish(one, now=NOW)
    assert NormativeRegistration.objects.filter(document=one).count() == 1


def test_scheduled_publication_waits_for_its_time(document_factory, publish):
    later = NOW + datetime.timedelta(days=2)
    document = publish(document_factory(), now=NOW, publish_at=later)
    assert document.state == State.APPROVED and document.scheduled_for == later
    assert document.index_number is None and not DocumentVersion.objects.exists()
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert services.publish_due_documents() == []
    with time_machine.travel(later + datetime.timedelta(minutes=1), tick=False):
        assert services.publish_due_documents() == [document]
        assert services.publish_due_documents() == []  # repeat-safe
    document.refresh_from_db()
    assert document.state == State.PUBLISHED and document.scheduled_for is None
    assert document.events.get(code="published").actor is None  # the system


def test_withdrawal_is_final_and_needs_a_reason(document_factory, publish, reviewer, editor):
    document = publish(document_factory())
    with pytest.raises(CatalogueError, match="reason for the withdrawal"):
        services.withdraw_document(document, actor=reviewer, reason="")
    with pytest.raises(CataloguePermissionDenied):
        services.withdraw_document(document, actor=editor, reason="错发")
    services.withdraw_document(document, actor=reviewer, reason="错发")
    assert document.state == State.WITHDRAWN and not document.is_public
    with pytest.raises(CatalogueError):
        services.start_amendment(document, actor=editor)


def test_the_office_may_withdraw(document_factory, publish, office_user):
    document = publish(document_factory())
    services.withdraw_document(document, actor=office_user, reason="公开办要求撤下")
    assert document.state == State.WITHDRAWN


def test_an_amendment_makes_version_2_and_a_diff_while_version_1_stays_public(
    document_factory, publish, editor, reviewer
):
    document = publish(
        document_factory(title="旧标题", body="<p>第一段。</p><p>第二段。</p>"), now=NOW
    )
    services.start_amendment(document, actor=editor, changed_date=datetime.date(2024, 4, 1))
    assert (document.state, document.amendment_state) == (State.PUBLISHED, State.DRAFT)
    services.update_document(
        document, actor=editor, title="新标题", body="<p>第一段。</p><p>新的第二段。</p>"
    )
    services.submit_document(document, actor=editor)
    assert document.state == State.PUBLISHED  # still public, version 1
    assert _published_versions(document) == [1]
    services.approve_document(document, actor=reviewer, now=NOW + datetime.timedelta(days=30))
    assert (document.state, document.amendment_state, document.version) == (State.PUBLISHED, "", 2)
    assert document.published_at == NOW  # the first publication date stays
    one, two = versions_of(document)
    assert (one.title, two.title) == ("旧标题", "新标题")
    diffs = {diff.field: diff for diff in version_diff(one, two)}
    assert "-旧标题" in diffs["title"].lines and "+新标题" in diffs["title"].lines
    assert "+新的第二段。" in diffs["body"].lines and not diffs["summary"].changed


def test_attachments_of_an_amendment_become_public_with_it(document_factory, publish, editor):
    document = document_factory()
    old = services.add_attachment(
        document, actor=editor, uploaded_file=upload("a.docx", make_docx("旧"))
    )
    publish(document)
    services.start_amendment(document, actor=editor)
    new = services.add_attachment(
        document, actor=editor, uploaded_file=upload("b.docx", make_docx("新"))
    )
    services.remove_attachment(old, actor=editor)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.pending_change, new.pending_change) == ("removed", "added")
    publish(document)
    assert list(document.attachments.values_list("original_name", "pending_change")) == [
        ("b.docx", "")
    ]
    assert [a["name"] for a in document.versions.get(number=2).metadata["attachments"]] == [
        "b.docx"
    ]


def test_repeal_links_the_successor(document_factory, publish, reviewer, editor):
    old = publish(document_factory(title="旧办法"))
    new = publish(document_factory(title="新办法"))
    draft = document_factory(title="未发布")
    with pytest.raises(CatalogueError, match="must be published first"):
        services.repeal_document(
            old, actor=reviewer, repealed_by=draft, date=datetime.date(2025, 1, 1)
        )
    with pytest.raises(CataloguePermissionDenied):
        services.repeal_document(old, actor=editor, repealed_by=new, date=datetime.date(2025, 1, 1))
    services.repeal_document(old, actor=reviewer, repealed_by=new, date=datetime.date(2025, 1, 1))
    old.refresh_from_db()
    assert (old.validity, old.repeal_date) == (
        Document.Validity.REPEALED,
        datetime.date(2025, 1, 1),
    )
    relation = DocumentRelation.objects.get()
    assert (relation.source, relation.target, relation.kind) == (new, old, "repeals")
    assert list(old.relations_in.values_list("source__title", flat=True)) == ["新办法"]


def test_set_validity_amended_links_the_amending_document(document_factory, publish, reviewer):
    old = publish(document_factory())
    new = publish(document_factory())
    services.set_validity(old, actor=reviewer, validity=Document.Validity.AMENDED, by=new)
    assert old.validity == "amended"
    assert DocumentRelation.objects.get().kind == "amends"


def test_link_interpretation_both_ways(document_factory, publish, editor, other_editor):
    policy = publish(document_factory(needs_interpretation=True))
    interpretation = document_factory(kind=Document.Kind.INTERPRETATION, title="解读")
    assert interpretation.interpretation_format == "text"
    services.link_interpretation(interpretation, policies=[policy], actor=editor)
    assert list(policy.interpretations.all()) == [interpretation]
    assert policy.events.filter(code="interpretation_linked").exists()
    with pytest.raises(CataloguePermissionDenied):
        services.link_interpretation(interpretation, policies=[policy], actor=other_editor)


def test_reg_18_reassessment_keeps_or_releases_a_withheld_document(
    document_factory, publish, reviewer, office_user
):
    document = publish(
        document_factory(manner=Document.Manner.WITHHELD, manner_reason="涉及个人隐私"), now=NOW
    )
    assert document.state == State.PUBLISHED and not document.is_public
    services.reassess_withheld(
        document,
        actor=office_user,
        manner=Document.Manner.WITHHELD,
        reason="仍涉及个人隐私",
        now=NOW,
    )
    assert document.reassess_on == datetime.date(2025, 3, 11)
    services.reassess_withheld(
        document, actor=reviewer, manner=Document.Manner.PROACTIVE, reason="已脱敏，可以公开"
    )
    assert document.is_public and document.reassess_on is None
    with pytest.raises(CatalogueError, match="Only a withheld document"):
        services.reassess_withheld(document, actor=reviewer, manner="withheld", reason="x")


def test_reg_26_late_publication_is_recorded_and_counted(document_factory, publish, agency):
    on_time = publish(document_factory(formation_date=datetime.date(2024, 3, 1)), now=NOW)
    late = publish(document_factory(formation_date=datetime.date(2024, 1, 2)), now=NOW)
    assert on_time.versions.get().metadata["late"] is False
    version = late.versions.get()
    assert version.metadata["late"] is True and version.metadata["due_date"] == "2024-01-30"
    assert list(
        late_publications(agency, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    ) == [version]
    assert timezone.localdate(version.published_at) == datetime.date(2024, 3, 11)

"""Periodic jobs: scheduled publication, missing interpretations (三同步), REG 18 re-assessment."""

import datetime
from io import StringIO

import time_machine
from django.core.management import call_command

from gongkai.catalogue import services, tasks
from gongkai.catalogue.models import Document
from gongkai.catalogue.queue import catalogue_items

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2024, 3, 11, 10, 0, tzinfo=TZ)


def test_run_catalogue_jobs_publishes_scheduled_documents_once(document_factory, publish):
    document = publish(document_factory(), now=NOW, publish_at=NOW + datetime.timedelta(hours=1))
    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        out = StringIO()
        call_command("run_catalogue_jobs", stdout=out)
        assert "published: 1" in out.getvalue()
        assert tasks.publish_scheduled() == 0
    document.refresh_from_db()
    assert document.state == Document.State.PUBLISHED


def test_policies_missing_interpretations_are_flagged_after_the_lag_once(
    document_factory, publish, editor, office_user, agency
):
    policy = publish(document_factory(needs_interpretation=True), now=NOW)  # Monday
    # Three working days later (Thursday) the interpretation is not yet late.
    assert tasks.flag_missing_interpretations(now=NOW + datetime.timedelta(days=3)) == 0
    friday = NOW + datetime.timedelta(days=4)
    assert tasks.flag_missing_interpretations(now=friday) == 1
    assert tasks.flag_missing_interpretations(now=friday) == 0  # repeat-safe
    assert policy.events.filter(code="interpretation_missing").count() == 1
    with time_machine.travel(friday, tick=False):
        office_kinds = [str(item.kind) for item in catalogue_items(office_user, agency)]
        assert "policy interpretation" in office_kinds
    interpretation = document_factory(kind=Document.Kind.INTERPRETATION, title="解读")
    services.link_interpretation(interpretation, policies=[policy], actor=editor)
    publish(interpretation, now=friday)
    assert tasks.flag_missing_interpretations(now=friday + datetime.timedelta(days=7)) == 0


def test_reg_18_withheld_documents_come_back_to_the_office(
    document_factory, publish, office_user, editor, agency
):
    document = publish(
        document_factory(manner=Document.Manner.WITHHELD, manner_reason="涉及个人隐私", now=NOW),
        now=NOW,
    )
    assert tasks.send_reassessments_due(now=NOW) == 0
    a_year_later = NOW + datetime.timedelta(days=366)
    assert tasks.send_reassessments_due(now=a_year_later) == 1
    assert tasks.send_reassessments_due(now=a_year_later) == 0
    with time_machine.travel(a_year_later, tick=False):
        items = list(catalogue_items(office_user, None))
        assert [(item.title, item.due) for item in items] == [
            (document.title, document.reassess_on)
        ]
        assert list(catalogue_items(editor, agency)) == []


def test_queues_of_editors_and_reviewers(document_factory, editor, reviewer, agency):
    draft = document_factory()
    submitted = services.submit_document(document_factory(), actor=editor)
    returned = services.submit_document(document_factory(), actor=editor)
    services.reject_document(returned, actor=reviewer, comment="请修改")
    editor_items = {item.title: str(item.state) for item in catalogue_items(editor, agency)}
    assert editor_items == {draft.title: "draft", returned.title: "returned by the reviewer"}
    reviewer_items = list(catalogue_items(reviewer, agency))
    assert [item.title for item in reviewer_items] == [submitted.title]
    assert reviewer_items[0].due == datetime.date(2024, 3, 29)  # REG 26: 20 wd after 1 March
    assert reviewer_items[0].url.endswith(f"/{submitted.pk}/")


def test_a_scheduled_approval_queues_its_publication_for_that_time(
    document_factory, publish, settings
):
    """With the database task backend, a worker publishes the document at its time (decision
    0031); the job is written with the approval."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    later = NOW + datetime.timedelta(hours=1)
    publish(document_factory(), now=NOW, publish_at=later)
    job = DBTaskResult.objects.get(task_path="gongkai.catalogue.tasks.publish_scheduled_documents")
    assert job.run_after == later
    # Published at once: nothing to wait for.
    publish(document_factory(), now=NOW)
    assert DBTaskResult.objects.filter(task_path__startswith="gongkai.catalogue").count() == 1


def test_the_catalogue_tasks_run_the_commands_jobs(document_factory, publish):
    document = publish(document_factory(), now=NOW, publish_at=NOW + datetime.timedelta(hours=1))
    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        assert tasks.publish_scheduled_documents.call() == 1
        assert tasks.run_catalogue_jobs.call()["published"] == 0
    document.refresh_from_db()
    assert document.state == Document.State.PUBLISHED

"""Exports through the task queue (decision 0041): asked for with a check, built by a job on
either backend with the permission checked again, kept in private storage for the asker, and
deleted with their files after ``GONGKAI_EXPORT_DAYS``."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gongkai.core import exports
from gongkai.core.exports import (
    ExportError,
    ExportFile,
    ExportRefused,
    register_exporter,
    unregister_exporter,
)
from gongkai.core.models import AuditEntry, Export
from gongkai.core.tasks import prune_task_results

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SAMPLE = "tests.sample"
SECRET = "张三 13800138000"  # what a file may hold, and no log line may
ALLOWED: set[int] = set()
State = Export.State


def check(user, parameters):
    if user.pk not in ALLOWED:
        raise ExportRefused("Not for you.")
    if not parameters.get("n", "").isdigit():
        raise ExportError("Give a number.")
    return f"Sample {parameters['n']}"


def build(user, parameters):
    if parameters["n"] == "13":
        raise RuntimeError(f"unlucky {SECRET}")
    return ExportFile(
        filename="样本.csv",
        content_type="text/csv; charset=utf-8",
        content=f"n,{parameters['n']}\r\n{SECRET}\r\n".encode(),
    )


@pytest.fixture(autouse=True)
def sample(private_media):
    register_exporter(SAMPLE, parameters=("n",), check=check, build=build)
    ALLOWED.clear()
    yield
    unregister_exporter(SAMPLE)


@pytest.fixture
def asker(user_factory):
    user = user_factory()
    ALLOWED.add(user.pk)
    return user


def ask(user, n="7", **extra):
    return exports.request_export(user, kind=SAMPLE, parameters={"n": n, **extra}, language="en")


def test_asked_for_the_export_is_built_after_the_commit_in_private_storage(
    db, asker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = ask(asker, junk="dropped")
        assert export.state == State.QUEUED  # not before the commit
    export.refresh_from_db()
    assert export.state == State.DONE
    assert export.parameters == {"n": "7"}  # what the exporter does not take is not kept
    assert export.description == "Sample 7"
    assert (export.filename, export.content_type) == ("样本.csv", "text/csv; charset=utf-8")
    assert export.file.name.startswith("exports/") and "样本" not in export.file.name
    with export.file.open("rb") as handle:
        assert handle.read() == f"n,7\r\n{SECRET}\r\n".encode()
    assert export.size == export.file.size
    assert export.finished_at is not None and export.started_at is not None
    entry = AuditEntry.objects.get(action="exports.request")
    assert (entry.actor, entry.object_id) == (asker, str(export.pk))
    assert entry.details == {"kind": SAMPLE, "parameters": {"n": "7"}}


@pytest.mark.parametrize(
    ("kind", "parameters", "error", "message"),
    [
        ("no.such", {"n": "1"}, ExportError, "There is no export of this kind."),
        (SAMPLE, {"n": "x"}, ExportError, "Give a number."),
        (SAMPLE, {}, ExportError, "Give a number."),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(db, asker, kind, parameters, error, message):
    with pytest.raises(error) as raised:
        exports.request_export(asker, kind=kind, parameters=parameters, language="en")
    assert raised.value.message == message
    assert not Export.objects.exists() and not AuditEntry.objects.exists()


def test_who_may_not_have_it_is_refused_and_nothing_is_written(db, user_factory, asker):
    with pytest.raises(ExportRefused):
        ask(user_factory())
    asker.is_active = False
    asker.save(update_fields=["is_active"])
    with pytest.raises(ExportRefused):
        ask(asker)
    assert not Export.objects.exists() and not AuditEntry.objects.exists()


def test_a_permission_withdrawn_before_the_job_runs_fails_it_with_a_translated_message(
    db, asker, django_capture_on_commit_callbacks
):
    export = ask(asker)
    ALLOWED.discard(asker.pk)
    exports.run_export(export.pk)
    export.refresh_from_db()
    assert (export.state, export.error) == (State.FAILED, "Not for you.")
    assert not export.file

    ALLOWED.add(asker.pk)
    chinese = exports.request_export(asker, kind=SAMPLE, parameters={"n": "1"}, language="zh-hans")
    unregister_exporter(SAMPLE)  # an exporter gone with an upgrade
    exports.run_export(chinese.pk)
    chinese.refresh_from_db()
    assert chinese.state == State.FAILED
    assert chinese.error == "没有这一类导出。"


def test_a_broken_exporter_fails_the_export_without_logging_its_data(db, asker, caplog):
    export = ask(asker, n="13")
    with caplog.at_level(logging.ERROR, logger="gongkai.core.exports"):
        assert exports.run_export(export.pk).state == State.FAILED
    export.refresh_from_db()
    assert export.error.startswith("The export could not be made.")
    assert "RuntimeError" in caplog.text and f"export {export.pk}".lower() in caplog.text.lower()
    assert SECRET not in caplog.text and SECRET not in export.error


def test_the_job_is_repeat_safe(db, asker):
    export = ask(asker)
    assert exports.run_export(export.pk).state == State.DONE
    first = Export.objects.get().file.name
    assert exports.run_export(export.pk) is None  # already built: left alone
    assert exports.run_export(export.pk + 1000) is None  # deleted: nothing to do
    assert Export.objects.get().file.name == first


def test_with_the_database_backend_a_worker_builds_it(transactional_db, settings, asker):
    settings.TASKS = DATABASE
    export = ask(asker)
    assert Export.objects.get().state == State.QUEUED
    assert DBTaskResult.objects.get().task_path == "gongkai.core.tasks.build_export"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    export.refresh_from_db()
    assert export.state == State.DONE
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_rolled_back_request_leaves_no_export_and_no_job(transactional_db, settings, asker):
    from django.db import transaction

    settings.TASKS = DATABASE
    with pytest.raises(RuntimeError), transaction.atomic():
        ask(asker)
        raise RuntimeError("the caller fails")
    assert not Export.objects.exists() and not DBTaskResult.objects.exists()


def test_opening_rechecks_the_permission_and_records_the_download(db, asker, user_factory):
    export = exports.run_export(ask(asker).pk)
    with exports.open_export(export, actor=asker) as handle:
        assert SECRET.encode() in handle.read()
    entry = AuditEntry.objects.get(action="exports.download")
    assert (entry.actor, entry.kind, entry.object_id) == (
        asker,
        AuditEntry.Kind.READ,
        str(export.pk),
    )
    with pytest.raises(ExportRefused):
        exports.open_export(export, actor=user_factory())
    ALLOWED.discard(asker.pk)
    with pytest.raises(ExportRefused):
        exports.open_export(export, actor=asker)
    assert AuditEntry.objects.filter(action="exports.download").count() == 1


def test_each_sees_only_their_own_exports(db, asker, user_factory):
    other = user_factory()
    ALLOWED.add(other.pk)
    mine, theirs = ask(asker), ask(other)
    assert list(exports.exports_of(asker)) == [mine]
    assert list(exports.exports_of(other)) == [theirs]


def test_the_prune_job_deletes_expired_exports_with_their_files(db, asker, settings):
    settings.GONGKAI_EXPORT_DAYS = 7
    now = timezone.now()
    old = exports.run_export(ask(asker).pk)
    fresh = exports.run_export(ask(asker).pk)
    lost = ask(asker)  # never built (a worker killed): deleted once as old
    Export.objects.filter(pk__in=[old.pk, lost.pk]).update(
        created_at=now - datetime.timedelta(days=9)
    )
    Export.objects.filter(pk=old.pk).update(finished_at=now - datetime.timedelta(days=8))
    storage, old_name = old.file.storage, old.file.name

    result = prune_task_results.call()

    assert result["exports"] == 2
    assert list(Export.objects.all()) == [fresh]
    assert not storage.exists(old_name) and storage.exists(fresh.file.name)
    assert prune_task_results.call()["exports"] == 0  # repeat-safe


def test_an_exports_file_goes_with_its_row_however_it_is_deleted(
    db, asker, django_capture_on_commit_callbacks
):
    """The file may hold personal data: a row deleted by a queryset (as a cascade deletes it,
    not only the prune job) takes its file with it, after the commit."""
    export = exports.run_export(ask(asker).pk)
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        Export.objects.filter(pk=export.pk).delete()
    assert not storage.exists(name)

"""My exports (我的导出, decision 0041): the list of one's own exports and their download —
to the member of staff who asked alone, never cached, refused once the permission is gone."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from gongkai.agencies.models import StaffRole
from gongkai.core import exports
from gongkai.core.exports import ExportFile, ExportRefused, register_exporter, unregister_exporter
from gongkai.core.models import AuditEntry, Export

pytestmark = pytest.mark.django_db

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SAMPLE = "tests.workbench_sample"
SECRET = "李四 13900139000"
ALLOWED: set[int] = set()
MY_EXPORTS = reverse("workbench:exports")


def check(user, parameters):
    if user.pk not in ALLOWED:
        raise ExportRefused("You may no longer have this export.")
    return "Sample"


def build(user, parameters):
    return ExportFile(
        filename="名单 2026.csv",
        content_type="text/csv; charset=utf-8",
        content=SECRET.encode(),
    )


@pytest.fixture(autouse=True)
def sample(private_media):
    register_exporter(SAMPLE, parameters=(), check=check, build=build)
    ALLOWED.clear()
    yield
    unregister_exporter(SAMPLE)


@pytest.fixture
def editor(staff_role_factory, agency):
    user = staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR).user
    ALLOWED.add(user.pk)
    return user


@pytest.fixture
def office(staff_role_factory, agency):
    user = staff_role_factory(agency=agency, role=StaffRole.Role.OFFICE).user
    ALLOWED.add(user.pk)
    return user


def built(user) -> Export:
    export = exports.request_export(user, kind=SAMPLE, parameters={}, language="en")
    return exports.run_export(export.pk)


def download_url(export: Export) -> str:
    return reverse("workbench:export_download", args=[export.pk])


def test_my_exports_lists_only_mine_with_a_download_when_ready(
    client, editor, office, django_assert_max_num_queries
):
    mine = [built(editor) for _ in range(3)]
    theirs = built(office)
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        response = client.get(MY_EXPORTS)
    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    for export in mine:
        assert f'data-testid="export-{export.pk}"' in page
        assert download_url(export) in page
    assert f'data-testid="export-{theirs.pk}"' not in page
    assert download_url(theirs) not in page
    assert "名单 2026.csv" in page and SECRET not in page
    assert 'data-testid="exports-pending"' not in page


def test_the_download_is_the_file_for_its_asker_only(client, editor, office):
    export = built(editor)
    client.force_login(editor)
    response = client.get(download_url(export))
    assert response.status_code == 200
    assert response.getvalue() == SECRET.encode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "filename*=UTF-8''%E5%90%8D%E5%8D%95%202026.csv" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    entry = AuditEntry.objects.get(action="exports.download")
    assert (entry.actor, entry.kind) == (editor, AuditEntry.Kind.READ)

    # Anyone else — the office, which reads every agency, included — gets a 404.
    client.force_login(office)
    assert client.get(download_url(export)).status_code == 404
    assert (
        client.get(reverse("workbench:export_download", args=[export.pk + 99])).status_code == 404
    )
    assert AuditEntry.objects.filter(action="exports.download").count() == 1


def test_a_download_whose_permission_is_gone_is_refused(client, editor):
    export = built(editor)
    ALLOWED.discard(editor.pk)
    client.force_login(editor)
    response = client.get(download_url(export))
    assert response.status_code == 403
    assert "You may no longer have this export." in response.content.decode()
    assert not AuditEntry.objects.filter(action="exports.download").exists()


def test_with_the_database_backend_the_page_says_it_is_being_prepared(
    client, editor, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE
    export = exports.request_export(editor, kind=SAMPLE, parameters={}, language="en")
    client.force_login(editor)
    page = client.get(MY_EXPORTS).content.decode()
    assert 'data-testid="exports-pending"' in page
    assert "准备中" in page  # the state, in the default language
    assert download_url(export) not in page
    assert client.get(download_url(export)).status_code == 404  # nothing to download yet


def test_a_worker_makes_it_ready_for_the_next_refresh(transactional_db, client, editor, settings):
    settings.TASKS = DATABASE
    export = exports.request_export(editor, kind=SAMPLE, parameters={}, language="en")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    client.force_login(editor)
    page = client.get(MY_EXPORTS).content.decode()
    assert 'data-testid="exports-pending"' not in page
    assert download_url(export) in page


def test_a_failed_export_shows_its_message(client, editor):
    export = exports.request_export(editor, kind=SAMPLE, parameters={}, language="en")
    ALLOWED.discard(editor.pk)
    exports.run_export(export.pk)
    ALLOWED.add(editor.pk)
    client.force_login(editor)
    page = client.get(MY_EXPORTS).content.decode()
    assert "You may no longer have this export." in page
    assert download_url(export) not in page


def test_my_exports_speaks_chinese_by_default(client, editor):
    built(editor)
    client.force_login(editor)
    page = client.get(MY_EXPORTS, headers={"accept-language": "zh-hans"}).content.decode()
    assert "我的导出" in page and "可下载" in page

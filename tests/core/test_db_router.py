"""Public reads from read replicas (issue 10, "Scale-out"; gongkai.core.db_router, decision 0034).

``replica_1`` is a test mirror of ``default`` (tests/conftest.py): what a test writes through
``default`` a read through ``replica_1`` finds, as on a streaming replica, and the queries each
alias runs are captured apart. Every test that uses ``replica_1`` is transactional: Django's
test transaction would otherwise hold every read on the primary (the router keeps reads inside
a transaction there) and keep the rows it writes from the replica's connection — and on SQLite
it opens a second write transaction on the mirror, which the first one locks out.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai import settings as project_settings
from gongkai.catalogue.models import Document, PageVisit
from gongkai.core import db_router
from gongkai.core.db_router import forget_unreachable, replica_reads
from gongkai.core.middleware import PRIMARY_COOKIE
from gongkai.info_requests.models import InfoRequest
from tests.catalogue.public_helpers import join, make_document
from tests.conftest import TEST_REPLICA

ROUTER = "gongkai.core.db_router.ReplicaRouter"
BOTH = ["default", TEST_REPLICA]
WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP")

replica_requests = pytest.mark.django_db(transaction=True, databases=BOTH)


@pytest.fixture
def replicas(settings):
    """The router on, as ``DATABASE_REPLICA_URLS`` switches it on; every replica answering."""
    settings.DATABASE_ROUTERS = [ROUTER]
    settings.DATABASE_REPLICA_PIN_SECONDS = 10
    forget_unreachable()
    yield
    forget_unreachable()


class Queries:
    """The SQL each alias ran inside the block."""

    def __init__(self) -> None:
        self.primary = CaptureQueriesContext(connections[DEFAULT_DB_ALIAS])
        self.replica = CaptureQueriesContext(connections[TEST_REPLICA])

    def __enter__(self) -> Queries:
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)

    def on_replica(self) -> list[str]:
        return [query["sql"] for query in self.replica.captured_queries]

    def on_primary(self) -> list[str]:
        return [query["sql"] for query in self.primary.captured_queries]

    def writes_on_replica(self) -> list[str]:
        return [sql for sql in self.on_replica() if sql.lstrip().upper().startswith(WRITES)]


@pytest.fixture
def document(replicas, agency):
    join(agency)
    return make_document(agency, title="关于公布2024年城乡低保标准的通知")


def document_table_read(queries: list[str]) -> bool:
    return any(Document._meta.db_table in sql and sql.startswith("SELECT") for sql in queries)


# --- Settings ------------------------------------------------------------------------------

POSTGRES = {"ENGINE": "django.db.backends.postgresql", "NAME": "gongkai"}


def test_each_replica_url_becomes_an_alias_with_the_primarys_options():
    replicas = project_settings.replica_databases(
        ["postgres://reader@127.0.0.1:5433/gongkai", "postgres://reader@127.0.0.1:5434/gongkai"],
        POSTGRES,
    )
    assert list(replicas) == ["replica_1", "replica_2"]
    first = replicas["replica_1"]
    assert first["PORT"] == 5433 and replicas["replica_2"]["PORT"] == 5434
    assert first["ENGINE"] == POSTGRES["ENGINE"]
    assert first["CONN_HEALTH_CHECKS"] is True
    assert first["CONN_MAX_AGE"] == int(project_settings.env("DATABASE_CONN_MAX_AGE", "60"))
    # In a test run each replica mirrors the test database: nothing is created on it.
    assert first["TEST"] == {"MIRROR": "default"}


def test_no_replica_urls_no_replicas_and_no_router():
    assert project_settings.replica_databases([], POSTGRES) == {}
    # The suite runs without DATABASE_REPLICA_URLS: no router is configured.
    from django.conf import settings

    assert ROUTER not in settings.DATABASE_ROUTERS


def test_replicas_need_a_postgresql_primary_and_postgresql_replicas():
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "var/gongkai.sqlite3"}
    with pytest.raises(ImproperlyConfigured, match="needs PostgreSQL"):
        project_settings.replica_databases(["postgres://reader@127.0.0.1/gongkai"], sqlite)
    with pytest.raises(ImproperlyConfigured, match="replica 2 is not a PostgreSQL URL"):
        project_settings.replica_databases(
            ["postgres://reader@127.0.0.1/gongkai", "sqlite:////tmp/copy.sqlite3"], POSTGRES
        )


def settings_from(environment: dict[str, str]) -> str:
    """What the settings module makes of these variables (a fresh process; nothing connects)."""
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'gongkai.settings';"
        "from django.conf import settings; d = settings.DATABASES;"
        "print(sorted(d), settings.DATABASE_ROUTERS, d['default']['CONN_HEALTH_CHECKS'])"
    )
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DATABASE_REPLICA_URLS"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **environment},
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    ).stdout.strip()


def test_the_settings_configure_the_aliases_and_the_router_from_the_environment():
    primary = "postgres://app@127.0.0.1:5432/gongkai"
    replicas = "postgres://reader@127.0.0.1:5433/gongkai, postgres://reader@127.0.0.1:5434/gongkai"
    assert settings_from({"DATABASE_URL": primary, "DATABASE_REPLICA_URLS": replicas}) == (
        f"['default', 'replica_1', 'replica_2'] ['{ROUTER}'] True"
    )
    assert settings_from({"DATABASE_URL": primary}) == "['default'] [] True"


# --- Where a request reads -----------------------------------------------------------------


@replica_requests
def test_an_anonymous_get_of_a_public_page_reads_from_the_replica(client, document):
    with Queries() as queries:
        response = client.get(reverse("catalogue:document", args=[document.pk]))
    assert response.status_code == 200
    assert "关于公布2024年城乡低保标准的通知" in response.content.decode()  # found on the replica
    assert document_table_read(queries.on_replica())
    assert not document_table_read(queries.on_primary())
    # The page's visit is counted: a write, on the primary only.
    assert PageVisit.objects.get().count == 1
    assert queries.writes_on_replica() == []
    assert any("UPDATE" in sql or "INSERT" in sql for sql in queries.on_primary())


@replica_requests
def test_a_head_request_reads_from_the_replica_too(client, document):
    with Queries() as queries:
        response = client.head(reverse("catalogue:document", args=[document.pk]))
    assert response.status_code == 200
    assert document_table_read(queries.on_replica())


@replica_requests
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_a_public_lists_export_reads_its_records_from_the_replica(
    client, replicas, agency, staff_role_factory, extension
):
    """The CSV is streamed: its records (and the agencies they name) are read after the view
    has returned, outside the middleware's replica reads — in the request's context all the
    same."""
    from gongkai.agencies.models import Agency, StaffRole
    from gongkai.catalogue.models import ListRecord
    from tests.catalogue.lists_support import make_record, power_values, seed

    power = seed()["power-list"]
    editor = staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR).user
    make_record(
        power, agency=agency, actor=editor, values=power_values(1, agency.name), publish=True
    )
    with Queries() as queries:
        response = client.get(reverse(f"catalogue:list_export_{extension}", args=[power.code]))
        content = response.getvalue()
    assert response.status_code == 200 and content
    assert extension == "xlsx" or agency.name in content.decode("utf-8-sig")
    for table in (ListRecord._meta.db_table, Agency._meta.db_table):
        assert any(f'FROM "{table}"' in sql for sql in queries.on_replica()), table
        assert not any(f'FROM "{table}"' in sql for sql in queries.on_primary()), table


@replica_requests
def test_the_public_api_reads_from_the_replica(client, document):
    with Queries() as queries:
        response = client.get(f"/api/v1/documents/{document.pk}")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "关于公布2024年城乡低保标准的通知"
    assert document_table_read(queries.on_replica())
    assert not document_table_read(queries.on_primary())


@replica_requests
def test_signed_in_staff_read_their_own_writes_from_the_primary(client, document, agency):
    from tests.factories import StaffRoleFactory

    client.force_login(StaffRoleFactory(agency=agency).user)
    with Queries() as queries:
        response = client.get(reverse("catalogue:document", args=[document.pk]))
    assert response.status_code == 200
    assert queries.on_replica() == []
    assert document_table_read(queries.on_primary())


@replica_requests
def test_a_signed_in_citizen_reads_from_the_primary(client, document):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from gongkai.citizens.models import CitizenAccount
    from tests.citizens.conftest import PASSWORD, sign_in

    now = timezone.now()
    citizen = CitizenAccount.objects.create(
        email="li.hua@example.cn",
        display_name="李华",
        password=make_password(PASSWORD),
        created_at=now,
        email_verified_at=now,
    )
    sign_in(client, citizen)
    client.cookies.pop(PRIMARY_COOKIE)  # past the few seconds after the sign-in form
    with Queries() as queries:
        response = client.get(reverse("catalogue:document", args=[document.pk]))
    assert response.status_code == 200
    assert queries.on_replica() == []


@replica_requests
def test_staff_pages_read_from_the_primary_even_before_sign_in(client, document):
    with Queries() as queries:
        response = client.get(reverse("workbench:login"))
    assert response.status_code == 200
    assert queries.on_replica() == []


@replica_requests
def test_a_form_reads_and_writes_on_the_primary_and_its_sender_reads_there_for_a_while(
    client, document
):
    """A POST never touches a replica; the browser that sent it reads from the primary for
    DATABASE_REPLICA_PIN_SECONDS (the page it is sent to must show what it sent), then from
    the replica again."""
    url = reverse("catalogue:document", args=[document.pk])
    with Queries() as queries:
        response = client.post(
            reverse("info_requests:status"), {"number": "YSQ-2024-0001", "code": "wrong-code"}
        )
    assert response.status_code == 200  # the form again: no such application
    assert queries.on_replica() == []
    assert any(InfoRequest._meta.db_table in sql for sql in queries.on_primary())
    cookie = response.cookies[PRIMARY_COOKIE]
    assert int(cookie["max-age"]) == 10
    assert cookie["httponly"] and cookie["samesite"] == "Lax"

    with Queries() as queries:
        assert client.get(url).status_code == 200
    assert queries.on_replica() == []

    client.cookies.pop(PRIMARY_COOKIE)  # as the browser drops it when it expires
    with Queries() as queries:
        assert client.get(url).status_code == 200
    assert document_table_read(queries.on_replica())


@replica_requests
def test_without_replicas_the_middleware_does_nothing(client, agency):
    """No router (no DATABASE_REPLICA_URLS): no cookie, every read on default."""
    join(agency)
    document = make_document(agency)
    response = client.post(reverse("info_requests:status"), {"number": "X", "code": "wrong"})
    assert response.status_code == 200
    assert PRIMARY_COOKIE not in response.cookies
    with Queries() as queries:
        assert client.get(reverse("catalogue:document", args=[document.pk])).status_code == 200
    assert queries.on_replica() == []


# --- The router's rules --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reads_inside_a_transaction_stay_on_the_primary(replicas, agency):
    join(agency)
    make_document(agency)
    with replica_reads():
        assert router.db_for_read(Document) == TEST_REPLICA
        with transaction.atomic():
            assert router.db_for_read(Document) == DEFAULT_DB_ALIAS
            with Queries() as queries:
                assert Document.objects.count() == 1
            assert queries.on_replica() == []
        assert router.db_for_read(Document) == TEST_REPLICA


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_writes_never_go_to_a_replica_even_where_reads_do(replicas, agency):
    join(agency)
    with replica_reads(), Queries() as queries:
        document = make_document(agency, title="写入主库")
        Document.objects.filter(pk=document.pk).update(summary="改过")
        PageVisit.objects.create(path="/x/", day="2024-05-06", count=1)
        PageVisit.objects.filter(path="/x/").delete()
        fetched = Document.objects.get(pk=document.pk)  # a read: from the replica
        fetched.summary = "再改"
        fetched.save(update_fields=["summary"])
    assert queries.writes_on_replica() == []
    assert fetched._state.db == DEFAULT_DB_ALIAS  # saved to the primary
    assert any(sql.startswith("SELECT") for sql in queries.on_replica())
    assert Document.objects.get(pk=document.pk).summary == "再改"
    assert router.db_for_write(Document) == DEFAULT_DB_ALIAS


def test_outside_a_request_everything_reads_from_the_primary(settings):
    """Management commands, periodic jobs and task workers never open ``replica_reads``."""
    settings.DATABASE_ROUTERS = [ROUTER]
    assert router.db_for_read(Document) == DEFAULT_DB_ALIAS
    assert router.db_for_write(Document) == DEFAULT_DB_ALIAS


def test_the_sessions_read_from_the_primary_even_in_a_public_get(settings):
    from django.contrib.sessions.models import Session

    settings.DATABASE_ROUTERS = [ROUTER]
    with replica_reads():
        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS


def test_objects_from_the_primary_keep_their_reads_there(settings):
    settings.DATABASE_ROUTERS = [ROUTER]
    from_primary = Document()
    from_primary._state.db = DEFAULT_DB_ALIAS
    with replica_reads():
        assert router.db_for_read(Document, instance=from_primary) == DEFAULT_DB_ALIAS


def test_each_thread_decides_for_itself(settings):
    """The decision is a context variable: a thread this request did not start (another
    request's) reads from the primary while this one may read from a replica."""
    settings.DATABASE_ROUTERS = [ROUTER]
    seen: dict[str, str] = {}

    def other_request() -> None:
        try:
            seen["other"] = router.db_for_read(Document)
        except Exception as error:  # a replica chosen here would be refused: no database
            seen["other"] = repr(error)

    with replica_reads():
        assert db_router.reading_from_replicas()
        thread = threading.Thread(target=other_request)
        thread.start()
        thread.join()
    assert not db_router.reading_from_replicas()
    assert seen["other"] == DEFAULT_DB_ALIAS


def test_migrations_run_on_the_primary_only(settings):
    settings.DATABASE_ROUTERS = [ROUTER]
    for model in apps.get_models(include_auto_created=True):
        assert router.allow_migrate_model(DEFAULT_DB_ALIAS, model), model
        assert not router.allow_migrate_model(TEST_REPLICA, model), model


def test_objects_of_the_primary_and_a_replica_may_be_related(settings):
    settings.DATABASE_ROUTERS = [ROUTER]
    on_primary, on_replica = Document(), Document()
    on_primary._state.db, on_replica._state.db = DEFAULT_DB_ALIAS, TEST_REPLICA
    assert router.allow_relation(on_primary, on_replica) is True


# --- A replica that cannot be reached ------------------------------------------------------


@replica_requests
def test_a_replica_that_cannot_be_reached_is_left_out_and_the_primary_serves(
    client, document, monkeypatch, settings
):
    settings.DATABASE_REPLICA_RETRY_SECONDS = 30
    replica = connections[TEST_REPLICA]
    tries = {"count": 0}

    def refuse() -> None:
        tries["count"] += 1
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(replica, "ensure_connection", refuse)
    url = reverse("catalogue:document", args=[document.pk])
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary:
        response = client.get(url)
        assert client.get(url).status_code == 200  # within the retry time: not tried again
    assert response.status_code == 200
    assert "关于公布2024年城乡低保标准的通知" in response.content.decode()
    assert document_table_read([query["sql"] for query in on_primary.captured_queries])
    assert tries["count"] == 1

    monkeypatch.setattr(db_router.time, "monotonic", lambda: 10**9)  # the retry time is over
    client.get(url)
    assert tries["count"] == 2
    monkeypatch.undo()
    forget_unreachable()
    with Queries() as queries:
        client.get(url)
    assert document_table_read(queries.on_replica())  # back in use


@pytest.mark.postgres
@replica_requests
def test_a_replica_that_went_away_under_an_open_connection_is_left_out(
    client, document, monkeypatch
):
    """The replica's server stops while a worker holds a persistent connection to it: the next
    request finds it by the connection's health check and reads from the primary, instead of
    failing on the page's first query."""
    url = reverse("catalogue:document", args=[document.pk])
    replica = connections[TEST_REPLICA]
    with Queries() as queries:
        assert client.get(url).status_code == 200
    assert document_table_read(queries.on_replica())
    assert replica.connection is not None and replica.health_check_enabled

    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:  # the server ends the connection
        cursor.execute("SELECT pg_terminate_backend(%s)", [replica.connection.info.backend_pid])

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(replica, "get_new_connection", refuse)  # and takes no new one
    replica.close_if_unusable_or_obsolete()  # as Django does when each request starts
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary:
        response = client.get(url)
    assert response.status_code == 200
    assert "关于公布2024年城乡低保标准的通知" in response.content.decode()
    assert document_table_read([query["sql"] for query in on_primary.captured_queries])


@replica_requests
def test_a_failed_replica_is_reported_but_leaves_the_server_ready(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections[TEST_REPLICA], "cursor", refuse)
    response = client.get(reverse("health_ready"))
    assert response.status_code == 200
    check = response.json()["checks"][f"database:{TEST_REPLICA}"]
    assert check["ok"] is False and check["critical"] is False
    assert response.json()["checks"]["database:default"]["critical"] is True

"""Faults (issue 9): a worker killed in the middle of submissions, and a database that cannot be
reached.

The kill test runs the application in worker processes (``tests.robustness.worker``) on the
test database — a SQLite file or PostgreSQL — sends applications to them from several client
threads, and SIGKILLs a worker that has requests in flight, at random points, several times
(starting a new one each time). A client whose request was cut off tries again with the same
form, as a browser would. Afterwards every acknowledged application (302 to the page with
its number) must exist whole — the record, its events, its notice, its audit entries, its
mail in the outbox — and no application may exist in part.
"""

from __future__ import annotations

import datetime
import http.client
import os
import random
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.test import Client

from gongkai.core.models import AuditEntry, OutgoingMail, SerialCounter
from gongkai.info_requests.models import InfoRequest, RequestEvent
from tests.catalogue.public_helpers import join
from tests.info_requests.conftest import at
from tests.robustness.conftest import (
    APPLY,
    Visitor,
    acknowledged_number,
    application_form,
    form_opened_earlier,
    in_parallel,
    needs_shared_database,
)
from tests.robustness.records import assert_every_application_whole, assert_gap_free

DAY = datetime.date(2025, 9, 1)  # a Monday
DAY_NOW = "2025-09-01T02:00:00+00:00"  # 10:00 that day in Beijing
YEAR = DAY.year
WORKERS = 2
KILLS = 3
FORMS = 32
CLIENTS = 6
START_TIMEOUT = 120  # seconds for a worker to start listening (a loaded test machine)


# --------------------------------------------------------------------------- the workers


class Master:
    """The master process of ``tests.robustness.worker``: loads the project once and forks a
    worker each time it is asked."""

    def __init__(self, environment: dict[str, str], log: Path) -> None:
        self.log = log
        self.lock = threading.Lock()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.robustness.worker"],
            cwd=django_settings.BASE_DIR,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log.open("ab"),
            text=True,
        )

    def spawn(self) -> tuple[int, int]:
        """A new worker: its (port, pid) once it listens."""
        with self.lock:
            assert self.process.stdin and self.process.stdout
            self.process.stdin.write("spawn\n")
            self.process.stdin.flush()
            ready, _w, _x = select.select([self.process.stdout], [], [], START_TIMEOUT)
            line = self.process.stdout.readline() if ready else ""
        if not line.startswith("listening "):
            raise RuntimeError(f"a worker did not start: {self.log.read_text()[-3000:]}")
        _word, port, pid = line.split()
        return int(port), int(pid)

    def stop(self) -> None:
        """End the master, which kills its workers first."""
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


@dataclass
class Worker:
    port: int
    pid: int
    alive: bool = True
    in_flight: int = 0


@dataclass
class Cluster:
    """The workers, which of them are alive, and the requests each has in flight."""

    master: Master
    workers: list[Worker] = field(default_factory=list)
    dispatched: int = 0
    finished: bool = False  # no more requests will be sent
    changed: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> Worker:
        worker = Worker(*self.master.spawn())
        with self.changed:
            self.workers.append(worker)
            self.changed.notify_all()
        return worker

    def pick(self, rng: random.Random) -> Worker:
        """A live worker for the next request (waiting while none is)."""
        with self.changed:
            assert self.changed.wait_for(lambda: any(w.alive for w in self.workers), 300)
            worker = rng.choice([w for w in self.workers if w.alive])
            worker.in_flight += 1
            self.dispatched += 1
            self.changed.notify_all()
            return worker

    def done(self, worker: Worker) -> None:
        with self.changed:
            worker.in_flight -= 1
            self.changed.notify_all()

    def kill_one_busy(self, rng: random.Random, *, after: int) -> bool:
        """Once ``after`` requests were sent, SIGKILL a worker with a request in flight and
        start another; False when the work ended first."""

        def busy() -> list[Worker]:
            return [w for w in self.workers if w.alive and w.in_flight]

        with self.changed:
            self.changed.wait_for(
                lambda: (self.dispatched >= after and busy()) or self.finished, 300
            )
            candidates = busy()
            if not candidates:
                return False
            victim = rng.choice(candidates)
            victim.alive = False
            os.kill(victim.pid, signal.SIGKILL)  # a worker this test had the master fork
        self.start()
        return True

    def finish(self) -> None:
        with self.changed:
            self.finished = True
            self.changed.notify_all()


def _worker_environment(tmp_path: Path) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "GONGKAI_SQLITE_PATH", "DJANGO_SETTINGS_MODULE")
    }
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        environment["GONGKAI_SQLITE_PATH"] = str(Path(database["NAME"]).resolve())
    else:
        password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
        credentials = f"{database['USER']}{password}"
        address = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        environment["DATABASE_URL"] = f"postgres://{credentials}@{address}/{database['NAME']}"
        environment["DATABASE_CONN_MAX_AGE"] = "0"
    environment.update(
        DJANGO_SETTINGS_MODULE="gongkai.settings",
        DJANGO_DEBUG="0",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        GONGKAI_SEARCH_INDEX_DIR=str(tmp_path / "search-index"),
        GONGKAI_MEDIA_ROOT=str(tmp_path / "media"),
        GONGKAI_STATIC_ROOT=str(tmp_path / "static"),
        GONGKAI_TRUSTED_PROXY_COUNT="1",
        GONGKAI_LOG_LEVEL="WARNING",
        GONGKAI_TEST_NOW=DAY_NOW,
        PYTHONDONTWRITEBYTECODE="1",
    )
    return environment


@pytest.fixture
def master(tmp_path) -> Iterator[Master]:
    master = Master(_worker_environment(tmp_path), log=tmp_path / "workers.log")
    try:
        yield master
    finally:
        master.stop()


@pytest.fixture
def cluster(seeded, master) -> Iterator[Cluster]:
    needs_shared_database()
    cluster = Cluster(master=master)
    for _n in range(WORKERS):
        cluster.start()
    try:
        yield cluster
    finally:
        cluster.finish()


# --------------------------------------------------------------------------- the test


@dataclass
class Outcome:
    key: str
    number: str | None = None  # the acknowledged tracking number
    statuses: list[int] = field(default_factory=list)
    cut_off: int = 0  # attempts whose answer never came


def _submit(cluster: Cluster, rng: random.Random, agency_pk: int, n: int) -> Outcome:
    visitor = Visitor("127.0.0.1", 0, address=f"10.9.{n // 250}.{n % 250 + 1}", timeout=60)
    form = application_form(agency_pk, description=f"第{n}号：{rng.random()}")
    form.update(form_opened_earlier(visitor))
    outcome = Outcome(key=form["submission_key"])
    for _attempt in range(4):  # a browser retrying the same form after a broken connection
        worker = cluster.pick(rng)
        visitor.port = worker.port
        try:
            response = visitor.post(APPLY, form)
        except (OSError, http.client.HTTPException):
            outcome.cut_off += 1
            continue
        finally:
            cluster.done(worker)
        outcome.statuses.append(response.status)
        outcome.number = acknowledged_number(response)
        break
    return outcome


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_workers_killed_under_load_lose_no_acknowledged_application(cluster, agency):
    """Issue 9, "Faults": a process killed in the middle of a submission leaves the whole
    record or none, and an acknowledged submission is never lost (workers SIGKILLed at random
    under load, then everything counted)."""
    member = join(agency)
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    kill_points = sorted(rng.sample(range(4, FORMS - 4), KILLS))
    forms = iter(range(FORMS))
    lock = threading.Lock()

    def client(_c: int, barrier) -> list[Outcome]:
        own = random.Random(rng.random())
        barrier.wait()
        done = []
        while True:
            with lock:
                n = next(forms, None)
            if n is None:
                return done
            done.append(_submit(cluster, own, member.pk, n))

    kills: list[bool] = []
    killer = threading.Thread(
        target=lambda: kills.extend(cluster.kill_one_busy(rng, after=k) for k in kill_points)
    )
    killer.start()
    try:
        outcomes = [o for batch in in_parallel(CLIENTS, client) for o in batch]
    finally:
        cluster.finish()
        killer.join(timeout=600)
    cluster.master.stop()  # every worker gone: what is in the database now is what survived

    context = f"(random seed {seed})"
    assert kills == [True] * KILLS, f"a worker was not killed under load {context}"
    assert all(status < 500 for o in outcomes for status in o.statuses), context
    assert sum(o.cut_off for o in outcomes) >= 1, f"no request was cut off {context}"
    acknowledged = {o.key: o.number for o in outcomes if o.number}
    assert len(acknowledged) >= FORMS - 4, f"too few acknowledged: {len(acknowledged)} {context}"

    stored = dict(InfoRequest.objects.values_list("submission_key", "number"))
    lost = {key: number for key, number in acknowledged.items() if stored.get(key) != number}
    assert not lost, f"acknowledged but lost: {lost} {context}"
    assert assert_every_application_whole() == len(stored), context
    assert_gap_free(list(stored.values()), YEAR)


# --------------------------------------------------------------------------- unreachable


def test_a_submission_cut_off_by_the_database_answers_503_and_writes_nothing(agency, monkeypatch):
    """Issue 9, "Faults": the database goes away in the middle of an online application → the
    503 page in Chinese, and nothing of the application is left: no record, event, notice,
    audit entry, mail or tracking number."""
    member = join(agency)
    client = Client(raise_request_exception=False)
    form = application_form(member.pk, submission_key="cut-off-by-the-database")
    inserts = {"count": 0}

    def refuse_after_three_inserts(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT"):
            inserts["count"] += 1
            if inserts["count"] > 3:
                raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    def counts() -> tuple[int, ...]:
        rows = [m.objects.count() for m in (InfoRequest, RequestEvent, AuditEntry, OutgoingMail)]
        return (*rows, sum(SerialCounter.objects.values_list("last_value", flat=True)))

    before = counts()
    with at(DAY), connection.execute_wrapper(refuse_after_three_inserts):
        response = client.post(APPLY, form)
    assert inserts["count"] > 3, "the submission got as far as its fourth insert"
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "网站暂时无法访问" in response.content.decode()
    assert counts() == before


UNREACHABLE = {
    "postgresql": "postgres://gongkai@127.0.0.1:9/gongkai",  # nothing listens on port 9
    "sqlite": "sqlite:////nonexistent-gongkai-directory/gongkai.sqlite3",
}


@pytest.mark.slow
def test_with_the_database_unreachable_pages_answer_503_in_chinese(tmp_path):
    """Issue 9, "Faults": a server whose database cannot be reached at all (nothing listens on
    the port; the file cannot be opened) answers every page with the 503 page in Chinese.
    (The database of the suite's run: PostgreSQL in its pass, SQLite in the other.)"""
    database_url = UNREACHABLE[connection.vendor]
    environment = _worker_environment(tmp_path) | {"DATABASE_URL": database_url}
    environment.pop("GONGKAI_SQLITE_PATH", None)
    master = Master(environment, log=tmp_path / "worker.log")
    try:
        port, _pid = master.spawn()
        visitor = Visitor("127.0.0.1", port, address="10.8.0.1", timeout=60)
        for path in ("/", APPLY, "/search/?q=%E9%A2%84%E7%AE%97", "/apply/status/"):
            response = visitor.get(path)
            assert response.status == 503, (path, response.status)
            assert "网站暂时无法访问" in response.body, path
            assert response.headers.get("retry-after")
        form = application_form(1) | form_opened_earlier(visitor)
        assert visitor.post(APPLY, form).status == 503
        assert visitor.get("/health/live").status == 200
        assert visitor.get("/health/ready").status == 503
    finally:
        master.stop()

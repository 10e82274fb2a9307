"""`make demo-prod` (issue 10): the production stack — gunicorn, a worker, the scheduler, on
PostgreSQL and Redis — started the same way, by ``scripts/demo-prod``, on a throwaway database
with a tiny district instead of the demonstration. A document approved for publication a few
seconds ahead is published by the worker; its public page then comes from gunicorn, the second
time from the page cache (``X-Cache: HIT``)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server() -> dict[str, object]:
    config = settings.DATABASES["default"]
    return {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or "postgres",
        "password": config.get("PASSWORD") or None,
    }


def _database_url(name: str) -> str:
    server = _server()
    password = f":{server['password']}" if server["password"] else ""
    return f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except (urllib.error.URLError, ConnectionError):
        return 0, {}, b""


@pytest.fixture
def stack(tmp_path):
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("needs PostgreSQL")
    import redis

    redis_url = os.environ.get("GONGKAI_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {redis_url}")
    name = f"gongkai_demo_prod_test_{os.getpid()}"
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GONGKAI_")) and key != "DATABASE_URL"
    }
    env.update(
        # What scripts/demo-prod sets by default, given here for the tiny set-up's process too.
        GONGKAI_TASK_BACKEND="database",
        DJANGO_DEBUG="off",
        DATABASE_URL=_database_url(name),
        REDIS_URL=redis_url,
        GONGKAI_CACHE_PREFIX=f"demo-prod-test-{os.getpid()}",
        GONGKAI_BIND=f"127.0.0.1:{port}",
        GONGKAI_SEARCH_INDEX_DIR=str(tmp_path / "index"),
        GONGKAI_MEDIA_ROOT=str(tmp_path / "media"),
        GONGKAI_STATIC_ROOT=str(tmp_path / "static"),
    )
    log = (tmp_path / "stack.log").open("w")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "demo-prod"), "--no-demo"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while _get(base + "/health/live")[0] != 200:
            assert process.poll() is None, (tmp_path / "stack.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the stack did not answer in time"
            time.sleep(0.5)
        yield {"base": base, "env": env, "name": name, "log": tmp_path / "stack.log"}
    finally:
        process.send_signal(signal.SIGINT)  # as Ctrl-C: the script stops all three
        try:
            status = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            status = None
        log.close()
        with psycopg.connect(dbname="postgres", autocommit=True, **_server()) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert status == 0, (tmp_path / "stack.log").read_text()[-3000:]


def _queued(name: str) -> int:
    """Jobs waiting or running in the queue of the stack's database."""
    with psycopg.connect(dbname=name, **_server()) as connection:
        row = connection.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE status IN ('READY', 'RUNNING')"
        ).fetchone()
    return row[0] if row else 0


def test_the_worker_publishes_and_the_page_comes_from_the_cache(stack):
    made = subprocess.run(
        [sys.executable, "-m", "tests.deploy.tiny_setup", "10"],
        cwd=ROOT,
        env={**stack["env"], "DJANGO_SETTINGS_MODULE": "gongkai.settings"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    document = json.loads(made.stdout.strip().splitlines()[-1])["document"]
    page = f"{stack['base']}/documents/{document}/"
    assert _get(page)[0] == 404  # approved, not yet published

    deadline = time.monotonic() + 60
    while (first := _get(page))[0] != 200:
        assert time.monotonic() < deadline, stack["log"].read_text()[-3000:]
        time.sleep(0.5)
    with psycopg.connect(dbname=stack["name"], **_server()) as connection:
        published_by = connection.execute(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = 'gongkai.catalogue.tasks.publish_scheduled_documents'"
        ).fetchall()
    assert [row[0] for row in published_by] == ["SUCCESSFUL"]
    assert published_by[0][1]  # claimed and run by a worker process
    assert "关于做好部署测试工作的通知".encode() in first[2]

    # Publishing queued the search index's updates, whose writes make stored pages stale: once
    # the queue is idle the page is rendered and stored, then served from the cache.
    deadline = time.monotonic() + 60
    while _queued(stack["name"]):
        assert time.monotonic() < deadline, stack["log"].read_text()[-3000:]
        time.sleep(0.5)
    _get(page)  # rendered and stored, unless already stored since the queue emptied
    second = _get(page)
    assert second[0] == 200
    assert "关于做好部署测试工作的通知".encode() in second[2]
    # The per-URL public page cache: rendered just after publication, then served from it.
    assert first[1].get("X-Cache") == "MISS"
    assert second[1].get("X-Cache") == "HIT"

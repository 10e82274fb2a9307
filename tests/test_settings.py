"""Settings come from the environment; production refuses an insecure configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "GONGKAI_ENV": "production",
    "DJANGO_SECRET_KEY": "k3Yq8-vB2m#Lx9@Pz4!wR7tN1sF6hJ0cD5gE8aU2oI3yT9eW4qZ7xC1vB6nM0",
    "DJANGO_ALLOWED_HOSTS": "www.zhangdian.gov.cn",
    "GONGKAI_DEMO": "false",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GONGKAI_")) and key != "DATABASE_URL"
    }
    base["GONGKAI_SQLITE_PATH"] = "/tmp/gongkai-settings-test.sqlite3"
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_production_refuses_to_start_without_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.slow
def test_production_refuses_to_start_with_debug_on():
    result = run_manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "true"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


@pytest.mark.slow
def test_production_refuses_demo_mode():
    result = run_manage("check", env={**PRODUCTION_ENV, "GONGKAI_DEMO": "true"})
    assert result.returncode != 0
    assert "GONGKAI_DEMO must be off" in result.stderr


def test_sqlite_pragmas_make_writers_wait(settings):
    """WAL, synchronous=FULL and a busy timeout on the embedded database (issue 2)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert "synchronous=FULL" in options["init_command"]
    assert options["timeout"] >= 5


def test_sqlite_connection_runs_in_wal_mode(tmp_path):
    """A file database opened with the project's options is in WAL mode with a busy timeout."""
    import sqlite3

    from gongkai.settings import _sqlite_options

    options = _sqlite_options()
    db = sqlite3.connect(tmp_path / "x.sqlite3", timeout=options["timeout"])
    db.executescript(options["init_command"])
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
    db.close()


def test_redis_url_switches_cache_and_sessions():
    """REDIS_URL turns on the Redis cache and cached sessions, with no code change."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='gongkai.settings';"
        "from django.conf import settings;"
        "print(settings.CACHES['default']['BACKEND']); print(settings.SESSION_ENGINE)"
    )
    base = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "REDIS_URL": "redis://127.0.0.1:6379/9"},
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout.split()
    assert out == [
        "gongkai.core.cache.RedisCache",
        "django.contrib.sessions.backends.cache",
    ]


def test_database_url_selects_postgresql():
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='gongkai.settings';"
        "from django.conf import settings; d=settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DATABASE_URL": "postgres://gk@db.internal:5432/gongkai"},
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout.split()
    assert out == ["django.db.backends.postgresql", "gongkai", "db.internal"]


def test_an_unknown_task_backend_stops_the_process_with_a_clear_message():
    result = run_manage("check", env={"GONGKAI_TASK_BACKEND": "celery"})
    assert result.returncode != 0
    assert "GONGKAI_TASK_BACKEND must be immediate or database, not 'celery'" in result.stderr

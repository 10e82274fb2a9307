"""Production settings pass Django's deployment check, and production answers carry HSTS,
nosniff, a referrer policy and frame denial (issue 9, "Web").

Production is what ``GONGKAI_ENV=production`` selects (with a secret key, allowed hosts and the
demonstration off; ``gongkai/settings.py``). Settings are read once per process, so the check
and the requests run in a child process with the production environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
HOST = "www.zhangdian.gov.cn"

CHILD = """
import io, json
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client

report = io.StringIO()
call_command("check", deploy=True, fail_level="WARNING", stdout=report, stderr=report)
client = Client()
secure = client.get("/health/live", secure=True, HTTP_HOST=HOST)
plain = client.get("/", HTTP_HOST=HOST)
probe = client.get("/health/live", HTTP_HOST=HOST)
print(json.dumps({
    "check": report.getvalue(),
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "plain": [plain.status_code, plain.get("Location", "")],
    "probe": probe.status_code,
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,
                settings.SESSION_COOKIE_HTTPONLY],
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    """What a production process reports: the deployment check, a page's headers over HTTPS,
    the answers over plain HTTP and the cookie flags."""
    folder = tmp_path_factory.mktemp("production")
    (folder / "static").mkdir()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GONGKAI_")) and key != "DATABASE_URL"
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "gongkai.settings",
            "GONGKAI_ENV": "production",
            "DJANGO_SECRET_KEY": "k3Yq8-vB2m#Lx9@Pz4!wR7tN1sF6hJ0cD5gE8aU2oI3yT9eW4qZ7xC1vB6nM0",
            "DJANGO_ALLOWED_HOSTS": HOST,
            "GONGKAI_DEMO": "false",
            "GONGKAI_SQLITE_PATH": str(folder / "gongkai.sqlite3"),
            "GONGKAI_STATIC_ROOT": str(folder / "static"),
            "GONGKAI_MEDIA_ROOT": str(folder / "media"),
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", f"HOST = {HOST!r}\n{CHILD}"],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_in_production(production):
    assert "System check identified no issues" in production["check"], production["check"]


def test_production_answers_with_hsts_nosniff_referrer_policy_and_frame_denial(production):
    headers = {name.lower(): value for name, value in production["headers"].items()}
    assert production["status"] == 200
    hsts = headers["strict-transport-security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_production_sends_plain_http_to_https_and_cookies_only_over_https(production):
    status, location = production["plain"]
    assert status == 301
    assert location == f"https://{HOST}/"
    assert production["cookies"] == [True, True, True]


def test_the_balancers_health_probe_is_answered_over_plain_http(production):
    # Exempt from the redirect (SECURE_REDIRECT_EXEMPT): the probe reaches a server directly.
    assert production["probe"] == 200

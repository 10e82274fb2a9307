"""The access log (gunicorn, decision 0032) holds no query string, referrer, user agent or
secret token: paths only."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from gunicorn.config import Config

from gongkai.core.access_log import ACCESS_LOG_FORMAT, AccessLogger, redact_path


def test_secret_segments_of_paths_are_masked():
    assert redact_path("/account/confirm/abc123/") == "/account/confirm/…/"
    assert redact_path("/en/account/password-reset/tok-en/") == "/en/account/password-reset/…/"
    assert redact_path("/account/password-reset/sent/") == "/account/password-reset/sent/"
    assert redact_path("/captcha/Zx9.png") == "/captcha/….png"
    assert redact_path("/catalogue/documents/12/") == "/catalogue/documents/12/"


def test_an_access_line_has_the_path_and_nothing_personal():
    logger = AccessLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/search/?q=张三+13800138000",
        "PATH_INFO": "/account/confirm/secret-token/",
        "QUERY_STRING": "q=张三+13800138000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": "https://example.org/?name=李四",
        "HTTP_USER_AGENT": "Mozilla/5.0",
        "HTTP_COOKIE": "sessionid=abc",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[("Set-Cookie", "x=y")])
    request = SimpleNamespace(headers=[("COOKIE", "sessionid=abc"), ("REFERER", "x?name=李四")])
    atoms = logger.atoms(response, request, environ, datetime.timedelta(milliseconds=12))
    line = ACCESS_LOG_FORMAT % atoms
    assert '"GET /account/confirm/…/" 200 1234 12ms' in line
    assert line.startswith("203.0.113.9 ")
    for secret in ("张三", "13800138000", "李四", "secret-token", "Mozilla", "sessionid", "q="):
        assert secret not in line
    assert not any(key.endswith(("}i", "}o", "}e")) for key in atoms)

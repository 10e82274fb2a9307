"""gunicorn's configuration for Gongkai (docs/decisions/0032, docs/operators-guide.md).

    gunicorn -c deploy/gunicorn.conf.py gongkai.wsgi

Everything is read from the environment, with the defaults of one small machine:

GONGKAI_BIND              address to listen on (default 127.0.0.1:8000; a unix socket:
                          unix:/run/gongkai/gunicorn.sock)
GONGKAI_WEB_WORKERS       worker processes (default: 2 per CPU, at least 2)
GONGKAI_WEB_THREADS       threads per worker (default 1: sync workers; more switches to gthread)
GONGKAI_WEB_TIMEOUT       seconds a request may take before its worker is killed (default 60)
GONGKAI_WEB_GRACEFUL_TIMEOUT  seconds a worker has to finish its requests after SIGTERM or a
                          reload (default 30)
GONGKAI_WEB_MAX_REQUESTS  restart a worker after so many requests, with jitter (default 2000;
                          0: never)
GONGKAI_ACCESS_LOG        "-" (standard output, the default), a file, or "off"

The access log holds no personal data: path only, no query string, no referrer or user agent,
and secret tokens in paths masked (gongkai.core.access_log).
"""

import multiprocessing
import os

from gongkai.core.access_log import ACCESS_LOG_FORMAT, AccessLogger


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "gongkai.wsgi:application"
bind = [os.environ.get("GONGKAI_BIND", "127.0.0.1:8000")]
workers = _int("GONGKAI_WEB_WORKERS", max(2, 2 * multiprocessing.cpu_count()))
threads = _int("GONGKAI_WEB_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GONGKAI_WEB_TIMEOUT", 60)
graceful_timeout = _int("GONGKAI_WEB_GRACEFUL_TIMEOUT", 30)
keepalive = 5
max_requests = _int("GONGKAI_WEB_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Behind a reverse proxy on this machine: trust its X-Forwarded-* only from loopback.
forwarded_allow_ips = os.environ.get("GONGKAI_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

_access = os.environ.get("GONGKAI_ACCESS_LOG", "-")
accesslog = None if _access == "off" else _access
access_log_format = ACCESS_LOG_FORMAT
logger_class = AccessLogger
errorlog = "-"
# No control socket (gunicorn 27): several servers on one machine would share its path.
control_socket_disable = True
loglevel = os.environ.get("GONGKAI_LOG_LEVEL", "info").lower()
# Large request bodies are limited by Django (DATA_UPLOAD_MAX_MEMORY_SIZE, the upload limits)
# and the reverse proxy; gunicorn keeps its defaults for request lines and headers.

"""Application server processes for the fault tests: ``python -m tests.robustness.worker``.

As an application server with a preloaded application (gunicorn's ``--preload``) does it: this
master process loads the project once (``gongkai.settings``, configured by the environment the
test gives: the test database, a mail backend, directories) and forks a worker for every line
``spawn`` it reads on its standard input. Each worker serves the project on a port of its own
on 127.0.0.1 with a pool of threads and prints ``listening <port> <pid>`` once it accepts
connections; the test kills workers with SIGKILL when it likes. When its input ends, the master
kills the workers it forked and exits.

The clock is moved to ``GONGKAI_TEST_NOW`` (ISO time, ticking from there) so that applications
fall on a day the working-day calendar covers, whatever day the suite runs.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import signal
import sys

THREADS = 4


def _reap(*_args: object) -> None:
    """Collect the workers that died (killed by the test), so that none stays a zombie."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def _serve() -> None:
    """In a forked worker: serve until killed."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connections

    from tests.robustness.server import PooledWSGIServer, QuietHandler

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    connections.close_all()  # never share the master's connections (it should hold none)
    server = PooledWSGIServer(("127.0.0.1", 0), QuietHandler, threads=THREADS)
    server.set_app(WSGIHandler())
    sys.stdout.write(f"listening {server.server_address[1]} {os.getpid()}\n")
    sys.stdout.flush()
    server.serve_forever(poll_interval=0.05)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    now = os.environ.get("GONGKAI_TEST_NOW")
    if now:
        import time_machine

        time_machine.travel(datetime.datetime.fromisoformat(now), tick=True).start()

    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    # As in the test process: the query codes are password hashes, and the default hasher
    # costs a second of CPU a submission on a shared test machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    WSGIHandler()  # load the middleware and the URLs once, before forking

    signal.signal(signal.SIGCHLD, _reap)
    workers: list[int] = []
    for line in sys.stdin:
        if line.strip() != "spawn":
            continue
        pid = os.fork()
        if pid == 0:
            sys.stdin.close()
            try:
                _serve()
            finally:
                os._exit(1)
        workers.append(pid)
    for pid in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _reap()


if __name__ == "__main__":
    main()

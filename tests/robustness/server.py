"""A WSGI server as an application server runs one: a bounded pool of worker threads behind a
listening socket with a large backlog. Used in this process by the robustness tests
(``conftest.http_server``) and in worker processes by the kill test (``worker``)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.db import connections


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


class PooledWSGIServer(WSGIServer):
    """Django's development WSGI server with a bounded pool of threads instead of one thread
    per connection, and a backlog that holds every waiting client."""

    request_queue_size = 512

    def __init__(self, *args: Any, threads: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")

    def process_request(self, request: Any, client_address: Any) -> None:
        self.pool.submit(self._work, request, client_address)

    def _work(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            connections.close_all()

    def server_close(self) -> None:
        super().server_close()
        self.pool.shutdown(wait=True)

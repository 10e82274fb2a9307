"""Queued work (docs/decisions/0031): how a change asks for a job, whichever backend runs it.

Jobs are Django tasks (``django_tasks``, the API of ``django.tasks`` in Django 6): functions
decorated with ``@task()`` in each app's ``tasks.py``. ``GONGKAI_TASK_BACKEND`` chooses who
runs them:

- ``immediate`` (the embedded default): the process that asks runs the job at once, after the
  commit of the change that caused it, exactly as a ``transaction.on_commit`` callback would.
- ``database``: the job is a row written *inside* the transaction of the change, so it exists
  exactly when the change does (a rolled-back change leaves no phantom job, a committed one
  cannot lose its job); ``manage.py db_worker`` processes run it.

Always ask through :func:`enqueue_with_change` (or :func:`enqueue_at`), never ``task.enqueue``
from inside a transaction: with the immediate backend the job would then run before the change
it follows is committed.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable
from functools import partial
from typing import Any, Literal

from django.db import transaction
from django_tasks import TaskResultStatus, task_backends
from django_tasks.backends.immediate import ImmediateBackend as _Immediate
from django_tasks.base import Task, TaskResult

logger = logging.getLogger(__name__)


class JobFailed(RuntimeError):
    """A job run by the immediate backend failed; the message holds its traceback."""


class ImmediateBackend(_Immediate):
    """The library's immediate backend, but a failing job raises in the process that asked
    for it, as the ``on_commit`` callbacks it replaces did, instead of being logged and
    forgotten: the embedded default must not hide a broken job (nor a test a failing one)."""

    def _execute_task(self, task_result: TaskResult) -> None:
        super()._execute_task(task_result)
        if task_result.status == TaskResultStatus.FAILED:
            error = task_result.errors[-1]
            raise JobFailed(f"{task_result.task.module_path} failed:\n{error.traceback}")


def stores_jobs_in_database() -> bool:
    """Whether jobs are rows in the database (written with the change that asks for them)."""
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


def enqueue_with_change(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue ``task(*args, **kwargs)`` to run once the current transaction commits.

    The database backend writes the job's row now, in the caller's transaction: it commits or
    rolls back with the change. The immediate backend runs the job after the commit (at once
    outside a transaction). Arguments must be JSON values (ids, not objects).

    The same job asked for again in the same transaction is queued once: it runs after the
    commit and sees every change the transaction made (publishing a document saves it, its
    version and its links, each of which asks to index it).
    """
    done = _first_in_transaction(task, args, kwargs)
    if done is False:
        return
    if stores_jobs_in_database():
        task.enqueue(*args, **kwargs)
        if done is not None:
            transaction.on_commit(done)
    else:
        transaction.on_commit(partial(_enqueue_then, task, args, kwargs, done))


def _enqueue_then(
    task: Task, args: tuple[Any, ...], kwargs: dict[str, Any], done: Callable[[], None] | None
) -> None:
    if done is not None:
        done()  # first: a job that asks for itself again is queued again
    task.enqueue(*args, **kwargs)


def _first_in_transaction(
    task: Task, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Callable[[], None] | Literal[False] | None:
    """False when the same job is already asked for in the current transaction (at the same
    savepoint); otherwise what forgets it once the transaction commits (None outside one).

    The jobs asked for are kept per transaction and savepoint: a job asked for inside a
    savepoint that rolls back is never counted against one asked for outside it."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    key = (
        task.module_path,
        task.queue_name,
        task.priority,
        task.run_after,
        json.dumps([args, kwargs], sort_keys=True, default=str),
    )
    savepoints = tuple(connection.savepoint_ids)
    state = getattr(connection, "_gongkai_jobs_asked", None)
    if state is None or state[0] is not connection.run_on_commit or state[1] != savepoints:
        state = (connection.run_on_commit, savepoints, set())
        connection._gongkai_jobs_asked = state  # type: ignore[attr-defined]
    asked: set[tuple[Any, ...]] = state[2]
    if key in asked:
        return False
    asked.add(key)
    return partial(asked.discard, key)


def enqueue_at(task: Task, when: datetime.datetime, *args: Any, **kwargs: Any) -> bool:
    """Queue ``task`` to run at ``when`` (not before), with the change, when the backend can
    defer jobs; whether it was queued. The immediate backend cannot wait: the periodic job
    that the task hastens (run by cron or the scheduler) does the work then instead."""
    if not task.get_backend().supports_defer:
        return False
    enqueue_with_change(task.using(run_after=when), *args, **kwargs)
    return True

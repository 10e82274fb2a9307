"""Exports (导出) built by the task queue, not in the staff member's request (decision 0041).

An app registers an exporter for each kind of file it offers (:func:`register_exporter`, from
its ``AppConfig.ready``, since ``core`` knows no app): the names of the parameters it takes, a
``check`` that validates them for a user and says what the export is (or raises
:class:`ExportRefused` / :class:`ExportError`), and a ``build`` that makes the file. The check
runs when the export is asked for, again when the job runs, and again at each download: a
permission lost in between (a role withdrawn, an agency changed) refuses the export.

:func:`request_export` writes the :class:`~gongkai.core.models.Export` row and queues
``core.tasks.build_export`` with it (:func:`gongkai.core.jobs.enqueue_with_change`): with the
immediate backend the file is built right after the commit, in the same process; with the
database backend by a ``db_worker``. The file goes to private storage (media is never served
by URL) and reaches only the member of staff who asked, through the workbench's download view.
Files may hold personal data (survey answers): their contents never reach a log line, the
audit trail (which names the export, its kind and parameters — ids and filters, never values)
or an error message.
"""

from __future__ import annotations

import datetime
import logging
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongkai.core import audit
from gongkai.core.jobs import enqueue_with_change
from gongkai.core.models import AuditEntry, Export, User

logger = logging.getLogger(__name__)

DEFAULT_EXPORT_DAYS = 7
State = Export.State


class ExportError(ValueError):
    """An export that cannot be asked for or built: unknown kind, bad parameters. The message
    is translated and shown to the member of staff."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ExportRefused(ExportError):
    """The user may not have this export (or no longer may)."""


@dataclass(frozen=True)
class ExportFile:
    """What an exporter builds."""

    filename: str
    content_type: str
    content: bytes


Parameters = dict[str, str]


@dataclass(frozen=True)
class Exporter:
    kind: str
    parameters: tuple[str, ...]  # the names it takes; anything else asked is dropped
    check: Callable[[User, Parameters], str]  # a description, or ExportError / ExportRefused
    build: Callable[[User, Parameters], ExportFile]


_exporters: dict[str, Exporter] = {}


def register_exporter(
    kind: str,
    *,
    parameters: tuple[str, ...],
    check: Callable[[User, Parameters], str],
    build: Callable[[User, Parameters], ExportFile],
) -> None:
    """Add (or replace) the exporter of ``kind`` (a dotted code such as
    ``surveys.responses``). ``check(user, parameters)`` validates the parameters and the
    user's permission and returns a short description for "My exports" (no personal data);
    ``build(user, parameters)`` returns the file. Both run in the asker's language."""
    _exporters[kind] = Exporter(kind=kind, parameters=parameters, check=check, build=build)


def unregister_exporter(kind: str) -> None:
    _exporters.pop(kind, None)


def exporter_for(kind: str) -> Exporter:
    try:
        return _exporters[kind]
    except KeyError:
        raise ExportError(_("There is no export of this kind.")) from None


def export_days() -> int:
    return int(getattr(settings, "GONGKAI_EXPORT_DAYS", DEFAULT_EXPORT_DAYS))


# --- Selectors ---------------------------------------------------------------------------------


def exports_of(user: User) -> QuerySet[Export]:
    """The user's own exports, latest first: nobody sees another's (not even an administrator:
    the files may hold personal data the administrator may not read)."""
    if not user.is_authenticated:
        return Export.objects.none()
    return Export.objects.filter(requested_by=user)


def expired_exports(*, now: datetime.datetime | None = None) -> QuerySet[Export]:
    """Exports finished more than ``GONGKAI_EXPORT_DAYS`` ago, and those asked for that long
    ago and never finished (a job lost with a killed worker)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=export_days())
    return Export.objects.filter(
        Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)
    )


# --- Services ----------------------------------------------------------------------------------


def _check(user: User, exporter: Exporter, parameters: Parameters) -> str:
    if not user.is_active:
        raise ExportRefused(_("Your account may not have exports."))
    return exporter.check(user, parameters)


def request_export(
    user: User, *, kind: str, parameters: Mapping[str, Any], language: str
) -> Export:
    """Ask for an export of ``kind``: checked now (nothing is written if refused), built by a
    queued job after the commit. ``language`` is the asker's: the file and any error are made
    in it, as the page would have been."""
    exporter = exporter_for(kind)
    kept = {
        name: str(parameters[name])
        for name in exporter.parameters
        if parameters.get(name) not in (None, "")
    }
    with translation.override(language):
        description = _check(user, exporter, kept)
    from gongkai.core import tasks

    with transaction.atomic():
        export = Export.objects.create(
            requested_by=user,
            kind=kind,
            parameters=kept,
            description=str(description)[:300],
            language=language,
            created_at=timezone.now(),
        )
        audit.record(
            "exports.request",
            actor=user,
            obj=export,
            details={"kind": kind, "parameters": kept},
        )
        enqueue_with_change(tasks.build_export, export.pk)
    return export


def _fail(export: Export, message: str) -> Export:
    export.state = State.FAILED
    export.error = message[:500]
    export.finished_at = timezone.now()
    export.save(update_fields=["state", "error", "finished_at"])
    return export


def run_export(export_id: int) -> Export | None:
    """Build the file of a queued export (the job ``core.tasks.build_export``). Repeat-safe:
    an export already taken by a worker, finished or deleted is left alone (None). The
    permission is checked again: it may have been withdrawn since the export was asked for."""
    with transaction.atomic():
        export = (
            Export.objects.select_for_update(of=("self",))
            .select_related("requested_by")
            .filter(pk=export_id, state=State.QUEUED)
            .first()
        )
        if export is None:
            return None
        export.state = State.RUNNING
        export.started_at = timezone.now()
        export.save(update_fields=["state", "started_at"])
    user = export.requested_by
    with translation.override(export.language):
        try:
            exporter = exporter_for(export.kind)
            _check(user, exporter, export.parameters)
            made = exporter.build(user, export.parameters)
        except ExportError as error:
            return _fail(export, error.message)
        except Exception as error:  # the asker must see that it failed
            # The traceback names the code, not the data; the error's own text may quote
            # values (personal data), so it is not logged.
            logger.error(
                "Export %s (%s) failed: %s\n%s",
                export.pk,
                export.kind,
                type(error).__name__,
                "".join(traceback.format_tb(error.__traceback__)),
            )
            return _fail(
                export,
                _(
                    "The export could not be made. Ask for it again; if it fails again, tell the "
                    "administrator."
                ),
            )
    export.file.save("export", ContentFile(made.content), save=False)
    export.filename = made.filename[:200]
    export.content_type = made.content_type[:200]
    export.size = len(made.content)
    export.state = State.DONE
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "filename", "content_type", "size", "state", "finished_at"])
    return export


def open_export(export: Export, *, actor: User) -> IO[bytes]:
    """The file of ``actor``'s finished export, the download recorded as a read; raises
    :class:`ExportRefused` when the permission that allowed it no longer holds, and
    :class:`ExportError` when it is not (or no longer) ready."""
    if export.requested_by_id != actor.pk:
        raise ExportRefused(_("This export is not yours."))
    if export.state != State.DONE or not export.file:
        raise ExportError(_("This export is not ready."))
    with translation.override(export.language):
        _check(actor, exporter_for(export.kind), export.parameters)
    handle = export.file.open("rb")
    audit.record(
        "exports.download",
        actor=actor,
        obj=export,
        details={"kind": export.kind, "parameters": export.parameters},
        kind=AuditEntry.Kind.READ,
    )
    return handle


def delete_expired_exports(*, now: datetime.datetime | None = None) -> int:
    """Delete the expired exports, files included (the periodic ``prune_task_results``);
    how many. Repeat-safe. A file is deleted after its row is: a failure in between leaves an
    unreachable file rather than a row pointing at nothing."""
    deleted = 0
    for export in expired_exports(now=now).only("pk", "file").iterator():
        name = export.file.name
        storage = export.file.storage
        export.delete()
        if name:
            storage.delete(name)
        deleted += 1
    return deleted


@receiver(post_delete, sender=Export, dispatch_uid="gongkai.core.exports.file_goes_with_its_export")
def _file_goes_with_its_export(sender: Any, instance: Export, **kwargs: Any) -> None:
    """However an export's row goes (expiry, or with the user who asked, by cascade), its
    file goes too, after the commit: the file may hold personal data."""
    name = instance.file.name
    if name:
        storage = instance.file.storage
        transaction.on_commit(lambda: storage.delete(name))

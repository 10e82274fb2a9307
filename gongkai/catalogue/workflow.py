"""The review-and-publish workflow of a document (REG 17: 保密审查 before publishing).

::

    draft ──submit──▶ submitted ──approve──▶ approved ──(at once or when scheduled)──▶ published
      ▲                   │                     │                                        │
      └──────reject───────┘                     └──────────────withdraw──────────────────┤
                                                                                          ▼
                                                                                      withdrawn

* ``rejected`` is not a state: a rejection sends the document back to ``draft`` with the
  reviewer's comment (a ``rejected`` event).
* ``published`` is set only by the system (:data:`SYSTEM_STATES`): by the approval when it
  publishes at once, or by the scheduler when ``scheduled_for`` arrives. No person chooses it.
* ``withdrawn`` is final for that document: it is gone from every public page and never comes
  back. To publish the information again an editor makes a new document.
* An amendment (修订) of a published document does not take it off the public pages. The
  document stays ``published`` — the public reads its last :class:`DocumentVersion` — and its
  working copy walks the same path in ``amendment_state`` (draft → submitted → approved); the
  publication of the amendment writes version *n + 1* and clears ``amendment_state``. So
  :attr:`Document.working_state` is what staff work on and :attr:`Document.state` is what the
  public sees.

:func:`transition` is the only place a state is assigned; only ``catalogue.services`` calls it,
inside the service's transaction, and saves the document.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongkai.catalogue.models import Document

State = Document.State


class CatalogueError(ValueError):
    """A catalogue action that cannot be done; the message is translated and shown as is.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class CataloguePermissionDenied(CatalogueError, PermissionDenied):
    """The actor may not do this to this document (nothing was changed)."""


class WorkflowError(CatalogueError):
    """A transition from a state that does not allow it."""


# Allowed transitions of a document that is not being amended, by its state.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.SUBMITTED}),
    State.SUBMITTED: frozenset({State.DRAFT, State.APPROVED}),  # rejected / approved
    State.APPROVED: frozenset({State.PUBLISHED, State.WITHDRAWN}),  # a schedule may be withdrawn
    State.PUBLISHED: frozenset({State.WITHDRAWN, State.DRAFT}),  # DRAFT: start an amendment
    State.WITHDRAWN: frozenset(),  # final
}

# Allowed transitions of an amendment, by ``amendment_state``. PUBLISHED ends the amendment with
# a new version; WITHDRAWN withdraws the published document and drops the amendment with it.
AMENDMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.SUBMITTED, State.WITHDRAWN}),
    State.SUBMITTED: frozenset({State.DRAFT, State.APPROVED, State.WITHDRAWN}),
    State.APPROVED: frozenset({State.PUBLISHED, State.WITHDRAWN}),
}

# Reached only through the system's own paths (publish_document), never chosen by a person.
SYSTEM_STATES: frozenset[str] = frozenset({State.PUBLISHED})
# A person's decisions: submit, reject (back to draft), approve, withdraw.
PERSON_STATES: frozenset[str] = frozenset(
    {State.DRAFT, State.SUBMITTED, State.APPROVED, State.WITHDRAWN}
)

# Working states in which the editor may change the working copy.
EDITABLE_STATES: frozenset[str] = frozenset({State.DRAFT})


def is_amending(document: Document) -> bool:
    """Whether an amendment of the published document is in progress."""
    return bool(document.amendment_state)


def allowed_targets(document: Document) -> frozenset[str]:
    """The states the document's working copy may move to from where it is."""
    if is_amending(document):
        return AMENDMENT_TRANSITIONS.get(document.amendment_state, frozenset())
    return TRANSITIONS.get(document.state, frozenset())


def can_transition(document: Document, to_state: str) -> bool:
    return to_state in allowed_targets(document)


def transition(document: Document, to_state: str, *, system: bool = False) -> str:
    """Move ``document`` to ``to_state`` in memory; return the working state it came from.

    ``system`` must be true for :data:`SYSTEM_STATES` (the publication). The caller saves
    ``state`` and ``amendment_state`` and writes the event in the same transaction.
    """
    if to_state in SYSTEM_STATES and not system:
        raise WorkflowError(_("Only the system publishes a document, after its approval."))
    if to_state not in SYSTEM_STATES and to_state not in PERSON_STATES:
        raise WorkflowError(_("“%(state)s” is not a state of a document.") % {"state": to_state})
    current = document.working_state
    if not can_transition(document, to_state):
        raise WorkflowError(
            _("A document that is “%(current)s” cannot become “%(target)s”.")
            % {"current": State(current).label, "target": State(to_state).label}
        )
    if is_amending(document):
        if to_state == State.PUBLISHED:
            document.amendment_state = ""
        elif to_state == State.WITHDRAWN:
            document.state = State.WITHDRAWN
            document.amendment_state = ""
        else:
            document.amendment_state = to_state
    elif current == State.PUBLISHED and to_state == State.DRAFT:
        document.amendment_state = State.DRAFT
    else:
        document.state = to_state
    return current

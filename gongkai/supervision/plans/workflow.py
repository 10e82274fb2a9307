"""The states of a key task and of a supervision notice, and the transitions between them.

A key task::

    assigned             ─sign───────────────▶ signed
    signed, sent back    ─report progress────▶ in progress
    signed, in progress,
    sent back            ─report completion──▶ completion reported
    completion reported  ─accept─────────────▶ accepted (办结, final)
                         ─send back──────────▶ sent back

* The office assigns a task by creating it (交办): the lead agency signs for it (签收) before
  anything else. Progress and completion are reported by the lead agency; a co-responsible
  agency may report its part, which changes no state.
* An extension (延期) is asked for while the task waits for the agency (signed, in progress,
  sent back) and decided by the office; it changes the deadline, not the state.
* Accepted (办结) is final.

A notice: draft ─issue─▶ issued ─close─▶ closed; each recipient agency: waiting ─answer─▶
answered (once, while the notice is issued).

:func:`transition` is the only place a state is assigned; only ``plans.services`` calls it,
inside the service's transaction, and saves the record.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongkai.supervision.plans.models import KeyTask, NoticeRecipient, SupervisionNotice

State = KeyTask.State
NoticeState = SupervisionNotice.State
RecipientState = NoticeRecipient.State


class PlanError(ValueError):
    """An action on a plan, task or notice that cannot be done; the message is translated.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PlanPermissionDenied(PlanError, PermissionDenied):
    """The actor may not do this (nothing was changed)."""


class WorkflowError(PlanError):
    """A transition from a state that does not allow it."""


TRANSITIONS: dict[str, frozenset[str]] = {
    State.ASSIGNED: frozenset({State.SIGNED}),
    State.SIGNED: frozenset({State.IN_PROGRESS, State.COMPLETION_REPORTED}),
    State.IN_PROGRESS: frozenset({State.COMPLETION_REPORTED}),
    State.SENT_BACK: frozenset({State.IN_PROGRESS, State.COMPLETION_REPORTED}),
    State.COMPLETION_REPORTED: frozenset({State.ACCEPTED, State.SENT_BACK}),
    State.ACCEPTED: frozenset(),
}

# States in which the task waits for its lead agency: the deadline warnings apply to these.
AGENCY_STATES: frozenset[str] = frozenset(
    {State.ASSIGNED, State.SIGNED, State.IN_PROGRESS, State.SENT_BACK}
)
# States in which the agency may report progress or ask for an extension (signed for).
WORKING_STATES: frozenset[str] = frozenset({State.SIGNED, State.IN_PROGRESS, State.SENT_BACK})
OPEN_STATES: frozenset[str] = frozenset(set(State.values) - {State.ACCEPTED})

# What the public page calls each state: why a task was sent back is the office's business,
# so a task sent back shows as in progress.
PUBLIC_STATES: dict[str, str] = {
    State.ASSIGNED: State.ASSIGNED,
    State.SIGNED: State.SIGNED,
    State.IN_PROGRESS: State.IN_PROGRESS,
    State.SENT_BACK: State.IN_PROGRESS,
    State.COMPLETION_REPORTED: State.COMPLETION_REPORTED,
    State.ACCEPTED: State.ACCEPTED,
}

NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    NoticeState.DRAFT: frozenset({NoticeState.ISSUED}),
    NoticeState.ISSUED: frozenset({NoticeState.CLOSED}),
    NoticeState.CLOSED: frozenset(),
}


def state_label(value: str) -> str:
    try:
        return str(State(value).label)
    except ValueError:
        return value


def public_state(value: str) -> str:
    return PUBLIC_STATES.get(value, value)


def can_transition(task: KeyTask, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(task.state, frozenset())


def transition(task: KeyTask, to_state: str) -> str:
    """Move ``task`` to ``to_state`` in memory; return the state it came from."""
    current = task.state
    if to_state not in State.values:
        raise WorkflowError(_("“%(state)s” is not a state of a key task.") % {"state": to_state})
    if not can_transition(task, to_state):
        raise WorkflowError(
            _("A task that is “%(current)s” cannot become “%(target)s”.")
            % {"current": state_label(current), "target": state_label(to_state)}
        )
    task.state = to_state
    return current


def transition_notice(notice: SupervisionNotice, to_state: str) -> str:
    """Move ``notice`` to ``to_state`` in memory; return the state it came from."""
    current = notice.state
    if to_state not in NOTICE_TRANSITIONS.get(current, frozenset()):
        raise WorkflowError(
            _("A notice that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": NoticeState(current).label,
                "target": NoticeState(to_state).label if to_state in NoticeState.values else "",
            }
        )
    notice.state = to_state
    return current


def answer_recipient(recipient: NoticeRecipient) -> str:
    """Mark one recipient's answer in memory; return the state it came from."""
    current = recipient.state
    if current != RecipientState.WAITING:
        raise WorkflowError(_("Your agency has answered this notice already."))
    recipient.state = RecipientState.ANSWERED
    return current

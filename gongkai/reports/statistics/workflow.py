"""The states of a statistics submission and the transitions between them.

::

    draft ─submit─▶ submitted ─accept─▶ accepted (locked for ever)
                        │                   ▲
                      return(reason)        │
                        ▼                   │
                    returned ─submit─▶ resubmitted
                        ▲                   │
                        └──return(reason)───┘

:func:`transition` is the only place a state is assigned; only ``statistics.services`` calls
it, inside the service's transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongkai.reports.statistics.models import StatisticsSubmission

State = StatisticsSubmission.State


class StatisticsError(ValueError):
    """An action on statistics that cannot be done; the message is translated."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StatisticsPermissionDenied(StatisticsError, PermissionDenied):
    """The actor may not do this (nothing was changed)."""


class WorkflowError(StatisticsError):
    """A transition from a state that does not allow it."""


TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.SUBMITTED}),
    State.SUBMITTED: frozenset({State.RETURNED, State.ACCEPTED}),
    State.RETURNED: frozenset({State.RESUBMITTED}),
    State.RESUBMITTED: frozenset({State.RETURNED, State.ACCEPTED}),
    State.ACCEPTED: frozenset(),
}

# The agency may change the values (and compute them again) only in these states.
EDITABLE_STATES: frozenset[str] = frozenset({State.DRAFT, State.RETURNED})
# Waiting for the office's check.
WAITING_STATES: frozenset[str] = frozenset({State.SUBMITTED, State.RESUBMITTED})


def state_label(value: str) -> str:
    try:
        return str(State(value).label)
    except ValueError:
        return value


def can_transition(submission: StatisticsSubmission, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(submission.state, frozenset())


def transition(submission: StatisticsSubmission, to_state: str) -> str:
    """Move ``submission`` to ``to_state`` in memory; return the state it came from."""
    current = submission.state
    if current == State.ACCEPTED:
        raise WorkflowError(_("An accepted submission is locked: nothing in it can change."))
    if not can_transition(submission, to_state):
        raise WorkflowError(
            _("A submission that is “%(current)s” cannot become “%(target)s”.")
            % {"current": state_label(current), "target": state_label(to_state)}
        )
    submission.state = to_state
    return current

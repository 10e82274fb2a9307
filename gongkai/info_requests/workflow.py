"""The states of an application and the transitions between them (REG 30–45).

::

    received ─accept─▶ accepted ─assign─▶ handling ─submit─▶ legal_review ─approve─▶ replied
       │  ▲               │                 │ ▲ ▲ ▲               │     (head_approval when the
       │  └─corrected─┐   │                 │ │ │ └─return────────┘      agency requires it)
       ├─correct─▶ correction ◀─correct─────┤ │ └─answered── consulting ◀─consult─┤
       │              │                     │ └─paid/waived─ awaiting_fee ◀─fee───┘
       └─close─┐      └─not corrected─┐     │                    │ not paid
               ▼                      ▼     ▼                    ▼
                              closed (one outcome)      replied ─▶ delivered ─▶ closed

* A correction (补正) is asked once (REG 30); the corrected application goes back to where the
  application stood (``accepted`` when it had no handling agency yet, ``handling`` otherwise).
* ``closed`` is final and always carries one outcome. It is reached from ``delivered``, or
  without a reply notice by the office at receipt (REG 35, 36(6), 39) or on the applicant's
  withdrawal, and by the deadline job (an unanswered correction, an unpaid fee).
* A transfer (转办) changes the handling agency, not the state.

:func:`transition` is the only place a state is assigned; only ``info_requests.services``
calls it, inside the service's transaction, and saves the application.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongkai.info_requests.models import InfoRequest

State = InfoRequest.State


class InfoRequestError(ValueError):
    """An action on an application that cannot be done; the message is translated.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InfoRequestPermissionDenied(InfoRequestError, PermissionDenied):
    """The actor may not do this to this application (nothing was changed)."""


class WorkflowError(InfoRequestError):
    """A transition from a state that does not allow it."""


TRANSITIONS: dict[str, frozenset[str]] = {
    State.RECEIVED: frozenset({State.ACCEPTED, State.HANDLING, State.CORRECTION, State.CLOSED}),
    State.CORRECTION: frozenset({State.ACCEPTED, State.HANDLING, State.CLOSED}),
    State.ACCEPTED: frozenset({State.HANDLING, State.CORRECTION, State.CLOSED}),
    State.HANDLING: frozenset(
        {State.CORRECTION, State.CONSULTING, State.AWAITING_FEE, State.LEGAL_REVIEW}
    ),
    State.CONSULTING: frozenset({State.HANDLING}),
    State.AWAITING_FEE: frozenset({State.HANDLING, State.CLOSED}),
    State.LEGAL_REVIEW: frozenset({State.HANDLING, State.HEAD_APPROVAL, State.REPLIED}),
    State.HEAD_APPROVAL: frozenset({State.HANDLING, State.REPLIED}),
    State.REPLIED: frozenset({State.DELIVERED}),
    State.DELIVERED: frozenset({State.CLOSED}),
    State.CLOSED: frozenset(),
}

# States in which the reply clock runs or is paused (not yet replied or closed).
OPEN_STATES: frozenset[str] = frozenset(set(State) - {State.REPLIED, State.DELIVERED, State.CLOSED})
# States in which the handling agency's handler works on the reply.
HANDLER_STATES: frozenset[str] = frozenset({State.HANDLING, State.CONSULTING, State.AWAITING_FEE})


def can_transition(request: InfoRequest, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(request.state, frozenset())


def transition(request: InfoRequest, to_state: str) -> str:
    """Move ``request`` to ``to_state`` in memory; return the state it came from.

    The outcomes that only a passed deadline gives (``outcomes.BY_DEADLINE``) are guarded by
    the services, which alone know why an application closes.
    """
    current = request.state
    if to_state not in State.values:
        raise WorkflowError(
            _("“%(state)s” is not a state of an application.") % {"state": to_state}
        )
    if not can_transition(request, to_state):
        raise WorkflowError(
            _("An application that is “%(current)s” cannot become “%(target)s”.")
            % {"current": State(current).label, "target": State(to_state).label}
        )
    request.state = to_state
    return current

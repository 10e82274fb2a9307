"""The states of a monthly publication and the transitions between them.

::

    draft ─check─▶ checked ─publish─▶ published (frozen; a correction is a new version)
      ▲               │
      └──recompute────┘

* The job or the office computes a draft of a month that has ended; recomputing a draft (or a
  checked table) reads the records again and sends it back to ``draft``: it must be checked
  again.
* A published version is never changed again. A correction starts a new version of the month
  (``draft``, with its note), computed afresh; the earlier versions stay published and
  reachable, the newest published version is the month's current table.

:func:`transition` is the only place a state is assigned; only ``monthly.services`` calls it,
inside the service's transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongkai.supervision.monthly.models import MonthlyPublication

State = MonthlyPublication.State


class MonthlyError(ValueError):
    """An action on a monthly publication that cannot be done; the message is translated."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class MonthlyPermissionDenied(MonthlyError, PermissionDenied):
    """The actor may not do this (nothing was changed)."""


class WorkflowError(MonthlyError):
    """A transition from a state that does not allow it."""


TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.DRAFT, State.CHECKED}),  # draft → draft: recomputed
    State.CHECKED: frozenset({State.DRAFT, State.PUBLISHED}),
    State.PUBLISHED: frozenset(),
}

# The states of a version still being prepared (at most one a month).
OPEN_STATES: frozenset[str] = frozenset({State.DRAFT, State.CHECKED})


def can_transition(publication: MonthlyPublication, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(publication.state, frozenset())


def state_label(value: str) -> str:
    try:
        return str(State(value).label)
    except ValueError:
        return value


def transition(publication: MonthlyPublication, to_state: str) -> str:
    """Move ``publication`` to ``to_state`` in memory; return the state it came from."""
    current = publication.state
    if to_state not in State.values:
        raise WorkflowError(
            _("“%(state)s” is not a state of a monthly publication.") % {"state": to_state}
        )
    if not can_transition(publication, to_state):
        raise WorkflowError(
            _("A table that is “%(current)s” cannot become “%(target)s”.")
            % {"current": state_label(current), "target": state_label(to_state)}
        )
    publication.state = to_state
    return current

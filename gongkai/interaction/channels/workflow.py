"""The states of an opinion response and the errors of this part.

::

    open ─respond─▶ responded      (a published response: a catalogue document or an address)
      └──close────▶ closed         (assessed: no public response needed, with the reason)

A response already recorded may be corrected (another document or address, another date)
without a change of state. :func:`transition` is the only place a state is assigned; only
``channels.services`` calls it, inside the service's transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongkai.interaction.channels.models import OpinionResponse

State = OpinionResponse.State


class ChannelsError(ValueError):
    """An action on hotline, service or channel records that cannot be done; the message is
    translated. ``field`` names the form field the message belongs to, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ChannelsPermissionDenied(ChannelsError, PermissionDenied):
    """The actor may not do this (nothing was changed)."""


class WorkflowError(ChannelsError):
    """A transition from a state that does not allow it."""


TRANSITIONS: dict[str, frozenset[str]] = {
    State.OPEN: frozenset({State.RESPONDED, State.CLOSED}),
    State.RESPONDED: frozenset(),
    State.CLOSED: frozenset(),
}


def can_transition(opinion: OpinionResponse, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(opinion.state, frozenset())


def transition(opinion: OpinionResponse, to_state: str) -> str:
    """Move ``opinion`` to ``to_state`` in memory; return the state it came from."""
    current = opinion.state
    if not can_transition(opinion, to_state):
        raise WorkflowError(
            _("A matter that is “%(current)s” cannot become “%(target)s”.")
            % {"current": State(current).label, "target": State(to_state).label}
        )
    opinion.state = to_state
    return current

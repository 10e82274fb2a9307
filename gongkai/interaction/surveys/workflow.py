"""The states of a survey and the transitions between them.

::

    draft ──publish (reviewer)──▶ published ──close (reviewer, or the closing time)──▶ closed

* ``closed`` is final: a closed survey takes no answers and is never opened again.
* A published survey whose closing time has passed takes no answers even before
  ``close_due_surveys`` records its state (``Survey.phase``); the job only makes the state say so.
* Editors change a survey's questions while it is a draft or published without any answer yet;
  once answered, its questions are frozen (changing them would change what the answers mean).
* Who may answer (``Survey.answer_control``: once per browser, or signed-in citizens once per
  account) is chosen on the draft and fixed from the publication on.

:func:`transition` is the only place a state is assigned; only ``surveys.services`` calls it,
inside the service's transaction, and saves the survey.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongkai.interaction.surveys.models import Survey

State = Survey.State


class SurveyError(ValueError):
    """A survey action that cannot be done; the message is translated and shown as is.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class SurveyPermissionDenied(SurveyError, PermissionDenied):
    """The actor may not do this to this survey (nothing was changed)."""


class WorkflowError(SurveyError):
    """A transition from a state that does not allow it."""


TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.PUBLISHED}),
    State.PUBLISHED: frozenset({State.CLOSED}),
    State.CLOSED: frozenset(),  # final
}


def can_transition(survey: Survey, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(survey.state, frozenset())


def transition(survey: Survey, to_state: str) -> str:
    """Move ``survey`` to ``to_state`` in memory and return the state it came from; the
    caller saves it and writes the event in the same transaction."""
    current = survey.state
    if not can_transition(survey, to_state):
        raise WorkflowError(
            _("A survey that is “%(current)s” cannot become “%(target)s”.")
            % {"current": State(current).label, "target": State(to_state).label}
        )
    survey.state = to_state
    return current

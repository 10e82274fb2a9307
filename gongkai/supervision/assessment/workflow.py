"""The states of an indicator scheme and the errors of assessment.

::

    draft ─activate─▶ active ─(a later version is activated)─▶ closed
                        │
                        └─publish: scores frozen (``published_at``), state unchanged

A draft is the office's working copy; activating it makes it the year's scheme (the previous
active version of the year, if any, is closed). An active scheme may still be edited until its
scores are published; from then on it is frozen, and a change is a new version: a draft copied
from it, activated and published in turn. :func:`transition` is the only place a state is
assigned; only ``assessment.services`` calls it, inside the service's transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongkai.supervision.assessment.models import IndicatorScheme

State = IndicatorScheme.State


class AssessmentError(ValueError):
    """An action on schemes, scores or accountability records that cannot be done; the
    message is translated. ``field`` names the form field it belongs to, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class AssessmentPermissionDenied(AssessmentError, PermissionDenied):
    """The actor may not do this (nothing was changed)."""


class WorkflowError(AssessmentError):
    """A transition from a state that does not allow it."""


TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.ACTIVE}),
    State.ACTIVE: frozenset({State.CLOSED}),
    State.CLOSED: frozenset(),
}


def can_transition(scheme: IndicatorScheme, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(scheme.state, frozenset())


def transition(scheme: IndicatorScheme, to_state: str) -> str:
    """Move ``scheme`` to ``to_state`` in memory; return the state it came from."""
    current = scheme.state
    if not can_transition(scheme, to_state):
        raise WorkflowError(
            _("A scheme that is “%(current)s” cannot become “%(target)s”.")
            % {"current": State(current).label, "target": State(to_state).label}
        )
    scheme.state = to_state
    return current


def require_editable(scheme: IndicatorScheme) -> None:
    """Refuse a change to a frozen scheme: published, or replaced by a later version."""
    if scheme.published_at is not None:
        raise WorkflowError(
            _(
                "The scores of this scheme are published, so it can no longer change. Make a "
                "new version of it instead."
            )
        )
    if scheme.state == State.CLOSED:
        raise WorkflowError(_("This version was replaced by a later one and can no longer change."))

"""The path of a consultation on a draft (建议征集)::

    draft ──publish──▶ open ──close──▶ closed ──publish feedback──▶ feedback

* ``open`` is public: the draft can be read from its publication and takes comments from the
  opening day to the closing day (Asia/Shanghai), both included.
* ``closed`` is reached when the closing day has passed (by the daily job, or by the first
  feedback action after it: ``system``) or when a reviewer closes the consultation early.
* ``feedback`` is final: the feedback report (采纳情况) is public and no longer changes; only
  the link to the final document may still be set.

:func:`transition` is the only place a state is assigned; only ``consultations.services``
calls it, inside the service's transaction, and saves the consultation.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongkai.interaction.consultations.models import Comment, Consultation

State = Consultation.State
CommentState = Comment.State


class ConsultationError(ValueError):
    """A consultation action that cannot be done; the message is translated and shown as is.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConsultationPermissionDenied(ConsultationError, PermissionDenied):
    """The actor may not do this to this consultation (nothing was changed)."""


class WorkflowError(ConsultationError):
    """A transition from a state that does not allow it."""


TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.OPEN}),  # published by a reviewer
    State.OPEN: frozenset({State.CLOSED}),  # closing day passed, or closed early
    State.CLOSED: frozenset({State.FEEDBACK}),  # the feedback published
    State.FEEDBACK: frozenset(),  # final
}

# States in which the editor may change the draft, its articles and its attachments.
EDITABLE_STATES: frozenset[str] = frozenset({State.DRAFT})
# States in which comments may be moderated (shown or hidden).
MODERATION_STATES: frozenset[str] = frozenset({State.OPEN, State.CLOSED})
# States in which the feedback report may be written.
FEEDBACK_STATES: frozenset[str] = frozenset({State.CLOSED})

# What a moderator may do to a comment, by its moderation state.
COMMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    CommentState.PENDING: frozenset({CommentState.SHOWN, CommentState.HIDDEN}),
    CommentState.SHOWN: frozenset({CommentState.HIDDEN}),
    CommentState.HIDDEN: frozenset({CommentState.SHOWN}),
}


def can_transition(consultation: Consultation, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(consultation.state, frozenset())


def transition(consultation: Consultation, to_state: str) -> str:
    """Move ``consultation`` to ``to_state`` in memory; return the state it came from.

    The caller saves ``state`` and writes the event in the same transaction.
    """
    current = consultation.state
    if to_state not in State.values:
        raise WorkflowError(
            _("“%(state)s” is not a state of a consultation.") % {"state": to_state}
        )
    if not can_transition(consultation, to_state):
        raise WorkflowError(
            _("A consultation that is “%(current)s” cannot become “%(target)s”.")
            % {"current": State(current).label, "target": State(to_state).label}
        )
    consultation.state = to_state
    return current


def moderate(comment: Comment, to_state: str) -> str:
    """Move ``comment`` to the moderation state ``to_state`` in memory; return the old one."""
    current = comment.state
    if to_state not in COMMENT_TRANSITIONS.get(current, frozenset()):
        raise WorkflowError(
            _("A comment that is “%(current)s” cannot become “%(target)s”.")
            % {"current": CommentState(current).label, "target": CommentState(to_state).label}
        )
    comment.state = to_state
    return current

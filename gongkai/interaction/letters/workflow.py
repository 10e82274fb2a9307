"""The states of a letter and the transitions between them.

::

    received ─accept─▶ accepted ─assign─▶ handling ─submit▶ review ─approve─▶ replied ─rate▶ closed
       │                                   ▲  ▲ (transfer)    │                 │ (or unrated,
       └─reject─▶ rejected                 │  └───return──────┘                 │  by the job)
                                           └──── reopen (不满意, once) ──────────┘

* Accepting (受理) starts the reply clock: the letter type's limit in working days, the day of
  acceptance not counted (REGULATION.md §1). The office may accept and assign at once.
* Not accepting (不予受理) is final and always carries one of :data:`REJECTION_MESSAGES`' reasons;
  an application for information is pointed to the application form, a petition to the
  petition channel (信访).
* A transfer (转办) changes the handling agency, not the state; each is recorded with its reason.
* The reviewer's approval replies (the clock stops, the writer is notified). An unsatisfied
  rating (不满意) may reopen the letter once: back to the handler, with a new reply clock of the
  same limit from the day it is reopened.
* A replied letter whose writer agreed may be published as public Q&A (公开答复), on its own
  small path (:data:`PUBLICATION_TRANSITIONS`) that never changes the letter's state::

      (none) ─propose─▶ proposed ─publish─▶ published ─withdraw─▶ withdrawn ─propose─▶ proposed

:func:`transition` is the only place a state is assigned; only ``letters.services`` calls it,
inside the service's transaction, and saves the letter.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.interaction.letters.models import Letter, PublishedLetter

State = Letter.State
Publication = PublishedLetter.State
Rejection = Letter.Rejection


class LetterError(ValueError):
    """An action on a letter that cannot be done; the message is translated.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class LetterPermissionDenied(LetterError, PermissionDenied):
    """The actor may not do this to this letter (nothing was changed)."""


class WorkflowError(LetterError):
    """A transition from a state that does not allow it."""


TRANSITIONS: dict[str, frozenset[str]] = {
    State.RECEIVED: frozenset({State.ACCEPTED, State.REJECTED}),
    State.ACCEPTED: frozenset({State.HANDLING}),
    State.HANDLING: frozenset({State.REVIEW}),
    State.REVIEW: frozenset({State.HANDLING, State.REPLIED}),
    State.REPLIED: frozenset({State.CLOSED, State.HANDLING}),
    State.REJECTED: frozenset(),
    State.CLOSED: frozenset(),
}

# States in which the reply clock runs (accepted, not yet replied).
OPEN_STATES: frozenset[str] = frozenset({State.ACCEPTED, State.HANDLING, State.REVIEW})
# States still waiting for someone (the writer's rating included).
ACTIVE_STATES: frozenset[str] = frozenset({State.RECEIVED, *OPEN_STATES, State.REPLIED})
FINAL_STATES: frozenset[str] = frozenset({State.REJECTED, State.CLOSED})
REPLIED_STATES: frozenset[str] = frozenset({State.REPLIED, State.CLOSED})

# What the writer is told for each reason a letter is not accepted (the office may add a note).
REJECTION_MESSAGES: dict[str, Promise] = {
    Rejection.ABUSIVE: gettext_lazy(
        "Your letter was not accepted because it contains abusive or insulting language. You "
        "are welcome to write again about the matter itself."
    ),
    Rejection.DUPLICATE: gettext_lazy(
        "Your letter was not accepted because it repeats a letter that is being handled or "
        "has been answered already. Please follow the earlier letter."
    ),
    Rejection.INFO_REQUEST: gettext_lazy(
        "Your letter asks for government information. Such a request is an application for "
        "government information and is answered under the Regulation on the Disclosure of "
        "Government Information: please send it with the application form."
    ),
    Rejection.PETITION: gettext_lazy(
        "Your letter is a petition (信访). Petitions are handled through the petition channel "
        "under the Regulations on Letters and Visits Work: please turn to the petition office."
    ),
    Rejection.OUT_OF_SCOPE: gettext_lazy(
        "Your letter is outside what the government's letters channel handles (for example a "
        "matter before a court or for another body). Please turn to the body responsible."
    ),
}


# Public Q&A: proposing again refreshes a proposal (or starts afresh after a withdrawal);
# "" is a letter never proposed.
PUBLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    "": frozenset({Publication.PROPOSED}),
    Publication.PROPOSED: frozenset({Publication.PROPOSED, Publication.PUBLISHED}),
    Publication.PUBLISHED: frozenset({Publication.WITHDRAWN}),
    Publication.WITHDRAWN: frozenset({Publication.PROPOSED}),
}


def can_transition(letter: Letter, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(letter.state, frozenset())


def state_label(value: str) -> str:
    try:
        return str(State(value).label)
    except ValueError:
        return value


def transition(letter: Letter, to_state: str) -> str:
    """Move ``letter`` to ``to_state`` in memory; return the state it came from."""
    current = letter.state
    if to_state not in State.values:
        raise WorkflowError(_("“%(state)s” is not a state of a letter.") % {"state": to_state})
    if not can_transition(letter, to_state):
        raise WorkflowError(
            _("A letter that is “%(current)s” cannot become “%(target)s”.")
            % {"current": state_label(current), "target": state_label(to_state)}
        )
    letter.state = to_state
    return current


def publication_state_label(value: str) -> str:
    try:
        return str(Publication(value).label)
    except ValueError:
        return value


def transition_publication(publication: PublishedLetter, to_state: str, *, current: str) -> None:
    """Move ``publication`` (whose state was ``current``, "" for a new one) to ``to_state`` in
    memory; the publication services are the only callers."""
    if to_state not in PUBLICATION_TRANSITIONS.get(current, frozenset()):
        raise WorkflowError(
            _("Public Q&A that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": publication_state_label(current) or _("not proposed"),
                "target": publication_state_label(to_state),
            }
        )
    publication.state = to_state

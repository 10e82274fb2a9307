"""The state machine of a document (REG 17: review before publishing)."""

import pytest

from gongkai.catalogue import workflow
from gongkai.catalogue.models import Document

State = Document.State


def test_the_table_allows_only_the_documented_path():
    assert workflow.TRANSITIONS[State.DRAFT] == {State.SUBMITTED}
    assert workflow.TRANSITIONS[State.SUBMITTED] == {State.DRAFT, State.APPROVED}
    assert workflow.TRANSITIONS[State.WITHDRAWN] == frozenset()  # final


def test_published_is_set_only_by_the_system():
    document = Document(state=State.APPROVED)
    with pytest.raises(workflow.WorkflowError, match="Only the system publishes"):
        workflow.transition(document, State.PUBLISHED)
    assert document.state == State.APPROVED
    assert workflow.transition(document, State.PUBLISHED, system=True) == State.APPROVED
    assert document.state == State.PUBLISHED
    assert workflow.SYSTEM_STATES.isdisjoint(workflow.PERSON_STATES)


def test_a_wrong_state_transition_raises_and_changes_nothing():
    document = Document(state=State.DRAFT)
    with pytest.raises(workflow.WorkflowError, match="cannot become"):
        workflow.transition(document, State.APPROVED)
    assert document.state == State.DRAFT
    assert isinstance(workflow.WorkflowError("x"), ValueError)


def test_withdrawn_is_final():
    document = Document(state=State.WITHDRAWN)
    for target in (State.DRAFT, State.SUBMITTED, State.APPROVED):
        with pytest.raises(workflow.WorkflowError):
            workflow.transition(document, target)


def test_an_amendment_keeps_the_document_published():
    document = Document(state=State.PUBLISHED)
    workflow.transition(document, State.DRAFT)
    assert (document.state, document.amendment_state) == (State.PUBLISHED, State.DRAFT)
    assert document.working_state == State.DRAFT
    workflow.transition(document, State.SUBMITTED)
    workflow.transition(document, State.APPROVED)
    assert document.state == State.PUBLISHED
    workflow.transition(document, State.PUBLISHED, system=True)
    assert (document.state, document.amendment_state) == (State.PUBLISHED, "")


def test_withdrawing_during_an_amendment_drops_the_amendment():
    document = Document(state=State.PUBLISHED, amendment_state=State.SUBMITTED)
    workflow.transition(document, State.WITHDRAWN)
    assert (document.state, document.amendment_state) == (State.WITHDRAWN, "")

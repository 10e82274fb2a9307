"""Applications in the workbench's "my queue": each waits for the role that must act."""

from __future__ import annotations

import datetime

import pytest

from gongkai.info_requests import services
from gongkai.info_requests.outcomes import Outcome
from gongkai.info_requests.queue import requests_waiting
from gongkai.workbench.queue import queue_for
from tests.info_requests.conftest import at

pytestmark = pytest.mark.django_db
D = datetime.date


def numbers(user) -> list[str]:
    return [item.title for item in requests_waiting(user, None)]


def test_each_application_waits_for_the_role_that_must_act(
    submit, assigned, office, handler, legal_reviewer, stranger
):
    received = submit(D(2025, 9, 1))
    handled = assigned(D(2025, 9, 2))
    assert numbers(office) == [received.number]
    assert numbers(handler) == [handled.number]
    assert numbers(legal_reviewer) == []
    assert numbers(stranger) == []
    with at(D(2025, 9, 3)):
        services.draft_reply(handled, actor=handler, outcome=Outcome.NOT_HELD, reply_text="不存在")
        services.submit_for_review(handled, actor=handler)
    assert numbers(handler) == []
    assert numbers(legal_reviewer) == [handled.number]
    # The workbench gathers it with its due date (20 working days after 2 September 2025).
    (item,) = [i for i in queue_for(legal_reviewer, None) if i.title == handled.number]
    assert item.due == D(2025, 9, 29)
    assert "张" not in item.title  # the number, never the applicant

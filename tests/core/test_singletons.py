"""Whether the settings rows that exist once exist: asked together, once a request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.agencies.models import SiteIdentity
from gongkai.core.context import request_memo
from gongkai.core.singletons import singleton_exists
from gongkai.info_requests.models import RequestPolicy
from gongkai.interaction.letters.models import LetterSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_a_request():
    token = request_memo.set({})
    yield
    request_memo.reset(token)


def test_every_registered_singleton_is_asked_in_one_query(in_a_request):
    import gongkai.agencies.admin  # the admins register their singletons
    import gongkai.info_requests.admin
    import gongkai.interaction.letters.admin  # noqa: F401

    RequestPolicy.objects.all().delete()
    LetterSettings.objects.get_or_create()
    with CaptureQueriesContext(connection) as captured:
        answers = [singleton_exists(m) for m in (SiteIdentity, RequestPolicy, LetterSettings)]
    assert answers == [SiteIdentity.objects.exists(), False, True]
    assert len(captured.captured_queries) == 1


def test_outside_a_request_each_answer_is_fresh():
    import gongkai.info_requests.admin  # noqa: F401

    RequestPolicy.objects.all().delete()
    assert singleton_exists(RequestPolicy) is False
    RequestPolicy.objects.create()
    assert singleton_exists(RequestPolicy) is True

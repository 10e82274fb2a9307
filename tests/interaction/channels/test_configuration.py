"""The configuration in Django's admin (programmes, service points, channels with the figures
each reports) and the matters waiting for a response in the staff queues."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from gongkai.interaction.channels import services
from gongkai.interaction.channels.models import Channel
from gongkai.workbench.queue import queue_for
from tests.interaction.channels.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, user_factory, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user_factory(is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize("model", ["hotlineprogramme", "servicepoint", "channel"])
def test_configuration_lists_open(admin_client, model):
    assert admin_client.get(reverse(f"admin:interaction_{model}_changelist")).status_code == 200


def test_a_channel_and_its_figures_are_chosen_with_checkboxes(admin_client, agency):
    response = admin_client.post(
        reverse("admin:interaction_channel_add"),
        {
            "agency": str(agency.pk),
            "name": "张店发布",
            "kind": "wechat",
            "metrics": ["followers", "posts"],
            "opened_on": "2016-05-01",
            "active": "on",
            "sort_order": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Channel.objects.get(name="张店发布").metrics == ["posts", "followers"]


def test_a_channel_needs_its_figures(admin_client, agency):
    response = admin_client.post(
        reverse("admin:interaction_channel_add"),
        {"agency": str(agency.pk), "name": "张店发布", "kind": "wechat", "sort_order": "0"},
    )
    assert response.status_code == 200
    assert not Channel.objects.exists()


def test_open_matters_wait_in_the_queues(editor, stranger, office, agency, other_agency):
    matter = services.record_opinion(
        agency, topic="网民反映电梯停运", source="forum", found_on=datetime.date(2026, 11, 18),
        actor=editor, today=TODAY,
    )  # fmt: skip
    url = reverse("channels_staff:opinion_detail", args=[matter.pk])
    assert [item.url for item in queue_for(editor, agency)] == [url]
    assert [item.url for item in queue_for(office, None)] == [url]
    assert queue_for(stranger, other_agency) == []
    assert queue_for(stranger, agency) == []  # not theirs, even if asked for
    services.close_opinion(matter, reason="已当面说明", actor=editor)
    assert queue_for(editor, agency) == []

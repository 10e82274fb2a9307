"""The interface speaks Simplified Chinese unless the visitor switches language."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_chinese_by_default_whatever_the_browser_asks(client):
    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans"' in response.content.decode()


@pytest.mark.django_db
def test_the_language_switch_is_remembered(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("portal:home"))

    assert response["Content-Language"] == "en"
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_chinese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"

    response = client.get(reverse("portal:home"))

    assert response["Content-Language"] == "zh-hans"

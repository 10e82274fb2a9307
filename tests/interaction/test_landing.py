"""The 政民互动 landing page (/interaction/): one entry to every channel, with what the records
count now, and the portal's single menu column for public interaction."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from gongkai.interaction.channels.models import HotlineProgramme, HotlineSession
from gongkai.interaction.consultations.models import Consultation
from gongkai.interaction.letters import services
from gongkai.interaction.letters.models import Letter
from gongkai.interaction.surveys.models import Survey
from tests.interaction.letters.conftest import REPLY, at, letter_input

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 11, 3)
NOW = datetime.datetime(2025, 11, 3, 2, tzinfo=datetime.UTC)  # 10:00 in Beijing


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def records(agency, staff_role_factory, django_capture_on_commit_callbacks):
    """This year's: three letters through the portal (two replied, one not accepted), a
    consultation open and one closed, a survey open and a draft, two hotline sessions."""
    from gongkai.agencies.models import StaffRole

    office = staff_role_factory(agency=agency, role=StaffRole.Role.OFFICE).user
    handler = staff_role_factory(agency=agency, role=StaffRole.Role.HANDLER).user
    reviewer = staff_role_factory(agency=agency, role=StaffRole.Role.REVIEWER).user
    for n, day in enumerate((D(2025, 3, 3), D(2025, 6, 2), D(2025, 9, 1))):
        with at(day), django_capture_on_commit_callbacks(execute=True):
            letter, _code = services.submit_letter(letter_input(), submission_key=f"landing-{n}")
            if n == 2:
                services.reject_letter(letter, actor=office, reason=Letter.Rejection.PETITION)
                continue
            services.accept_letter(letter, actor=office, handling_agency=agency)
            services.draft_reply(letter, actor=handler, reply_text=REPLY)
            services.submit_for_review(letter, actor=handler)
            services.review_letter(letter, actor=reviewer, approve=True)
    moment = timezone.now()
    for title, state, opens, closes in (
        (
            "张店区养犬管理规定（征求意见稿）",
            Consultation.State.OPEN,
            D(2025, 10, 20),
            D(2025, 11, 20),
        ),
        ("张店区早已结束的征求意见稿", Consultation.State.CLOSED, D(2025, 1, 2), D(2025, 2, 2)),
    ):
        Consultation.objects.create(
            agency=agency, state=state, title=title, opens_on=opens, closes_on=closes,
            moderation=Consultation.Moderation.BEFORE, created_at=moment, updated_at=moment,
            published_at=moment,
        )  # fmt: skip
    for title, state in (
        ("2025年政务服务满意度调查", Survey.State.PUBLISHED),
        ("尚未发布的调查", Survey.State.DRAFT),
    ):
        Survey.objects.create(
            agency=agency, title=title, state=state, created_at=moment, updated_at=moment,
            opens_at=NOW - datetime.timedelta(days=5), closes_at=NOW + datetime.timedelta(days=5),
        )  # fmt: skip
    programme = HotlineProgramme.objects.create(name="政风行风热线")
    for day, calls, follow_ups in ((D(2025, 4, 8), 12, 4), (D(2025, 5, 13), 10, 3)):
        HotlineSession.objects.create(
            programme=programme, aired_on=day, calls=calls, answered_on_air=5,
            follow_ups=follow_ups,
        )  # fmt: skip
    HotlineSession.objects.create(
        programme=programme, aired_on=D(2024, 5, 14), calls=99, answered_on_air=5, follow_ups=9
    )


def figure(page: str, section: str, name: str) -> str:
    block = page.split(f'data-testid="channel-{section}"', 1)[1].split("</section>", 1)[0]
    found = re.search(rf'data-figure="{name}">\s*([^<]*?)\s*<', block)
    assert found is not None, (section, name)
    return found.group(1)


def test_the_landing_page_introduces_every_channel_with_its_counts(english, records):
    with at(TODAY):
        response = english.get(reverse("interaction:index"))

    page = response.content.decode()
    assert response.status_code == 200
    # Letters: received this year and the seed's reply rate (2 of 3 through the portal).
    assert figure(page, "letters", "received") == "3"
    assert figure(page, "letters", "reply_rate") == "66.7%"
    for name in ("letters:index", "letters:write", "letters:statistics"):
        assert f'href="{reverse(name)}"' in page
    # Open consultations and surveys, named.
    assert "1 draft is open for your comments now." in page
    assert "张店区养犬管理规定（征求意见稿）" in page and "早已结束" not in page
    assert "1 survey is taking answers now." in page
    assert "2025年政务服务满意度调查" in page and "尚未发布的调查" not in page
    assert f'href="{reverse("consultations:list")}"' in page
    assert f'href="{reverse("surveys:index")}"' in page
    # The hotline: this year's sessions and calls.
    assert figure(page, "services", "sessions") == "2"
    assert figure(page, "services", "calls") == "22"
    assert figure(page, "services", "follow_ups") == "7"
    assert f'href="{reverse("channels:index")}"' in page


def test_the_landing_page_shows_no_personal_data(client, records):
    with at(TODAY):
        page = client.get(reverse("interaction:index")).content.decode()
    letter = Letter.objects.first()
    assert letter is not None
    for private in (letter.name, letter.phone, letter.email, letter.subject, letter.number):
        assert private not in page


def test_the_landing_page_works_with_nothing_recorded(english):
    page = english.get(reverse("interaction:index")).content.decode()
    assert "0 drafts are open for your comments now." in page
    assert figure(page, "letters", "reply_rate") == "—"


def test_the_landing_page_reads_a_bounded_number_of_queries(
    client, records, django_assert_max_num_queries
):
    with at(TODAY):
        client.get(reverse("interaction:index"))
        with django_assert_max_num_queries(15):
            client.get(reverse("interaction:index"))


def test_the_menu_has_one_column_for_public_interaction(client):
    page = client.get(reverse("portal:home")).content.decode()
    menu = page.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("interaction:index")}"' in menu
    for name in ("letters:index", "consultations:list", "surveys:index", "channels:index"):
        assert f'href="{reverse(name)}"' not in menu


def test_the_parts_pages_lead_back_to_the_landing_page(client):
    for name in ("letters:index", "consultations:list", "surveys:index", "channels:index"):
        page = client.get(reverse(name)).content.decode()
        crumbs = page.split('class="breadcrumbs', 1)[1].split("</nav>", 1)[0]
        assert f'href="{reverse("interaction:index")}"' in crumbs, name

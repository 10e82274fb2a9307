"""Public Q&A (公开答复): a replied letter whose writer agreed is proposed with its personal data
masked, confirmed (and edited) by the reviewer, public until withdrawn.

Through the services down to the rows and events, and through the staff and public pages:
publication only with consent, masking, the reviewer's edits, withdrawal, who may do it, and
what the public pages never show.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.models import AuditEntry, OutgoingMail
from gongkai.interaction.letters import masking, selectors, services
from gongkai.interaction.letters.models import Letter, LetterEvent, PublishedLetter
from gongkai.interaction.letters.workflow import LetterError, LetterPermissionDenied
from tests.catalogue.conftest import make_png
from tests.catalogue.lists_support import SENTINEL_ID
from tests.interaction.letters.conftest import (
    SUBJECT,
    WRITER_EMAIL,
    WRITER_NAME,
    WRITER_PHONE,
    at,
    letter_input,
)

pytestmark = pytest.mark.django_db
D = datetime.date
Code = LetterEvent.Code
Publication = PublishedLetter.State

WRITTEN = D(2025, 9, 22)  # a Monday: written, accepted and assigned
ANSWERED = D(2025, 9, 25)  # a Thursday: replied, 3 working days after acceptance
TODAY = D(2025, 9, 29)

# The writer's data typed into the letter itself, as people do; and a neighbour's mobile.
CONTENT_WITH_DATA = (
    f"我是{WRITER_NAME}，住华光路12号。小区门口的路灯坏了两个星期，请尽快维修。"
    f"我的电话139-8765-4321，邮箱 {WRITER_EMAIL.upper()}，身份证号{SENTINEL_ID}。"
    "邻居王大伟（13800001111）也反映过。"
)
REPLY_WITH_DATA = (
    f"{WRITER_NAME}您好：您反映的路灯问题已于本周修复。如有疑问请拨打区城管局电话0533-2181234。"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def answered(replied):
    """A letter written on ``WRITTEN`` with personal data in it, replied on ``ANSWERED``."""

    def run(**overrides) -> Letter:
        overrides.setdefault("content", CONTENT_WITH_DATA)
        letter = replied(WRITTEN, ANSWERED, **overrides)
        if "reply_text" not in overrides:
            Letter.objects.filter(pk=letter.pk).update(reply_text=REPLY_WITH_DATA)
            letter.refresh_from_db()
        return letter

    return run


def snapshot(letter: Letter) -> tuple:
    """What a refused request must leave exactly as it was."""
    letter.refresh_from_db()
    publication = PublishedLetter.objects.filter(letter=letter).values().first()
    return (
        letter.state,
        letter.updated_at,
        publication,
        LetterEvent.objects.filter(letter=letter).count(),
        AuditEntry.objects.filter(kind=AuditEntry.Kind.CHANGE).count(),
        OutgoingMail.objects.count(),
    )


def propose_and_publish(letter: Letter, actor, **edits) -> PublishedLetter:
    with at(TODAY):
        proposal = services.propose_publication(letter, actor=actor)
        return services.publish_letter(
            letter,
            actor=actor,
            subject=edits.get("subject", proposal.public_subject),
            content=edits.get("content", proposal.public_content),
            reply=edits.get("reply", proposal.public_reply),
        )


def page_text(response) -> str:
    return response.content.decode()


# --- masking ---------------------------------------------------------------------------------


def test_masking_hides_identity_numbers_phones_e_mails_and_the_writers_name():
    writer = masking.Writer(name=WRITER_NAME, phone=WRITER_PHONE, email=WRITER_EMAIL)
    masked = masking.mask_letter(
        subject=f"{WRITER_NAME}反映路灯问题",
        content=CONTENT_WITH_DATA + f"再说一遍：李 晓 华，１３９８７６５４３２１，{WRITER_EMAIL}。",
        reply=REPLY_WITH_DATA,
        writer=writer,
    )
    everything = masked.subject.text + masked.content.text + masked.reply.text
    for secret in (WRITER_NAME, "李 晓 华", WRITER_PHONE, "139-8765-4321", "１３９８７６５４３２１",
                   WRITER_EMAIL, WRITER_EMAIL.upper(), SENTINEL_ID, "13800001111"):  # fmt: skip
        assert secret not in everything, secret
    assert masked.subject.text == "***反映路灯问题"
    assert "139****4321" in masked.content.text  # the phone masked the usual way
    assert "***@***" in masked.content.text and "example.cn" not in masked.content.text.lower()
    assert "370303********" in masked.content.text
    assert "138****1111" in masked.content.text
    # The agency's own office number stays in the reply; the writer's name does not.
    assert masked.reply.text.startswith("***您好")
    assert "0533-2181234" in masked.reply.text
    # What is left for the reviewer: names of other people are not detectable.
    assert "王大伟" in masked.content.text
    kinds = {str(finding.kind) for finding in masked.findings}
    assert kinds >= {"writer_name", "writer_phone", "writer_email", "resident_id", "mobile"}
    for part in (masked.subject, masked.content, masked.reply):
        assert masking.remaining_personal_data(part.text, writer) == []


def test_a_one_character_name_and_a_short_phone_are_not_matched_everywhere():
    writer = masking.Writer(name="王", phone="110", email="")
    assert masking.mask_for_public("王府井大街，拨打110报警。", writer).text == (
        "王府井大街，拨打110报警。"
    )


# --- the services ----------------------------------------------------------------------------


def test_a_letter_is_published_only_with_the_writers_consent(answered, reviewer, office):
    letter = answered(consent_to_publish=False)
    before = snapshot(letter)
    for actor in (reviewer, office):
        with at(TODAY), pytest.raises(LetterError) as refused:
            services.propose_publication(letter, actor=actor)
        assert "did not agree to publication" in refused.value.message
        with at(TODAY), pytest.raises(LetterError):
            services.publish_letter(letter, actor=actor, subject="路灯", content="路灯坏了很久",
                                    reply="已经修好了。")  # fmt: skip
    assert snapshot(letter) == before
    assert not PublishedLetter.objects.exists()


def test_only_a_replied_letter_is_proposed(assigned, reviewer):
    letter = assigned(WRITTEN)
    before = snapshot(letter)
    with at(TODAY), pytest.raises(LetterError) as refused:
        services.propose_publication(letter, actor=reviewer)
    assert "Only a replied letter" in refused.value.message
    assert snapshot(letter) == before


def test_a_proposal_is_masked_and_not_public_until_confirmed(answered, reviewer, client):
    letter = answered()
    with at(TODAY):
        proposal = services.propose_publication(letter, actor=reviewer)
    assert proposal.state == Publication.PROPOSED
    assert proposal.public_subject == SUBJECT
    for secret in (WRITER_NAME, "139-8765-4321", WRITER_EMAIL.upper(), SENTINEL_ID):
        assert secret not in proposal.public_content + proposal.public_reply
    event = letter.events.get(code=Code.PUBLICATION_PROPOSED)
    assert event.actor == reviewer and event.to_state == event.from_state == "replied"
    assert event.data["masked"] >= 5 and "writer_phone" in event.data["kinds"]
    assert WRITER_NAME not in str(event.data) and WRITER_PHONE not in str(event.data)
    assert AuditEntry.objects.filter(action="letters.propose_publication").count() == 1

    assert selectors.public_qa(proposal.pk) is None
    assert client.get(reverse("letters:qa_detail", args=[proposal.pk])).status_code == 404
    assert client.get(reverse("letters:qa_list")).context["items"] == []


def test_the_reviewer_edits_the_masked_text_and_confirms_it(answered, reviewer, client):
    letter = answered()
    with at(TODAY):
        proposal = services.propose_publication(letter, actor=reviewer)
    edited = proposal.public_content.replace("王大伟", "***").replace("华光路12号", "华光路")
    with at(TODAY):
        published = services.publish_letter(
            letter,
            actor=reviewer,
            subject="华光路小区门口路灯不亮",
            content=edited,
            reply=proposal.public_reply,
        )
    assert published.state == Publication.PUBLISHED
    assert published.published_by == reviewer
    assert published.public_subject == "华光路小区门口路灯不亮"
    assert "王大伟" not in published.public_content and "12号" not in published.public_content
    assert published.reply_days == 3  # accepted Monday, replied Thursday
    event = letter.events.get(code=Code.PUBLISHED)
    assert event.data == {"publication": published.pk, "edited": True}
    assert AuditEntry.objects.filter(action="letters.publish").count() == 1
    mail = OutgoingMail.objects.get(topic="letters.published")
    assert mail.recipient == WRITER_EMAIL
    assert reverse("letters:qa_detail", args=[published.pk]) in mail.body
    letter.refresh_from_db()
    assert letter.state == Letter.State.REPLIED  # the letter's own state never changes

    item = selectors.public_qa(published.pk)
    assert item is not None and item.subject == "华光路小区门口路灯不亮"
    page = page_text(client.get(reverse("letters:qa_detail", args=[published.pk])))
    assert "华光路小区门口路灯不亮" in page and "王大伟" not in page


@pytest.mark.parametrize(
    ("field", "text", "what"),
    [
        ("content", f"我的电话是{WRITER_PHONE}，路灯坏了。", "the writer's phone number"),
        ("content", f"来信人 {WRITER_NAME}：路灯坏了。", "the writer's name"),
        ("reply", f"请回复邮件至 {WRITER_EMAIL}。谢谢。", "the writer's e-mail address"),
        ("subject", f"身份证{SENTINEL_ID}", "an identity number"),
        ("reply", "请联系经办人13800001111。", "a mobile number"),
    ],
)
def test_publishing_refuses_a_text_that_still_holds_personal_data(
    answered, reviewer, field, text, what
):
    letter = answered()
    with at(TODAY):
        proposal = services.propose_publication(letter, actor=reviewer)
    before = snapshot(letter)
    texts = {
        "subject": proposal.public_subject,
        "content": proposal.public_content,
        "reply": proposal.public_reply,
    }
    texts[field] = text
    with at(TODAY), pytest.raises(LetterError) as refused:
        services.publish_letter(letter, actor=reviewer, **texts)
    assert refused.value.field == f"public_{field}"
    assert what in refused.value.message
    assert snapshot(letter) == before


def test_withdrawal_takes_it_off_the_pages_and_it_may_be_published_again(
    answered, reviewer, client
):
    letter = answered()
    published = propose_and_publish(letter, reviewer)
    detail = reverse("letters:qa_detail", args=[published.pk])
    assert client.get(detail).status_code == 200

    with at(TODAY), pytest.raises(LetterError) as refused:
        services.withdraw_publication(letter, actor=reviewer, reason="  ")
    assert refused.value.field == "reason"
    with at(TODAY):
        withdrawn = services.withdraw_publication(letter, actor=reviewer, reason="住址可识别")
    assert (withdrawn.state, withdrawn.withdrawn_by, withdrawn.withdrawal_reason) == (
        Publication.WITHDRAWN, reviewer, "住址可识别",
    )  # fmt: skip
    assert letter.events.get(code=Code.PUBLICATION_WITHDRAWN).comment == "住址可识别"
    assert client.get(detail).status_code == 404
    assert client.get(reverse("letters:qa_list")).context["items"] == []
    assert client.get(reverse("letters:qa_agencies")).context["agencies"] == []
    with at(TODAY), pytest.raises(LetterError):
        services.withdraw_publication(letter, actor=reviewer, reason="again")

    again = propose_and_publish(letter, reviewer)
    assert again.pk == published.pk and again.state == Publication.PUBLISHED
    assert again.withdrawal_reason == "" and again.withdrawn_at is None
    assert client.get(detail).status_code == 200
    codes = list(letter.events.filter(code__startswith="publi").values_list("code", flat=True))
    assert codes == ["publication_proposed", "published", "publication_withdrawn",
                     "publication_proposed", "published"]  # fmt: skip


def test_reopening_the_letter_withdraws_its_public_qa(answered, reviewer, handler, client):
    letter = answered()
    published = propose_and_publish(letter, reviewer)
    with at(TODAY):
        services.rate_letter(letter, rating="unsatisfied", comment="还是不亮", reopen=True)
    published.refresh_from_db()
    assert published.state == Publication.WITHDRAWN and published.withdrawn_by is None
    assert "reopened" in published.withdrawal_reason
    assert client.get(reverse("letters:qa_detail", args=[published.pk])).status_code == 404

    # Answered anew, it may be proposed again: masked from the new reply.
    letter.refresh_from_db()
    with at(TODAY):
        services.draft_reply(letter, actor=handler, reply_text="已更换灯具，现已恢复照明。")
        services.submit_for_review(letter, actor=handler)
        services.review_letter(letter, actor=reviewer, approve=True)
        proposal = services.propose_publication(letter, actor=reviewer)
    assert proposal.public_reply == "已更换灯具，现已恢复照明。"


def test_a_proposal_made_before_the_reply_changed_is_not_published(answered, reviewer, handler):
    letter = answered()
    with at(TODAY):
        proposal = services.propose_publication(letter, actor=reviewer)
        services.rate_letter(letter, rating="unsatisfied", comment="还是不亮", reopen=True)
    proposal.refresh_from_db()
    assert proposal.state == Publication.PROPOSED and proposal.reply_of is None  # stale
    with at(TODAY):
        services.draft_reply(letter, actor=handler, reply_text="已更换灯具，现已恢复照明。")
        services.submit_for_review(letter, actor=handler)
        services.review_letter(letter, actor=reviewer, approve=True)
    before = snapshot(letter)
    with at(TODAY), pytest.raises(LetterError) as refused:
        services.publish_letter(
            letter,
            actor=reviewer,
            subject=proposal.public_subject,
            content=proposal.public_content,
            reply=proposal.public_reply,
        )
    assert "prepare it again" in refused.value.message
    assert snapshot(letter) == before


def test_only_the_reviewer_of_the_handling_agency_or_the_office_publishes(
    answered, reviewer, handler, stranger, office
):
    letter = answered()
    before = snapshot(letter)
    for actor in (handler, stranger):
        with at(TODAY), pytest.raises(LetterPermissionDenied):
            services.propose_publication(letter, actor=actor)
    assert snapshot(letter) == before
    published = propose_and_publish(letter, office)  # the office may, too
    before = snapshot(letter)
    for actor in (handler, stranger):
        with at(TODAY), pytest.raises(LetterPermissionDenied):
            services.withdraw_publication(letter, actor=actor, reason="不应公开")
    assert snapshot(letter) == before
    assert PublishedLetter.objects.get(pk=published.pk).state == Publication.PUBLISHED


# --- the staff pages -------------------------------------------------------------------------


def staff_url(name: str, letter: Letter) -> str:
    return reverse(f"letters_staff:{name}", args=[letter.pk])


def test_the_reviewer_proposes_checks_side_by_side_edits_and_publishes(english, answered, reviewer):
    letter = answered()
    english.force_login(reviewer)
    with at(TODAY):
        case = english.get(staff_url("detail", letter))
        assert 'data-testid="propose-publication"' in page_text(case)
        proposed = english.post(staff_url("propose_publication", letter))
        assert proposed.status_code == 302
        assert proposed["Location"] == staff_url("publication", letter)
        reads = AuditEntry.objects.filter(kind=AuditEntry.Kind.READ).count()
        check = english.get(staff_url("publication", letter))
    html = page_text(check)
    assert check.status_code == 200
    # The original beside the masked text.
    assert "139-8765-4321" in html and "139****4321" in html
    assert "the writer&#x27;s name: 2 times" in html or "the writer's name: 2 times" in html
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.READ).count() == reads + 1
    form = check.context["form"]
    data = {name: form.initial[name] for name in ("public_subject", "public_content")}
    data["public_reply"] = form.initial["public_reply"]
    data["public_content"] = data["public_content"].replace("王大伟", "王**")

    with at(TODAY):
        refused = english.post(
            staff_url("publication", letter), {**data, "public_content": CONTENT_WITH_DATA}
        )
        assert refused.status_code == 400
        assert "mask it before publishing" in page_text(refused)
        assert PublishedLetter.objects.get().state == Publication.PROPOSED
        done = english.post(staff_url("publication", letter), data)
    assert done.status_code == 302
    published = PublishedLetter.objects.get()
    assert published.state == Publication.PUBLISHED and "王**" in published.public_content
    with at(TODAY):
        case = page_text(english.get(staff_url("detail", letter)))
    assert reverse("letters:qa_detail", args=[published.pk]) in case

    with at(TODAY):
        missing = english.post(staff_url("withdraw_publication", letter), {"reason": ""})
        assert missing.status_code == 400
        assert "Give the reason for the withdrawal." in page_text(missing)
        withdrawn = english.post(staff_url("withdraw_publication", letter), {"reason": "错误"})
    assert withdrawn.status_code == 302
    assert PublishedLetter.objects.get().state == Publication.WITHDRAWN


def test_without_consent_the_case_page_says_so_and_a_proposal_is_refused(
    english, answered, reviewer
):
    letter = answered(consent_to_publish=False)
    english.force_login(reviewer)
    before = snapshot(letter)
    with at(TODAY):
        case = page_text(english.get(staff_url("detail", letter)))
        assert "The writer did not agree to publication" in case
        assert 'data-testid="propose-publication"' not in case
        refused = english.post(staff_url("propose_publication", letter))
    assert refused.status_code == 400
    assert "did not agree to publication" in page_text(refused)
    assert snapshot(letter) == before


def test_another_agencys_staff_and_handlers_are_refused_and_nothing_changes(
    client, answered, reviewer, handler, stranger
):
    letter = answered()
    with at(TODAY):
        services.propose_publication(letter, actor=reviewer)
    before = snapshot(letter)
    texts = {
        "public_subject": "路灯",
        "public_content": "路灯坏了很久",
        "public_reply": "已修好了。",
    }
    with at(TODAY):
        client.force_login(stranger)  # the letter does not exist for them
        assert client.get(staff_url("publication", letter)).status_code == 404
        assert client.post(staff_url("propose_publication", letter)).status_code == 404
        assert client.post(staff_url("publication", letter), texts).status_code == 404
        assert (
            client.post(staff_url("withdraw_publication", letter), {"reason": "x"}).status_code
            == 404
        )
        client.force_login(handler)  # sees the letter, may not publish it
        assert client.get(staff_url("publication", letter)).status_code == 403
        assert client.post(staff_url("propose_publication", letter)).status_code == 403
        assert client.post(staff_url("publication", letter), texts).status_code == 403
        assert (
            client.post(staff_url("withdraw_publication", letter), {"reason": "x"}).status_code
            == 403
        )
        case = page_text(client.get(staff_url("detail", letter)))
        assert 'data-testid="propose-publication"' not in case
    assert snapshot(letter) == before


def test_anonymous_visitors_are_sent_to_sign_in_on_the_staff_urls(client, answered, reviewer):
    letter = answered()
    with at(TODAY):
        services.propose_publication(letter, actor=reviewer)
    before = snapshot(letter)
    for name, method in (
        ("publication", "get"),
        ("publication", "post"),
        ("propose_publication", "post"),
        ("withdraw_publication", "post"),
    ):
        response = getattr(client, method)(staff_url(name, letter))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("workbench:login"))
    assert snapshot(letter) == before


# --- the public pages ------------------------------------------------------------------------


def test_the_public_pages_never_show_the_writer_the_number_or_the_files(
    client, reviewer, handler, office, handling_agency
):
    image = SimpleUploadedFile("身份证正面.png", make_png())
    with at(WRITTEN):
        letter, _code = services.submit_letter(
            letter_input(content=CONTENT_WITH_DATA), submission_key="qa-files-000000001",
            attachments=[image],
        )  # fmt: skip
        services.accept_letter(letter, actor=office, handling_agency=handling_agency)
    with at(ANSWERED):
        services.draft_reply(letter, actor=handler, reply_text=REPLY_WITH_DATA)
        services.submit_for_review(letter, actor=handler)
        services.review_letter(letter, actor=reviewer, approve=True)
    published = propose_and_publish(letter, reviewer)
    pages = [
        client.get(reverse("letters:qa_list")),
        client.get(reverse("letters:qa_detail", args=[published.pk])),
        client.get(reverse("letters:qa_agencies")),
    ]
    for response in pages:
        html = page_text(response)
        assert response.status_code == 200
        for secret in (WRITER_NAME, WRITER_PHONE, "139-8765-4321", WRITER_EMAIL,
                       WRITER_EMAIL.upper(), SENTINEL_ID, letter.number, "身份证正面",
                       "/files/", reviewer.username):  # fmt: skip
            assert secret not in html, secret


def test_the_detail_shows_the_masked_text_type_agency_dates_and_reply_time(
    english, answered, reviewer
):
    letter = answered()
    published = propose_and_publish(letter, reviewer)
    response = english.get(reverse("letters:qa_detail", args=[published.pk]))
    html = page_text(response)
    assert "139****4321" in html and "***您好" in html
    assert letter.letter_type.display_name in html
    assert "测试区城市管理局" in html
    assert "2025-09-22" in html and "2025-09-25" in html
    assert 'data-days="3"' in html
    assert "3 working days from acceptance" in html


def test_the_list_filters_by_agency_type_and_year_newest_first_with_pages(
    english,
    replied,
    reviewer,
    next_agency,
    staff_role_factory,
    monkeypatch,
    django_assert_max_num_queries,
):
    from gongkai.agencies.models import StaffRole
    from gongkai.interaction.letters.views import qa

    other_reviewer = staff_role_factory(agency=next_agency, role=StaffRole.Role.REVIEWER).user
    first = replied(D(2024, 12, 2), D(2024, 12, 4), subject="二〇二四年的咨询")
    second = replied(D(2025, 9, 1), D(2025, 9, 3), kind="complaint", subject="投诉噪音扰民")
    third = replied(D(2025, 9, 8), D(2025, 9, 9), subject="咨询办事地点")
    for letter in (first, second, third):
        propose_and_publish(letter, reviewer)
    # A fourth, of another agency, answered by its own reviewer.
    fourth = replied(D(2025, 9, 10), D(2025, 9, 12), subject="住建局的答复")
    Letter.objects.filter(pk=fourth.pk).update(handling_agency=next_agency)
    fourth.refresh_from_db()
    propose_and_publish(fourth, other_reviewer)

    def subjects(**params) -> list[str]:
        return [
            item.subject
            for item in english.get(reverse("letters:qa_list"), params).context["items"]
        ]

    assert subjects() == ["住建局的答复", "咨询办事地点", "投诉噪音扰民", "二〇二四年的咨询"]
    assert subjects(agency="housing") == ["住建局的答复"]
    assert subjects(agency="urban") == ["咨询办事地点", "投诉噪音扰民", "二〇二四年的咨询"]
    assert subjects(type="complaint") == ["投诉噪音扰民"]
    assert subjects(year="2024") == ["二〇二四年的咨询"]
    assert subjects(year="1999x", agency="nowhere") == subjects()  # unknown: ignored
    monkeypatch.setattr(qa, "PAGE_SIZE", 3)
    page_two = english.get(reverse("letters:qa_list"), {"page": "2"})
    assert [item.subject for item in page_two.context["items"]] == ["二〇二四年的咨询"]
    with django_assert_max_num_queries(6):
        english.get(reverse("letters:qa_list"))

    agencies = english.get(reverse("letters:qa_agencies")).context["agencies"]
    by_slug = {row.slug: row for row in agencies}
    assert by_slug["urban"].count == 3 and by_slug["housing"].count == 1
    assert by_slug["housing"].mean_days == 2.0
    index = page_text(english.get(reverse("letters:index")))
    assert reverse("letters:qa_list") in index


def test_the_writers_status_page_links_to_the_published_qa(client, answered, reviewer):
    letter = answered()
    published = propose_and_publish(letter, reviewer)
    session = client.session
    session["letters.unlocked"] = [letter.number]
    session.save()
    html = page_text(client.get(reverse("letters:status_detail", args=[letter.number])))
    assert reverse("letters:qa_detail", args=[published.pk]) in html

"""The public pages pass an automated accessibility scan (GB/T 37668-2019, aligned with WCAG 2.x).

axe-core (vendored in ``tests/browser/vendor/axe-core``, a test asset never served by the site)
runs in Debian's chromium over every kind of public page of a small but realistic site, at a
desktop and a phone-sized viewport, in normal and in elder mode. No violation of impact
"serious" or "critical" may remain against the WCAG 2.0/2.1 A and AA rules.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.services import record_membership_change, update_site_identity
from gongkai.catalogue import lists, services
from gongkai.catalogue.models import Column, Document, ListRecord, RecordType, StatutoryItem, Topic
from gongkai.interaction.letters import services as letter_services
from gongkai.interaction.letters.models import LetterType, PublishedLetter
from gongkai.supervision.plans import services as plans

# The calendar, taxonomies and list types that migrations seed are put back before each browser
# test by ``seeded_reference_data`` (tests/browser/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Passes are not read: leaving them out makes a scan two to three times faster.
    "resultTypes": ["violations", "incomplete"],
}
BLOCKING = ("serious", "critical")
ELDER_COOKIE = "gongkai_elder"

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def published(document: Document, *, editor, reviewer) -> Document:
    document = services.submit_document(document, actor=editor)
    return services.approve_document(document, actor=reviewer)


@pytest.fixture
def site(agency_factory, staff_role_factory):
    """A government, two departments and a town, with documents and list records published
    through the services; returns the URLs of the public pages to scan."""
    government = agency_factory(
        name="测试区人民政府", slug="government", kind=Agency.Kind.GOVERNMENT
    )
    bureau = agency_factory(
        name="测试区人力资源和社会保障局",
        slug="rsj",
        functions="负责本区人力资源和社会保障工作。\n承办区政府交办的其他事项。",
        address="测试区政府路3号",
        postcode="210000",
        office_hours="工作日 8:30—12:00，13:30—17:30",
        phone="025-87654323",
        email="rsj@example.gov.cn",
        leader_name="张三",
        leader_title="局长",
        contact_name="李四",
        contact_phone="025-87650000",
    )
    housing_bureau = agency_factory(name="测试区住房和城乡建设局", slug="zjj")
    town = agency_factory(name="测试镇", slug="town", kind=Agency.Kind.TOWN)
    for agency in (government, bureau, housing_bureau, town):
        record_membership_change(
            agency, actor=None, system=True, change="joined", date=datetime.date(2020, 1, 1)
        )
    update_site_identity(
        actor=None,
        system=True,
        site_name="测试区人民政府门户网站",
        government=government,
        sponsor="测试区人民政府办公室",
        website_code="3201000001",
        icp_number="苏ICP备05000001号",
        public_security_number="苏公网安备32010002000001号",
        address="测试区政府路1号",
        postcode="210000",
        phone="025-12345678",
    )
    editor = staff_role_factory(agency=bureau, role=StaffRole.Role.EDITOR).user
    reviewer = staff_role_factory(agency=bureau, role=StaffRole.Role.REVIEWER).user

    policy_column = Column.objects.get(slug="zcwj")
    item = StatutoryItem.objects.get(code="reg20-01")
    topic = Topic.objects.order_by("pk").first()
    formed = timezone.localdate() - datetime.timedelta(days=30)

    def document(title: str, number: int, **fields) -> Document:
        values = {
            "agency": bureau,
            "actor": editor,
            "kind": Document.Kind.DOCUMENT,
            "title": title,
            "summary": f"{title}的内容概述。",
            "body": "<p>各镇人民政府，区各部门：</p><p>现将有关事项通知如下。</p>"
            "<ul><li>一、总体要求</li><li>二、主要措施</li></ul>",
            "formation_date": formed,
            "doc_number": f"测人社发〔{formed.year}〕{number}号",
            "statutory_item": item,
            "topic": topic,
            "keywords": "就业 社会保障",
            "columns": [policy_column],
            "source": "测试区人力资源和社会保障局",
        }
        values.update(fields)
        return published(services.create_document(**values), editor=editor, reviewer=reviewer)

    old = document("测试区就业补助资金管理暂行办法", 1, is_normative=True)
    new = document("测试区就业补助资金管理办法", 2, is_normative=True)
    services.repeal_document(old, actor=reviewer, repealed_by=new, date=timezone.localdate())
    document("关于做好高校毕业生就业工作的通知", 3)
    interpretation = document(
        "《测试区就业补助资金管理办法》政策解读",
        0,
        kind=Document.Kind.INTERPRETATION,
        doc_number="",
        columns=[Column.objects.get(slug="zcjd")],
    )
    services.link_interpretation(interpretation, policies=[new], actor=editor)

    power = RecordType.objects.get(code="power-list")
    records = [
        lists.create_record(
            power,
            agency=bureau,
            actor=editor,
            values={
                "item_name": f"第{n}项行政许可事项",
                "power_type": "行政许可",
                "implementing_agency": bureau.name,
                "legal_basis": "《中华人民共和国行政许可法》",
                "supervision_phone": "025-87654321",
            },
        )
        for n in range(1, 4)
    ]
    lists.publish_records(records, actor=editor)
    record = ListRecord.objects.filter(record_type=power).order_by("pk").first()
    qa = public_qa(government, bureau, reviewer, staff_role_factory)

    # A published key-task plan: one task accepted, one in progress and overdue, one assigned.
    office = staff_role_factory(agency=government, role=StaffRole.Role.OFFICE).user
    today = timezone.localdate()
    plan = plans.create_plan(actor=office, year=today.year, agency=government, title="重点工作")
    category = plans.add_category(plan, actor=office, name="推进就业信息公开")
    tasks = [
        plans.assign_task(
            plan,
            plans.TaskInput(
                category=category, title=title, expected_output="就业政策在区政府网站公开",
                lead_agency=bureau, deadline=today, co_agencies=[housing_bureau],
            ),
            actor=office,
        )
        for title in ("公开就业补助资金政策", "公开招聘信息", "公开职业培训目录")
    ]  # fmt: skip
    for task in tasks[:2]:
        plans.sign_task(task, actor=editor)
        plans.report_progress(task, actor=editor, text="已公开大部分内容。", percentage=70)
    plans.report_completion(tasks[0], actor=editor, text="已全部公开。")
    plans.accept_task(tasks[0], actor=office)
    plans.publish_plan(plan, actor=office)

    return [
        "/",
        "/agencies/",
        f"/agencies/{bureau.slug}/",
        f"/agencies/{bureau.slug}/disclosure/",
        f"/agencies/{bureau.slug}/disclosure/guide/",
        "/catalogue/",
        f"/catalogue/?agency={bureau.slug}",
        f"/documents/{old.pk}/",
        f"/documents/{interpretation.pk}/",
        f"/columns/{policy_column.slug}/",
        "/interpretations/",
        "/key-areas/",
        "/normative/",
        "/lists/",
        f"/lists/{power.code}/",
        f"/lists/{power.code}/{record.pk}/",
        "/kiosk/",
        "/accessibility/",
        "/apply/",
        f"/apply/?agency={bureau.slug}",
        "/apply/status/",
        "/letters/",
        "/letters/write/",
        "/letters/write/?type=complaint",
        "/letters/status/",
        "/letters/statistics/",
        "/interaction/",
        "/letters/qa/",
        f"/letters/qa/?agency={bureau.slug}",
        f"/letters/qa/{qa.pk}/",
        "/letters/qa/agencies/",
        "/key-tasks/",
        f"/key-tasks/{plan.year}/",
        "/no-such-page/",
    ]


def public_qa(government, bureau, reviewer, staff_role_factory) -> PublishedLetter:
    """A letter answered by ``bureau`` and published as public Q&A, through the services."""
    office = staff_role_factory(agency=government, role=StaffRole.Role.OFFICE).user
    handler = staff_role_factory(agency=bureau, role=StaffRole.Role.HANDLER).user
    letter, _code = letter_services.submit_letter(
        letter_services.LetterInput(
            letter_type=LetterType.objects.get(slug="consultation"),
            name="王小红",
            phone="13900000000",
            email="xiaohong@example.invalid",
            subject="灵活就业人员社保补贴如何申请",
            content="我是灵活就业人员，请问社会保险补贴在哪里申请，需要哪些材料？",
            consent_to_publish=True,
        ),
        submission_key="accessibility-letter-0001",
    )
    letter_services.accept_letter(letter, actor=office, handling_agency=bureau)
    letter_services.draft_reply(
        letter, actor=handler, reply_text="您好，请携带身份证到区人社局服务大厅办理。"
    )
    letter_services.submit_for_review(letter, actor=handler)
    letter_services.review_letter(letter, actor=reviewer, approve=True)
    proposal = letter_services.propose_publication(letter, actor=reviewer)
    return letter_services.publish_letter(
        letter,
        actor=reviewer,
        subject=proposal.public_subject,
        content=proposal.public_content,
        reply=proposal.public_reply,
    )


def scan(page) -> list[dict]:
    """Run axe over the page; the serious and critical violations.

    A colour contrast that axe measured but left for a person to review (text too short to be
    sure it is text, or of the very colour of its background) counts as a violation too when
    it is below the ratio required: white on white is invisible, whatever its length.
    """
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    found = [v for v in result["violations"] if v["impact"] in BLOCKING]
    for rule in result["incomplete"]:
        if rule["id"] != "color-contrast":
            continue
        nodes = [node for node in rule["nodes"] if too_low(node)]
        if nodes:
            found.append({**rule, "impact": f"{rule['impact']}, left for review", "nodes": nodes})
    return found


def too_low(node: dict) -> bool:
    data = next((check["data"] for check in node["any"] if check.get("data")), None) or {}
    measured = data.get("contrastRatio") or 0
    expected = float(str(data.get("expectedContrastRatio") or "0:1").split(":")[0])
    return 0 < measured < expected


def describe(url: str, violation: dict) -> str:
    targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
    more = len(violation["nodes"]) - len(targets)
    summary = (violation["nodes"][0].get("failureSummary") or "").strip().splitlines()
    return (
        f"{url}: {violation['id']} ({violation['impact']}) {violation['help']}\n"
        f"    at {' | '.join(targets)}{f' (+{more} more)' if more > 0 else ''}\n"
        f"    {summary[-1].strip() if summary else ''}"
    )


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_public_pages_have_no_serious_accessibility_violations(
    live_server, page, site, viewport, elder
):
    # axe goes in as an init script: it is evaluated in each page before the page's own
    # scripts, which costs half of what a script tag added after every load does.
    page.context.add_init_script(path=str(AXE))
    page.set_viewport_size(VIEWPORTS[viewport])
    if elder:
        page.context.add_cookies([{"name": ELDER_COOKIE, "value": "1", "url": live_server.url}])
    found = []
    for url in site:
        response = page.goto(live_server.url + url)
        assert response is not None
        assert response.status == (404 if url == "/no-such-page/" else 200), url
        assert (page.locator("html").get_attribute("class") == "elder-mode") is elder, url
        found += [describe(url, violation) for violation in scan(page)]

    assert not found, "\n" + "\n".join(found)

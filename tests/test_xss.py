"""An XSS payload set through every public form and every staff rich-text field, then every
place that shows the text (issue 9, "Web": citizen text always escaped, staff rich text
sanitised).

Citizen text goes in through the public forms (:mod:`tests.fuzz.world` lists them) and comes out
on the status pages, the consultation page, public Q&A, search snippets, the staff case pages,
the staff survey results and their exports. Staff rich text (documents' and consultations'
bodies, sanitised with nh3 in ``gongkai.core.html``) comes out on the public document page, the
staff pages, the API, the search page and the feeds. Each page is parsed with lxml and searched
for executable markup: script elements other than the site's own, ``on*`` attributes,
``javascript:``-like URLs, frames and embedded objects, a meta refresh, CSS expressions — and
for the result of a template tag a payload smuggled in (template injection).
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html
from openpyxl import load_workbook

from gongkai.catalogue import services as catalogue_services
from gongkai.catalogue.models import Document
from gongkai.citizens import services as citizen_services
from gongkai.citizens import tokens
from gongkai.core.html import sanitize_html
from gongkai.info_requests.models import InfoRequest
from gongkai.interaction.consultations import services as consultation_services
from gongkai.interaction.consultations.articles import ArticleData
from gongkai.interaction.consultations.models import Consultation
from gongkai.interaction.letters import services as letter_services
from gongkai.interaction.letters.models import Letter
from tests.fuzz.world import DAY, PASSWORD, build_world, public_forms, today

pytestmark = pytest.mark.django_db

MARK = "XSSMARK"  # finds the text on a page; plain letters survive masking and escaping
TEMPLATE_MARK = "GKXSSEVAL"  # what a template tag in a payload would print if it ran

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<a href="javascript:alert(1)">link</a>',
    '<a href="  JaVaScRiPt:alert(1)">link</a>',
    '<a href="jav&#x09;ascript:alert(1)">link</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<div style="width:expression(alert(1));background:url(javascript:alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img """><script>alert(1)</script>">',
    '<p title="</p><script>alert(1)</script>">x</p>',
    '<a href="x" onmouseover="alert(1)"x="',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=--><img src=x onerror=alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '{{ "gkxsseval"|upper }}',
    '{% templatetag openvariable %} "gkxsseval"|upper {% templatetag closevariable %}',
    "{% debug %}{% load static %}",
    "${alert(1)}#{alert(1)}",
]
SHORT = '"><svg onload=alert(1)>'  # for the fields that take a line, not a text


def long_text(tag: str) -> str:
    """The whole payload set in one text, marked so that a page showing it can be found."""
    return f"{MARK}-{tag}\n" + "\n".join(PAYLOADS)


# --------------------------------------------------------------------------- the checker


OWN_SCRIPT_PREFIX = "/static/"
URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "action", "formaction", "data", "xlink:href", "background", "poster",
        "srcset", "ping", "codebase", "cite", "longdesc", "dynsrc", "lowsrc", "content",
    }
)  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:text/html", "data:image/svg")
NEVER_TAGS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base"})
_NOISE_RE = re.compile(r"[\x00-\x20\x7f]+")


def _url_is_executable(value: str) -> bool:
    url = _NOISE_RE.sub("", value).lower()
    if "url=" in url:  # a meta refresh: content="0;url=…"
        url = url.split("url=", 1)[1]
    return url.startswith(BAD_SCHEMES)


def executable_markup(page: str) -> list[str]:
    """What in ``page`` a browser would run: empty for a safe page."""
    if not page.strip():
        return []
    found: list[str] = []
    root = lxml_html.document_fromstring(page)
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].lower()
        attributes = {str(k).rsplit("}", 1)[-1].lower(): v for k, v in element.attrib.items()}
        if tag == "script":
            source = attributes.get("src", "")
            if attributes.get("type") == "application/json" and not source:
                continue  # json_script: data, not code
            if source.startswith(OWN_SCRIPT_PREFIX) and not (element.text or "").strip():
                continue  # the site's own scripts
            found.append(f"script: {lxml_html.tostring(element)[:120]!r}")
        if tag in NEVER_TAGS:
            found.append(f"<{tag}>")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            found.append("meta refresh")
        if tag == "style" and re.search(r"expression\(|javascript:|@import", element.text or ""):
            found.append("style element")
        for name, value in attributes.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=…>")
            elif name in URL_ATTRIBUTES and _url_is_executable(value):
                found.append(f"<{tag} {name}={value[:40]!r}>")
            elif name == "style" and re.search(r"expression\(|javascript:", value, re.I):
                found.append(f"<{tag} style={value[:40]!r}>")
    if TEMPLATE_MARK in page:
        found.append("a template tag from the input ran")
    return found


def test_the_checker_finds_what_would_run():
    """The checker can fail: each of these pages has something a browser would run."""
    base = "<html><body><p>text</p>{}</body></html>"
    for bad in (
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        "<img src=x onerror=alert(1)>",
        '<a href=" java\tscript:alert(1)">x</a>',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
        '<iframe src="/"></iframe>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<div style="width:expression(alert(1))">x</div>',
        "<p>GKXSSEVAL</p>",
    ):
        assert executable_markup(base.format(bad)), bad
    safe = base.format(
        '<script src="/static/gongkai/js/site.js" defer></script>'
        '<script id="d" type="application/json">{"a": "\\u003cscript\\u003e"}</script>'
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; onerror=alert(1) javascript:alert(1)</p>"
        '<a href="https://www.gov.cn/">ok</a>'
    )
    assert executable_markup(safe) == []


def test_the_sanitiser_leaves_nothing_that_runs_in_any_payload():
    for payload in [*PAYLOADS, "\n".join(PAYLOADS)]:
        cleaned = sanitize_html(payload)
        assert executable_markup(f"<html><body>{cleaned}</body></html>") == [], payload
        # What the sanitiser gives back is stable: cleaning it again changes nothing.
        assert sanitize_html(cleaned) == cleaned, payload


# --------------------------------------------------------------------------- the pages


def check_page(response: Any, *, shows: str | None = None) -> str:
    """The page's HTML, asserted safe (and showing ``shows`` where given)."""
    assert response.status_code == 200, (response.status_code, response.content[:500])
    page = response.content.decode()
    assert executable_markup(page) == [], (response.request["PATH_INFO"], executable_markup(page))
    if shows is not None:
        assert shows in page, (response.request["PATH_INFO"], shows)
    return page


def _posted(client: Client, url: str, data: dict[str, Any]) -> str:
    """Send a form that must be accepted; the address it sends the browser to."""
    response = client.post(url, data)
    if response.status_code != 302:
        check_page(response)  # the form shown again echoes the input: safe too
    assert response.status_code == 302, response.content.decode()[:3000]
    return response["Location"]


def _query_code(client: Client, location: str) -> tuple[str, str]:
    page = check_page(client.get(location))
    code = re.search(r'class="query-code">([A-Z0-9]+)<', page)
    assert code is not None
    return location.rstrip("/").rsplit("/", 1)[-1], code.group(1)


def test_citizen_text_from_every_public_form_is_escaped_wherever_it_is_shown(
    django_capture_on_commit_callbacks, exported
):
    world = build_world()
    forms = {form.name: form for form in public_forms(world)}
    public = Client()
    with today(), django_capture_on_commit_callbacks(execute=True):
        # An application and a letter, followed on their status pages.
        location = _posted(
            public,
            forms["application"].url,
            {
                **forms["application"].data(),
                "description": long_text("application"),
                "address": SHORT,
                "doc_number_hint": SHORT,
                "assistance": long_text("assistance"),
            },
        )
        number, code = _query_code(public, location)
        _posted(public, reverse("info_requests:status"), {"number": number, "code": code})
        check_page(
            public.get(reverse("info_requests:status_detail", args=[number])),
            shows=f"{MARK}-application",
        )
        location = _posted(
            public,
            forms["letter"].url,
            {**forms["letter"].data(), "subject": SHORT, "content": long_text("letter")},
        )
        letter_number, letter_code = _query_code(public, location)
        _posted(public, reverse("letters:status"), {"number": letter_number, "code": letter_code})
        check_page(
            public.get(reverse("letters:status_detail", args=[letter_number])),
            shows=f"{MARK}-letter",
        )
        # A comment on the draft (shown at once), an answer to the survey.
        _posted(
            public,
            forms["consultation comment"].url,
            {**forms["consultation comment"].data(), "text": long_text("comment"), "name": SHORT},
        )
        check_page(
            public.get(reverse("consultations:detail", args=[world.consultation.pk])),
            shows=f"{MARK}-comment",
        )
        survey_form = forms["survey"]
        _posted(
            public,
            survey_form.url,
            {**survey_form.data(), survey_form.text_fields[0]: "=HYPERLINK(1)" + long_text("s")},
        )
        # The correction awaited and the rating of the replied letter.
        _posted(
            public,
            reverse("info_requests:status"),
            {"number": world.correcting.number, "code": world.correcting_code},
        )
        _posted(public, forms["correction"].url, {"text": long_text("correction")})
        check_page(public.get(forms["correction"].url), shows=f"{MARK}-correction")
        _posted(
            public,
            reverse("letters:status"),
            {"number": world.letter.number, "code": world.letter_code},
        )
        _posted(public, forms["rating"].url, {"rating": "satisfied", "comment": long_text("rate")})
        # A citizen's account whose name is a payload, on the pages that greet it.
        _posted(
            public,
            forms["sign-up"].url,
            {**forms["sign-up"].data(), "email": "xss@example.cn", "display_name": SHORT},
        )
        account = world.citizen.__class__.objects.get(email="xss@example.cn")
        citizen_services.confirm_email(tokens.make_verify_token(account))
        citizen = Client()
        _posted(
            citizen, reverse("citizens:sign_in"), {"email": account.email, "password": PASSWORD}
        )
        check_page(citizen.get(reverse("citizens:applications")))
        check_page(citizen.get(reverse("info_requests:apply")), shows="&quot;&gt;&lt;svg")

        # Staff read all of it, reply with a payload of their own, and publish the Q&A.
        letter = Letter.objects.get(number=letter_number)
        application = InfoRequest.objects.get(number=number)
        office = Client()
        office.force_login(world.office)
        check_page(
            office.get(reverse("info_requests_staff:detail", args=[application.pk])),
            shows=f"{MARK}-application",
        )
        check_page(
            office.get(reverse("info_requests_staff:detail", args=[world.correcting.pk])),
            shows=f"{MARK}-correction",
        )
        check_page(
            office.get(reverse("letters_staff:detail", args=[letter.pk])), shows=f"{MARK}-letter"
        )
        check_page(
            office.get(reverse("letters_staff:detail", args=[world.letter.pk])),
            shows=f"{MARK}-rate",
        )
        letter_services.accept_letter(letter, actor=world.office, handling_agency=world.agency)
        letter_services.draft_reply(letter, actor=world.handler, reply_text=long_text("reply"))
        letter_services.submit_for_review(letter, actor=world.handler)
        letter = letter_services.review_letter(letter, actor=world.reviewer, approve=True)
        proposal = letter_services.propose_publication(letter, actor=world.reviewer)
        letter_services.publish_letter(
            letter,
            actor=world.reviewer,
            subject=proposal.public_subject,
            content=proposal.public_content,
            reply=proposal.public_reply,
        )
        reviewer = Client()
        reviewer.force_login(world.reviewer)
        check_page(
            reviewer.get(reverse("letters_staff:detail", args=[letter.pk])),
            shows=f"{MARK}-reply",
        )
        check_page(
            reviewer.get(reverse("consultations_staff:comments", args=[world.consultation.pk])),
            shows=f"{MARK}-comment",
        )
        editor = Client()
        editor.force_login(world.editor)
        check_page(editor.get(reverse("surveys_staff:results", args=[world.survey.pk])))
        csv_file = exported(editor, reverse("surveys_staff:export_csv", args=[world.survey.pk]))
        workbook = exported(editor, reverse("surveys_staff:export_xlsx", args=[world.survey.pk]))
        check_page(editor.get(reverse("workbench:exports")))

    qa_list = check_page(public.get(reverse("letters:qa_list")))
    qa_id = re.search(r'href="/letters/qa/(\d+)/"', qa_list)
    assert qa_id is not None
    check_page(public.get(f"/letters/qa/{qa_id.group(1)}/"), shows=f"{MARK}-reply")
    check_page(public.get(reverse("search:results"), {"q": MARK}), shows="<mark>")
    _check_search_api(public, MARK)

    # The exports: a text that starts like a formula is written as text.
    rows = list(csv.reader(io.StringIO(csv_file.getvalue().decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert any(MARK in cell for cell in cells)
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    sheet = load_workbook(io.BytesIO(workbook.getvalue())).active
    values = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert any(MARK in str(cell.value) for cell in values)
    assert not any(cell.data_type == "f" for cell in values)


def _check_search_api(client: Client, query: str) -> None:
    answer = client.get("/api/v1/search", {"q": query})
    assert answer.status_code == 200
    hits = answer.json()["hits"]
    assert hits
    for hit in hits:
        assert executable_markup(f"<html><body>{hit['snippet_html']}</body></html>") == []


def test_staff_rich_text_is_sanitised_wherever_it_is_shown(
    django_capture_on_commit_callbacks, agency, staff_role_factory
):
    """Documents' and consultations' bodies, from every payload, on the public and staff
    pages, in the API, in search snippets and in the feed."""
    from gongkai.agencies.models import StaffRole
    from tests.catalogue.public_helpers import join

    join(agency)
    editor = staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR).user
    reviewer = staff_role_factory(agency=agency, role=StaffRole.Role.REVIEWER).user
    body = "".join(f"<p>{MARK}-body</p>{payload}" for payload in PAYLOADS)
    with today(), django_capture_on_commit_callbacks(execute=True):
        document = catalogue_services.create_document(
            agency=agency,
            actor=editor,
            kind=Document.Kind.DOCUMENT,
            title=f"{MARK} {SHORT}",
            summary=long_text("summary"),
            body=body,
            formation_date=DAY,
        )
        document = catalogue_services.submit_document(document, actor=editor)
        document = catalogue_services.approve_document(document, actor=reviewer)
        consultation = consultation_services.create_consultation(
            agency=agency,
            actor=editor,
            title=f"{MARK} {SHORT}",
            summary=long_text("consultation summary"),
            body=body,
            opens_on=DAY,
            closes_on=DAY.replace(day=28),
            moderation=Consultation.Moderation.AT_ONCE,
            articles=[ArticleData("第一条", SHORT, long_text("article"))],
        )
        consultation = consultation_services.publish_consultation(consultation, actor=reviewer)
        public = Client()
        check_page(
            public.get(reverse("catalogue:document", args=[document.pk])), shows=f"{MARK}-body"
        )
        check_page(
            public.get(reverse("consultations:detail", args=[consultation.pk])),
            shows=f"{MARK}-body",
        )
        staff = Client()
        staff.force_login(reviewer)
        check_page(
            staff.get(reverse("catalogue_staff:document_detail", args=[document.pk])),
            shows=f"{MARK}-body",
        )
        check_page(
            staff.get(reverse("consultations_staff:detail", args=[consultation.pk])),
            shows=f"{MARK}-body",
        )
    check_page(public.get(reverse("search:results"), {"q": MARK}), shows="<mark>")
    _check_search_api(public, MARK)
    # The API's body is sanitised HTML (its schema says so); the other fields are plain text.
    detail = public.get(f"/api/v1/documents/{document.pk}")
    assert detail.status_code == 200
    assert f"{MARK}-body" in detail.json()["body"]
    assert executable_markup(f"<html><body>{detail.json()['body']}</body></html>") == []
    _check_feed(public.get(reverse("catalogue:agency_feed", args=[agency.slug])))


def _check_feed(response: Any) -> None:
    """An Atom feed's texts marked ``type="html"`` are HTML to a feed reader: safe too."""
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - the site's own feed
    texts = [
        element.text or ""
        for element in root.iter()
        if element.get("type") == "html" and element.text
    ]
    assert any(MARK in text for text in texts)
    for text in texts:
        assert executable_markup(f"<html><body>{text}</body></html>") == [], text[:200]


def test_input_reflected_from_the_address_is_escaped():
    """What a link can carry into a page (a search, a number, a "next" address) is escaped."""
    client = Client()
    long = "\n".join(PAYLOADS)
    for path, params in (
        (reverse("search:results"), {"q": long}),
        (reverse("search:results"), {"q": SHORT, "agency": SHORT, "kind": SHORT, "page": SHORT}),
        (reverse("info_requests:status"), {"number": SHORT}),
        (reverse("letters:status"), {"number": SHORT}),
        (reverse("letters:write"), {"type": SHORT}),
        (reverse("info_requests:apply"), {"agency": SHORT}),
        (reverse("citizens:sign_in"), {"next": "javascript:alert(1)//" + SHORT}),
        (reverse("letters:qa_list"), {"agency": SHORT, "type": SHORT, "year": SHORT}),
        (reverse("consultations:list"), {"phase": SHORT}),
    ):
        check_page(client.get(path, params))
    response = client.get("/no-such-page/" + SHORT.replace(">", "%3E").replace("<", "%3C"))
    assert response.status_code == 404
    assert executable_markup(response.content.decode()) == []

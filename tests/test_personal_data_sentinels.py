"""Personal-data sentinels (issue 9): the personal data of applicants, letter writers,
commenters, survey respondents, housing-list applicants and citizens' accounts never reach a
public page, a feed, the sitemap, search results, the public API or a public file.

Each person below carries values found nowhere else (a rare name, an 18-digit resident
identity number with a valid check digit, a mobile number, an e-mail address, a postal
address). They go in through the apps' services, and what would normally be published is
published: the application's released information proposed for proactive disclosure (REG 44),
the letter as public Q&A, the housing list, the survey's results, the consultation with its
shown comment, the government's annual report for the year with its PDF and XLSX. Then an
anonymous visitor crawls the site from the home page (same host, bounded), reads the sitemap,
searches for every sentinel on the search page and in the API, calls every public API
endpoint the OpenAPI schema lists, and extracts the text of every PDF, DOCX and XLSX it meets
(hidden sheets included). No sentinel may appear anywhere.

The demonstration is not loaded (too slow); the data set is small and built here.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date as D
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from gongkai.catalogue import lists
from gongkai.catalogue import services as catalogue_services
from gongkai.citizens.models import CitizenAccount
from gongkai.info_requests import services as request_services
from gongkai.info_requests.models import InfoRequest
from gongkai.interaction.letters.models import Letter
from gongkai.reports.annual import services as report_services
from gongkai.reports.annual.models import AnnualReport
from tests.catalogue.lists_support import seed
from tests.info_requests.conftest import at
from tests.personal_data import (
    Desk,
    answered_application,
    answered_survey,
    commented_consultation,
    credit_code,
    key,
    make_desk,
    moment,
    person,
    published_as_qa,
    received_application,
    replied_letter,
)

pytestmark = pytest.mark.django_db

APPLICANT = person(
    "applicant", "鞠珣瑶", "37030319860714512", "13811472905", "juxunyao.s", "张店区珣瑶路17号"
)
CONTACT = person(  # the contact person of an organisation that applies
    "contact person",
    "冼琛璐",
    "37030319790301228",
    "13922583016",
    "xianchenlu.s",
    "张店区琛璐街29号",
)
WRITER = person(
    "letter writer", "闵翊珩", "37030319920218361", "13633694127", "minyiheng.s", "张店区翊珩巷3号"
)
COMMENTER = person(
    "commenter", "宓璟岚", "37030319880909474", "13744705238", "mijinglan.s", "张店区璟岚里8号"
)
RESPONDENT = person(
    "survey respondent",
    "仉珂蓁",
    "37030319950505585",
    "13555816349",
    "zhangkezhen.s",
    "张店区珂蓁苑11号",
)
HOUSING_APPLICANT = person(
    "housing applicant",
    "亓琬舒",
    "37030319700120696",
    "13466927450",
    "qiwanshu.s",
    "张店区琬舒小区5号楼",
)
CITIZEN = person(
    "citizen account",
    "庹昕玥",
    "37030320010611707",
    "13377038561",
    "tuoxinyue.s",
    "张店区昕玥路66号",
)
PEOPLE = (APPLICANT, CONTACT, WRITER, COMMENTER, RESPONDENT, HOUSING_APPLICANT, CITIZEN)
SENTINELS: dict[str, str] = {
    label: value for someone in PEOPLE for label, value in someone.values().items()
}

YEAR = 2025
CRAWL_DAY = D(YEAR + 1, 2, 2)
MAX_PAGES = 400  # pages without a query string
MAX_QUERY_VARIANTS = 2  # pages of one path with a query string (filters, pages, sorting)
SKIPPED_PREFIXES = ("/workbench/", "/admin/", "/static/", "/i18n/", "/health/")


# --------------------------------------------------------------------------- the data set


@pytest.fixture
def desk(agency_factory, staff_role_factory, settings, tmp_path) -> Desk:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # The crawl searches for every sentinel: no rate limit for this one visitor.
    settings.GONGKAI_RATE_LIMITS = {"public_write": "0/1", "search": "0/1"}
    return make_desk(agency_factory, staff_role_factory)


@pytest.fixture
def published_world(desk, staff_role_factory, django_capture_on_commit_callbacks):
    """Every kind of person's data in, and what would normally be published, published."""
    with django_capture_on_commit_callbacks(execute=True):
        citizen = _citizen()
        _applications(desk, citizen)
        letter = replied_letter(desk, WRITER, D(YEAR, 4, 1), D(YEAR, 4, 7), consent=True)
        published_as_qa(desk, letter, D(YEAR, 4, 8))
        replied_letter(desk, WRITER, D(YEAR, 4, 1), D(YEAR, 4, 7), consent=False)
        _housing_list(desk)
        commented_consultation(desk, COMMENTER, D(YEAR, 6, 2), D(YEAR, 6, 30))
        answered_survey(desk, RESPONDENT, D(YEAR, 7, 2), D(YEAR, 7, 31))
        _annual_report(desk, staff_role_factory)
    return desk


def _citizen() -> CitizenAccount:
    now = moment(D(YEAR, 2, 1))
    return CitizenAccount.objects.create(
        email=CITIZEN.email,
        display_name=CITIZEN.name,
        password="!",
        created_at=now,
        email_verified_at=now,
    )


def _applications(desk: Desk, citizen: CitizenAccount) -> None:
    """An application by a person (listed under a citizen's account), answered, closed and
    its released information proposed for proactive disclosure (REG 44) and published; one by
    an organisation through its contact person, still open."""
    request = received_application(desk, APPLICANT, D(YEAR, 3, 3), citizen=citizen)
    answered_application(desk, request, D(YEAR, 3, 10))
    with at(D(YEAR, 3, 11)):
        document = request_services.propose_for_disclosure(request, actor=desk.handler)
        catalogue_services.update_document(
            document, actor=desk.editor, formation_date=D(YEAR, 3, 11)
        )
        catalogue_services.submit_document(document, actor=desk.editor)
        catalogue_services.approve_document(document, actor=desk.reviewer)
    code = credit_code("12370303MB2857143")
    with at(D(YEAR, 9, 1)):
        request_services.submit_request(
            request_services.Application(
                applicant_kind=InfoRequest.ApplicantKind.ORGANISATION,
                organisation_kind=InfoRequest.OrganisationKind.RESEARCH,
                name="测试区城市发展研究所",
                credit_code=code,
                contact_person=CONTACT.name,
                id_type=InfoRequest.IdType.BUSINESS_LICENCE,
                id_number=code,
                phone=CONTACT.phone,
                email=CONTACT.email,
                address=CONTACT.address,
                description=f"联系人{CONTACT.name}，身份证{CONTACT.id_number}：申请公开棚改计划。",
                form=InfoRequest.Form.PAPER,
                delivery=InfoRequest.Delivery.POST,
            ),
            agency=desk.office_agency,
            submission_key=key("apply"),
        )


def _housing_list(desk: Desk) -> None:
    """A housing-allocation list (保障性住房分配公示) row with personal fields — the name and
    identity number of the seeded type, and a phone and an address added — published."""
    record_type = seed()["housing-allocation"]
    administrator = desk.office
    administrator.is_superuser = True
    administrator.save(update_fields=["is_superuser"])
    for field_key, label in (("phone", "联系电话"), ("address", "家庭住址")):
        lists.add_field(
            record_type, actor=administrator, key=field_key, label=label, type="text",
            personal=True,
        )  # fmt: skip
    administrator.is_superuser = False
    administrator.save(update_fields=["is_superuser"])
    with at(D(YEAR, 5, 10)):
        record = lists.create_record(
            record_type,
            agency=desk.department,
            actor=desk.editor,
            values={
                "batch": f"{YEAR}年第一批",
                "applicant_name": HOUSING_APPLICANT.name,
                "id_number": HOUSING_APPLICANT.id_number,
                "household_size": 3,
                "support_mode": "公共租赁住房",
                "notice_date": D(YEAR, 5, 10),
                "phone": HOUSING_APPLICANT.phone,
                "address": HOUSING_APPLICANT.address,
            },
        )
        lists.publish_records([record], actor=desk.reviewer)


def _annual_report(desk: Desk, staff_role_factory) -> None:
    """The government's annual report for the year, published with its PDF and XLSX."""
    staff_role_factory(user=desk.office, agency=desk.government, role="editor")
    reviewer = staff_role_factory(agency=desk.government, role="reviewer").user
    with at(D(YEAR + 1, 1, 5)):
        report = report_services.create_report(
            agency=desk.government,
            year=YEAR,
            scope=AnnualReport.Scope.GOVERNMENT,
            actor=desk.office,
        )
    document = report_services.send_for_publication(
        report, actor=desk.office, now=moment(D(YEAR + 1, 1, 8))
    )
    catalogue_services.approve_document(document, actor=reviewer, now=moment(D(YEAR + 1, 1, 9)))


# --------------------------------------------------------------------------- reading


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src", "action" if tag == "form" else ""):
                self.links.append(value)


def links_in(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() or "" for page in reader.pages]
    info = reader.metadata or {}
    parts.extend(str(value) for value in info.values())
    return "\n".join(parts)


def docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    props = document.core_properties
    parts.extend(str(value or "") for value in (props.author, props.title, props.subject))
    return "\n".join(parts) + "\n" + _zip_xml_text(data)


def xlsx_text(data: bytes) -> str:
    """Every cell of every sheet, hidden and very hidden ones too, and the raw XML parts
    (comments, defined names, shared strings no cell uses any more)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    parts: list[str] = []
    for sheet in workbook.worksheets:  # every sheet whatever its state
        parts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            parts.extend(str(value) for value in row if value is not None)
    return "\n".join(parts) + "\n" + _zip_xml_text(data)


def _zip_xml_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8", "replace")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        )


def text_of(content_type: str, data: bytes) -> str:
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        # Re-dumped without escapes: JSON may write every Chinese character as \\uXXXX.
        return json.dumps(json.loads(data), ensure_ascii=False)
    if kind == "application/pdf" or data.startswith(b"%PDF"):
        return pdf_text(data)
    if kind.endswith("wordprocessingml.document"):
        return docx_text(data)
    if kind.endswith("spreadsheetml.sheet"):
        return xlsx_text(data)
    return data.decode("utf-8", "replace")


@dataclass
class Seen:
    """Everything the anonymous visitor read, by address."""

    texts: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def add(self, url: str, content_type: str, text: str) -> None:
        # Also without markup: a highlighted snippet splits a word with <mark> tags.
        self.texts[url] = text + "\n" + re.sub(r"<[^>]+>", "", text)
        self.kinds[url] = content_type.split(";")[0]

    def leaks(self) -> list[str]:
        found = []
        for url, text in self.texts.items():
            for label, value in SENTINELS.items():
                if value in text:
                    found.append(f"{label} ({value}) at {url}")
        return found


def fetch(client: Client, url: str, seen: Seen, *, query: str = "") -> tuple[int, str, str]:
    """GET ``url`` and note what it showed. ``query``: a search, whose own words are echoed
    in the page's title, form and links, or in the API's ``q``, ``tokens`` and suggestions —
    those echoes are taken out before the text is noted; the hits stay."""
    response = client.get(url, {"q": query} if query else None)
    data = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if response.status_code == 200:
        text = text_of(content_type, data)
    else:
        text = data.decode("utf-8", "replace")
    if query:
        text = without_echo(content_type, text)
        url = f"{url}?q={query}"
    seen.add(url, content_type, text)
    return response.status_code, content_type, text


def without_echo(content_type: str, text: str) -> str:
    if content_type.startswith("application/json"):
        answer = json.loads(text)
        for name in ("q", "tokens", "suggestions"):
            answer.pop(name, None)
        return json.dumps(answer, ensure_ascii=False)
    text = re.sub(r"<title>.*?</title>", "", text, flags=re.S)
    return re.sub(r'\s(?:value|href)="[^"]*"', "", text)


def _local(url: str, base: str) -> str | None:
    """The path (and query) of a link on this site, or None for another site or a scheme
    that is not a page."""
    absolute = urljoin(base, url)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https", "") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def crawl(client: Client, seen: Seen, start: list[str]) -> None:
    """Breadth-first over the site's links from ``start``: every path without a query string,
    and the first few query variants of each path (filters and pages repeat the same rows)."""
    queue = list(start)
    visited: set[str] = set()
    variants: dict[str, int] = {}
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.pop(0)
        if url in visited:
            continue
        path, _, query = url.partition("?")
        if query:
            if variants.get(path, 0) >= MAX_QUERY_VARIANTS:
                continue
            variants[path] = variants.get(path, 0) + 1
        visited.add(url)
        pages += 1
        status, content_type, text = fetch(client, url, seen)
        if status != 200:
            continue
        kind = content_type.split(";")[0]
        if kind == "text/html":
            found = links_in(text)
        elif kind in ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml"):
            found = re.findall(r"<(?:loc|link)>([^<]+)</(?:loc|link)>", text)
            found += re.findall(r'href="([^"]+)"', text)
        else:
            continue
        for link in found:
            local = _local(link, url)
            if local is not None and local not in visited:
                queue.append(local)


def api_operations(schema: dict) -> Iterator[tuple[str, list[str]]]:
    """Each GET path of the public API with the names of its path parameters."""
    for path, operations in schema.get("paths", {}).items():
        if "get" in operations:
            yield path, re.findall(r"{([^}:]+)(?::[^}]*)?}", path)


def collected_values(value: object, out: dict[str, set[str]]) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            if name in ("id", "code", "slug", "index_number") and isinstance(item, int | str):
                out.setdefault(name, set()).add(str(item))
            collected_values(item, out)
    elif isinstance(value, list):
        for item in value:
            collected_values(item, out)


# --------------------------------------------------------------------------- the test


def search_everywhere(client: Client, seen: Seen) -> None:
    """Search for every sentinel, on the search page and in the API."""
    for value in SENTINELS.values():
        fetch(client, "/search/", seen, query=value)
        fetch(client, "/api/v1/search", seen, query=value)


def call_the_api(client: Client, seen: Seen) -> None:
    """Every GET endpoint the OpenAPI schema lists: those without path parameters, then those
    with, filled with every id, index number, code and slug the first ones answered."""
    _status, _type, schema_text = fetch(client, "/api/v1/openapi.json", seen)
    operations = list(api_operations(json.loads(schema_text)))
    values: dict[str, set[str]] = {}
    for path, params in operations:
        if not params:
            _s, content_type, text = fetch(client, path, seen)
            if content_type.startswith("application/json"):
                collected_values(json.loads(text), values)
    by_param = {
        "key": values.get("id", set()) | values.get("index_number", set()),
        "code": values.get("code", set()),
        "slug": values.get("slug", set()),
    }
    for path, params in operations:
        for param in params:
            assert param in by_param, f"no values to try for {{{param}}} in {path}"
            for candidate in sorted(by_param[param]):
                fetch(client, re.sub(r"{" + param + r"(?::[^}]*)?}", candidate, path), seen)


def staff_read_everything(desk: Desk) -> None:
    """The office and the handler open the cases first: a cached page must never hand what
    staff saw to the public."""
    for user in (desk.office, desk.handler):
        staff = Client()
        staff.force_login(user)
        for request in InfoRequest.objects.all():
            assert staff.get(f"/workbench/requests/{request.pk}/").status_code in (200, 404)
        for letter in Letter.objects.all():
            assert staff.get(f"/workbench/letters/{letter.pk}/").status_code in (200, 404)
        staff.get("/workbench/requests/")
        staff.get("/workbench/letters/")


def test_no_personal_data_sentinel_reaches_any_public_surface(published_world):
    """Issue 9, personal-data sentinels: no applicant's, letter writer's, commenter's, survey
    respondent's, housing applicant's or citizen's name, identity number, phone, e-mail or
    address on any public page, feed, sitemap, search result, API answer or public file."""
    with at(CRAWL_DAY):
        staff_read_everything(published_world)
        client = Client()
        seen = Seen()
        crawl(client, seen, ["/", "/sitemap.xml"])
        search_everywhere(client, seen)
        call_the_api(client, seen)

    # The crawl reached what was published (else it would prove nothing): the housing list
    # with its names masked, the public Q&A, the consultation's shown comment, the survey's
    # results, the sitemap, the REG 44 document's PDF and the annual report's PDF and XLSX.
    def pages(prefix: str) -> str:
        return "".join(text for url, text in seen.texts.items() if url.startswith(prefix))

    assert "亓**" in pages("/lists/housing-allocation/")
    assert "公租房的申请条件" in pages("/letters/qa/")
    assert "建议明确犬只登记" in pages("/consultations/")
    assert "住房保障服务满意度调查" in pages("/surveys/")
    assert "<urlset" in pages("/sitemap.xml")
    kinds = [kind for url, kind in seen.kinds.items() if "/attachments/" in url]
    assert kinds.count("application/pdf") == 2
    assert any(kind.endswith("spreadsheetml.sheet") for kind in kinds)
    assert "年度报告" in pages("/documents/")

    leaks = seen.leaks()
    assert leaks == [], "\n".join(leaks)

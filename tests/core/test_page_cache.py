"""The public page cache (gongkai.core.page_cache, decision 0033), through the test client.

Public pages are stored for anonymous visitors and answered again from the cache; a committed
write to a public table makes them stale; signed-in people, pages with their own forms, with
cookies, messages, private answers and the applicants' pages are never stored; the validators
answer 304; a page from the cache carries the same headers as the page it was rendered from.
The catalogue's and the letters' invalidation tests are beside their apps
(tests/catalogue/test_page_cache.py, tests/interaction/letters/test_page_cache.py).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.http import http_date, parse_http_date

from gongkai.agencies.models import Agency
from gongkai.core import page_cache
from gongkai.core.audit import record
from tests.citizens.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db

HOME = "/"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# The headers the outer middleware add: a page from the cache must carry the same.
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Content-Language",
    "Content-Type",
    "Cache-Control",
    "Vary",
)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.GONGKAI_PAGE_CACHE = True
    settings.GONGKAI_PAGE_CACHE_SECONDS = 300


def without_tokens(content: bytes) -> bytes:
    return TOKEN.sub(b'name="csrfmiddlewaretoken" value=""', content)


def commit(django_capture_on_commit_callbacks, change):
    """Run ``change`` as if in a transaction of its own that commits."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        change()


# --- stored, then answered from the cache ------------------------------------------------


def test_a_public_page_is_rendered_once_then_answered_from_the_cache(client, member):
    first = client.get(HOME)
    second = client.get(HOME)
    assert first.status_code == second.status_code == 200
    assert first["X-Cache"] == "MISS"
    assert second["X-Cache"] == "HIT"
    assert member.name.encode() in second.content
    assert without_tokens(second.content) == without_tokens(first.content)


def test_the_cache_off_answers_every_request_by_rendering(client, settings, member):
    settings.GONGKAI_PAGE_CACHE = False
    client.get(HOME)
    response = client.get(HOME)
    assert response.status_code == 200
    assert "X-Cache" not in response


def test_the_toolbar_forms_of_a_page_the_cache_does_not_keep_carry_a_working_token(
    settings, member
):
    """Rendered without the cache, the frame's forms take the token the cache would fill in
    (``visitor_csrf_token``): one for the page, set as the visitor's cookie, accepted."""
    settings.GONGKAI_PAGE_CACHE = False
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(HOME)
    tokens = set(TOKEN.findall(page.content))
    assert len(tokens) == 1 and b"" not in tokens
    assert TOKEN.findall(page.content) and settings.CSRF_COOKIE_NAME in page.cookies
    switched = visitor.post(
        reverse("set_language"),
        {"language": "en", "next": HOME, "csrfmiddlewaretoken": tokens.pop().decode()},
    )
    assert switched.status_code == 302


def test_the_toolbar_forms_of_a_page_from_the_cache_carry_the_visitors_own_token(member):
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(HOME)
    other = Client(enforce_csrf_checks=True)
    hit = other.get(HOME)
    assert hit["X-Cache"] == "HIT"
    assert page_cache.CSRF_PLACEHOLDER.encode() not in hit.content
    tokens = set(TOKEN.findall(hit.content))
    assert len(tokens) == 1 and b"" not in tokens
    # The token works: the language switch accepts it (and refuses a request without it).
    token = tokens.pop().decode()
    switched = other.post(
        reverse("set_language"), {"language": "en", "next": HOME, "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    refused = Client(enforce_csrf_checks=True).post(reverse("set_language"), {"language": "en"})
    assert refused.status_code == 403


def test_language_and_elder_mode_are_kept_apart(client, member):
    assert client.get(HOME)["X-Cache"] == "MISS"
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    first = english.get(HOME)
    assert first["X-Cache"] == "MISS"
    assert first["Content-Language"] == "en"
    assert english.get(HOME)["X-Cache"] == "HIT"
    elder = Client()
    elder.cookies["gongkai_elder"] = "1"
    page = elder.get(HOME)
    assert page["X-Cache"] == "MISS"
    assert b'class="elder-mode"' in page.content
    assert b'class="elder-mode"' not in client.get(HOME).content


def test_the_order_of_the_query_parameters_does_not_matter(client, member):
    assert client.get("/catalogue/?page=1&q=x")["X-Cache"] == "MISS"
    assert client.get("/catalogue/?q=x&page=1")["X-Cache"] == "HIT"
    assert client.get("/catalogue/?q=y&page=1")["X-Cache"] == "MISS"


def test_the_key_keeps_the_order_of_a_repeated_parameter_and_its_spelling():
    factory = RequestFactory()

    def key(query: str) -> str:
        return page_cache.cache_key(factory.get("/catalogue/", QUERY_STRING=query))

    assert key("topic=2&topic=1&q=x") == key("q=x&topic=2&topic=1")
    assert key("topic=2&topic=1") != key("topic=1&topic=2")  # a list's order may matter
    assert key("q=a+b") != key("q=a%20b")  # two entries of one page, never one of two
    assert key("q=a") != key("q=a&page=2") != key("")


# --- made stale by a committed write ----------------------------------------------------


def test_a_committed_write_to_a_public_table_makes_every_page_stale(
    client, member, django_capture_on_commit_callbacks
):
    client.get(HOME)
    assert client.get(HOME)["X-Cache"] == "HIT"

    def rename():  # a bulk update: no signal, no save()
        Agency.objects.filter(pk=member.pk).update(name="改名后的单位")

    commit(django_capture_on_commit_callbacks, rename)
    response = client.get(HOME)
    assert response["X-Cache"] == "MISS"
    assert "改名后的单位".encode() in response.content


def test_a_write_that_rolls_back_leaves_the_cache_alone(client, member):
    client.get(HOME)
    with pytest.raises(RuntimeError), transaction.atomic():
        Agency.objects.filter(pk=member.pk).update(name="不会保存的名称")
        raise RuntimeError("rolled back")
    assert client.get(HOME)["X-Cache"] == "HIT"


def test_writes_to_private_tables_leave_the_cache_alone(
    client, member, django_capture_on_commit_callbacks
):
    client.get(HOME)

    def audit():
        record("test.private", actor=None, details={})

    commit(django_capture_on_commit_callbacks, audit)
    assert client.get(HOME)["X-Cache"] == "HIT"


def test_the_writes_of_one_transaction_move_the_generation_on_once(
    member, django_capture_on_commit_callbacks
):
    before = page_cache.current_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n in range(5):
            Agency.objects.filter(pk=member.pk).update(name=f"单位{n}")
    ours = [c for c in callbacks if isinstance(c, page_cache._AfterCommit)]
    assert len(ours) == 1
    assert page_cache.current_generation() == before + 1


def test_a_write_outside_a_transaction_moves_the_generation_on_at_once():
    class Autocommit:
        in_atomic_block = False

    executed = []
    before = page_cache.current_generation()
    page_cache.watch_writes(
        lambda *args: executed.append(args),
        'UPDATE "agencies_agency" SET "name" = %s',
        ("立即生效",),
        False,
        {"connection": Autocommit()},
    )
    assert len(executed) == 1
    assert page_cache.current_generation() == before + 1


@pytest.mark.parametrize(
    ("sql", "changes"),
    [
        ('SELECT * FROM "agencies_agency"', False),
        ('UPDATE "agencies_agency" SET "name" = %s', True),
        ('INSERT INTO "catalogue_document" ("title") VALUES (%s)', True),
        ('INSERT OR IGNORE INTO "catalogue_pagevisit" ("path") VALUES (%s)', False),
        ('DELETE FROM "django_session" WHERE "session_key" = %s', False),
        ('UPDATE "core_auditentry" SET "details" = %s', False),
        ("  delete from search_searchentry", True),
        ("SAVEPOINT s1", False),
        ("RELEASE SAVEPOINT s1", False),
        ("PRAGMA secure_delete = 0", False),
        ("WITH x AS (SELECT 1) SELECT * FROM x", False),
        ('WITH x AS (SELECT 1) UPDATE "agencies_agency" SET "name" = %s', True),
        ('ALTER TABLE "catalogue_document" ADD COLUMN "x" integer', True),
    ],
)
def test_which_statements_change_public_data(sql, changes):
    assert page_cache.changes_public_data(sql) is changes


def test_every_model_named_private_exists():
    from django.apps import apps

    for label in page_cache.POLICY.private_models:
        apps.get_model(label)  # LookupError on a misspelt or removed model


def test_the_generation_lost_from_the_cache_never_comes_back_to_an_old_number(client, member):
    client.get(HOME)
    cache.delete(page_cache.GENERATION_KEY)  # evicted
    assert client.get(HOME)["X-Cache"] == "MISS"


# --- never for signed-in people ----------------------------------------------------------


def test_signed_in_staff_neither_fill_nor_get_the_cache(client, member, user_factory):
    staff = Client()
    staff.force_login(user_factory())
    first = staff.get(HOME)
    assert first.status_code == 200
    assert "X-Cache" not in first
    assert "private" in first["Cache-Control"]
    assert client.get(HOME)["X-Cache"] == "MISS"  # the staff's page was not stored
    assert client.get(HOME)["X-Cache"] == "HIT"
    again = staff.get(HOME)
    assert "X-Cache" not in again and "ETag" not in again


def test_signed_in_citizens_neither_fill_nor_get_the_cache(client, member):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from gongkai.citizens.models import CitizenAccount

    now = timezone.now()
    account = CitizenAccount.objects.create(
        email="li.hua@example.cn",
        display_name="李华",
        password=make_password(PASSWORD),
        created_at=now,
        email_verified_at=now,
    )
    citizen = Client()
    sign_in(citizen, account)
    first = citizen.get(HOME)
    assert "X-Cache" not in first
    assert reverse("citizens:applications").encode() in first.content  # signed in
    assert client.get(HOME)["X-Cache"] == "MISS"
    assert client.get(HOME)["X-Cache"] == "HIT"
    assert "X-Cache" not in citizen.get(HOME)


# --- never stored ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["form", "cookie", "reads_cookie", "session", "private", "missing", "message"],
)
def test_pages_that_are_not_the_same_for_everyone_are_never_stored(client, test_pages, name):
    url = reverse(f"cachetest:{name}")
    client.cookies["seen"] = "1"
    for _ in range(2):
        response = client.get(url)
        assert "X-Cache" not in response, name
        assert page_cache.CSRF_PLACEHOLDER.encode() not in response.content


def test_a_page_of_the_test_namespace_is_otherwise_stored(client, test_pages):
    assert client.get(reverse("cachetest:plain"))["X-Cache"] == "MISS"
    assert client.get(reverse("cachetest:plain"))["X-Cache"] == "HIT"


def test_a_page_with_its_own_form_keeps_a_working_token(test_pages):
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(reverse("cachetest:form"))
    assert "X-Cache" not in page
    assert page_cache.CSRF_PLACEHOLDER.encode() not in page.content
    tokens = TOKEN.findall(page.content)
    assert len(tokens) == 3 and all(len(token) == 64 for token in tokens)  # toolbar and form


def test_waiting_messages_keep_the_page_out_of_the_cache(client, test_pages, member):
    client.get(reverse("cachetest:message"))  # leaves a message for the next page
    client.get(HOME)  # shows it: not stored
    fresh = Client()
    assert fresh.get(HOME)["X-Cache"] == "MISS"


def test_the_pages_of_applications_and_letters_in_progress_are_never_stored(client, member):
    factory = RequestFactory()
    for url in ("/apply/", "/apply/status/", "/letters/write/", "/letters/status/"):
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "X-Cache" not in response, url
        request = factory.get(url)
        request.LANGUAGE_CODE = "zh-hans"
        assert cache.get(page_cache.cache_key(request)) is None, url


def test_staff_pages_are_never_stored(client, user_factory):
    staff = Client()
    staff.force_login(user_factory())
    for url in ("/workbench/", "/workbench/login/"):
        assert "X-Cache" not in client.get(url)
        assert "X-Cache" not in staff.get(url)


# --- validators --------------------------------------------------------------------------


def test_if_none_match_is_answered_304_without_rendering(client, member, django_assert_num_queries):
    first = client.get("/agencies/")
    etag = first["ETag"]
    assert etag.startswith('W/"')  # the page holds the visitor's CSRF token
    with django_assert_num_queries(0):
        response = client.get("/agencies/", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response["X-Cache"] == "HIT"
    assert response["ETag"] == etag
    assert response.content == b""
    # Another visitor's token: another validator, the whole page.
    other = Client()
    assert other.get("/agencies/", headers={"if-none-match": etag}).status_code == 200


def test_a_page_without_a_form_has_a_strong_etag(client, member):
    first = client.get("/api/v1/agencies")
    assert first.status_code == 200
    assert first["X-Cache"] == "MISS"
    assert re.fullmatch(r'"[0-9a-f]{32}"', first["ETag"])
    response = client.get("/api/v1/agencies", headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304
    other = Client().get("/api/v1/agencies", headers={"if-none-match": first["ETag"]})
    assert other.status_code == 304  # the same validator for everyone


def test_if_modified_since_is_answered_304(client, member):
    first = client.get("/agencies/")
    modified = first["Last-Modified"]
    response = client.get("/agencies/", headers={"if-modified-since": modified})
    assert response.status_code == 304
    earlier = http_date(parse_http_date(modified) - 60)
    assert client.get("/agencies/", headers={"if-modified-since": earlier}).status_code == 200


def test_a_changed_page_is_sent_whole_to_a_visitor_holding_the_old_one(
    client, member, django_capture_on_commit_callbacks
):
    first = client.get("/api/v1/agencies")

    def rename():
        Agency.objects.filter(pk=member.pk).update(name="新名称")

    commit(django_capture_on_commit_callbacks, rename)
    response = client.get("/api/v1/agencies", headers={"if-none-match": first["ETag"]})
    assert response.status_code == 200
    assert response.json()["items"][0]["name"] == "新名称"


def test_head_is_answered_from_a_stored_page(client, member):
    assert client.head(HOME).status_code == 200
    assert client.get(HOME)["X-Cache"] == "MISS"  # a HEAD does not fill the cache
    head = client.head(HOME)
    assert head["X-Cache"] == "HIT"
    assert head.content == b""


# --- headers -----------------------------------------------------------------------------


def test_a_page_from_the_cache_carries_the_headers_of_the_rendered_page(client, member):
    miss = client.get(HOME)
    hit = client.get(HOME)
    assert (miss["X-Cache"], hit["X-Cache"]) == ("MISS", "HIT")
    for name in SECURITY_HEADERS:
        assert name in miss, name
        assert hit[name] == miss[name], name
    assert "nonce-" not in miss["Content-Security-Policy"]
    assert miss["X-Frame-Options"] == "DENY"
    assert "no-cache" in miss["Cache-Control"]
    assert miss["Last-Modified"] == hit["Last-Modified"]


# --- operations --------------------------------------------------------------------------


def test_the_command_makes_every_stored_page_stale(client, member):
    import io

    from django.core.management import call_command

    client.get(HOME)
    assert client.get(HOME)["X-Cache"] == "HIT"
    call_command("invalidate_public_pages", stdout=io.StringIO())
    assert client.get(HOME)["X-Cache"] == "MISS"


def test_pages_are_rendered_as_usual_while_the_cache_cannot_be_reached(client, member, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache server down")

    monkeypatch.setattr(cache, "get_many", down)
    response = client.get(HOME)
    assert response.status_code == 200
    assert member.name.encode() in response.content
    assert "X-Cache" not in response


def test_the_check_warns_of_an_in_process_cache_and_refuses_no_lifetime(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [m.id for m in page_cache.check_page_cache_settings()] == ["gongkai.page_cache.W001"]
    settings.GONGKAI_PAGE_CACHE = False
    assert page_cache.check_page_cache_settings() == []
    settings.GONGKAI_PAGE_CACHE_SECONDS = 0
    assert [m.id for m in page_cache.check_page_cache_settings()] == ["gongkai.page_cache.E001"]


# --- each process's own copy, and the lookup before the URL is resolved -----------------


def test_a_hit_from_the_process_copy_reads_only_the_generation(client, member, monkeypatch):
    client.get(HOME)  # rendered, stored in the cache and in this process's copy
    reads: list[object] = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys))
    response = client.get(HOME)
    assert response["X-Cache"] == "HIT"
    assert reads == []  # the page itself was not read from the cache server


def test_a_change_made_by_another_process_makes_the_process_copy_stale(client, member):
    client.get(HOME)
    assert client.get(HOME)["X-Cache"] == "HIT"
    # Another process's committed write moves the shared generation on; this process's copy
    # of the page carries the old one and is not served.
    Agency.objects.filter(pk=member.pk).update(name="改名后的机关")
    page_cache.invalidate_public_pages()
    response = client.get(HOME)
    assert response["X-Cache"] == "MISS"
    assert "改名后的机关".encode() in response.content


def test_the_process_copy_expires_with_the_page(client, member, monkeypatch):
    client.get(HOME)
    assert client.get(HOME)["X-Cache"] == "HIT"
    later = page_cache.time.time() + settings.GONGKAI_PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(page_cache.time, "time", lambda: later)  # the shared copy's clock too
    assert client.get(HOME)["X-Cache"] == "MISS"


def test_the_process_copy_keeps_to_its_size(settings):
    settings.GONGKAI_PAGE_CACHE_LOCAL_BYTES = 250
    pages = page_cache.LocalPages()

    def entry(size: int) -> page_cache.Entry:
        return page_cache.Entry(
            generation=1,
            content=b"x" * size,
            headers=[],
            etag="e",
            rendered=int(page_cache.time.time()),
            csrf=False,
            hooks=(),
            attributes={},
        )

    pages.put("a", entry(100))
    pages.put("b", entry(100))
    assert pages.get("a") is not None  # now the most recently used
    pages.put("c", entry(100))  # over 250 bytes: the least recently used goes
    assert pages.get("b") is None
    assert pages.get("a") is not None and pages.get("c") is not None
    assert pages.size == 200
    pages.put("d", entry(300))  # larger than the whole copy: never kept
    assert pages.get("d") is None


def test_a_path_found_not_public_is_not_looked_up_again(client, monkeypatch):
    reads: list[object] = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys))
    login = reverse("workbench:login")
    client.get(login)
    assert len(reads) == 1  # the first time, the cache is asked
    client.get(login)
    client.get(login)
    assert len(reads) == 1  # then never: it is not a public page


def test_the_search_page_counts_against_the_rate_limit_when_built_not_when_cached(
    client, member, settings
):
    """Decision 0049: the search limit guards the engine; a page from the cache costs what any
    cached public page costs. The search API is counted on every request (issue 9)."""
    settings.GONGKAI_RATE_LIMITS = {"public_write": "3/3600", "search": "3/3600"}
    answers = [client.get("/search/", {"q": "公开"}) for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert [a.get("X-Cache") for a in answers] == ["MISS", "HIT", "HIT", "HIT", "HIT"]
    built = [client.get("/search/", {"q": word}) for word in ("通知", "办法", "规划")]
    assert [a.status_code for a in built] == [200, 200, 429]  # the 4th search that ran
    assert built[2]["Retry-After"] and "X-Cache" not in built[2]
    assert client.get("/search/", {"q": "公开"}).status_code == 200  # still a cached page
    refused = client.get("/search/", {"q": "规划"})
    assert refused.status_code == 429  # the refusal was not stored


def test_the_search_api_counts_against_the_rate_limit_even_from_the_cache(client, member, settings):
    settings.GONGKAI_RATE_LIMITS = {"public_write": "3/3600", "search": "3/3600"}
    answers = [client.get("/api/v1/search", {"q": "公开"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.get("X-Cache") for a in answers[:3]] == ["MISS", "HIT", "HIT"]


# --- the visitor's CSRF token (decision 0042) ----------------------------------------------


def test_the_visitor_token_is_djangos_masked_secret_and_keeps_a_known_secret():
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token, get_token

    request = RequestFactory().get(HOME)
    token = page_cache.visitor_csrf_token(request)
    secret = request.META["CSRF_COOKIE"]  # a new secret, sent as the cookie
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == secret
    again = page_cache.visitor_csrf_token(request)  # the visitor's secret, a new mask
    assert again != token and _unmask_cipher_token(again) == secret
    assert _unmask_cipher_token(get_token(request)) == secret  # Django agrees
    secrets_made = {page_cache._random_csrf_string() for _ in range(1000)}
    assert len(secrets_made) == 1000
    assert all(len(s) == 32 and set(s) <= set(CSRF_ALLOWED_CHARS) for s in secrets_made)


def test_a_visitor_with_the_csrf_cookie_gets_a_token_for_it_on_a_hit(member):
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(HOME)
    cookie = visitor.cookies[settings.CSRF_COOKIE_NAME].value
    hit = visitor.get(HOME)
    assert hit["X-Cache"] == "HIT"
    assert visitor.cookies[settings.CSRF_COOKIE_NAME].value == cookie  # the same secret
    token = TOKEN.findall(hit.content)[0].decode()
    switched = visitor.post(
        reverse("set_language"), {"language": "en", "next": HOME, "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302

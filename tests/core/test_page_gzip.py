"""Stored public pages sent gzip-compressed (gongkai.core.page_gzip, decision 0047).

A client that accepts gzip gets the page's gzip form, compressed when it was stored, with its
own CSRF token in a stored deflate block of its own: the same page once decompressed, an answer
whose length and non-token bytes do not depend on the token, its own validators, and
``Vary: Accept-Encoding`` on both forms. Every other client, and every signed-in person, gets
what it got before.
"""

from __future__ import annotations

import gzip
import re
import struct
import zlib

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from gongkai.core import page_cache
from gongkai.core.page_gzip import accepts_gzip, compress_page
from tests.core.urls_page_cache import ENCODED_TEXT

pytestmark = pytest.mark.django_db

HOME = "/"
GZIP = {"accept-encoding": "gzip, deflate, br"}
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
PLACEHOLDER = page_cache.CSRF_PLACEHOLDER.encode()


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.GONGKAI_PAGE_CACHE = True
    settings.GONGKAI_PAGE_CACHE_SECONDS = 300
    settings.GONGKAI_PAGE_GZIP = True
    settings.GONGKAI_PAGE_GZIP_MIN_BYTES = 1024


@pytest.fixture
def fixed_token(monkeypatch):
    """Every answer's token is the next of a known series (each a valid-looking 64 chars)."""
    made: list[str] = []

    def token(request):
        request.META.setdefault("CSRF_COOKIE", "s" * 32)
        made.append(f"{len(made):02d}".ljust(64, "T"))
        return made[-1]

    monkeypatch.setattr(page_cache, "visitor_csrf_token", token)
    return made


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


# --- the body ----------------------------------------------------------------------------


def test_a_gzip_hit_decompresses_to_the_identity_hit_with_the_visitors_token(
    client, member, fixed_token
):
    assert client.get(HOME)["X-Cache"] == "MISS"
    identity = client.get(HOME)
    packed = client.get(HOME, headers=GZIP)
    assert (identity["X-Cache"], packed["X-Cache"]) == ("HIT", "HIT")
    assert "Content-Encoding" not in identity
    assert packed["Content-Encoding"] == "gzip"
    assert int(packed["Content-Length"]) == len(packed.content)
    # compressed (the test page, without its templates' indentation, to about a third)
    assert len(packed.content) * 2 < len(identity.content)
    # Python's gzip module and zlib's own gzip decoder agree, CRC and length checked.
    body = gzip.decompress(packed.content)
    decoder = zlib.decompressobj(wbits=31)
    assert decoder.decompress(packed.content) == body and decoder.eof and not decoder.unused_data
    assert fixed_token[1].encode() in identity.content
    assert fixed_token[2].encode() in body
    assert body == identity.content.replace(fixed_token[1].encode(), fixed_token[2].encode())
    assert PLACEHOLDER not in body


def test_the_token_of_a_gzip_hit_works(member):
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(HOME)
    hit = visitor.get(HOME, headers=GZIP)
    assert (hit["X-Cache"], hit["Content-Encoding"]) == ("HIT", "gzip")
    tokens = set(TOKEN.findall(gzip.decompress(hit.content)))
    assert len(tokens) == 1
    switched = visitor.post(
        reverse("set_language"),
        {"language": "en", "next": HOME, "csrfmiddlewaretoken": tokens.pop().decode()},
    )
    assert switched.status_code == 302


def test_the_token_is_sent_literally_in_a_stored_block_of_its_own(client, member, fixed_token):
    client.get(HOME)
    first = client.get(HOME, headers=GZIP).content
    second = client.get(HOME, headers=GZIP).content
    one, two = fixed_token[1].encode(), fixed_token[2].encode()
    stored = b"\x00" + struct.pack("<HH", 64, 64 ^ 0xFFFF)  # a stored block's header
    assert first.count(stored + one) == gzip.decompress(first).count(one) == 2
    assert second.count(stored + two) == 2
    # Nothing else depends on the token: the same length, the same bytes but the tokens' own
    # and the trailer's CRC (the length after it is the same too).
    assert len(first) == len(second)
    assert first[:-8].replace(one, b"?" * 64) == second[:-8].replace(two, b"?" * 64)
    assert first[-4:] == second[-4:]


def test_a_search_page_has_the_same_length_whatever_the_token(client, member, monkeypatch):
    """The search box echoes the query next to the token (BREACH): a token that repeats the
    query, or not, changes nothing of the answer's length."""
    tokens = ["0" * 64, "1" * 64, "0" * 32 + "1" * 32, "01" * 32]

    def token(request):
        request.META.setdefault("CSRF_COOKIE", "s" * 32)
        return tokens.pop()

    monkeypatch.setattr(page_cache, "visitor_csrf_token", token)
    path = "/search/?q=" + "0" * 64
    assert client.get(path)["X-Cache"] == "MISS"
    answers = [client.get(path, headers=GZIP) for _ in range(3)]
    assert [answer["X-Cache"] for answer in answers] == ["HIT"] * 3
    assert b"0" * 64 in gzip.decompress(answers[-1].content)
    assert len({len(answer.content) for answer in answers}) == 1


def test_segments_never_refer_across_a_token():
    """A full flush at each placeholder: the same text on both sides is compressed twice."""
    text = b"<p>" + b"the same words on both sides " * 40 + b"</p>"
    page = text + PLACEHOLDER + text + PLACEHOLDER + text * 400
    form = compress_page(page, PLACEHOLDER)
    alone = compress_page(text * 3, None)
    assert len(form.parts) == 3
    # Each of the first two parts holds the whole text compressed on its own.
    assert min(len(part) for part in form.parts[:2]) > len(alone.parts[0]) - 40
    for token in (b"a" * 64, b"the same words on both sides ".ljust(64, b"x")):
        assert gzip.decompress(form.body(token)) == page.replace(PLACEHOLDER, token)


@pytest.mark.parametrize("after", [b"", b"short", b"long enough for the linear map " * 600])
def test_the_crc_is_right_whatever_follows_the_token(after):
    page = b"<head>" + PLACEHOLDER + b"<mid>" + PLACEHOLDER + after
    form = compress_page(page, PLACEHOLDER)
    for token in (b"x" * 64, bytes(range(48, 112))):
        body = form.body(token)
        assert gzip.decompress(body) == page.replace(PLACEHOLDER, token)
        assert struct.unpack("<II", body[-8:]) == (
            zlib.crc32(page.replace(PLACEHOLDER, token)),
            len(page) - 2 * len(PLACEHOLDER) + 128,
        )


# --- who gets which form -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("gzip, deflate, br, zstd", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("gzip; q=0.001", True),
        ("gzip;q=1.000", True),
        ("*", True),
        ("br;q=1, *;q=0.1", True),
        ("", False),
        ("identity", False),
        ("br, deflate", False),
        ("gzip;q=0", False),
        ("gzip;q=0.000", False),
        ("gzip;q=0, *", False),  # named: the star does not bring it back
        ("*;q=0", False),
        ("gzip;q=abc", False),  # not a q-value: refused, identity is always safe
        ("gzip;q=2", False),
        ("gzip;q=0.5, gzip;q=0", True),
    ],
)
def test_accept_encoding_is_read_with_its_q_values(header, accepted):
    assert accepts_gzip(header) is accepted


@pytest.mark.parametrize("header", [None, "identity", "gzip;q=0", "br"])
def test_a_client_without_gzip_gets_the_page_as_before(client, member, header):
    client.get(HOME)
    hit = client.get(HOME, headers={"accept-encoding": header} if header else {})
    assert hit["X-Cache"] == "HIT"
    assert "Content-Encoding" not in hit
    assert hit.content.startswith(b"<!DOCTYPE html>") or b"<html" in hit.content[:200]
    assert {"cookie", "accept-encoding"} <= vary(hit)


def test_the_miss_that_stores_the_page_is_sent_compressed_too(client, member):
    miss = client.get(HOME, headers=GZIP)
    assert (miss["X-Cache"], miss["Content-Encoding"]) == ("MISS", "gzip")
    assert b"</html>" in gzip.decompress(miss.content)
    assert {"cookie", "accept-encoding"} <= vary(miss)


def test_signed_in_staff_never_get_the_stored_page_nor_its_gzip_form(client, member, user_factory):
    Client().get(HOME, headers=GZIP)  # stored
    staff = user_factory()
    client.force_login(staff)
    response = client.get(HOME, headers=GZIP)
    assert response.status_code == 200
    assert "X-Cache" not in response and "Content-Encoding" not in response
    assert "private" in response["Cache-Control"]


def test_switched_off_every_page_goes_out_as_the_view_made_it(client, member, settings):
    settings.GONGKAI_PAGE_GZIP = False
    client.get(HOME, headers=GZIP)
    hit = client.get(HOME, headers=GZIP)
    assert hit["X-Cache"] == "HIT"
    assert "Content-Encoding" not in hit and "accept-encoding" not in vary(hit)


def test_a_page_stored_with_its_gzip_form_is_sent_plain_once_switched_off(client, member, settings):
    client.get(HOME, headers=GZIP)
    settings.GONGKAI_PAGE_GZIP = False
    hit = client.get(HOME, headers=GZIP)
    assert hit["X-Cache"] == "HIT"
    assert "Content-Encoding" not in hit and "accept-encoding" not in vary(hit)


def test_a_small_page_is_not_compressed(client, member, settings):
    settings.GONGKAI_PAGE_GZIP_MIN_BYTES = 10**6
    client.get(HOME)
    hit = client.get(HOME, headers=GZIP)
    assert hit["X-Cache"] == "HIT"
    assert "Content-Encoding" not in hit and "accept-encoding" not in vary(hit)


def test_a_page_its_view_compressed_is_not_compressed_again(client, test_pages):
    client.get("/cachetest/encoded/", headers=GZIP)
    hit = client.get("/cachetest/encoded/", headers=GZIP)
    assert (hit["X-Cache"], hit["Content-Encoding"]) == ("HIT", "gzip")
    assert gzip.decompress(hit.content) == ENCODED_TEXT


# --- validators ----------------------------------------------------------------------------


def test_each_form_of_a_page_with_a_token_has_its_own_validator_and_304(client, member):
    client.get(HOME)  # stored; the client now holds a CSRF cookie
    identity = client.get(HOME)
    packed = client.get(HOME, headers=GZIP)
    assert identity["ETag"].startswith('W/"') and packed["ETag"].startswith('W/"')
    assert identity["ETag"] != packed["ETag"]
    assert client.get(HOME)["ETag"] == identity["ETag"]  # stable for this visitor
    assert client.get(HOME, headers=GZIP)["ETag"] == packed["ETag"]
    for etag, headers in ((identity["ETag"], {}), (packed["ETag"], GZIP)):
        answer = client.get(HOME, headers={**headers, "if-none-match": etag})
        assert answer.status_code == 304
        assert answer["ETag"] == etag and "accept-encoding" in vary(answer)
    # A copy of one form never stands for the other.
    crossed = client.get(HOME, headers={**GZIP, "if-none-match": identity["ETag"]})
    assert (crossed.status_code, crossed["Content-Encoding"]) == (200, "gzip")
    crossed = client.get(HOME, headers={"if-none-match": packed["ETag"]})
    assert crossed.status_code == 200 and "Content-Encoding" not in crossed


def test_a_page_without_a_token_is_one_blob_with_a_strong_validator(client, member, settings):
    settings.GONGKAI_PAGE_GZIP_MIN_BYTES = 0
    identity = client.get("/api/v1/agencies")
    packed = client.get("/api/v1/agencies", headers=GZIP)
    again = Client().get("/api/v1/agencies", headers=GZIP)
    assert packed["X-Cache"] == again["X-Cache"] == "HIT"
    assert packed.content == again.content  # the same bytes for everyone
    assert gzip.decompress(packed.content) == identity.content
    assert re.fullmatch(r'"[0-9a-f]{32}-gzip"', packed["ETag"])
    assert packed["ETag"] == f'{identity["ETag"][:-1]}-gzip"'
    answer = Client().get("/api/v1/agencies", headers={**GZIP, "if-none-match": packed["ETag"]})
    assert answer.status_code == 304
    crossed = Client().get("/api/v1/agencies", headers={**GZIP, "if-none-match": identity["ETag"]})
    assert crossed.status_code == 200


# --- memory --------------------------------------------------------------------------------


def test_the_process_copy_counts_both_forms(client, member):
    client.get(HOME)
    key, entry = next(iter(page_cache.LOCAL_PAGES.entries.items()))
    assert entry.gzip is not None
    assert page_cache.LOCAL_PAGES.size == entry.stored_bytes
    assert entry.stored_bytes >= len(entry.content) + sum(len(p) for p in entry.gzip.parts)
    assert key.startswith(page_cache.ENTRY_PREFIX)


def test_the_shared_cache_holds_the_gzip_form_for_other_processes(client, member):
    from django.core.cache import cache

    client.get(HOME)
    key = next(iter(page_cache.LOCAL_PAGES.entries))
    page_cache.LOCAL_PAGES.clear()  # another process: only the shared copy
    stored = cache.get(key)
    assert stored is not None and stored.gzip is not None
    hit = Client().get(HOME, headers=GZIP)
    assert (hit["X-Cache"], hit["Content-Encoding"]) == ("HIT", "gzip")
    assert settings.CSRF_COOKIE_NAME in hit.cookies

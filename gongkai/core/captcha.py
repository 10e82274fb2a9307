"""An offline CAPTCHA on the public forms after repeated submissions from one address (issue 9,
"Web"; decision 0029).

Below the threshold nobody sees it. Every public form is wrapped by :func:`protect` in its view:
a bound form (a submission) is counted against the client address — the address the rate
limits and the audit trail read (``core.middleware.client_address``) — and once
``GONGKAI_CAPTCHA_AFTER`` submissions came from that address within
``GONGKAI_CAPTCHA_WINDOW`` seconds, the form gets one more field: an image of five letters and
digits drawn here with Pillow (no network, no third-party service) and a box to type them in.
A submission without the right characters is refused like any other invalid form, so the view
never reaches its service and nothing changes.

A challenge is stateless until it is answered: the form carries a signed token (a random nonce
and the time it was made); the characters are a keyed hash of the nonce, so neither the page
nor the token tells them; the image is drawn from the same nonce on request. A token is good for
``GONGKAI_CAPTCHA_MAX_AGE`` seconds and for one answer, right or wrong: the first check of a
nonce marks it used in the cache (Redis in production, shared by every server), and a form sent
back with an error shows a new image.
"""

from __future__ import annotations

import hashlib
import io
import random
import secrets
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from gongkai.core.middleware import client_address

FIELD_NAME = "captcha"
SALT = "gongkai.core.captcha"
# Letters and digits no one confuses in a distorted image: no 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B.
ALPHABET = "ACEFGHJKMNPRTUVWXY34679"
LENGTH = 5
WIDTH, HEIGHT = 180, 60
FALLBACK_FONTS = ("/usr/share/fonts/truetype/arphic/uming.ttc",)


@dataclass(frozen=True)
class Config:
    after: int  # submissions from one address before the CAPTCHA (0: always; negative: never)
    window: int  # seconds, counted from the first submission
    max_age: int  # seconds a challenge can be answered


def config() -> Config:
    return Config(
        after=int(getattr(settings, "GONGKAI_CAPTCHA_AFTER", 10)),
        window=int(getattr(settings, "GONGKAI_CAPTCHA_WINDOW", 3600)),
        max_age=int(getattr(settings, "GONGKAI_CAPTCHA_MAX_AGE", 900)),
    )


# --------------------------------------------------------------------------- who is asked


def _count_key(request: HttpRequest) -> str:
    address = client_address(request) or "unknown"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]  # never the address in clear
    return f"captcha:submissions:{digest}"


def submissions(request: HttpRequest) -> int:
    """How many public forms the request's address sent in the current window."""
    return int(cache.get(_count_key(request), 0))


def _count(request: HttpRequest) -> None:
    key = _count_key(request)
    cache.add(key, 0, timeout=config().window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=config().window)


def required(request: HttpRequest) -> bool:
    """Whether the next submission from the request's address must answer a CAPTCHA."""
    after = config().after
    if after < 0:
        return False
    return submissions(request) >= after


def protect(request: HttpRequest, form: forms.BaseForm) -> Any:
    """``form``, with the CAPTCHA field when the address has sent enough forms already.

    Call it on every public form a view builds, bound or not. A bound form is a submission
    and is counted (valid or not: a robot's rejected attempts count too); whether it must
    carry an answer is decided by the submissions before it."""
    needed = required(request)
    if form.is_bound:
        _count(request)
    if needed:
        form.fields[FIELD_NAME] = CaptchaField()
    return form


# --------------------------------------------------------------------------- challenges


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def new_challenge() -> str:
    """A signed token for a new challenge (a nonce and the time it was made)."""
    return _signer().sign(secrets.token_urlsafe(12))


def nonce_of(token: str) -> str | None:
    """The nonce of a valid, unexpired challenge token, else None."""
    if not token or len(token) > 200:
        return None
    try:
        return _signer().unsign(token, max_age=config().max_age)
    except signing.BadSignature:  # forged, altered or expired (SignatureExpired is one)
        return None


def answer_for(nonce: str) -> str:
    """The characters of a challenge: a keyed hash of its nonce, never stored or sent."""
    digest = salted_hmac(f"{SALT}.answer", nonce, algorithm="sha256").digest()
    return "".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[:LENGTH])


def normalise(answer: str) -> str:
    """What was typed, as compared: full-width forms folded (a Chinese input method), spaces
    dropped, capitals."""
    folded = unicodedata.normalize("NFKC", answer or "")
    return "".join(folded.split()).upper()


def check(token: str, answer: str) -> bool:
    """Whether ``answer`` solves the challenge ``token``; a challenge is checked only once."""
    nonce = nonce_of(token)
    if nonce is None:
        return False
    if not cache.add(f"captcha:used:{nonce}", 1, timeout=config().max_age + 60):
        return False  # answered before (a replayed form)
    return constant_time_compare(normalise(answer)[:20], answer_for(nonce))


# --------------------------------------------------------------------------- the image


@lru_cache(maxsize=4)
def _font(path: str, size: int) -> Any:
    candidates = [path] if path else list(FALLBACK_FONTS)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            try:
                return ImageFont.truetype(candidate, size)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def render_png(token: str) -> bytes | None:
    """The image of the challenge ``token`` (the same picture every time), or None when the
    token is not a valid, unexpired challenge."""
    nonce = nonce_of(token)
    if nonce is None:
        return None
    text = answer_for(nonce)
    # Jitter only, from the nonce so that reloading shows the same picture (no second sample
    # for a reader to combine); the secret is the answer, which comes from a keyed hash.
    rng = random.Random(salted_hmac(f"{SALT}.image", nonce).digest())  # noqa: S311
    font = _font(str(getattr(settings, "GONGKAI_CAPTCHA_FONT", "") or ""), 38)
    image = Image.new("RGB", (WIDTH, HEIGHT), (247, 247, 242))
    draw = ImageDraw.Draw(image)
    for _dot in range(220):
        shade = rng.randint(150, 220)
        draw.point((rng.randrange(WIDTH), rng.randrange(HEIGHT)), fill=(shade, shade, shade))
    x = 10
    for char in text:
        glyph = Image.new("L", (46, 52), 0)
        ImageDraw.Draw(glyph).text((8, 2), char, font=font, fill=255, stroke_width=1)
        glyph = glyph.rotate(rng.uniform(-20, 20), resample=Image.Resampling.BICUBIC)
        colour = (rng.randint(10, 90), rng.randint(10, 70), rng.randint(60, 140))
        image.paste(Image.new("RGB", glyph.size, colour), (x, rng.randint(0, 10)), glyph)
        x += rng.randint(28, 33)
    for _line in range(3):
        colour = (rng.randint(60, 140), rng.randint(60, 140), rng.randint(60, 140))
        start = (rng.randint(0, WIDTH // 3), rng.randint(5, HEIGHT - 5))
        end = (rng.randint(2 * WIDTH // 3, WIDTH), rng.randint(5, HEIGHT - 5))
        draw.line([start, end], fill=colour, width=1)
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@never_cache
@require_safe
def image(request: HttpRequest, token: str) -> HttpResponse:
    """The PNG of a challenge; 404 for a token that is not valid or has expired."""
    png = render_png(token)
    if png is None:
        raise Http404(_("This image has expired. Reload the form for a new one."))
    response = HttpResponse(png, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------- the form field


class CaptchaWidget(forms.MultiWidget):
    """The image, the challenge's token (hidden) and the box for the characters.

    Every rendering draws a new challenge: a form shown again after an error never offers the
    image that was just answered (it has been used)."""

    template_name = "core/captcha/widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        box = forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "maxlength": "12",
                "size": "8",
            }
        )
        super().__init__([forms.HiddenInput(), box], attrs)

    def decompress(self, value: Any) -> list[Any]:
        return [None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        token = new_challenge()
        context = super().get_context(name, [token, ""], attrs)
        context["image_url"] = reverse("captcha_image", args=[token])
        context["image_width"] = WIDTH
        context["image_height"] = HEIGHT
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_1" if id_ else id_


class CaptchaField(forms.Field):
    """Valid only with the characters of the challenge the form was shown with."""

    widget = CaptchaWidget
    default_error_messages = {
        "required": _("Type the characters shown in the image."),
        "invalid": _(
            "The characters do not match the image, or the image has expired. Type the "
            "characters of the new image."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Security check"))
        kwargs.setdefault(
            "help_text",
            _(
                "Several forms were sent from your connection recently. Type the letters and "
                "digits shown in the image (small or capital letters both work)."
            ),
        )
        super().__init__(required=True, **kwargs)

    def clean(self, value: Any) -> bool:
        token, answer = "", ""
        if isinstance(value, list | tuple) and len(value) == 2:
            token, answer = (str(part or "") for part in value)
        if not answer.strip():
            raise ValidationError(self.error_messages["required"], code="required")
        if not check(token, answer):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return True

"""``{% page_csrf_token %}``: the CSRF token of a form that every public page carries.

Like ``{% csrf_token %}``, except while a page that may be stored in the public page cache is
rendered (gongkai.core.page_cache): then it writes a placeholder that the cache fills with each
visitor's own token. Only for the forms of the site's frame (language, elder mode); a page's
own form keeps ``{% csrf_token %}``, which keeps its page out of the cache.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from gongkai.core.page_cache import (
    CSRF_PLACEHOLDER,
    page_csrf_token_placeholder,
    visitor_csrf_token,
)

register = template.Library()

_TOKEN_ATTR = "_gongkai_page_csrf_token"  # noqa: S105 - an attribute name


@register.simple_tag(takes_context=True)
def page_csrf_token(context: template.Context) -> SafeString:
    request = context.get("request")
    if page_csrf_token_placeholder(request):
        return format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">',
            mark_safe(CSRF_PLACEHOLDER),
        )
    if request is None:
        return mark_safe(CsrfTokenNode().render(context))
    # The token the cache would fill in (one os.urandom call instead of 64 for Django's
    # get_token), one for every form of the page as the context's csrf_token would be.
    token = getattr(request, _TOKEN_ATTR, None)
    if token is None:
        token = visitor_csrf_token(request)
        setattr(request, _TOKEN_ATTR, token)
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)

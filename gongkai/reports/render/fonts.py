"""The Chinese font of the report's PDF: the same TrueType font as the notices' PDF.

The lookup is :func:`gongkai.info_requests.letters.notice_font` (AR PL UMing from Debian's
``fonts-arphic-uming``, installed by ``make fonts``, or ``settings.GONGKAI_NOTICE_FONT``),
reused rather than copied so that one setting serves both documents; only its error is
restated for the report (decision 0021).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from gongkai.info_requests.letters import FONT_PACKAGE, NoticeFont, NoticeFontMissing, notice_font
from gongkai.reports.render import RenderError


class ReportFontMissing(RenderError):
    """The CJK font for the PDF is not installed: the report cannot be written as PDF."""


def report_font() -> NoticeFont:
    """The TrueType font with Chinese characters to embed; ``ReportFontMissing`` (with a
    translated message naming the package to install) when it is not there."""
    try:
        return notice_font()
    except NoticeFontMissing:
        raise ReportFontMissing(
            _(
                "The report cannot be written as PDF: its Chinese font is missing. Install it "
                "with “make fonts” (Debian's %(package)s), or set GONGKAI_NOTICE_FONT to a "
                "TrueType font with Chinese characters."
            )
            % {"package": FONT_PACKAGE}
        ) from None

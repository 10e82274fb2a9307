"""What building an annual report's files costs, docs/performance.md "Exports through the task
queue": each writer of the staff page's downloads, beside the public download of a published
report's stored PDF (a file read).

    DATABASE_URL=sqlite:////tmp/exp2/demo.sqlite3 GONGKAI_MEDIA_ROOT=... \\
        .venv/bin/python bench/report_files.py

On the demonstration (``make demo``'s database): the published government report of the
latest year, and a draft of the year after it (created here if missing, the preview the office
downloads while preparing it). Best of three, wall and CPU seconds of this process.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import best

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import translation

    setup_test_environment()
    from gongkai.agencies.models import StaffRole
    from gongkai.reports.annual import services
    from gongkai.reports.annual.models import AnnualReport
    from gongkai.reports.render import data, docx, html, pdf

    published = (
        AnnualReport.objects.filter(scope=AnnualReport.Scope.GOVERNMENT, document__isnull=False)
        .order_by("-year")
        .first()
    )
    if published is None:
        raise SystemExit("no published government report: load the demonstration first")
    office = (
        StaffRole.objects.filter(role=StaffRole.Role.OFFICE).select_related("user").first().user
    )
    draft = AnnualReport.objects.filter(
        scope=AnnualReport.Scope.GOVERNMENT, year=published.year + 1
    ).first() or services.create_report(
        agency=published.agency,
        year=published.year + 1,
        scope=AnnualReport.Scope.GOVERNMENT,
        actor=office,
    )
    print(f"load {os.getloadavg()[0]:.1f}; published {published.year}, draft {draft.year}")
    writers = {
        "html": lambda c: html.render_html(c, standalone=True),
        "docx": docx.render_docx,
        "pdf": pdf.render_pdf,
        "xlsx": data.content_to_xlsx,
        "json": data.content_to_json,
    }
    for report, name in ((draft, "draft"), (published, "published")):
        best(
            f"{name} {report.year}: the content (tables, figures)",
            lambda r=report: services.content_of(r),
        )
        content = services.content_of(report)
        with translation.override(settings.LANGUAGE_CODE):
            for kind, writer in writers.items():
                size = len(writer(content))
                best(
                    f"{name} {report.year}: {kind} ({size:,} bytes)",
                    lambda w=writer, c=content: w(c),
                )

    document = published.document
    attachment = document.attachments.filter(original_name__endswith=".pdf").first()
    client = Client()
    url = reverse(
        "catalogue:attachment", kwargs={"pk": document.pk, "attachment_pk": attachment.pk}
    )

    def public_download() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"the public download answered {response.status_code}")
        b"".join(response.streaming_content)

    best(f"public download of the stored PDF ({attachment.size:,} bytes)", public_download)
    print(f"load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

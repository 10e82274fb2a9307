"""A tiny district for tests/deploy/test_demo_prod.py, run as its own process against the
stack's database: one agency, an editor and a reviewer, and one document approved for
publication a few seconds from now through the real services. Prints the document's id."""

from __future__ import annotations

import datetime
import json
import sys

import django


def main(seconds: float) -> None:
    django.setup()
    from django.utils import timezone

    from gongkai.agencies.models import StaffRole
    from gongkai.catalogue import services
    from gongkai.catalogue.models import Document
    from tests.factories import AgencyFactory, StaffRoleFactory

    agency = AgencyFactory()
    editor = StaffRoleFactory(agency=agency, role=StaffRole.Role.EDITOR).user
    reviewer = StaffRoleFactory(agency=agency, role=StaffRole.Role.REVIEWER).user
    document = services.create_document(
        agency=agency,
        actor=editor,
        kind=Document.Kind.DOCUMENT,
        title="关于做好部署测试工作的通知",
        summary="部署测试",
        body="<p>由后台任务按时发布。</p>",
        formation_date=datetime.date(2026, 1, 5),
    )
    services.submit_document(document, actor=editor)
    publish_at = timezone.now() + datetime.timedelta(seconds=seconds)
    services.approve_document(document, actor=reviewer, publish_at=publish_at)
    print(json.dumps({"document": document.pk, "publish_at": publish_at.isoformat()}))


if __name__ == "__main__":
    main(float(sys.argv[1]))

"""Issue 9, uploads: the hostile-file set against the evidence files of a hand score. Each file
is refused with its reason and nothing changes: no score, no file, no audit entry."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.core.hostile import assert_every_hostile_file_refused
from tests.supervision.assessment.conftest import everything, indicator

pytestmark = pytest.mark.django_db


def test_a_hand_scores_evidence_refuses_every_hostile_file(english, office, scheme, agency):
    english.force_login(office)
    address = reverse(
        "assessment_staff:hand_score_edit", args=[indicator(scheme, "2").pk, agency.slug]
    )

    def post(name: str, content: bytes):
        return english.post(
            address,
            {
                "points": "8",
                "comment": "栏目未更新，扣2分",
                "evidence_files": SimpleUploadedFile(name, content),
            },
        )

    assert_every_hostile_file_refused(post, everything, status=200)  # the form again

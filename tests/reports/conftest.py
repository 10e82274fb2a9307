"""Fixtures for the annual report: the applications' fixtures of ``tests/info_requests`` and
helpers that answer an application on a chosen day through the services."""

from __future__ import annotations

import datetime

import pytest

from gongkai.info_requests import services
from gongkai.info_requests.models import InfoRequest
from gongkai.info_requests.outcomes import AT_RECEIPT, WITHHOLDING, Exemption, Outcome
from tests.info_requests import conftest as requests_fixtures
from tests.info_requests.conftest import at

# The applications' fixtures, shared with tests/info_requests.
office = requests_fixtures.office
handling_agency = requests_fixtures.handling_agency
handler = requests_fixtures.handler
legal_reviewer = requests_fixtures.legal_reviewer
submit = requests_fixtures.submit
assigned = requests_fixtures.assigned

# A unified social credit code with its check character (GB 32100-2015), invented.
CREDIT_CODE = "91320582MA1W2X3Y4"
_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE += _CHARS[
    (31 - sum(_CHARS.index(c) * w for c, w in zip(CREDIT_CODE, _WEIGHTS, strict=True)) % 31) % 31
]


def applicant(column: str) -> dict[str, str]:
    """The application fields of an applicant counted in table 三's ``column``."""
    if column == "person":
        return {}
    return {
        "applicant_kind": InfoRequest.ApplicantKind.ORGANISATION,
        "organisation_kind": column,
        "name": "某某单位",
        "credit_code": CREDIT_CODE,
        "id_type": InfoRequest.IdType.BUSINESS_LICENCE,
        "id_number": CREDIT_CODE,
    }


@pytest.fixture
def received(submit, assigned):
    """An application from an applicant of ``column`` received on ``day`` and assigned that
    day to the handling agency — or left with the office, ``for_office``, to close at receipt."""

    def run(day: datetime.date, column: str = "person", *, for_office: bool = False):
        if for_office:
            return submit(day, **applicant(column))
        return assigned(day, **applicant(column))

    return run


@pytest.fixture
def answer(handler, legal_reviewer, office):
    """Answer an application on ``day`` with ``outcome``: a reply through the legal review, or
    a closing at receipt for the outcomes the office decides there."""

    def run(request: InfoRequest, day: datetime.date, outcome: str) -> InfoRequest:
        with at(day):
            if outcome in AT_RECEIPT:
                return services.close_at_receipt(
                    request, actor=office, outcome=outcome, reply_text="不予处理。"
                )
            parts = (
                [services.Withheld("第三方信息", Exemption.THIRD_PARTY)]
                if outcome in WITHHOLDING
                else []
            )
            services.draft_reply(
                request,
                actor=handler,
                outcome=outcome,
                reply_text="答复。",
                withheld=parts,
                referred_agency="市某局" if outcome == Outcome.OTHER_AGENCY else "",
            )
            services.submit_for_review(request, actor=handler)
            return services.review_request(request, actor=legal_reviewer, approve=True)

    return run

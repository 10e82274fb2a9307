"""Fixtures for applications: the office, the handling agency's staff, a valid application
and helpers that walk an application through the services on chosen dates."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from gongkai.agencies.models import StaffRole
from gongkai.info_requests import services
from gongkai.info_requests.models import InfoRequest

# A valid resident identity number (check digit X) and its holder, both invented.
VALID_ID = "11010519491231002X"
APPLICANT_NAME = "王小明"
APPLICANT_PHONE = "13912345678"


def application_data(**overrides) -> services.Application:
    values = {
        "applicant_kind": InfoRequest.ApplicantKind.PERSON,
        "name": APPLICANT_NAME,
        "id_type": InfoRequest.IdType.RESIDENT_ID,
        "id_number": VALID_ID,
        "phone": APPLICANT_PHONE,
        "email": "wang@example.cn",
        "address": "张家港市人民路1号",
        "postcode": "215600",
        "description": "2024年城乡最低生活保障资金发放明细",
        "form": InfoRequest.Form.ELECTRONIC,
        "delivery": InfoRequest.Delivery.EMAIL,
    }
    values.update(overrides)
    return services.Application(**values)


@pytest.fixture
def office(db, agency, staff_role_factory):
    """A member of the disclosure office (公开办)."""
    return staff_role_factory(agency=agency, role=StaffRole.Role.OFFICE).user


@pytest.fixture
def handling_agency(db, agency_factory):
    return agency_factory()


@pytest.fixture
def handler(db, handling_agency, staff_role_factory):
    """The handling agency's case handler (承办人)."""
    return staff_role_factory(agency=handling_agency, role=StaffRole.Role.HANDLER).user


@pytest.fixture
def legal_reviewer(db, handling_agency, staff_role_factory):
    """The handling agency's legal reviewer (法制审核)."""
    return staff_role_factory(agency=handling_agency, role=StaffRole.Role.LEGAL_REVIEWER).user


@pytest.fixture
def head(db, handling_agency, staff_role_factory):
    return staff_role_factory(agency=handling_agency, role=StaffRole.Role.HEAD).user


@pytest.fixture
def stranger(db, other_agency, staff_role_factory):
    """A handler and legal reviewer of another agency: must see nothing of these cases."""
    user = staff_role_factory(agency=other_agency, role=StaffRole.Role.HANDLER).user
    staff_role_factory(agency=other_agency, role=StaffRole.Role.LEGAL_REVIEWER, user=user)
    return user


def at(day: datetime.date, hour: int = 10):
    """Travel to ``day`` at ``hour`` Beijing time (a context manager)."""
    moment = datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC)
    return time_machine.travel(moment - datetime.timedelta(hours=8), tick=False)


@pytest.fixture
def submit(db, agency, django_capture_on_commit_callbacks):
    """Submit an application online on a date: ``submit(date, to=agency, **overrides)``."""
    counter = iter(range(1, 10_000))

    def run(day: datetime.date | None = None, *, to=None, **overrides) -> InfoRequest:
        key = f"test-{next(counter)}"
        data = application_data(**overrides)
        asked = to or agency
        if day is None:
            request, _code = services.submit_request(data, agency=asked, submission_key=key)
            return request
        with at(day), django_capture_on_commit_callbacks(execute=True):
            request, _code = services.submit_request(data, agency=asked, submission_key=key)
        return request

    return run


@pytest.fixture
def assigned(submit, office, handling_agency):
    """An application received on a date and assigned to the handling agency that day."""

    def run(day: datetime.date, **overrides) -> InfoRequest:
        request = submit(day, **overrides)
        with at(day):
            return services.accept_request(request, actor=office, handling_agency=handling_agency)

    return run

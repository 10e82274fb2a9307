"""``manage.py load_demo``: the 张店区 district of the seed, idempotently (the demonstration is
loaded once for the package: ``tests/demo/conftest.py``)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.utils import translation

from gongkai.agencies import demo, demo_data
from gongkai.agencies.models import Agency, MembershipChange, SiteIdentity, StaffRole
from gongkai.agencies.selectors import (
    agencies_of,
    members_on,
    membership_changes_between,
    membership_share,
)
from gongkai.core.models import AuditEntry, User

pytestmark = pytest.mark.django_db

DOCUMENTED_PASSWORD = "Gongkai-demo-2026"
START_OF_2014 = datetime.date(2014, 1, 1)
END_OF_2014 = datetime.date(2014, 12, 31)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def output(district, settings) -> str:
    settings.DEMO_MODE = True
    return district.output


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Agency, MembershipChange, StaffRole, User, SiteIdentity, AuditEntry)
    }


def test_running_twice_changes_nothing(output, reloaded):
    assert reloaded.after == reloaded.before  # every row of every model
    assert "0 created" in reloaded.output

    # Through the services: one audit entry per record.
    assert AuditEntry.objects.filter(action="agencies.create_agency").count() == len(
        demo_data.AGENCIES
    )
    assert (
        AuditEntry.objects.filter(action="agencies.record_membership_change").count()
        == MembershipChange.objects.count()
    )
    # (Later loaders add sign-ins of their own, such as the key tasks' liaison editors: these
    # are the agencies loader's.)
    demo_roles = StaffRole.objects.filter(user__username__in=EXPECTED_STAFF)
    granted = AuditEntry.objects.filter(
        action="agencies.grant_role",
        object_id__in=[str(pk) for pk in demo_roles.values_list("pk", flat=True)],
    )
    assert granted.count() == sum(len(roles) for roles in EXPECTED_STAFF.values())


def test_membership_of_2014(output):
    # 79 members at the start of 2014, 32.91% of them public institutions.
    share = membership_share(START_OF_2014)

    assert share["members"] == 79
    assert share["public_institutions"] == 26
    assert share["public_institution_share"] == Decimal("32.91")
    assert share["by_kind"]["government"] == 1
    assert share["by_kind"]["general_office"] == 1
    assert share["by_kind"]["department"] == 39
    assert share["by_kind"]["town"] + share["by_kind"]["subdistrict"] == 12

    # Joined in a single batch before the year.
    before = MembershipChange.objects.filter(date__lt=START_OF_2014)

    assert set(before.values_list("date", flat=True)) == {datetime.date(2013, 12, 31)}
    assert set(before.values_list("change", flat=True)) == {"joined"}
    assert before.count() == 79

    # Eight joined and one left in 2014.
    changes = list(membership_changes_between(START_OF_2014, END_OF_2014))
    joined = {c.agency.short_name for c in changes if c.change == "joined"}
    left = [c.agency for c in changes if c.change == "left"]

    assert joined == {
        "新闻办",
        "区编办",
        "区产业转移办",
        "新区拆迁办",
        "东部化工区管委会",
        "区招商四局",
        "南部开发办",
        "代建中心",
    }
    institutions = Agency.objects.filter(short_name__in=joined, kind=Agency.Kind.PUBLIC_INSTITUTION)
    assert institutions.count() == 6
    assert Agency.objects.get(short_name="新闻办").kind == Agency.Kind.DEPARTMENT
    assert Agency.objects.get(short_name="区编办").kind == Agency.Kind.DEPARTMENT
    assert [agency.short_name for agency in left] == ["区城管指挥中心"]
    assert left[0].kind == Agency.Kind.PUBLIC_INSTITUTION
    assert len(changes) == 9

    # The end-of-year figures follow from the records.
    share = membership_share(END_OF_2014)

    # 79 + 8 - 1 members; 26 + 6 - 1 public institutions (区城管指挥中心 is one): 31 / 86.
    assert share["members"] == 86
    assert share["public_institutions"] == 31
    assert share["public_institution_share"] == Decimal("36.05")
    assert share["by_kind"]["department"] == 41
    command_centre = Agency.objects.get(short_name="区城管指挥中心")
    assert command_centre in members_on(datetime.date(2014, 6, 30))
    assert command_centre not in members_on(END_OF_2014)


def test_the_districts_agencies(output):
    # The twelve towns and sub-district offices.
    towns = Agency.objects.filter(kind__in=[Agency.Kind.TOWN, Agency.Kind.SUBDISTRICT])

    assert set(towns.values_list("short_name", flat=True)) == {
        "马尚镇",
        "南定镇",
        "沣水镇",
        "中埠镇",
        "房镇镇",
        "傅家镇",
        "车站街道",
        "公园街道",
        "和平街道",
        "科苑街道",
        "四宝山街道",
        "体育场街道",
    }
    assert towns.filter(kind=Agency.Kind.TOWN).count() == 6
    assert all(town in members_on(START_OF_2014) for town in towns)

    # The 27 departments close to people's livelihood, with the bodies the seed names.
    livelihood = Agency.objects.filter(slug__in=demo_data.LIVELIHOOD_DEPARTMENTS)

    assert livelihood.count() == 27
    assert set(livelihood.values_list("kind", flat=True)) == {Agency.Kind.DEPARTMENT}
    named_in_seed = {
        "区教育局",
        "区卫生局",
        "区民政局",
        "区人社局",
        "张店环保分局",
        "区安监局",
        "区食药监局",
        "区房管局",
        "区财政局",
        "区发改局",
        "张店国土资源分局",
        "区广播局",
        "区档案局",
    }
    assert named_in_seed <= set(livelihood.values_list("short_name", flat=True))
    government = Agency.objects.get(kind=Agency.Kind.GOVERNMENT)
    assert government.name == "张店区人民政府"
    assert Agency.objects.get(kind=Agency.Kind.GENERAL_OFFICE).parent == government

    # Guide fields and plausible, unique organisation codes.
    agencies = list(Agency.objects.all())
    codes = [agency.org_code for agency in agencies]

    assert len(set(codes)) == len(codes)
    for agency in agencies:
        assert len(agency.org_code) == 18
        assert agency.org_code[2:8] == "370303"
        assert agency.org_code[:2] == (
            "12" if agency.kind == Agency.Kind.PUBLIC_INSTITUTION else "11"
        )
        assert agency.slug.isascii()
        assert agency.address.startswith("张店区")
        assert agency.office_hours.startswith("周一至周五")
        assert agency.phone.startswith("0533-")
        assert agency.leader_name
        assert agency.leader_title
        assert agency.contact_name
        assert agency.contact_phone.startswith("0533-")
        assert agency.functions
    office = Agency.objects.get(slug="general-office")
    assert office.phone == "0533-2869813"

    # The site identity.
    identity = SiteIdentity.objects.get()
    assert identity.site_name == "张店区人民政府门户网站"
    assert identity.sponsor == "张店区人民政府办公室"
    assert identity.government == government
    assert identity.address == "张店区新村西路226号区政务中心"
    assert identity.phone == "0533-2869813"
    assert identity.website_code == "3703030001"
    assert identity.icp_number
    assert identity.public_security_number


def test_organisation_codes_have_valid_check_characters():
    # GB 32100-2015 example: 91350100M000100Y43 (check character "3").
    code = demo.demo_org_code(Agency.Kind.DEPARTMENT, 1)
    alphabet = demo.USCC_ALPHABET
    total = sum(alphabet.index(c) * w for c, w in zip(code[:17], demo.USCC_WEIGHTS, strict=True))

    assert (total + alphabet.index(code[17])) % 31 == 0
    assert demo._org_code_check("D2143569") == "X"  # GB 11714 worked example: D2143569-X


EXPECTED_STAFF = {
    "admin": {("区政府办公室", "administrator")},
    "office": {
        ("区政府办公室", "office"),
        ("区政府办公室", "handler"),
        ("马尚镇", "handler"),
        ("区政府", "editor"),
    },
    "gov-reviewer": {("区政府", "reviewer"), ("区政府办公室", "reviewer")},
    "edu-editor": {("区教育局", "editor")},
    "edu-reviewer": {("区教育局", "reviewer"), ("区教育局", "head")},
    "edu-handler": {("区教育局", "handler")},
    "health-editor": {("区卫生局", "editor")},
    "health-reviewer": {("区卫生局", "reviewer")},
    "health-handler": {("区卫生局", "handler")},
    "urban-handler": {("区城管执法局", "handler")},
    "urban-reviewer": {("区城管执法局", "reviewer")},
    "legal": {
        (short_name, "legal_reviewer")
        for short_name in (
            "区法制办",
            "区政府办公室",
            "区教育局",
            "区卫生局",
            "区民政局",
            "区人社局",
            "马尚镇",
        )
    },
    "multi": {
        ("区民政局", "editor"),
        ("区人社局", "editor"),
        ("区民政局", "handler"),
        ("区人社局", "handler"),
    },
}


def test_staff_for_each_role_sign_in_with_the_documented_password(output):
    for username, roles in EXPECTED_STAFF.items():
        user = authenticate(username=username, password=DOCUMENTED_PASSWORD)
        assert user is not None, username
        held = set(user.staff_roles.values_list("agency__short_name", "role"))
        assert held == roles, username
        validate_password(DOCUMENTED_PASSWORD, user)
    every_role = {role for roles in EXPECTED_STAFF.values() for _, role in roles}
    assert every_role == set(StaffRole.Role.values)

    # The administrator is a superuser; "multi" can switch between two agencies.
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert not User.objects.get(username="office").is_superuser

    multi = User.objects.get(username="multi")
    assert [agency.short_name for agency in agencies_of(multi)] == ["区民政局", "区人社局"]

    # The sign-ins are printed at the end.
    for username in EXPECTED_STAFF:
        assert username in output
    assert DOCUMENTED_PASSWORD in output
    assert "区教育局" in output


def test_refused_without_demo_mode(settings):
    settings.DEMO_MODE = False
    before = counts()

    with pytest.raises(CommandError, match="demo mode"):
        call_command("load_demo", stdout=StringIO())

    assert counts() == before

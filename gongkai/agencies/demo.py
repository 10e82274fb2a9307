"""Load the demonstration district (张店区) through the services, idempotently.

``load`` is one entry of the ``load_demo`` command's ordered list of loaders; later capabilities
add their own ``demo.load`` after it. Every record is matched on a natural key (organisation code
or web address name, membership change, username) so that running the loader again changes
nothing. The data are the constants of ``demo_data``.
"""

from __future__ import annotations

from typing import NamedTuple, TextIO

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from gongkai.agencies import demo_data, services
from gongkai.agencies.models import Agency, MembershipChange, StaffRole
from gongkai.core.models import User

# Unified social credit code (GB 32100-2015) and organisation code (GB 11714-1997) alphabets.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ZHANGDIAN_DIVISION = "370303"


def _org_code_check(body: str) -> str:
    total = sum(int(char, 36) * weight for char, weight in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def demo_org_code(kind: str, serial: int) -> str:
    """A fictional 18-character unified social credit code with valid check characters.

    Registered by the establishment authority (1) as an organ of state (1) or a public
    institution (2) in 张店区 (370303); the organisation code part is ``MB28`` and a serial.
    """
    institution_type = "2" if kind == Agency.Kind.PUBLIC_INSTITUTION else "1"
    body = f"MB28{serial:04d}"
    head = "1" + institution_type + ZHANGDIAN_DIVISION + body + _org_code_check(body)
    total = sum(
        USCC_ALPHABET.index(char) * weight for char, weight in zip(head, USCC_WEIGHTS, strict=True)
    )
    return head + USCC_ALPHABET[(31 - total % 31) % 31]


def _person_name(seed: int) -> str:
    """A generated, fictional personal name."""
    surnames, given = demo_data.SURNAMES, demo_data.GIVEN_NAME_CHARACTERS
    return (
        surnames[(seed * 7 + 3) % len(surnames)]
        + given[(seed * 11 + 5) % len(given)]
        + given[(seed * 17 + 1) % len(given)]
    )


def _leader_title(name: str) -> str:
    for ending, title in demo_data.LEADER_TITLES:
        if name.endswith(ending):
            return title
    return demo_data.DEFAULT_LEADER_TITLE


def _functions(row: demo_data.AgencyRow) -> str:
    if row.kind in (Agency.Kind.TOWN, Agency.Kind.SUBDISTRICT):
        return (
            f"负责{row.area}辖区经济社会发展、公共服务和社会管理工作，"
            f"依法主动公开{row.area}政府信息，受理向{row.short_name}提出的政府信息公开申请。"
        )
    return (
        f"负责全区{row.area}相关工作，依法主动公开本单位政府信息，"
        f"受理涉及{row.area}的政府信息公开申请。"
    )


def agency_fields(row: demo_data.AgencyRow, serial: int) -> dict[str, object]:
    """The fields of one demonstration agency, guide fields included (REG 12)."""
    in_building = not row.address
    if row.slug in (demo_data.GOVERNMENT_SLUG, demo_data.GENERAL_OFFICE_SLUG):
        phone = demo_data.GOVERNMENT_PHONE
    else:
        phone = f"0533-28{(serial * 173 + 10007) % 90000 + 10000:05d}"
    return {
        "name": row.name,
        "short_name": row.short_name,
        "slug": row.slug,
        "org_code": demo_org_code(row.kind, serial),
        "kind": row.kind,
        "sort_order": serial * 10,
        "functions": _functions(row),
        "address": (
            f"{demo_data.GOVERNMENT_BUILDING}{(serial % 6) + 1}楼" if in_building else row.address
        ),
        "postcode": demo_data.GOVERNMENT_POSTCODE if in_building else "255000",
        "office_hours": demo_data.OFFICE_HOURS,
        "phone": phone,
        "fax": phone,
        "email": demo_data.GOVERNMENT_EMAIL if row.slug == demo_data.GENERAL_OFFICE_SLUG else "",
        "leader_name": _person_name(serial * 2),
        "leader_title": _leader_title(row.name),
        "contact_name": _person_name(serial * 2 + 1),
        "contact_phone": f"0533-28{(serial * 211 + 20011) % 90000 + 10000:05d}",
    }


def load_agencies(stdout: TextIO) -> dict[str, Agency]:
    """Create the district's agencies that are missing; existing ones are left as they are."""
    rows = demo_data.AGENCIES
    fields_by_slug = {row.slug: agency_fields(row, serial) for serial, row in enumerate(rows, 1)}
    codes = [fields["org_code"] for fields in fields_by_slug.values()]
    existing = {
        agency.slug: agency
        for agency in Agency.objects.filter(org_code__in=codes)
        | Agency.objects.filter(slug__in=fields_by_slug)
    }
    by_code = {agency.org_code: agency for agency in existing.values()}
    agencies: dict[str, Agency] = {}
    created = 0
    for row in rows:
        fields = fields_by_slug[row.slug]
        agency = existing.get(row.slug) or by_code.get(str(fields["org_code"]))
        if agency is None:
            parent = agencies[row.parent] if row.parent else None
            agency = services.create_agency(actor=None, system=True, parent=parent, **fields)
            created += 1
        agencies[row.slug] = agency
    stdout.write(
        _("Agencies: %(created)d created, %(kept)d already present.\n")
        % {"created": created, "kept": len(rows) - created}
    )
    return agencies


def _planned_membership() -> list[demo_data.MembershipRow]:
    joined = MembershipChange.Change.JOINED
    joined_later = {row.slug for row in demo_data.MEMBERSHIP_2014 if row.change == joined}
    initial = [
        demo_data.MembershipRow(
            row.slug,
            MembershipChange.Change.JOINED,
            demo_data.INITIAL_MEMBERSHIP_DATE,
            demo_data.INITIAL_MEMBERSHIP_REASON,
        )
        for row in demo_data.AGENCIES
        if row.slug not in joined_later
    ]
    return initial + demo_data.MEMBERSHIP_2014


def load_membership(stdout: TextIO, agencies: dict[str, Agency]) -> None:
    """Record the membership history (the 2013 batch, then 2014) where it is not recorded yet."""
    recorded = set(
        MembershipChange.objects.filter(agency__in=list(agencies.values())).values_list(
            "agency_id", "change", "date"
        )
    )
    created = 0
    for row in _planned_membership():
        agency = agencies[row.slug]
        if (agency.pk, row.change, row.date) in recorded:
            continue
        services.record_membership_change(
            agency, actor=None, system=True, change=row.change, date=row.date, reason=row.reason
        )
        created += 1
    stdout.write(_("Membership changes: %(created)d recorded.\n") % {"created": created})


def load_site_identity(stdout: TextIO, agencies: dict[str, Agency]) -> None:
    services.update_site_identity(
        actor=None,
        system=True,
        government=agencies[demo_data.GOVERNMENT_SLUG],
        **demo_data.SITE_IDENTITY,
    )
    stdout.write(_("Site identity set.\n"))


def load_staff(stdout: TextIO, agencies: dict[str, Agency]) -> None:
    """Create the demonstration sign-ins and grant their roles; existing accounts are kept."""
    usernames = [row.username for row in demo_data.DEMO_STAFF]
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    held = set(
        StaffRole.objects.filter(user__username__in=usernames).values_list(
            "user__username", "agency_id", "role"
        )
    )
    # One hash for every sign-in: the password is published anyway, and hashing it once keeps
    # the loader fast (the default hasher is deliberately slow).
    password_hash = make_password(demo_data.DEMO_PASSWORD)
    created = 0
    for row in demo_data.DEMO_STAFF:
        user = users.get(row.username)
        if user is None:
            user = User(
                username=row.username,
                full_name=row.full_name,
                email=f"{row.username}@example.com",
                is_staff=row.superuser,
                is_superuser=row.superuser,
                password=password_hash,
            )
            user.full_clean()
            user.save()
            created += 1
        for slug, role in row.roles:
            agency = agencies[slug]
            if (row.username, agency.pk, role) not in held:
                services.grant_role(user, agency=agency, role=role, actor=None, system=True)
    stdout.write(_("Staff sign-ins: %(created)d created.\n") % {"created": created})


def load(stdout: TextIO) -> None:
    """The agencies loader of ``load_demo``: agencies, membership, site identity, staff."""
    agencies = load_agencies(stdout)
    load_membership(stdout, agencies)
    load_site_identity(stdout, agencies)
    load_staff(stdout, agencies)


class SignIn(NamedTuple):
    username: str
    password: str
    roles: list[tuple[str, str]]  # (role label, agency name)


def sign_ins() -> list[SignIn]:
    """The documented demonstration sign-ins, for the command to print."""
    names = {row.slug: row.short_name or row.name for row in demo_data.AGENCIES}
    return [
        SignIn(
            row.username,
            demo_data.DEMO_PASSWORD,
            [(str(StaffRole.Role(role).label), names[slug]) for slug, role in row.roles],
        )
        for row in demo_data.DEMO_STAFF
    ]

"""Queries about agencies that pages, the API and reports share."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone

from gongkai.agencies.models import Agency, MembershipChange, SiteIdentity
from gongkai.agencies.permissions import agencies_visible_to
from gongkai.core.context import once_a_request, request_memo
from gongkai.core.shared_cache import until_public_change

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike

HUNDREDTH = Decimal("0.01")


def site_identity() -> SiteIdentity:
    """The site's identity; an unsaved default when the administrator has not set it yet.

    Every page's frame shows it (the context processor ``portal.context_processors.portal``),
    and some pages read it again: memoised for the request, and kept until public data next
    changes (``shared_cache``: it is the same for everyone) — no query on most pages."""
    memo = request_memo.get()
    if memo is not None and "agencies.site_identity" in memo:
        return memo["agencies.site_identity"]
    identity = until_public_change("agencies.site_identity", _site_identity_row)
    if memo is not None:
        memo["agencies.site_identity"] = identity
    return identity


def _site_identity_row() -> SiteIdentity:
    identity = SiteIdentity.objects.select_related("government").filter(pk=1).first()
    return identity or SiteIdentity(pk=1, site_name="Gongkai")


def forget_site_identity() -> None:
    """Drop the request's memo of the site's identity (after it was changed)."""
    memo = request_memo.get()
    if memo is not None:
        memo.pop("agencies.site_identity", None)


def members_on(date: datetime.date) -> QuerySet[Agency]:
    """Agencies that are members of the disclosure system (成员单位) on ``date``.

    An agency is a member when its last membership change on or before the date (the later row
    wins when two fall on one day) is "joined". Computed in one query with a correlated
    subquery, so it can be filtered, counted and grouped further in SQL.
    """
    last_change = (
        MembershipChange.objects.filter(agency=OuterRef("pk"), date__lte=date)
        .order_by("-date", "-id")
        .values("change")[:1]
    )
    return Agency.objects.alias(last_change_on_date=Subquery(last_change)).filter(
        last_change_on_date=MembershipChange.Change.JOINED
    )


class MembershipShare(TypedDict):
    date: datetime.date
    members: int
    by_kind: dict[str, int]
    public_institutions: int
    public_institution_share: Decimal


def membership_share(date: datetime.date) -> MembershipShare:
    """Members on ``date``, counted per kind, and the public institutions' share of them.

    The share (事业单位占成员单位的比例) is a percentage rounded half-up to two places, e.g. 26 of
    79 members gives ``Decimal("32.91")``; it is zero when there are no members. ``by_kind``
    names every kind, with zero for kinds that have no member.
    """
    rows = members_on(date).order_by().values("kind").annotate(count=Count("id"))
    return membership_share_of(date, {row["kind"]: row["count"] for row in rows})


def membership_share_of(date: datetime.date, counts: Mapping[str, int]) -> MembershipShare:
    """:func:`membership_share` from the members already counted per kind (no query), for a
    caller that has read the members on ``date`` anyway."""
    by_kind = dict.fromkeys(Agency.Kind.values, 0)
    for kind, count in counts.items():
        by_kind[kind] = count
    members = sum(by_kind.values())
    public_institutions = by_kind[Agency.Kind.PUBLIC_INSTITUTION]
    share = (
        (Decimal(public_institutions) * 100 / Decimal(members)).quantize(
            HUNDREDTH, rounding=ROUND_HALF_UP
        )
        if members
        else Decimal("0.00")
    )
    return {
        "date": date,
        "members": members,
        "by_kind": by_kind,
        "public_institutions": public_institutions,
        "public_institution_share": share,
    }


def membership_changes_between(
    start: datetime.date, end: datetime.date
) -> QuerySet[MembershipChange]:
    """Membership changes dated from ``start`` to ``end``, both included, oldest first."""
    return (
        MembershipChange.objects.filter(date__gte=start, date__lte=end)
        .select_related("agency")
        .order_by("date", "id")
    )


@dataclass(frozen=True)
class Membership:
    """Every agency and every membership change, read once: who was a member on any day, and
    who joined or left between two days, without a query each (a year's annual report asks
    for the members on four days and the changes of two years)."""

    agencies: tuple[Agency, ...]  # every agency that ever was a member, in display order
    changes: tuple[MembershipChange, ...]  # oldest first (date, id), each with its agency

    def members_on(self, date: datetime.date) -> list[Agency]:
        """The agencies of :func:`members_on` ``(date)``, in display order."""
        last: dict[int, str] = {}
        for change in self.changes:  # oldest first: the later row of a day wins
            if change.date > date:
                break
            last[change.agency_id] = change.change
        joined = MembershipChange.Change.JOINED
        return [agency for agency in self.agencies if last.get(agency.pk) == joined]

    def changes_between(self, start: datetime.date, end: datetime.date) -> list[MembershipChange]:
        """The changes of :func:`membership_changes_between` ``(start, end)``, oldest first."""
        return [change for change in self.changes if start <= change.date <= end]

    def agencies_in(self, agency_ids: Iterable[int]) -> list[Agency]:
        """The agencies of :func:`agencies_in` ``(agency_ids)``, in display order (an agency
        that never was a member is read from the database)."""
        wanted = set(agency_ids)
        found = [agency for agency in self.agencies if agency.pk in wanted]
        if len(found) < len(wanted):
            known = {agency.pk for agency in found}
            found += agencies_in(wanted - known)
            found.sort(key=lambda agency: (agency.sort_order, agency.pk))
        return found


def membership() -> Membership:
    """Every membership change with its agency (one query), once a request."""
    return once_a_request("agencies.membership", _membership)


def _membership() -> Membership:
    changes = tuple(MembershipChange.objects.select_related("agency").order_by("date", "id"))
    by_pk: dict[int, Agency] = {}
    for change in changes:  # one object per agency, shared by its changes
        change.agency = by_pk.setdefault(change.agency_id, change.agency)
    agencies = tuple(sorted(by_pk.values(), key=lambda agency: (agency.sort_order, agency.pk)))
    return Membership(agencies=agencies, changes=changes)


def agencies_of(user: UserLike) -> QuerySet[Agency]:
    """The agencies where ``user`` acts, in display order (for the agency switcher)."""
    return agencies_visible_to(user).order_by("sort_order", "id")


def public_agencies(*, on: datetime.date | None = None) -> QuerySet[Agency]:
    """The disclosure bodies shown to the public: members today (or on ``on``), in order."""
    return members_on(on or timezone.localdate()).order_by("sort_order", "id")


def public_agency_list() -> tuple[Agency, ...]:
    """``public_agencies()`` today, read once a process until public data next changes
    (``shared_cache``): the home page and the directory show every member. Shared by the
    requests: not to be changed."""
    today = timezone.localdate()
    return until_public_change(
        f"agencies.public_agencies:{today.isoformat()}",
        lambda: tuple(public_agencies(on=today)),
    )


def agency_by_slug(slug: str) -> Agency | None:
    """The agency with this web address name, if it is or ever was a member.

    Former members keep their pages (their past disclosures stay public); a body that never
    joined the disclosure system has no public page.
    """
    return Agency.objects.filter(slug=slug, membership_changes__isnull=False).distinct().first()


def agency_by_org_code(org_code: str) -> Agency | None:
    """The agency with this organisation code (统一社会信用代码 or 组织机构代码), if any: the
    identifier the command line and data exchanges use, stable where names and slugs change."""
    return Agency.objects.filter(org_code=org_code.strip().upper()).first()


def the_government() -> Agency | None:
    """The people's government (区人民政府) the platform serves: the one agency of that kind
    (the first by display order if, unusually, there are several)."""
    return Agency.objects.filter(kind=Agency.Kind.GOVERNMENT).order_by("sort_order", "pk").first()


def agencies_in(agency_ids: Iterable[int]) -> QuerySet[Agency]:
    """The agencies ``agency_ids`` in display order (for a report's scope: their kinds,
    names and contacts)."""
    return Agency.objects.filter(pk__in=list(agency_ids)).order_by("sort_order", "id")

"""Disclosure bodies (信息公开主体), membership over time, staff roles and the site identity."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """A disclosure body: the government, its general office, a department, a town …

    The contact fields are the guide fields of REG 12 (公开指南): they are shown on the agency's
    public pages and in its generated disclosure guide.
    """

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("people's government")  # 区人民政府
        GENERAL_OFFICE = "general_office", _("general office")  # 区政府办公室
        DEPARTMENT = "department", _("government department")  # 区政府工作部门
        TOWN = "town", _("town government")  # 镇政府
        SUBDISTRICT = "subdistrict", _("sub-district office")  # 街道办事处
        PUBLIC_INSTITUTION = "public_institution", _("public institution")  # 事业单位
        PUBLIC_ENTERPRISE = "public_enterprise", _("public enterprise")  # 公共企业

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    slug = models.SlugField(
        _("web address name"),
        max_length=50,
        unique=True,
        help_text=_("Latin letters, digits and hyphens; used in the agency's web addresses."),
    )
    org_code = models.CharField(
        _("organisation code"),
        max_length=18,
        unique=True,
        help_text=_("Unified social credit code (18 characters) or organisation code (9)."),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField(_("display order"), default=0)
    functions = models.TextField(_("functions"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    online_contact = models.URLField(_("online contact"), blank=True)
    leader_name = models.CharField(_("responsible leader"), max_length=50, blank=True)  # 分管领导
    leader_title = models.CharField(_("leader's title"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)  # 联系人
    contact_phone = models.CharField(_("contact person's phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="agency_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class MembershipChange(models.Model):
    """An agency joining or leaving the disclosure system (成员单位) on a date.

    Membership at any date is derived from these rows: the last change on or before the date
    decides. The rows are history and are never edited; a mistake is corrected by a new row.
    """

    class Change(models.TextChoices):
        JOINED = "joined", _("joined")
        LEFT = "left", _("left")

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="membership_changes",
    )
    change = models.CharField(_("change"), max_length=8, choices=Change.choices)
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("membership change")
        verbose_name_plural = _("membership changes")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "date", "change"], name="membership_change_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.get_change_display()} {self.date}"


class StaffRole(models.Model):
    """What a member of staff may do for one agency.

    The office and administrator roles reach across agencies; they are held in the agency that
    runs the disclosure office (the government's general office) but are not limited to it.
    """

    class Role(models.TextChoices):
        EDITOR = "editor", _("editor")  # 信息员
        REVIEWER = "reviewer", _("reviewer")  # 审核人 (confidentiality review)
        HANDLER = "handler", _("case handler")  # 承办人
        LEGAL_REVIEWER = "legal_reviewer", _("legal reviewer")  # 法制审核
        HEAD = "head", _("head")  # 机关负责人: approves replies where the agency requires it
        OFFICE = "office", _("disclosure office")  # 公开办, cross-agency
        ADMINISTRATOR = "administrator", _("administrator")

    CROSS_AGENCY_ROLES = frozenset({Role.OFFICE, Role.ADMINISTRATOR})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="staff_roles"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["agency__sort_order", "role"]
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="staff_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency} · {self.get_role_display()}"


class SiteIdentity(models.Model):
    """The portal's identity shown in every page footer (REGULATION.md §5). One row."""

    site_name = models.CharField(_("site name"), max_length=100)
    government = models.ForeignKey(
        Agency,
        verbose_name=_("government"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sponsor = models.CharField(_("sponsoring unit"), max_length=100, blank=True)  # 主办单位
    organiser = models.CharField(_("organising unit"), max_length=100, blank=True)  # 承办单位
    website_code = models.CharField(  # 政府网站标识码
        _("government website identifier code"), max_length=20, blank=True
    )
    icp_number = models.CharField(_("ICP filing number"), max_length=50, blank=True)
    public_security_number = models.CharField(
        _("public-security filing number"), max_length=50, blank=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("site identity")
        verbose_name_plural = _("site identity")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="site_identity_single_row"),
        ]

    def __str__(self) -> str:
        return self.site_name

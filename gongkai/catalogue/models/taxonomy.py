"""Taxonomies of the catalogue, all data: statutory items, topics, genres and portal columns."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatutoryItem(models.Model):
    """One item of 法定主动公开内容: REG 20's fifteen items and REG 21's additional ones."""

    class Scope(models.TextChoices):
        ALL = "all", _("every agency")  # REG 20
        COUNTY = "county", _("city and county governments and their departments")  # REG 21 ¶1
        TOWN = "town", _("town governments")  # REG 21 ¶2

    code = models.SlugField(_("code"), max_length=40, unique=True)
    article = models.PositiveSmallIntegerField(_("article"))
    number = models.PositiveSmallIntegerField(_("item number"))
    name = models.CharField(_("name"), max_length=200)
    scope = models.CharField(_("applies to"), max_length=8, choices=Scope.choices)
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["sort_order", "article", "number"]
        verbose_name = _("statutory item")
        verbose_name_plural = _("statutory items")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "scope", "number"], name="statutory_item_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """主题分类: a configurable tree, seeded with the national topic list."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class Genre(models.Model):
    """体裁: the kind of text (通知, 意见, 办法, 公告, 报告 …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("genre")
        verbose_name_plural = _("genres")

    def __str__(self) -> str:
        return self.name


class Column(models.Model):
    """A column (栏目) of the portal: a configurable tree; a document appears in one or more."""

    class Kind(models.TextChoices):
        NEWS = "news", _("news")  # 政务动态 / 工作动态: the lighter form, no 文号 required
        NOTICES = "notices", _("notices")  # 通知公告, 政务公告
        POLICY = "policy", _("policies")  # 政策文件
        INTERPRETATION = "interpretation", _("interpretations")  # 政策解读
        KEY_AREA = "key_area", _("key area")  # 重点领域 and its areas
        PRESS = "press", _("press releases")  # 政府新闻发布
        WORK_STATUS = "work_status", _("disclosure work")  # 政府信息公开工作情况公示
        OTHER = "other", _("other")

    slug = models.SlugField(_("web address name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent column"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField(_("display order"), default=0)
    on_home_page = models.BooleanField(_("shown on the home page"), default=False)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("column")
        verbose_name_plural = _("columns")

    def __str__(self) -> str:
        return self.name

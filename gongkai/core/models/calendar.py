from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year the working-day calendar covers.

    A date in a year without a row here is refused (``CalendarNotCovered``): the platform never
    falls back to a weekends-only guess.
    """

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinesecalendar package")  # seeded at installation
        IMPORT = "import", _("imported State Council arrangement")  # CSV upload
        MANUAL = "manual", _("entered by the administrator")  # form

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    notice = models.CharField(
        _("State Council notice number"),
        max_length=200,
        blank=True,
        help_text=_("For example 国办发明电〔2025〕7号."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=1990) & models.Q(year__lte=2200),
                name="calendar_year_in_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A date whose kind differs from the plain Monday-to-Friday rule.

    Holidays (节假日, including the weekend days inside a holiday block) and swapped working
    days (调休: a Saturday or Sunday worked in exchange for a holiday). Every other date of a
    covered year is a working day on Monday to Friday and a rest day on Saturday and Sunday.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("holiday")  # 法定节假日及放假调休
        SWAPPED_WORKDAY = "workday", _("swapped working day")  # 调休上班

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"

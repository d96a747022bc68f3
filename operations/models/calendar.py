"""One business calendar in Asia/Shanghai: the hours each service keeps, public holidays and the
weekend days worked in their place (调休), and the SLA of each kind of task counted in it."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .tasks import TaskKind


class DayKind(models.TextChoices):
    HOLIDAY = "HOLIDAY", _("Public holiday")
    WORKDAY = "WORKDAY", _("Make-up working day")


class CalendarDay(models.Model):
    """A day that differs from the usual week: a holiday, or a weekend day worked instead."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("holidays and make-up working days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class ServiceHours(models.Model):
    """The hours a service keeps. `BUSINESS` is the office (SLAs count in it); `CHAT_DESK` is when
    people answer chats."""

    BUSINESS = "BUSINESS"
    CHAT_DESK = "CHAT_DESK"

    code = models.CharField(
        _("service"),
        max_length=12,
        unique=True,
        choices=[(BUSINESS, _("Office (business hours)")), (CHAT_DESK, _("Chat service desk"))],
    )
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    # ISO weekdays (1 = Monday) it works on an ordinary week, e.g. "1,2,3,4,5".
    weekdays = models.CharField(_("working weekdays"), max_length=13, default="1,2,3,4,5")
    follows_holidays = models.BooleanField(
        _("closed on public holidays, open on make-up working days"), default=True
    )

    class Meta:
        verbose_name = _("service hours")
        verbose_name_plural = _("service hours")
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=models.F("closes")), name="hours_open_before_close")
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def weekday_set(self) -> set[int]:
        return {int(day) for day in self.weekdays.split(",") if day.strip().isdigit()}


class SlaClock(models.TextChoices):
    BUSINESS_MINUTES = "BUSINESS_MINUTES", _("Business minutes")
    BUSINESS_DAYS = "BUSINESS_DAYS", _("Business days (same time of day)")
    NEXT_BUSINESS_DAY_AT = "NEXT_BUSINESS_DAY_AT", _("A time of the next business day")
    ROUND_THE_CLOCK = "ROUND_THE_CLOCK", _("Minutes, round the clock")


class SlaPolicy(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=TaskKind.choices, unique=True)
    clock = models.CharField(_("counted in"), max_length=20, choices=SlaClock.choices)
    amount = models.PositiveIntegerField(
        _("amount"), default=0, help_text=_("Minutes or business days, as the clock says.")
    )
    at_time = models.TimeField(_("time of day"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.CheckConstraint(
                condition=~Q(clock="NEXT_BUSINESS_DAY_AT") | Q(at_time__isnull=False), name="sla_time_given"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

"""The service scoreboard: every figure computed from the records, in the database, for a period of
business days (Asia/Shanghai, both ends included); a daily snapshot keeps the history."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from chat import selectors as chat_selectors
from new_business import selectors as new_business_selectors
from operations import selectors as ops_selectors
from policies import selectors as policy_selectors

from .. import selectors
from ..models import MetricsSnapshot

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The longest period one question may cover (a year and a day: a whole year, leap or not).
MAX_DAYS = 366
# Business days the records can hold (outside: a mistyped year, answered as bad input).
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def period_valid(first: date, last: date) -> bool:
    return EARLIEST <= first <= last <= LATEST and (last - first).days < MAX_DAYS


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # exclusive


def period_of(first: date, last: date) -> Period:
    return Period(
        start=datetime.combine(first, time(0), tzinfo=SHANGHAI),
        end=datetime.combine(last + timedelta(days=1), time(0), tzinfo=SHANGHAI),
    )


def service_metrics(*, first: date, last: date, now: datetime | None = None) -> dict:
    """Every figure of the scoreboard (DESIGN.md) for the business days `first`..`last`."""
    now = now or timezone.now()
    p = period_of(first, last)
    figures = {
        **policy_selectors.servicing_figures(start=p.start, end=p.end),
        **chat_selectors.conversation_figures(start=p.start, end=p.end),
        **ops_selectors.follow_up_figures(start=p.start, end=p.end, now=now),
        **selectors.survey_figures(start=p.start, end=p.end),
        **new_business_selectors.callback_figures(start=p.start, end=p.end),
    }
    return figures


def snapshot(day: date) -> MetricsSnapshot:
    """Compute and keep one day's figures (again, if asked again: the day's records may have moved)."""
    p = period_of(day, day)
    row, _created = MetricsSnapshot.objects.update_or_create(
        day=day,
        defaults={
            "figures": service_metrics(first=day, last=day),
            "by_touchpoint": selectors.touchpoint_figures(start=p.start, end=p.end),
            "computed_at": timezone.now(),
        },
    )
    return row


def snapshot_yesterday(now: datetime | None = None) -> MetricsSnapshot:
    today = timezone.localtime(now or timezone.now(), SHANGHAI).date()
    return snapshot(today - timedelta(days=1))

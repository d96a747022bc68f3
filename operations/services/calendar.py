"""Business time in Asia/Shanghai: whether a service is open, and when an SLA falls due."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

from ..models import CalendarDay, DayKind, ServiceHours, SlaClock, SlaPolicy

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Defaults for a database where nobody has set the hours yet (the data migration sets them).
DEFAULT_HOURS = {
    ServiceHours.BUSINESS: (time(9, 0), time(18, 0), "1,2,3,4,5", True),
    ServiceHours.CHAT_DESK: (time(8, 0), time(21, 0), "1,2,3,4,5,6,7", False),
}
# An SLA never looks further than this for the next working moment (a year of holidays at most).
HORIZON_DAYS = 400


@dataclass(frozen=True)
class Calendar:
    """The hours of one service and the special days around a moment, read once per computation."""

    opens: time
    closes: time
    weekdays: frozenset[int]
    follows_holidays: bool
    special: dict[date, str]

    def works_on(self, day: date) -> bool:
        if self.follows_holidays and day in self.special:
            return self.special[day] == DayKind.WORKDAY
        return day.isoweekday() in self.weekdays

    def window(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.opens, tzinfo=SHANGHAI),
            datetime.combine(day, self.closes, tzinfo=SHANGHAI),
        )

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(SHANGHAI)
        start, end = self.window(local.date())
        return self.works_on(local.date()) and start <= local < end

    def next_open(self, moment: datetime) -> datetime:
        """`moment` if the service is open then, else the next time it opens."""
        local = moment.astimezone(SHANGHAI)
        day = local.date()
        for _ in range(HORIZON_DAYS):
            if self.works_on(day):
                start, end = self.window(day)
                if local < end:
                    return max(local, start)
            day += timedelta(days=1)
        raise ValueError("no working day within the horizon")

    def add_minutes(self, moment: datetime, minutes: float) -> datetime:
        """`minutes` of open time after `moment`."""
        remaining = timedelta(minutes=minutes)
        current = self.next_open(moment)
        while True:
            _start, end = self.window(current.date())
            if current + remaining <= end:
                return current + remaining
            remaining -= end - current
            current = self.next_open(end)

    def minutes_between(self, start: datetime, end: datetime) -> float:
        """Open minutes from `start` to `end`."""
        total = timedelta()
        current = self.next_open(start)
        while current < end:
            _open, close = self.window(current.date())
            total += min(close, end) - current
            current = self.next_open(close)
        return total.total_seconds() / 60

    def add_days(self, moment: datetime, days: int) -> datetime:
        """The same time of day `days` working days after the first open moment."""
        current = self.next_open(moment)
        day = current.date()
        for _ in range(days):
            day += timedelta(days=1)
            while not self.works_on(day):
                day += timedelta(days=1)
        return datetime.combine(day, current.timetz())

    def next_day_at(self, moment: datetime, at: time) -> datetime:
        """`at` on the next working day; before opening on a working day, that same day."""
        local = moment.astimezone(SHANGHAI)
        day = local.date()
        if not (self.works_on(day) and local.time() < self.opens):
            day += timedelta(days=1)
        while not self.works_on(day):
            day += timedelta(days=1)
        return datetime.combine(day, at, tzinfo=SHANGHAI)


# The calendar is read on every task raised and every chat queued, and changes a few times a year:
# each process keeps it for CACHE_SECONDS, and an edit (admin or code) in the process clears it.
CACHE_SECONDS = 30
_cache: dict[str, tuple[float, object]] = {}


def calendar_cache_clear(**_kwargs) -> None:
    _cache.clear()


def _cached(key: str, load):
    now = monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    _cache[key] = (now + CACHE_SECONDS, value)
    return value


def calendar_for(code: str, around: datetime) -> Calendar:
    hours = _cached(f"hours:{code}", lambda: ServiceHours.objects.filter(code=code).first())
    opens, closes, weekdays, follows = (
        (hours.opens, hours.closes, hours.weekdays, hours.follows_holidays) if hours else DEFAULT_HOURS[code]
    )
    special = _cached("days", lambda: dict(CalendarDay.objects.values_list("date", "kind")))
    return Calendar(
        opens=opens,
        closes=closes,
        weekdays=frozenset(int(d) for d in weekdays.split(",") if d.strip().isdigit()),
        follows_holidays=follows,
        special=special,
    )


def service_open(code: str, moment: datetime) -> bool:
    """Whether the service `code` (ServiceHours.BUSINESS or CHAT_DESK) is open at `moment`."""
    return calendar_for(code, moment).is_open(moment)


# The SLAs of DESIGN.md, used when the admin has not set a kind's policy.
DEFAULT_SLA = {
    "SERVICING_REVIEW": (SlaClock.BUSINESS_MINUTES, 120, None),
    "ELDER_CALLBACK": (SlaClock.BUSINESS_MINUTES, 240, None),
    "LEFT_MESSAGE_CALLBACK": (SlaClock.NEXT_BUSINESS_DAY_AT, 0, time(12, 0)),
    "FEEDBACK_FOLLOW_UP": (SlaClock.ROUND_THE_CLOCK, 5, None),
    "UNDERWRITING": (SlaClock.BUSINESS_DAYS, 1, None),
    "NEW_POLICY_CALLBACK": (SlaClock.BUSINESS_DAYS, 3, None),
    "QA_REVIEW": (SlaClock.BUSINESS_DAYS, 2, None),
}
AT_RISK_SHARE = 0.8


def sla_deadlines(kind: str, start: datetime) -> tuple[datetime, datetime]:
    """(due, at risk from) for a task of `kind` raised at `start`: at risk once 80% of its SLA,
    counted on the same clock, has passed."""
    policy = _cached(f"sla:{kind}", lambda: SlaPolicy.objects.filter(kind=kind).first())
    clock, amount, at = (policy.clock, policy.amount, policy.at_time) if policy else DEFAULT_SLA[kind]
    if clock == SlaClock.ROUND_THE_CLOCK:
        return start + timedelta(minutes=amount), start + timedelta(minutes=amount * AT_RISK_SHARE)
    office = calendar_for(ServiceHours.BUSINESS, start)
    if clock == SlaClock.BUSINESS_MINUTES:
        due = office.add_minutes(start, amount)
    elif clock == SlaClock.BUSINESS_DAYS:
        due = office.add_days(start, amount)
    else:
        due = office.next_day_at(start, at)
    at_risk = office.add_minutes(start, office.minutes_between(start, due) * AT_RISK_SHARE)
    return due, min(at_risk, due)

"""Business time: holidays, make-up working days (调休) and an evening task, with the clock fixed."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from operations.models import CalendarDay, ServiceHours
from operations.services.calendar import service_open, sla_deadlines

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def test_a_review_raised_at_2055_on_a_friday_is_due_monday_1100():
    due, at_risk = sla_deadlines("SERVICING_REVIEW", at(2026, 11, 20, 20, 55))  # Friday evening
    assert due == at(2026, 11, 23, 11, 0)  # Monday: office opens 09:00, plus 2 business hours
    assert at_risk == at(2026, 11, 23, 10, 36)  # 80% of 120 business minutes


def test_a_left_message_at_2055_on_a_friday_is_due_1200_the_next_business_day():
    due, _ = sla_deadlines("LEFT_MESSAGE_CALLBACK", at(2026, 11, 20, 20, 55))
    assert due == at(2026, 11, 23, 12, 0)


def test_a_make_up_working_saturday_counts_as_a_business_day():
    # 2026-10-10 (Saturday) is worked for National Day; Friday 9 October 17:00 + 2 business hours.
    assert CalendarDay.objects.get(date="2026-10-10").kind == "WORKDAY"
    due, _ = sla_deadlines("SERVICING_REVIEW", at(2026, 10, 9, 17, 0))
    assert due == at(2026, 10, 10, 10, 0)


def test_public_holidays_are_skipped():
    # Raised on 30 September (Wednesday) 17:30: 1 to 7 October are the National Day holiday.
    due, _ = sla_deadlines("ELDER_CALLBACK", at(2026, 9, 30, 17, 30))
    assert due == at(2026, 10, 8, 12, 30)  # 30 min on the 30th, then 3.5 h from 09:00 on the 8th


def test_a_holiday_added_in_the_admin_moves_the_deadline():
    CalendarDay.objects.create(date="2026-11-23", kind="HOLIDAY", name="演练")
    due, _ = sla_deadlines("SERVICING_REVIEW", at(2026, 11, 20, 20, 55))
    assert due == at(2026, 11, 24, 11, 0)


def test_business_days_keep_the_time_of_day():
    due, _ = sla_deadlines("NEW_POLICY_CALLBACK", at(2026, 11, 18, 15, 0))  # Wednesday
    assert due == at(2026, 11, 23, 15, 0)  # Thu, Fri, Mon


def test_follow_ups_run_round_the_clock():
    due, at_risk = sla_deadlines("FEEDBACK_FOLLOW_UP", at(2026, 11, 21, 3, 0))  # Saturday 03:00
    assert (due, at_risk) == (at(2026, 11, 21, 3, 5), at(2026, 11, 21, 3, 4))


def test_the_chat_desk_reads_the_same_calendar():
    assert service_open(ServiceHours.CHAT_DESK, at(2026, 11, 21, 20, 59))
    assert not service_open(ServiceHours.CHAT_DESK, at(2026, 11, 21, 21, 0))
    desk = ServiceHours.objects.get(code=ServiceHours.CHAT_DESK)
    desk.closes = time(22, 0)
    desk.save()  # as the admin saves it: the cached calendar is cleared
    assert service_open(ServiceHours.CHAT_DESK, at(2026, 11, 21, 21, 30))
    assert not service_open(ServiceHours.BUSINESS, at(2026, 11, 21, 10, 0))  # Saturday: office closed

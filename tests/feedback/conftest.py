from datetime import date

import pytest

from feedback.models import SurveyRule
from tests.accounts.factories import CustomerFactory, StaffFactory


@pytest.fixture
def customer(db):
    return CustomerFactory(user__phone="13800000051", name="赵敏", birth_date=date(1980, 6, 1))


@pytest.fixture
def other_customer(db):
    return CustomerFactory(user__phone="13800000052", name="钱进", birth_date=date(1982, 6, 1))


@pytest.fixture
def callback_staff(db):
    return StaffFactory(user__phone="13700000051", name="孙丽", roles=["callback"])


@pytest.fixture
def every_touchpoint(db):
    """The demo's rules: every occurrence surveyed."""
    SurveyRule.objects.update(share_percent=100, active=True)

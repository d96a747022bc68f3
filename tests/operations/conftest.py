from datetime import date

import pytest
from django.utils import timezone

from operations.models import Availability, StaffPresence
from tests.accounts.factories import CustomerFactory, StaffFactory


def online(*staff, at=None) -> None:
    """Put staff ONLINE with a fresh heartbeat (as the workbench does)."""
    StaffPresence.objects.filter(user__in=[s.user for s in staff]).update(
        status=Availability.ONLINE, last_heartbeat_at=at or timezone.now()
    )


@pytest.fixture
def customer(db):
    return CustomerFactory(user__phone="13800000061", name="张伟", birth_date=date(1985, 3, 1))


@pytest.fixture
def elder(db):
    return CustomerFactory(user__phone="13800000062", name="李秀英", birth_date=date(1950, 3, 1))


@pytest.fixture
def reviewer(db):
    return StaffFactory(user__phone="13700000061", name="黄嘉欣", roles=["reviewer", "callback"])


@pytest.fixture
def reviewer_b(db):
    return StaffFactory(user__phone="13700000062", name="林晓", roles=["reviewer"])


@pytest.fixture
def desk(db):
    return StaffFactory(user__phone="13700000063", name="陈静", roles=["desk"])


@pytest.fixture
def underwriter(db):
    return StaffFactory(user__phone="13700000064", name="艾力", roles=["underwriter"])


@pytest.fixture
def supervisor(db):
    return StaffFactory(user__phone="13700000065", name="周敏", roles=["supervisor", "qa"])

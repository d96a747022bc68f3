from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from chat.demo import seed_chat
from chat.models import Conversation, ConversationStatus
from chat.services import messages
from tests.accounts.factories import CustomerFactory, StaffFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPEN_HOURS = datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def faq(db):
    seed_chat()


@pytest.fixture
def clock():
    with time_machine.travel(OPEN_HOURS, tick=False) as traveller:
        yield traveller


@pytest.fixture
def customer(db):
    return CustomerFactory(user__phone="13800000081", birth_date=date(1985, 1, 1))


@pytest.fixture
def elder(db):
    return CustomerFactory(user__phone="13800000082", birth_date=date(1950, 1, 1))


@pytest.fixture
def staff_a(db):
    return StaffFactory(user__phone="13700000081", name="陈静")


@pytest.fixture
def staff_b(db):
    return StaffFactory(user__phone="13700000082", name="刘洋")


@pytest.fixture
def active_chat(customer, staff_a):
    """A conversation past the bot, assigned to staff_a."""
    conversation = messages.conversation_start(customer=customer)
    Conversation.objects.filter(pk=conversation.pk).update(
        status=ConversationStatus.ACTIVE, assigned_staff=staff_a.user
    )
    conversation.refresh_from_db()
    return conversation

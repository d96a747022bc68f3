from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from policies.providers import SimulatedPayments
from tests.accounts.factories import AgentFactory, CustomerFactory

from .factories import BankAccountFactory, PolicyFactory

# Business rules count in Asia/Shanghai days; every policy test runs on this fixed day.
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _payments():
    SimulatedPayments.reset()
    yield SimulatedPayments
    SimulatedPayments.reset()


@pytest.fixture
def owner(db):
    return CustomerFactory(user__phone="13800000011", name="张伟")


@pytest.fixture
def other(db):
    return CustomerFactory(user__phone="13800000012", name="李娜")


@pytest.fixture
def agent(db):
    return AgentFactory(user__phone="13900000011")


@pytest.fixture
def policy(owner, agent):
    return PolicyFactory(holder=owner, servicing_agent=agent)


@pytest.fixture
def account(owner):
    return BankAccountFactory(customer=owner)

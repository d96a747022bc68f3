import pytest

from .factories import AgentFactory, CustomerFactory, StaffFactory


@pytest.fixture
def customer(db):
    return CustomerFactory(user__phone="13800000011")


@pytest.fixture
def agent(db):
    return AgentFactory(user__phone="13900000011")


@pytest.fixture
def staff(db):
    return StaffFactory(user__phone="13700000011")

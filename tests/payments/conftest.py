import pytest

from payments.providers import SimulatedPayments
from tests.accounts.factories import CustomerFactory
from tests.conftest import GraphQLClient
from tests.policies.factories import BankAccountFactory, PolicyFactory


@pytest.fixture(autouse=True)
def bank():
    SimulatedPayments.reset()
    yield SimulatedPayments
    SimulatedPayments.reset()


@pytest.fixture
def owner(db):
    return CustomerFactory(user__phone="13800000081", name="王强")


@pytest.fixture
def policy(owner):
    return PolicyFactory(holder=owner, cash_values__amount="50000.00")  # a loan of up to 40,000.00


@pytest.fixture
def account(owner):
    return BankAccountFactory(customer=owner)


@pytest.fixture
def customer_gql(owner):
    client = GraphQLClient()
    client.login("13800000081")
    return client

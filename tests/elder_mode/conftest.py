from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.accounts.factories import CustomerFactory
from tests.policies.conftest import _payments, account, agent, frozen_time, owner, policy  # noqa: F401  (shared fixtures)
from tests.policies.factories import BankAccountFactory, PolicyFactory


@pytest.fixture
def elder(db):
    """72 years old on 2026-11-21."""
    return CustomerFactory(user__phone="13800000022", name="李秀英", birth_date=date(1954, 5, 12))


@pytest.fixture
def elder_account(elder):
    return BankAccountFactory(customer=elder, added_at=timezone.now() - timedelta(days=400))


@pytest.fixture
def elder_policy(elder):
    return PolicyFactory(holder=elder, cash_values__amount="200000.00")


@pytest.fixture
def elder_gql(gql, elder):
    gql.login("13800000022")
    return gql

"""Requests that wait for a person, made through the real services."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from elder_mode.demo import seed_risk_notices
from elder_mode.services import risk_challenge_issue
from policies.services.loans import loan_apply
from tests.policies.factories import BankAccountFactory, PolicyFactory


def review_request(customer, amount="1000.00"):
    """A loan to an account verified an hour ago: automation may not approve it (PENDING_REVIEW)."""
    policy = PolicyFactory(holder=customer, cash_values__amount="100000.00")
    account = BankAccountFactory(customer=customer, verified_at=timezone.now() - timedelta(hours=1))
    return loan_apply(
        customer=customer,
        actor=customer.user,
        policy=policy,
        amount=Decimal(amount),
        bank_account=account,
        idempotency_key=uuid.uuid4().hex,
    ).request


def held_request(elder, amount="60000.00", account_age=timedelta(days=30)):
    """An elderly customer's large loan: held for a callback (HELD_FOR_CALLBACK)."""
    seed_risk_notices()
    policy = PolicyFactory(holder=elder, cash_values__amount="200000.00")
    added = timezone.now() - account_age
    account = BankAccountFactory(customer=elder, verified_at=added, added_at=added)
    challenge = risk_challenge_issue(
        user=elder.user, operation="POLICY_LOAN", now=timezone.now() - timedelta(minutes=5)
    )
    return loan_apply(
        customer=elder,
        actor=elder.user,
        policy=policy,
        amount=Decimal(amount),
        bank_account=account,
        idempotency_key=uuid.uuid4().hex,
        risk_ack=str(challenge.pk),
    ).request

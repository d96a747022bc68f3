"""Money through payment instructions: the provider is called after commit, a timeout is UNKNOWN
(never a failure) until reconciliation asks the bank, only a definite refusal fails a payout, the
sweeper sends what the broker lost, and the bank's books show each payment once."""

import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client

from payments import tasks as payment_tasks
from payments.models import InstructionStatus, PaymentInstruction, SimulatedBankEntry
from payments.services import instruction_send, payments_sweep
from policies.models import (
    BenefitStatus,
    LoanStatus,
    PolicyLoan,
    Repayment,
    RequestStatus,
    ServicingRequest,
)
from reminders.models import Notification
from tests.accounts.factories import StaffFactory
from tests.policies.factories import BenefitFactory, LoanFactory, PolicyFactory
from tests.policies.gql import APPLY_POLICY_LOAN, CLAIM_BENEFIT, REPAY_LOANS, gid

pytestmark = pytest.mark.django_db


def _apply(client, policy, account, amount="5000.00") -> dict:
    variables = {
        "input": {
            "policyId": gid("Policy", policy),
            "amount": amount,
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": uuid.uuid4().hex,
        }
    }
    return client(APPLY_POLICY_LOAN, variables)["data"]["applyPolicyLoan"]


def test_a_timeout_after_the_bank_paid_ends_with_the_loan_active_and_paid_once(
    customer_gql, policy, account, bank, business_clock
):
    bank.paid_then_timeout_next("disburse")

    payload = _apply(customer_gql, policy, account)

    loan = PolicyLoan.objects.get()
    instruction = PaymentInstruction.objects.get()
    # No answer is not a refusal: the loan waits, the request is not rejected.
    assert payload["errors"] == [] and loan.status == LoanStatus.DISBURSING
    assert (instruction.status, instruction.reference) == (InstructionStatus.UNKNOWN, f"LOAN-{loan.pk}")
    assert ServicingRequest.objects.get().status == RequestStatus.AUTO_APPROVED

    assert payments_sweep()["reconciled"] == 1

    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE and loan.disbursed_on is not None
    assert PaymentInstruction.objects.get().status == InstructionStatus.SETTLED
    assert ServicingRequest.objects.get().status == RequestStatus.COMPLETED
    assert bank.payments_for(instruction.reference) == 1
    assert payments_sweep() == {"resent": 0, "reconciled": 0, "alerts": 0}  # nothing left to do


def test_a_definite_refusal_cancels_the_loan_rejects_the_request_and_tells_the_customer(
    customer_gql, policy, account, bank, owner
):
    bank.fail_next("disburse")

    _apply(customer_gql, policy, account)

    loan = PolicyLoan.objects.get()
    request = ServicingRequest.objects.get()
    assert loan.status == LoanStatus.CANCELLED
    assert (request.status, request.reasons) == (RequestStatus.REJECTED, ["PAYOUT_FAILED"])
    assert PaymentInstruction.objects.get().status == InstructionStatus.FAILED
    assert Notification.objects.filter(user=owner.user, subject_id=str(request.pk)).exists()
    assert bank.payments_for(f"LOAN-{loan.pk}") == 0


def test_a_timeout_before_the_bank_saw_it_is_sent_again_under_the_same_reference(
    customer_gql, policy, account, bank
):
    bank.timeout_next("disburse")

    _apply(customer_gql, policy, account)
    assert PolicyLoan.objects.get().status == LoanStatus.DISBURSING
    payments_sweep()

    instruction = PaymentInstruction.objects.get()
    assert (instruction.status, instruction.attempts) == (InstructionStatus.SETTLED, 2)
    assert PolicyLoan.objects.get().status == LoanStatus.ACTIVE
    assert bank.payments_for(instruction.reference) == 1


def test_the_sweeper_sends_what_the_broker_lost_once_it_is_back(
    customer_gql, policy, account, bank, monkeypatch, business_clock
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(payment_tasks.instruction_send, "delay", broker_down)
    payload = _apply(customer_gql, policy, account)

    # The loan committed; its payout waits as PENDING, nothing paid, nothing failed.
    assert payload["errors"] == []
    assert PaymentInstruction.objects.get().status == InstructionStatus.PENDING
    assert PolicyLoan.objects.get().status == LoanStatus.DISBURSING
    assert payments_sweep()["resent"] == 0  # a task may still be on its way: not yet

    monkeypatch.undo()
    business_clock.shift(timedelta(minutes=3))
    assert payments_sweep()["resent"] == 1

    assert PolicyLoan.objects.get().status == LoanStatus.ACTIVE
    assert bank.payments_for(PaymentInstruction.objects.get().reference) == 1


def test_a_refused_benefit_payout_makes_it_claimable_again_and_a_new_claim_pays_once(
    customer_gql, owner, account, bank
):
    benefit = BenefitFactory(policy=PolicyFactory(holder=owner), amount=Decimal("8000.00"))
    bank.fail_next("disburse")
    variables = {
        "input": {
            "benefitId": gid("Benefit", benefit),
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": "first",
        }
    }

    customer_gql(CLAIM_BENEFIT, variables)
    benefit.refresh_from_db()
    assert benefit.status == BenefitStatus.AVAILABLE
    variables["input"]["idempotencyKey"] = "second"
    customer_gql(CLAIM_BENEFIT, variables)

    benefit.refresh_from_db()
    assert benefit.status == BenefitStatus.PAID
    statuses = sorted(PaymentInstruction.objects.values_list("status", flat=True))
    assert statuses == sorted([InstructionStatus.FAILED, InstructionStatus.SETTLED])  # one per claim
    assert SimulatedBankEntry.objects.filter(paid=True).count() == 1


@pytest.mark.parametrize("fault", ["timeout_next", "paid_then_timeout_next"])
def test_a_repayment_whose_debit_times_out_never_marks_a_loan_repaid_without_the_money(
    customer_gql, owner, account, bank, fault
):
    loan = LoanFactory(policy=PolicyFactory(holder=owner), principal=Decimal("2000.00"), bank_account=account)
    getattr(bank, fault)("collect")
    variables = {
        "input": {
            "items": [{"loanId": gid("PolicyLoan", loan)}],
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": "r",
        }
    }

    customer_gql(REPAY_LOANS, variables)

    loan.refresh_from_db()
    repayment = Repayment.objects.get()
    # Unknown: the loan is untouched until the bank says whether it took the money.
    assert loan.status == LoanStatus.ACTIVE and loan.outstanding_principal == Decimal("2000.00")
    assert repayment.status == "COLLECTING"
    second = customer_gql(REPAY_LOANS, {**variables, "input": {**variables["input"], "idempotencyKey": "r2"}})
    assert [e["code"] for e in second["data"]["repayLoans"]["errors"]] == ["IN_PROGRESS"]

    payments_sweep()

    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID
    assert Repayment.objects.get().status == "SETTLED"
    assert bank.payments_for(f"REPAY-{repayment.pk}") == 1
    assert SimulatedBankEntry.objects.filter(paid=True).count() == 1


def test_anything_unknown_for_an_hour_is_an_alert_line_in_the_log(
    customer_gql, policy, account, bank, business_clock, caplog, monkeypatch
):
    bank.paid_then_timeout_next("disburse")
    _apply(customer_gql, policy, account)
    # The bank's status service is down too: reconciliation cannot settle it yet.
    from payments.providers import SimulatedPayments

    def status_down(self, *, reference):
        raise ConnectionError("status service down")

    monkeypatch.setattr(SimulatedPayments, "status", status_down)
    business_clock.shift(timedelta(minutes=30))
    with caplog.at_level(logging.ERROR, logger="payments.services"):
        assert payments_sweep()["alerts"] == 0
        business_clock.shift(timedelta(minutes=31))
        assert payments_sweep()["alerts"] == 1

    alert = [r.getMessage() for r in caplog.records if "ALERT" in r.getMessage()]
    assert alert and PaymentInstruction.objects.get().reference in alert[0]
    assert PolicyLoan.objects.get().status == LoanStatus.DISBURSING  # still not failed


def test_the_admin_lists_instructions_by_status_read_only_and_reconciles_on_demand(
    customer_gql, policy, account, bank
):
    bank.paid_then_timeout_next("disburse")
    _apply(customer_gql, policy, account)
    instruction = PaymentInstruction.objects.get()
    supervisor = StaffFactory(user__phone="13700000081", roles=["supervisor"])
    supervisor.user.user_permissions.add(*Permission.objects.filter(codename="view_paymentinstruction"))
    client = Client()
    client.force_login(supervisor.user)

    listing = client.get("/admin/payments/paymentinstruction/?status__exact=UNKNOWN")
    detail = client.get(f"/admin/payments/paymentinstruction/{instruction.pk}/change/")
    reconciled = client.post(
        "/admin/payments/paymentinstruction/",
        {"action": "reconcile_now", "_selected_action": [instruction.pk]},
        follow=True,
    )

    assert listing.status_code == 200 and instruction.reference in listing.content.decode()
    assert account.account_number not in listing.content.decode()  # masked
    page = detail.content.decode()
    assert detail.status_code == 200 and 'name="amount"' not in page and 'name="status"' not in page
    assert "已对账 1 笔指令" in reconciled.content.decode()
    assert PaymentInstruction.objects.get().status == InstructionStatus.SETTLED


@pytest.mark.django_db(transaction=True)
def test_two_senders_racing_for_one_instruction_call_the_bank_once(
    postgres, customer_gql, policy, account, bank, monkeypatch
):
    monkeypatch.setattr(
        payment_tasks.instruction_send, "delay", lambda **kwargs: None
    )  # nobody sends at commit
    _apply(customer_gql, policy, account)
    instruction = PaymentInstruction.objects.get()
    barrier = threading.Barrier(4)

    def send(_):
        try:
            barrier.wait(timeout=10)
            return instruction_send(instruction_id=instruction.pk)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(send, range(4)))

    instruction.refresh_from_db()
    assert instruction.attempts == 1
    assert InstructionStatus.SETTLED in results
    assert len([call for call in bank.log if call["reference"] == instruction.reference]) == 1
    assert bank.payments_for(instruction.reference) == 1

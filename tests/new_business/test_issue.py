"""confirmApplication → the first premium through a payment instruction → a policy in force with its
schedule and cash values; cancelInCoolingOff refunds every premium within 15 days."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from new_business.models import Application, ApplicationStatus, PolicyCallback
from payments.models import InstructionStatus, PaymentInstruction
from payments.services import payments_sweep
from policies.models import (
    CashValue,
    Policy,
    PolicyStatus,
    PremiumDue,
    PremiumStatus,
    RequestStatus,
    ServicingRequest,
)
from reminders.models import Reminder
from reminders.services.scan import reminder_scan
from tests.accounts.factories import CustomerFactory
from tests.conftest import GraphQLClient, error_codes
from tests.policies.factories import BankAccountFactory

from .gql import CANCEL, CONFIRM, MY_APPLICATIONS, SUBMIT, gid, submit_input

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
ISSUE_DAY = datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI)
MY_POLICIES = "query { myPolicies(first: 20) { edges { node { id number status premium frequency paidToDate cashValue nextPremium { dueDate amount } } } } }"
AGENT_CUSTOMER = "query C($id: ID!) { agentCustomer(id: $id) { policies { number status } } }"


@pytest.fixture(autouse=True)
def issue_day():
    with time_machine.travel(ISSUE_DAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def approved(agent_client, customer):
    payload = agent_client(SUBMIT, submit_input(customer))["data"]["submitApplication"]
    assert payload["application"]["status"] == "AWAITING_PAYMENT"
    return Application.objects.get()


def _confirm(client, application, account, key="c1") -> dict:
    variables = {
        "input": {
            "applicationId": gid("Application", application),
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": key,
        }
    }
    return client(CONFIRM, variables)["data"]["confirmApplication"]


def test_confirming_collects_the_first_premium_once_and_issues_the_policy(
    customer_client, approved, account, _bank
):
    payload = _confirm(customer_client, approved, account)

    assert payload["errors"] == []
    assert payload["request"]["type"] == "FIRST_PREMIUM"
    application = Application.objects.get()
    assert application.status == ApplicationStatus.ISSUED
    policy = application.policy
    assert (policy.status, policy.holder, policy.servicing_agent) == (
        PolicyStatus.IN_FORCE,
        approved.customer,
        approved.agent,
    )
    instruction = PaymentInstruction.objects.get()
    assert (instruction.direction, instruction.amount, instruction.status) == (
        "COLLECT",
        Decimal("313.20"),
        "SETTLED",
    )
    assert _bank.payments_for(instruction.reference) == 1
    assert ServicingRequest.objects.get(type="FIRST_PREMIUM").status == RequestStatus.COMPLETED
    assert list(application.steps.values_list("code", flat=True))[-2:] == ["PAYING", "ISSUED"]


def test_the_issued_policy_schedule_and_cash_values_to_the_fen(customer_client, approved, account):
    _confirm(customer_client, approved, account)
    policy = Policy.objects.get(application__isnull=False)

    premiums = list(PremiumDue.objects.filter(policy=policy).order_by("due_date"))
    # Monthly for 20 years from the issue day, 313.20 each; the first paid on issue.
    assert len(premiums) == 240
    assert {p.amount for p in premiums} == {Decimal("313.20")}
    assert [(p.due_date, p.status) for p in premiums[:3]] == [
        (date(2026, 11, 21), PremiumStatus.PAID),
        (date(2026, 12, 21), PremiumStatus.DUE),
        (date(2027, 1, 21), PremiumStatus.DUE),
    ]
    assert premiums[-1].due_date == date(2046, 10, 21)
    assert (policy.effective_date, policy.paid_to_date) == (date(2026, 11, 21), date(2026, 12, 21))
    assert policy.renewal_account == account  # the paying account, authorized with the signature
    # A year's premiums 313.20 × 12 = 3,758.40; year t holds 3,758.40 × t × min(0.95, 0.30 + 0.08 t).
    values = dict(CashValue.objects.filter(policy=policy).values_list("policy_year", "amount"))
    assert len(values) == 20
    assert values[1] == Decimal("1428.19")  # 3,758.40 × 0.38 = 1,428.192
    assert values[2] == Decimal("3457.73")  # 3,758.40 × 2 × 0.46 = 3,457.728
    assert values[8] == Decimal("28263.17")  # 3,758.40 × 8 × 0.94 = 28,263.168
    assert values[9] == Decimal("32134.32")  # 3,758.40 × 9 × 0.95 (the cap)
    assert values[20] == Decimal("71409.60")


def test_the_new_policy_shows_at_once_to_the_customer_and_the_agent(
    customer_client, agent_client, approved, account, customer
):
    _confirm(customer_client, approved, account)
    number = Policy.objects.get(application__isnull=False).number

    mine = customer_client(MY_POLICIES)["data"]["myPolicies"]["edges"]
    theirs = agent_client(AGENT_CUSTOMER, {"id": gid("AgentCustomer", customer)})["data"]["agentCustomer"][
        "policies"
    ]

    node = next(edge["node"] for edge in mine if edge["node"]["number"] == number)
    assert node["status"] == "IN_FORCE" and node["premium"] == "313.20" and node["frequency"] == "MONTHLY"
    assert node["nextPremium"] == {"dueDate": "2026-12-21", "amount": "313.20"}
    assert node["cashValue"] == "1428.19"
    assert number in [p["number"] for p in theirs]


def test_the_next_days_reminder_scan_treats_it_like_any_other_policy(customer_client, approved, account):
    _confirm(customer_client, approved, account)
    policy = Policy.objects.get(application__isnull=False)

    reminder_scan(day=date(2026, 11, 22), system_push=False)

    reminder = Reminder.objects.get(policy=policy)
    assert (reminder.kind, reminder.due_date, reminder.stage) == (
        "RENEWAL_PREMIUM_DUE",
        date(2026, 12, 21),
        30,
    )
    assert reminder.agent_id == approved.agent_id


def test_confirming_twice_with_the_same_key_issues_one_policy(customer_client, approved, account, _bank):
    first = _confirm(customer_client, approved, account, key="same")
    second = _confirm(customer_client, approved, account, key="same")
    other_key = _confirm(customer_client, approved, account, key="other")

    assert first["application"]["id"] == second["application"]["id"]
    assert first["request"]["id"] == second["request"]["id"]
    assert [e["code"] for e in other_key["errors"]] == ["NOT_ELIGIBLE"]
    assert Policy.objects.filter(application__isnull=False).count() == 1
    assert PaymentInstruction.objects.count() == 1
    assert len([e for e in _bank.log if e["moved"]]) == 1


def test_a_refused_collection_leaves_the_application_waiting_and_issues_nothing(
    customer_client, approved, account, _bank
):
    _bank.fail_next("collect")

    payload = _confirm(customer_client, approved, account)

    application = Application.objects.get()
    assert payload["errors"] == []
    assert (application.status, application.payment_started_at, application.policy) == (
        ApplicationStatus.AWAITING_PAYMENT,
        None,
        None,
    )
    assert ServicingRequest.objects.get(type="FIRST_PREMIUM").status == RequestStatus.REJECTED
    assert PaymentInstruction.objects.get().status == InstructionStatus.FAILED
    assert application.steps.order_by("-seq").first().code == "PAYMENT_FAILED"
    # Another try (another key) pays and issues.
    retry = _confirm(customer_client, approved, account, key="again")
    assert retry["errors"] == [] and Application.objects.get().status == ApplicationStatus.ISSUED


def test_a_timeout_after_the_bank_took_the_money_is_settled_by_reconciliation(
    customer_client, approved, account, _bank, issue_day
):
    _bank.paid_then_timeout_next("collect")

    _confirm(customer_client, approved, account)

    instruction = PaymentInstruction.objects.get()
    assert instruction.status == InstructionStatus.UNKNOWN
    assert Application.objects.get().status == ApplicationStatus.AWAITING_PAYMENT  # not failed: unknown
    issue_day.shift(600)
    assert payments_sweep()["reconciled"] == 1

    assert PaymentInstruction.objects.get().status == InstructionStatus.SETTLED
    assert Application.objects.get().status == ApplicationStatus.ISSUED
    assert _bank.payments_for(instruction.reference) == 1


def test_a_timeout_before_the_bank_saw_it_is_sent_again_under_the_same_reference(
    customer_client, approved, account, _bank
):
    _bank.timeout_next("collect")

    _confirm(customer_client, approved, account)
    assert payments_sweep()["reconciled"] == 1

    instruction = PaymentInstruction.objects.get()
    assert (instruction.status, instruction.attempts) == (InstructionStatus.SETTLED, 2)
    assert _bank.payments_for(instruction.reference) == 1
    assert Application.objects.get().status == ApplicationStatus.ISSUED


def test_only_the_customer_confirms_and_foreign_ids_look_missing(approved, account, agent_client, db):
    stranger = CustomerFactory(user__phone="13800000079")
    BankAccountFactory(customer=stranger)
    client = GraphQLClient()
    client.login("13800000079")

    foreign = _confirm(client, approved, account)
    missing = _confirm(client, 99999999, account)
    by_agent = agent_client(
        CONFIRM,
        {
            "input": {
                "applicationId": gid("Application", approved),
                "bankAccountId": gid("BankAccount", account),
                "idempotencyKey": "x",
            }
        },
    )

    assert [e["code"] for e in foreign["errors"]] == [e["code"] for e in missing["errors"]] == ["NOT_FOUND"]
    assert foreign["errors"] == missing["errors"]
    assert error_codes(by_agent) == ["FORBIDDEN"]
    assert client(MY_APPLICATIONS)["data"]["myApplications"] == []
    assert not PaymentInstruction.objects.exists()


def test_an_elderly_customer_must_read_the_anti_fraud_notices_first(agent, product, db):
    # Elder mode switched on (the customer is 46 but asked for it): the notices gate the payment.
    from elder_mode.services import accessibility_update

    customer = CustomerFactory(user__phone="13800000078", birth_date=date(1980, 1, 1))
    from tests.policies.factories import PolicyFactory

    PolicyFactory(holder=customer, servicing_agent=agent)
    account = BankAccountFactory(customer=customer)
    accessibility_update(user=customer.user, elder_mode=True)
    agent_client = GraphQLClient()
    agent_client.login("13900000071")
    agent_client(SUBMIT, submit_input(customer))
    client = GraphQLClient()
    client.login("13800000078")

    payload = _confirm(client, Application.objects.get(), account)

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("riskAcknowledgement", "RISK_ACK_REQUIRED")
    ]
    assert not PaymentInstruction.objects.exists()


def _cancel(client, policy, account, key="x1") -> dict:
    variables = {
        "input": {
            "policyId": gid("Policy", policy),
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": key,
        }
    }
    return client(CANCEL, variables)["data"]["cancelInCoolingOff"]


def test_cancelling_on_the_last_day_of_the_cooling_off_period_refunds_every_premium(
    customer_client, approved, account, issue_day, _bank
):
    _confirm(customer_client, approved, account)
    policy = Policy.objects.get(application__isnull=False)
    issue_day.move_to(datetime(2026, 12, 5, 20, 0, tzinfo=SHANGHAI))  # day 15
    customer_client.login("13800000071")  # a fortnight later: a new session

    payload = _cancel(customer_client, policy, account)

    assert payload["errors"] == []
    assert (payload["request"]["type"], payload["request"]["amount"]) == (
        "COOLING_OFF_CANCELLATION",
        "313.20",
    )
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.TERMINATED
    refund = PaymentInstruction.objects.get(direction="PAYOUT")
    assert (refund.amount, refund.status) == (Decimal("313.20"), InstructionStatus.SETTLED)
    assert _bank.payments_for(refund.reference) == 1
    assert not PremiumDue.objects.filter(policy=policy, status=PremiumStatus.DUE).exists()
    assert PolicyCallback.objects.get(policy=policy).status == "CANCELLED"
    from policies.models import AuditEvent

    assert AuditEvent.objects.filter(action="policy.cooling_off_cancel", object_id=str(policy.pk)).exists()
    again = _cancel(customer_client, policy, account, key="x2")
    assert [e["code"] for e in again["errors"]] == ["NOT_ELIGIBLE"]


def test_a_day_after_the_cooling_off_period_the_cancellation_is_refused_with_the_reason(
    customer_client, approved, account, issue_day
):
    _confirm(customer_client, approved, account)
    policy = Policy.objects.get(application__isnull=False)
    issue_day.move_to(datetime(2026, 12, 6, 9, 0, tzinfo=SHANGHAI))  # day 16
    customer_client.login("13800000071")

    payload = _cancel(customer_client, policy, account)

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("policyId", "NOT_ELIGIBLE")]
    assert "2026-12-05" in payload["errors"][0]["message"]
    assert Policy.objects.get(pk=policy.pk).status == PolicyStatus.IN_FORCE
    assert not PaymentInstruction.objects.filter(direction="PAYOUT").exists()


def _elder_policy_and_new_account(product):
    from datetime import timedelta

    from django.utils import timezone

    from tests.policies.factories import PolicyFactory, PremiumFactory

    elder = CustomerFactory(user__phone="13800000074", birth_date=date(1958, 3, 1))  # 68
    policy = PolicyFactory(
        holder=elder, product=product, effective_date=date(2026, 11, 20), number="TP0000000074"
    )
    PremiumFactory(
        policy=policy, due_date=date(2026, 11, 20), amount=Decimal("3000.00"), status=PremiumStatus.PAID
    )
    two_days_ago = timezone.now() - timedelta(days=2)
    account = BankAccountFactory(customer=elder, added_at=two_days_ago, verified_at=two_days_ago)
    return elder, policy, account


def _acknowledged(elder) -> dict:
    from datetime import timedelta

    from elder_mode.services import risk_challenge_issue

    challenge = risk_challenge_issue(
        user=elder.user, operation="POLICY_CANCELLATION", now=ISSUE_DAY - timedelta(minutes=5)
    )
    return {"challengeId": str(challenge.pk)}


@pytest.mark.parametrize("confirmed", [True, False])
def test_an_elderly_customers_refund_to_a_new_account_waits_for_our_call(product, _bank, confirmed):
    from operations.models import Task, TaskKind
    from policies.services.decisions import held_request_cancel, held_request_release

    elder, policy, account = _elder_policy_and_new_account(product)
    client = GraphQLClient()
    client.login("13800000074")
    variables = {
        "input": {
            "policyId": gid("Policy", policy),
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": "elder",
            "riskAcknowledgement": _acknowledged(elder),
        }
    }

    payload = client(CANCEL, variables)["data"]["cancelInCoolingOff"]

    assert payload["errors"] == [] and payload["request"]["status"] == "HELD_FOR_CALLBACK"
    assert not PaymentInstruction.objects.exists()
    assert Task.objects.filter(kind=TaskKind.ELDER_CALLBACK, customer=elder).count() == 1
    request = ServicingRequest.objects.get(type="COOLING_OFF_CANCELLATION")
    again = client(
        CANCEL,
        {
            "input": {
                **variables["input"],
                "idempotencyKey": "again",
                "riskAcknowledgement": _acknowledged(elder),
            }
        },
    )
    assert [e["code"] for e in again["data"]["cancelInCoolingOff"]["errors"]] == ["IN_PROGRESS"]

    from tests.accounts.factories import StaffFactory

    caller = StaffFactory(user__phone="13700000074", roles=["callback"])
    from django.db import transaction

    with transaction.atomic():
        if confirmed:
            held_request_release(request_id=request.pk, staff=caller.user)
        else:
            held_request_cancel(request_id=request.pk, staff=caller.user, reason="CALLBACK_REFUSED")
    # (the refund is sent after the release commits; in this test the bank is called here)
    from payments.services import instruction_send

    for instruction in PaymentInstruction.objects.all():
        instruction_send(instruction_id=instruction.pk)

    policy.refresh_from_db()
    if confirmed:
        assert policy.status == PolicyStatus.TERMINATED
        refund = PaymentInstruction.objects.get()
        assert (refund.amount, refund.status) == (Decimal("3000.00"), InstructionStatus.SETTLED)
        assert _bank.payments_for(refund.reference) == 1
    else:
        assert policy.status == PolicyStatus.IN_FORCE
        assert not PaymentInstruction.objects.exists()
        assert ServicingRequest.objects.get(pk=request.pk).status == RequestStatus.CANCELLED


def test_the_policy_read_through_an_application_or_a_payload_has_all_its_figures(
    customer_client, approved, account
):
    _confirm(customer_client, approved, account)
    query = """query { myApplications { policy { number cashValue nextPremium { dueDate amount }
      loanQuote { eligible reasonCode } } } }"""

    result = customer_client(query)

    assert "errors" not in result, result
    [application] = result["data"]["myApplications"]
    assert application["policy"]["cashValue"] == "1428.19"
    assert application["policy"]["nextPremium"] == {"dueDate": "2026-12-21", "amount": "313.20"}
    assert application["policy"]["loanQuote"] == {"eligible": False, "reasonCode": "COOLING_OFF"}

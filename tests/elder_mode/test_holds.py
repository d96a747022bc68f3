"""Elder callbacks before large or new-account payouts, fraud signals, and marketing kept out of elder mode."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from elder_mode.demo import seed_risk_notices
from elder_mode.models import CallbackStatus, CallbackTask, TrustedContact
from policies.models import (
    Benefit,
    BenefitStatus,
    LoanStatus,
    PolicyLoan,
    RequestStatus,
    RequestType,
    ServicingRequest,
)
from policies.services.holds import callback_record, callbacks_expire
from reminders.models import Notification
from tests.accounts.factories import StaffFactory
from tests.policies.factories import BankAccountFactory, BenefitFactory, PolicyFactory
from tests.policies.gql import APPLY_POLICY_LOAN, CLAIM_BENEFIT, gid

RISK = "query R($op: RiskOperation!) { riskNotices(operation: $op) { challengeId } }"


@pytest.fixture(autouse=True)
def notices(db):
    seed_risk_notices()


def _acknowledged(client, frozen_time, operation):
    challenge = client(RISK, {"op": operation})["data"]["riskNotices"]["challengeId"]
    frozen_time.shift(timedelta(seconds=10))
    return {"challengeId": challenge}


def _loan(client, frozen_time, policy, account, amount):
    variables = {
        "input": {
            "policyId": gid("Policy", policy),
            "amount": amount,
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": uuid.uuid4().hex,
            "riskAcknowledgement": _acknowledged(client, frozen_time, "POLICY_LOAN"),
        }
    }
    return client(APPLY_POLICY_LOAN, variables)["data"]["applyPolicyLoan"]


def _claim(client, frozen_time, benefit, account):
    variables = {
        "input": {
            "benefitId": gid("Benefit", benefit),
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": uuid.uuid4().hex,
            "riskAcknowledgement": _acknowledged(client, frozen_time, "BENEFIT_PAYOUT"),
        }
    }
    return client(CLAIM_BENEFIT, variables)["data"]["claimBenefit"]


def test_large_elder_loan_is_held_then_confirmed_and_paid(
    elder_gql, elder, elder_policy, elder_account, frozen_time, _payments, django_capture_on_commit_callbacks
):
    payload = _loan(elder_gql, frozen_time, elder_policy, elder_account, "50000.00")

    assert payload["request"]["status"] == "HELD_FOR_CALLBACK"
    assert payload["request"]["reasonCodes"] == ["ELDER_LARGE_PAYOUT"]
    assert payload["loan"] is None and _payments.log == []
    task = CallbackTask.objects.get()
    assert (task.customer, task.amount, task.status) == (elder, Decimal("50000.00"), CallbackStatus.OPEN)
    assert task.due_by == task.created_at + timedelta(days=5)

    staff = StaffFactory().user
    with django_capture_on_commit_callbacks(execute=True):
        callback_record(task_id=task.pk, staff=staff, confirmed=True)

    loan = PolicyLoan.objects.get()
    assert loan.status == LoanStatus.ACTIVE and loan.principal == Decimal("50000.00")
    request = ServicingRequest.objects.get(type=RequestType.POLICY_LOAN)
    assert request.status == RequestStatus.COMPLETED and request.decided_by == staff


def test_just_under_the_threshold_is_not_held(elder_gql, elder_policy, elder_account, frozen_time):
    payload = _loan(elder_gql, frozen_time, elder_policy, elder_account, "49999.99")
    assert payload["request"]["status"] == "AUTO_APPROVED"
    assert not CallbackTask.objects.exists()


def test_refused_on_the_callback_cancels_and_tells_the_customer(
    elder_gql, elder, elder_policy, elder_account, frozen_time, _payments
):
    _loan(elder_gql, frozen_time, elder_policy, elder_account, "60000.00")
    callback_record(task_id=CallbackTask.objects.get().pk, staff=StaffFactory().user, confirmed=False)

    request = ServicingRequest.objects.get(type=RequestType.POLICY_LOAN)
    assert request.status == RequestStatus.CANCELLED and "CALLBACK_REFUSED" in request.reasons
    assert not PolicyLoan.objects.exists() and _payments.log == []
    assert Notification.objects.filter(user=elder.user, kind="SERVICING_RESULT").count() == 1


def test_no_outcome_in_5_days_cancels(elder_gql, elder, elder_policy, elder_account, frozen_time):
    _loan(elder_gql, frozen_time, elder_policy, elder_account, "80000.00")
    frozen_time.shift(timedelta(days=4, hours=23))
    assert callbacks_expire() == 0
    frozen_time.shift(timedelta(hours=1))
    assert callbacks_expire() == 1
    assert callbacks_expire() == 0

    assert CallbackTask.objects.get().status == CallbackStatus.EXPIRED
    request = ServicingRequest.objects.get(type=RequestType.POLICY_LOAN)
    assert request.status == RequestStatus.CANCELLED and "CALLBACK_EXPIRED" in request.reasons
    assert Notification.objects.filter(user=elder.user).exists()


@pytest.mark.parametrize(("hours", "held"), [(71, True), (72, False)])
def test_benefit_to_an_account_added_in_the_last_72_hours_is_held(
    elder_gql, elder, elder_policy, frozen_time, hours, held, django_capture_on_commit_callbacks
):
    account = BankAccountFactory(customer=elder, added_at=timezone.now() - timedelta(hours=hours))
    benefit = BenefitFactory(policy=elder_policy, amount=Decimal("6000.00"))

    payload = _claim(elder_gql, frozen_time, benefit, account)

    assert (payload["request"]["status"] == "HELD_FOR_CALLBACK") is held
    if held:
        assert payload["request"]["reasonCodes"] == ["ELDER_NEW_ACCOUNT"]
        assert Benefit.objects.get().status == BenefitStatus.CLAIMED
        with django_capture_on_commit_callbacks(execute=True):
            callback_record(task_id=CallbackTask.objects.get().pk, staff=None, confirmed=True)
    assert Benefit.objects.get().status == BenefitStatus.PAID


def test_trusted_contact_is_told_by_sms(
    elder_gql, elder, elder_policy, elder_account, frozen_time, sms_outbox
):
    payload = elder_gql(
        'mutation { setTrustedContact(input: {name: "李明", phone: "13911112222"}) { trustedContact { name maskedPhone } errors { code } } }'
    )["data"]["setTrustedContact"]
    assert payload["trustedContact"] == {"name": "李明", "maskedPhone": "139****2222"}
    assert TrustedContact.objects.get().phone == "13911112222"

    _loan(elder_gql, frozen_time, elder_policy, elder_account, "50000.00")

    assert sms_outbox[-1]["phone"] == "13911112222"
    assert "李秀英" in sms_outbox[-1]["text"] and elder.user.phone not in sms_outbox[-1]["text"]


def test_callback_queue_in_the_admin(
    elder_gql, elder, elder_policy, elder_account, frozen_time, django_capture_on_commit_callbacks
):
    _loan(elder_gql, frozen_time, elder_policy, elder_account, "50000.00")
    staff = StaffFactory()
    staff.user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_callbacktask", "change_callbacktask"])
    )
    client = Client()
    client.force_login(staff.user)

    page = client.get("/admin/elder_mode/callbacktask/").content.decode()
    assert elder.user.phone in page and "50000" in page
    task = CallbackTask.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/elder_mode/callbacktask/", {"action": "confirm", "_selected_action": [task.pk]})
    assert PolicyLoan.objects.get().status == LoanStatus.ACTIVE


# --- Fraud signals (every customer) ---------------------------------------------------------


def _plain_loan(client, policy, account, amount="1000.00"):
    variables = {
        "input": {
            "policyId": gid("Policy", policy),
            "amount": amount,
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": uuid.uuid4().hex,
        }
    }
    return client(APPLY_POLICY_LOAN, variables)["data"]["applyPolicyLoan"]


def test_phone_changed_in_the_last_7_days_sends_a_payout_to_review(gql, owner, policy, account):
    ServicingRequest.objects.create(
        customer=owner,
        type=RequestType.CONTACT_CHANGE,
        status=RequestStatus.COMPLETED,
        summary={"fields": ["phone"]},
        submitted_at=timezone.now() - timedelta(days=6, hours=23),
        decided_at=timezone.now() - timedelta(days=6, hours=23),
        completed_at=timezone.now() - timedelta(days=6, hours=23),
    )
    gql.login("13800000011")
    payload = _plain_loan(gql, policy, account)
    assert payload["request"]["status"] == "PENDING_REVIEW"
    assert payload["request"]["reasonCodes"] == ["PHONE_CHANGED_RECENTLY"]
    assert ServicingRequest.objects.get(type=RequestType.POLICY_LOAN).risk_flags == ["PHONE_CHANGED_RECENTLY"]


def test_third_money_attempt_in_10_minutes_goes_to_review(gql, owner, account, frozen_time):
    gql.login("13800000011")
    policies = [PolicyFactory(holder=owner) for _ in range(3)]
    first = _plain_loan(gql, policies[0], account)
    frozen_time.shift(timedelta(minutes=4))
    second = _plain_loan(gql, policies[1], account)
    frozen_time.shift(timedelta(minutes=5))
    third = _plain_loan(gql, policies[2], account)
    assert [p["request"]["status"] for p in (first, second)] == ["AUTO_APPROVED", "AUTO_APPROVED"]
    assert third["request"]["reasonCodes"] == ["RAPID_ATTEMPTS"]


def test_payout_to_an_account_in_another_name_goes_to_review(gql, owner, policy):
    gql.login("13800000011")
    someone_elses = BankAccountFactory(customer=owner, holder_name="王五")
    assert _plain_loan(gql, policy, someone_elses)["request"]["reasonCodes"] == ["HOLDER_NAME_MISMATCH"]


# --- Marketing and read-aloud -----------------------------------------------------------------

INBOX = "query { myNotifications(first: 10) { edges { node { title marketing readAloudText } } } }"


def test_elder_mode_hides_marketing(gql, owner):
    Notification.objects.create(
        user=owner.user, kind="SERVICING_RESULT", title="还款成功", body="已还款1,200.00元"
    )
    Notification.objects.create(
        user=owner.user, kind="PROMOTION", title="新品上市", body="限时优惠", marketing=True
    )
    gql.login("13800000011")
    assert len(gql(INBOX)["data"]["myNotifications"]["edges"]) == 2

    gql("mutation { updateAccessibility(input: {elderMode: true}) { errors { code } } }")
    edges = gql(INBOX)["data"]["myNotifications"]["edges"]

    assert [e["node"]["title"] for e in edges] == ["还款成功"]
    assert edges[0]["node"]["readAloudText"] == "还款成功。已还款人民币一千二百元整"


def test_servicing_result_reads_aloud_in_both_languages(elder_gql, elder_policy, elder_account, frozen_time):
    payload = _loan(elder_gql, frozen_time, elder_policy, elder_account, "50000.00")
    request_id = payload["request"]["id"]
    query = "query N($id: ID!) { node(id: $id) { ... on ServicingRequest { readAloudText } } }"
    zh = elder_gql(query, {"id": request_id})["data"]["node"]["readAloudText"]
    en = elder_gql(query, {"id": request_id}, lang="en")["data"]["node"]["readAloudText"]
    assert "人民币五万元整" in zh and "50,000" not in zh and "50000" not in zh
    assert "fifty thousand yuan" in en and "¥" not in en


def test_after_a_confirmed_callback_the_notice_says_the_loan_was_paid_not_why_it_was_held(
    elder_gql, elder, elder_policy, elder_account, frozen_time, django_capture_on_commit_callbacks
):
    from policies.services.common import request_sentence

    _loan(elder_gql, frozen_time, elder_policy, elder_account, "50000.00")
    with django_capture_on_commit_callbacks(execute=True):
        callback_record(task_id=CallbackTask.objects.get().pk, staff=StaffFactory().user, confirmed=True)

    notice = Notification.objects.get(user=elder.user, kind="SERVICING_RESULT")
    assert notice.title == "保单贷款已完成"
    assert notice.body.startswith("您的保单贷款50,000.00元已转入您的账户")
    assert "电话" not in notice.body
    request = ServicingRequest.objects.get(type=RequestType.POLICY_LOAN)
    spoken = request_sentence(request, "zh-hans")
    assert "电话" not in spoken and "五万" in spoken


def test_a_refused_callback_says_why_it_ended_only(
    elder_gql, elder, elder_policy, elder_account, frozen_time
):
    _loan(elder_gql, frozen_time, elder_policy, elder_account, "60000.00")
    callback_record(task_id=CallbackTask.objects.get().pk, staff=StaffFactory().user, confirmed=False)

    notice = Notification.objects.get(user=elder.user, kind="SERVICING_RESULT")
    assert notice.body == "您在回访中未确认该笔付款。"

"""The new-policy e-callback (回访): done in the app closes it; a "no", an elderly customer or 5 days
without an answer each raise one phone task; the scoreboard's e-callback rate counts them."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from feedback.services.metrics import service_metrics
from new_business.models import Application, PolicyCallback, PolicyCallbackStatus
from new_business.services.callbacks import policy_callbacks_expire
from operations.models import Task, TaskKind, TaskOutcome
from operations.services import tasks as pool
from policies.models import Policy
from tests.accounts.factories import CustomerFactory, StaffFactory
from tests.conftest import GraphQLClient
from tests.operations.conftest import online
from tests.policies.factories import BankAccountFactory, PolicyFactory

from .gql import ANSWER_CALLBACK, CALLBACKS, CONFIRM, SUBMIT, gid, submit_input

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
ISSUED_AT = datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI)
ALL_CODES = ["UNDERSTOOD_COVER", "UNDERSTOOD_PREMIUM", "UNDERSTOOD_COOLING_OFF", "SIGNED_IN_PERSON"]


@pytest.fixture(autouse=True)
def issue_day():
    with time_machine.travel(ISSUED_AT, tick=False) as traveller:
        yield traveller


def _issue(agent_client, customer, account, phone: str) -> Policy:
    agent_client(SUBMIT, submit_input(customer, key=f"submit-{phone}", sum_assured="50000"))
    client = GraphQLClient()
    client.login(phone)
    application = Application.objects.get(customer=customer)
    variables = {
        "input": {
            "applicationId": gid("Application", application),
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": "c",
        }
    }
    assert client(CONFIRM, variables)["data"]["confirmApplication"]["errors"] == []
    return Policy.objects.get(application__customer=customer)


@pytest.fixture
def issued(agent_client, customer, account):
    return _issue(agent_client, customer, account, "13800000071")


def _answer(client, callback, no=()) -> dict:
    answers = [{"code": code, "yes": code not in no} for code in ALL_CODES]
    variables = {"input": {"callbackId": gid("PolicyCallback", callback), "answers": answers}}
    return client(ANSWER_CALLBACK, variables)["data"]["answerPolicyCallback"]


def _phone_tasks() -> list[Task]:
    return list(Task.objects.filter(kind=TaskKind.NEW_POLICY_CALLBACK))


def test_answered_yes_in_the_app_closes_it_without_a_call(issued, customer_client):
    listed = customer_client(CALLBACKS)["data"]["myPolicyCallbacks"]
    assert [c["policy"]["number"] for c in listed] == [issued.number]
    assert [q["code"] for q in listed[0]["questions"]] == ALL_CODES
    assert listed[0]["questions"][2]["text"] == "我知道在承保后15天犹豫期内退保可全额退还保费。"
    callback = PolicyCallback.objects.get()

    payload = _answer(customer_client, callback)

    assert payload["errors"] == []
    assert PolicyCallback.objects.get().status == PolicyCallbackStatus.DONE
    assert _phone_tasks() == []
    assert customer_client(CALLBACKS)["data"]["myPolicyCallbacks"] == []
    # Answered once: a second answer finds nothing waiting.
    assert [e["code"] for e in _answer(customer_client, callback)["errors"]] == ["NOT_FOUND"]


def test_any_no_raises_one_phone_task(issued, customer_client):
    callback = PolicyCallback.objects.get()

    _answer(customer_client, callback, no=("SIGNED_IN_PERSON",))

    callback.refresh_from_db()
    assert (callback.status, callback.phone_reason) == (PolicyCallbackStatus.PHONE, "ANSWERED_NO")
    [task] = _phone_tasks()
    assert (task.subject_type, task.subject_id, task.customer_id) == ("POLICY", issued.pk, issued.holder_id)


def test_incomplete_answers_are_refused_and_change_nothing(issued, customer_client):
    callback = PolicyCallback.objects.get()
    variables = {
        "input": {
            "callbackId": gid("PolicyCallback", callback),
            "answers": [{"code": "UNDERSTOOD_COVER", "yes": True}],
        }
    }

    payload = customer_client(ANSWER_CALLBACK, variables)["data"]["answerPolicyCallback"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("answers", "INVALID")]
    assert PolicyCallback.objects.get().status == PolicyCallbackStatus.PENDING


def test_another_customers_callback_looks_missing(issued, db):
    CustomerFactory(user__phone="13800000077")
    stranger = GraphQLClient()
    stranger.login("13800000077")

    payload = _answer(stranger, PolicyCallback.objects.get())

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("callbackId", "NOT_FOUND")]
    assert stranger(CALLBACKS)["data"]["myPolicyCallbacks"] == []


def test_an_elderly_customer_gets_a_phone_call_straight_away(agent, product, db):
    product.sale_terms.max_age = 70
    product.sale_terms.save()
    from new_business.models import PremiumRate, UnderwritingLimit

    PremiumRate.objects.create(
        product=product, term_years=20, age_from=61, age_to=70, rate_per_thousand="60.00"
    )
    UnderwritingLimit.objects.create(product=product, age_from=56, age_to=70, auto_max_sum_assured="300000")
    elder = CustomerFactory(user__phone="13800000076", birth_date=date(1962, 1, 1))  # 64
    PolicyFactory(holder=elder, servicing_agent=agent)
    account = BankAccountFactory(customer=elder)
    agent_client = GraphQLClient()
    agent_client.login("13900000071")
    # Elderly customers read the anti-fraud notices before paying: acknowledge them here.
    from elder_mode.models import RiskChallenge

    agent_client(SUBMIT, submit_input(elder, sum_assured="50000"))
    client = GraphQLClient()
    client.login("13800000076")
    from elder_mode.services import risk_challenge_issue

    challenge = risk_challenge_issue(
        user=elder.user, operation="NEW_POLICY", now=ISSUED_AT - timedelta(minutes=5)
    )
    application = Application.objects.get(customer=elder)
    variables = {
        "input": {
            "applicationId": gid("Application", application),
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": "c",
            "riskAcknowledgement": {"challengeId": str(challenge.pk)},
        }
    }
    assert client(CONFIRM, variables)["data"]["confirmApplication"]["errors"] == []

    callback = PolicyCallback.objects.get(customer=elder)
    assert (callback.status, callback.phone_reason) == (PolicyCallbackStatus.PHONE, "ELDERLY")
    assert len(_phone_tasks()) == 1
    assert client(CALLBACKS)["data"]["myPolicyCallbacks"] == []
    assert RiskChallenge.objects.get(pk=challenge.pk).used_at is not None


def test_five_days_without_an_answer_raise_one_phone_task(issued, issue_day):
    issue_day.move_to(ISSUED_AT + timedelta(days=5) - timedelta(seconds=1))
    assert policy_callbacks_expire() == 0

    issue_day.move_to(ISSUED_AT + timedelta(days=5))
    assert policy_callbacks_expire() == 1
    assert policy_callbacks_expire() == 0  # run again: nothing more

    callback = PolicyCallback.objects.get()
    assert (callback.status, callback.phone_reason) == (PolicyCallbackStatus.PHONE, "NOT_DONE_IN_TIME")
    assert len(_phone_tasks()) == 1


def test_the_phone_callbacks_outcome_is_kept_and_the_rate_counts_the_app_only(
    issued, customer_client, issue_day, db
):
    caller = StaffFactory(user__phone="13700000075", roles=["callback"])
    issue_day.move_to(ISSUED_AT + timedelta(days=6))
    policy_callbacks_expire()
    task = Task.objects.get(kind=TaskKind.NEW_POLICY_CALLBACK)
    online(caller)
    pool.task_accept(user=caller.user, task=task)
    pool.task_complete(user=caller.user, task=task, outcome=TaskOutcome.CONFIRMED, note="客户确认了解")

    assert PolicyCallback.objects.get().phone_outcome == TaskOutcome.CONFIRMED
    figures = service_metrics(first=date(2026, 11, 21), last=date(2026, 11, 21))
    assert figures["e_callback_rate"] == 0.0


def test_the_e_callback_rate_is_done_in_the_app_over_all_raised(
    agent, customer, account, agent_client, customer_client, product, db
):
    _issue(agent_client, customer, account, "13800000071")
    _answer(customer_client, PolicyCallback.objects.get())
    second = CustomerFactory(user__phone="13800000075", birth_date=date(1990, 1, 1))
    PolicyFactory(holder=second, servicing_agent=agent)
    _issue(agent_client, second, BankAccountFactory(customer=second), "13800000075")

    figures = service_metrics(first=date(2026, 11, 21), last=date(2026, 11, 21))
    empty = service_metrics(first=date(2026, 11, 1), last=date(2026, 11, 20))

    assert figures["e_callback_rate"] == 0.5
    assert empty["e_callback_rate"] is None

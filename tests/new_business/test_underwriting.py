"""submitApplication: priced from the rate table, underwritten at once where the rules allow, else a
pool task whose APPROVE / DECLINE / POSTPONE moves the application; only for the agent's customers."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import device_register
from new_business.models import Application, ApplicationStatus, ApplicationStep
from operations.models import Task, TaskKind, TaskOutcome, TaskStatus
from operations.services import tasks as pool
from policies.models import IdempotencyRecord
from reminders.models import PushMessage
from tests.accounts.factories import AgentFactory, CustomerFactory
from tests.conftest import GraphQLClient, error_codes
from tests.operations.conftest import online
from tests.policies.factories import PolicyFactory

from .conftest import answers
from .gql import AGENT_APPLICATIONS, SUBMIT, submit_input

pytestmark = pytest.mark.django_db


def _submit(client, customer, **kwargs) -> dict:
    return client(SUBMIT, submit_input(customer, **kwargs))["data"]["submitApplication"]


def test_an_application_within_the_rules_is_approved_at_once_and_priced_from_the_rate_table(
    agent_client, customer
):
    payload = _submit(agent_client, customer)

    assert payload["errors"] == []
    application = payload["application"]
    # 100,000 / 1,000 × 34.80 = 3,480.00 a year; monthly × 0.09 = 313.20.
    assert (application["annualPremium"], application["premium"]) == ("3480.00", "313.20")
    assert application["status"] == "AWAITING_PAYMENT"
    assert application["ageAtEntry"] == 46
    assert [(p["seq"], p["status"]) for p in application["progress"]] == [
        (1, "SUBMITTED"),
        (2, "APPROVED"),
        (3, "AWAITING_PAYMENT"),
    ]
    assert application["progress"][1]["text"] == "自动核保通过"
    assert not Task.objects.filter(kind=TaskKind.UNDERWRITING).exists()


def test_the_premium_sent_by_a_client_is_not_an_input(agent_client, customer):
    variables = submit_input(customer)
    variables["input"]["premium"] = "1.00"

    result = agent_client(SUBMIT, variables)

    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "reasons"),
    [
        ({"answers": answers("TREATMENT_NOW")}, ["HEALTH_DISCLOSURE"]),
        ({"sum_assured": "301000"}, ["SUM_ABOVE_AUTO_LIMIT"]),
        (
            {"answers": answers("HOSPITAL_2Y"), "sum_assured": "400000"},
            ["HEALTH_DISCLOSURE", "SUM_ABOVE_AUTO_LIMIT"],
        ),
    ],
)
def test_each_reason_for_manual_underwriting_raises_one_pool_task(agent_client, customer, kwargs, reasons):
    payload = _submit(agent_client, customer, **kwargs)

    application = Application.objects.get()
    assert payload["application"]["status"] == "UNDERWRITING"
    assert application.underwriting_reasons == reasons
    task = Task.objects.get(kind=TaskKind.UNDERWRITING)
    assert (task.subject_type, task.subject_id, task.customer_id) == (
        "APPLICATION",
        application.pk,
        customer.pk,
    )


def test_what_the_customer_already_holds_counts_towards_the_automatic_limit(agent_client, customer, product):
    PolicyFactory(holder=customer, product=product, sum_assured=Decimal("250000.00"))

    payload = _submit(agent_client, customer, sum_assured="60000")  # 310,000 in all > 300,000

    assert payload["application"]["status"] == "UNDERWRITING"
    assert Application.objects.get().underwriting_reasons == ["SUM_ABOVE_AUTO_LIMIT"]


def test_an_age_without_an_automatic_band_goes_to_an_underwriter(agent_client, agent, product):
    older = CustomerFactory(user__phone="13800000072", birth_date=date(1968, 1, 1))  # 58
    PolicyFactory(holder=older, servicing_agent=agent)

    payload = _submit(agent_client, older, sum_assured="50000")

    assert payload["application"]["status"] == "UNDERWRITING"
    assert Application.objects.get().underwriting_reasons == ["AGE_NOT_AUTOMATIC"]


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"product": "XX99"}, "productCode", "INVALID"),
        ({"frequency": "QUARTERLY"}, "frequency", "INVALID"),
        ({"term": 15}, "termYears", "INVALID"),
        ({"sum_assured": "100500"}, "sumAssured", "INVALID"),
        ({"sum_assured": "10000"}, "sumAssured", "LIMIT_EXCEEDED"),
        ({"sum_assured": "-1"}, "sumAssured", "INVALID"),
        ({"answers": answers()[:2]}, "healthAnswers", "INVALID"),
        ({"answers": [*answers(), {"code": "HOSPITAL_2Y", "yes": True}]}, "healthAnswers.3.code", "INVALID"),
        ({"answers": [{"code": "NOPE", "yes": False}]}, "healthAnswers.0.code", "INVALID"),
        ({"key": ""}, "idempotencyKey", "INVALID"),
    ],
)
def test_bad_input_is_refused_with_a_translated_reason_and_writes_nothing(
    agent_client, customer, kwargs, field, code
):
    payload = _submit(agent_client, customer, **kwargs)

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert all(e["message"] and e["message"].isascii() is False for e in payload["errors"])
    assert not Application.objects.exists() and not ApplicationStep.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_english_on_request(agent_client, customer):
    payload = agent_client(SUBMIT, submit_input(customer, product="XX99"), lang="en")["data"][
        "submitApplication"
    ]

    assert payload["errors"][0]["message"] == "This product is not on sale."


def test_the_same_key_submits_once(agent_client, customer):
    first = _submit(agent_client, customer, key="same")
    second = _submit(agent_client, customer, key="same")
    conflict = _submit(agent_client, customer, key="same", sum_assured="60000")

    assert first["application"]["id"] == second["application"]["id"]
    assert Application.objects.count() == 1
    assert [e["code"] for e in conflict["errors"]] == ["IDEMPOTENCY_CONFLICT"]


def test_only_the_servicing_agent_may_submit_and_foreign_ids_look_missing(customer, product, db):
    AgentFactory(user__phone="13900000072")  # an agent who does not service the customer
    client = GraphQLClient()
    client.login("13900000072")

    payload = client(SUBMIT, submit_input(customer))["data"]["submitApplication"]
    missing = client(SUBMIT, submit_input(99999999))["data"]["submitApplication"]

    assert payload["errors"] == missing["errors"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("customerId", "NOT_FOUND")]
    assert not Application.objects.exists()


def test_customers_and_anonymous_callers_cannot_submit(customer_client, customer):
    as_customer = customer_client(SUBMIT, submit_input(customer))
    anonymous = GraphQLClient()(SUBMIT, submit_input(customer))

    assert error_codes(as_customer) == ["FORBIDDEN"]
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    ("outcome", "status", "note"),
    [
        (TaskOutcome.APPROVE, "AWAITING_PAYMENT", ""),
        (TaskOutcome.DECLINE, "DECLINED", "既往病史不符合承保条件"),
        (TaskOutcome.POSTPONE, "POSTPONED", "请六个月后复查再投保"),
    ],
)
def test_the_underwriters_decision_on_the_task_moves_the_application(
    agent_client, agent, customer, underwriter, outcome, status, note
):
    device_register(user=agent.user, token="agent-phone-token", platform="ANDROID", app="AGENT_APP")
    underwriter.team = "新疆核保中心"
    underwriter.save(update_fields=["team"])
    _submit(agent_client, customer, answers=answers("TREATMENT_NOW"))
    task = Task.objects.get(kind=TaskKind.UNDERWRITING)
    online(underwriter)
    pool.task_accept(user=underwriter.user, task=task)

    pool.task_complete(user=underwriter.user, task=task, outcome=outcome, note=note)

    application = Application.objects.get()
    assert application.status == status
    assert application.decided_by == underwriter.user and application.decision_note == note
    codes = list(application.steps.values_list("code", flat=True))
    expected_tail = ["APPROVED", "AWAITING_PAYMENT"] if outcome == TaskOutcome.APPROVE else [status]
    assert codes == ["SUBMITTED", "TO_UNDERWRITER", "REVIEWING", *expected_tail]
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE
    # The reviewing line names the underwriter's team; the agent's phone heard each decision.
    assert application.steps.get(code="REVIEWING").params == {"team": "新疆核保中心"}
    pushed = list(PushMessage.objects.filter(device__user=agent.user).values_list("data__status", flat=True))
    assert pushed == ["UNDERWRITING", status if outcome != TaskOutcome.APPROVE else "APPROVED"]


def test_a_decline_or_postponement_needs_a_reason(agent_client, customer, underwriter):
    _submit(agent_client, customer, answers=answers("TREATMENT_NOW"))
    task = Task.objects.get(kind=TaskKind.UNDERWRITING)
    online(underwriter)
    pool.task_accept(user=underwriter.user, task=task)

    from core.errors import ServiceError

    with pytest.raises(ServiceError) as refused:
        pool.task_complete(user=underwriter.user, task=task, outcome=TaskOutcome.DECLINE, note="")

    assert refused.value.errors[0].field == "note"
    assert Application.objects.get().status == ApplicationStatus.UNDERWRITING


def test_the_agent_lists_their_applications_with_a_fixed_number_of_queries(agent_client, customer):
    def queries_for_list() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            result = agent_client(AGENT_APPLICATIONS)
        return len(captured.captured_queries), len(result["data"]["agentApplications"]["edges"])

    for index in range(2):
        _submit(agent_client, customer, key=f"k{index}", sum_assured="50000")
    few = queries_for_list()
    for index in range(2, 9):
        _submit(agent_client, customer, key=f"k{index}", sum_assured="50000")
    many = queries_for_list()

    assert (few[1], many[1]) == (2, 9)
    assert many[0] == few[0]

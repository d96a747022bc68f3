"""Surveys after each touchpoint: raised once on commit, sampled reproducibly, cooled down, never to
a customer who muted them, answered once before they expire; a negative answer goes to a person."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from chat.services import lifecycle, messages, queue
from feedback.models import Survey, SurveyRule, SurveyStatus, Touchpoint
from feedback.services import surveys
from operations.models import Task, TaskKind, TaskStatus
from operations.services import tasks
from policies.services.accounts import contact_update
from policies.services.loans import loan_apply
from reminders.models import Notification, PushMessage
from reminders.services.settings import notification_settings_update
from tests.accounts.factories import UserFactory
from tests.conftest import GraphQLClient, access_token
from tests.operations.conftest import online
from tests.policies.factories import BankAccountFactory, PolicyFactory
from tests.policies.gql import gid

pytestmark = pytest.mark.django_db

MY_SURVEYS = """query S($pending: Boolean) { mySurveys(pending: $pending) {
  id touchpoint status title readAloudText questions { code text minScore maxScore } hints { bigButtons readAloud } } }"""
ANSWER = """mutation A($input: AnswerSurveyInput!) { answerSurvey(input: $input) {
  survey { id status nps csat comment } errors { code field message } } }"""


def _as(user) -> GraphQLClient:
    client = GraphQLClient()
    client.token = access_token(user)
    return client


def _raise(customer, touchpoint=Touchpoint.SERVICING_COMPLETED, subject_id=1, **kwargs):
    return surveys.survey_raise(
        touchpoint=touchpoint,
        subject_type="ServicingRequest",
        subject_id=subject_id,
        customer_id=customer.pk,
        **kwargs,
    )


# --- raised by each touchpoint, once ---------------------------------------------------------------


def test_a_completed_request_raises_one_survey_after_commit(
    every_touchpoint, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = contact_update(customer=customer, actor=customer.user, email="zhao@example.com")
    from policies.models import ServicingRequest

    request = ServicingRequest.objects.get(pk=result["request"])
    assert request.status == "COMPLETED"
    survey = Survey.objects.get()
    assert (survey.touchpoint, survey.subject_type, survey.subject_id) == (
        "SERVICING_COMPLETED",
        "ServicingRequest",
        request.pk,
    )
    # The same occurrence heard again (a retried task) sends nothing more
    assert _raise(customer, subject_id=request.pk) is None
    assert Survey.objects.count() == 1


def test_a_paid_loan_is_surveyed_as_a_loan(every_touchpoint, customer, django_capture_on_commit_callbacks):
    policy = PolicyFactory(holder=customer, cash_values__amount="100000.00")
    account = BankAccountFactory(customer=customer, verified_at=timezone.now() - timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        result = loan_apply(
            customer=customer, actor=customer.user, policy=policy, amount=Decimal("5000.00"),
            bank_account=account, idempotency_key=uuid.uuid4().hex,
        )  # fmt: skip
    result.request.refresh_from_db()
    assert result.request.status == "COMPLETED"
    assert list(Survey.objects.values_list("touchpoint", flat=True)) == ["LOAN_DISBURSED"]


def test_a_closed_chat_is_surveyed_but_not_an_abusive_one(
    every_touchpoint, customer, other_customer, django_capture_on_commit_callbacks
):
    kept = messages.conversation_start(customer=customer)
    spam = messages.conversation_start(customer=other_customer)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.chat_close(conversation=kept, reason="RESOLVED")
        lifecycle.chat_close(conversation=spam, reason="ABUSIVE")
    assert list(Survey.objects.values_list("touchpoint", "customer")) == [("CHAT_CLOSED", customer.pk)]


def test_a_callback_that_reached_the_customer_is_surveyed(
    every_touchpoint, customer, callback_staff, django_capture_on_commit_callbacks
):
    conversation = messages.conversation_start(customer=customer)
    queue.leave_message(conversation=conversation, body="请回电", callback_phone="13912345678")
    task = Task.objects.get(kind=TaskKind.LEFT_MESSAGE_CALLBACK)
    online(callback_staff)
    tasks.task_accept(user=callback_staff.user, task=task)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.task_complete(user=callback_staff.user, task=task, outcome="RESOLVED", note="已回电")
    assert list(Survey.objects.values_list("touchpoint", "subject_type", "subject_id")) == [
        ("CALLBACK_DONE", "Task", task.pk)
    ]


def test_a_new_policy_touchpoint_is_surveyed_through_the_same_service(every_touchpoint, customer):
    survey = surveys.survey_raise(
        touchpoint=Touchpoint.POLICY_ISSUED, subject_type="Policy", subject_id=7, customer_id=customer.pk
    )
    assert survey is not None and survey.questions == ["NPS", "CSAT", "COMMENT"]


# --- delivery, sampling, cool-down, mute, expiry ----------------------------------------------------


def test_the_survey_reaches_the_inbox_and_the_phone_in_the_customers_language(every_touchpoint, customer):
    from accounts.models import Device

    Device.objects.create(user=customer.user, token="t" * 40, platform="ANDROID", app="CUSTOMER_APP")
    notification_settings_update(user=customer.user, language="en")
    survey = _raise(customer)
    note = Notification.objects.get(user=customer.user, kind="SURVEY")
    assert (note.title, note.language) == ("How did we do with your request?", "en")
    push = PushMessage.objects.get()
    assert push.kind == "SURVEY" and push.data["surveyId"] == str(survey.pk)


def test_sampling_is_random_across_occurrences_and_the_same_every_time(customer):
    share = Decimal("30")
    chosen = [
        n
        for n in range(1000)
        if surveys.sampled(
            touchpoint="CHAT_CLOSED", subject_type="Conversation", subject_id=n, share_percent=share
        )
    ]
    again = [
        n
        for n in range(1000)
        if surveys.sampled(
            touchpoint="CHAT_CLOSED", subject_type="Conversation", subject_id=n, share_percent=share
        )
    ]
    assert chosen == again and 250 <= len(chosen) <= 350
    assert all(
        surveys.sampled(touchpoint="X", subject_type="Y", subject_id=n, share_percent=Decimal(100))
        for n in range(50)
    )
    assert not any(
        surveys.sampled(touchpoint="X", subject_type="Y", subject_id=n, share_percent=Decimal(0))
        for n in range(50)
    )


def test_a_rule_with_a_share_surveys_only_the_sampled_occurrences(customer):
    SurveyRule.objects.filter(touchpoint="SERVICING_COMPLETED").update(share_percent=30, cool_down_days=0)
    expected = [
        n
        for n in range(40)
        if surveys.sampled(
            touchpoint="SERVICING_COMPLETED",
            subject_type="ServicingRequest",
            subject_id=n,
            share_percent=Decimal(30),
        )
    ]
    for n in range(40):
        _raise(customer, subject_id=n)
    assert sorted(Survey.objects.values_list("subject_id", flat=True)) == expected


def test_one_survey_per_cool_down_per_customer(every_touchpoint, customer):
    assert _raise(customer, subject_id=1) is not None
    assert _raise(customer, Touchpoint.CHAT_CLOSED, subject_id=2) is None
    assert _raise(customer, subject_id=3, now=timezone.now() + timedelta(days=29, hours=23)) is None
    assert _raise(customer, subject_id=4, now=timezone.now() + timedelta(days=30, minutes=1)) is not None
    assert Survey.objects.count() == 2


def test_nobody_who_muted_surveys_is_asked(every_touchpoint, customer):
    notification_settings_update(user=customer.user, surveys_muted=True)
    assert _raise(customer) is None
    assert not Notification.objects.filter(kind="SURVEY").exists()


def test_muting_through_the_api(every_touchpoint, customer):
    result = _as(customer.user)(
        "mutation { updateNotificationSettings(input: {surveysMuted: true}) { settings { surveysMuted } errors { code } } }"
    )
    assert result["data"]["updateNotificationSettings"] == {"settings": {"surveysMuted": True}, "errors": []}
    assert _raise(customer) is None


def test_an_expired_survey_is_gone_from_the_list_and_cannot_be_answered(every_touchpoint, customer):
    survey = _raise(customer)
    client = _as(customer.user)
    assert [s["id"] for s in client(MY_SURVEYS, {"pending": True})["data"]["mySurveys"]] == [
        gid("Survey", survey.pk)
    ]
    with time_machine.travel(survey.expires_at + timedelta(seconds=1), tick=False):
        client = _as(customer.user)  # a fresh token a week later
        assert client(MY_SURVEYS, {"pending": True})["data"]["mySurveys"] == []
        answer = client(ANSWER, {"input": {"surveyId": gid("Survey", survey.pk), "csat": 5}})["data"][
            "answerSurvey"
        ]
        assert [e["code"] for e in answer["errors"]] == ["NOT_FOUND"]
        assert surveys.surveys_expire() == 1
    assert Survey.objects.get().status == SurveyStatus.EXPIRED


# --- answering --------------------------------------------------------------------------------------


def test_my_surveys_carry_questions_read_aloud_text_and_elder_hints(every_touchpoint, customer):
    from elder_mode.models import AccessibilityProfile

    AccessibilityProfile.objects.create(user=customer.user, elder_mode=True)
    _raise(customer)
    survey = _as(customer.user)(MY_SURVEYS, {"pending": None})["data"]["mySurveys"][0]
    assert survey["status"] == "PENDING" and survey["title"] == "您对这次办理满意吗？"
    assert [(q["code"], q["minScore"], q["maxScore"]) for q in survey["questions"]] == [
        ("NPS", 0, 10),
        ("CSAT", 1, 5),
        ("COMMENT", None, None),
    ]
    assert survey["readAloudText"].startswith("您对这次办理满意吗")
    assert survey["hints"] == {"bigButtons": True, "readAloud": True}


def test_a_survey_is_answered_once(every_touchpoint, customer):
    survey = _raise(customer)
    client = _as(customer.user)
    variables = {"input": {"surveyId": gid("Survey", survey.pk), "nps": 9, "csat": 5, "comment": "很方便"}}
    first = client(ANSWER, variables)["data"]["answerSurvey"]
    assert first["errors"] == [] and first["survey"]["status"] == "ANSWERED"
    second = client(ANSWER, variables)["data"]["answerSurvey"]
    assert [e["code"] for e in second["errors"]] == ["NOT_FOUND"]
    assert not Task.objects.filter(kind=TaskKind.FEEDBACK_FOLLOW_UP).exists()


def test_anothers_survey_looks_missing(every_touchpoint, customer, other_customer):
    survey = _raise(customer)
    result = _as(other_customer.user)(ANSWER, {"input": {"surveyId": gid("Survey", survey.pk), "csat": 1}})
    assert [e["code"] for e in result["data"]["answerSurvey"]["errors"]] == ["NOT_FOUND"]
    assert Survey.objects.get().status == SurveyStatus.PENDING
    agent_or_staff = UserFactory(phone="13900000051", role="AGENT")
    refused = _as(agent_or_staff)(ANSWER, {"input": {"surveyId": gid("Survey", survey.pk), "csat": 1}})
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"nps": 11}, "nps"),
        ({"nps": -1}, "nps"),
        ({"csat": 0}, "csat"),
        ({"csat": 6}, "csat"),
        ({}, "nps"),
        ({"comment": "x" * 1001}, "comment"),
        ({"comment": "坏\x07"}, "comment"),
    ],
)
def test_a_bad_answer_gets_a_clear_error_and_nothing_is_written(every_touchpoint, customer, answer, field):
    survey = _raise(customer)
    result = _as(customer.user)(
        ANSWER, {"input": {"surveyId": gid("Survey", survey.pk), **answer}}, lang="en"
    )
    errors = result["data"]["answerSurvey"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", field)] and errors[0]["message"]
    assert Survey.objects.get().status == SurveyStatus.PENDING


# --- negative answers go to a person ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "negative"),
    [
        ({"nps": 6}, True),
        ({"csat": 2}, True),
        ({"nps": 10, "csat": 5, "comment": "等了半个小时没人理，太差了"}, True),  # the comment alone
        ({"nps": 7, "csat": 3}, False),
        ({"nps": 10, "csat": 5, "comment": "没有任何问题，谢谢"}, False),
    ],
)
def test_a_negative_answer_raises_exactly_one_follow_up(every_touchpoint, customer, answer, negative):
    survey = _raise(customer)
    answered = surveys.survey_answer(survey=survey, **answer)
    assert answered.negative is negative
    follow_ups = Task.objects.filter(kind=TaskKind.FEEDBACK_FOLLOW_UP, subject_id=survey.pk)
    assert follow_ups.count() == (1 if negative else 0)
    if negative:
        task = follow_ups.get()
        assert task.due_at - task.created_at == timedelta(minutes=5)  # round the clock


def test_the_follow_up_is_given_at_once_and_its_outcome_reaches_the_customer(
    every_touchpoint, customer, callback_staff, django_capture_on_commit_callbacks
):
    online(callback_staff)
    survey = _raise(customer)
    with django_capture_on_commit_callbacks(execute=True):
        surveys.survey_answer(survey=survey, csat=1, comment="钱还没到账")
    task = Task.objects.get(kind=TaskKind.FEEDBACK_FOLLOW_UP)
    assert (task.status, task.assignee) == (TaskStatus.ASSIGNED, callback_staff.user)  # given on commit
    tasks.task_accept(user=callback_staff.user, task=task)
    tasks.task_complete(user=callback_staff.user, task=task, outcome="RESOLVED", note="已加急处理到账")
    survey.refresh_from_db()
    assert (survey.follow_up_outcome, survey.follow_up_note) == ("RESOLVED", "已加急处理到账")
    reply = Notification.objects.get(user=customer.user, kind="FEEDBACK_REPLY")
    assert "已解决" in reply.body or "resolved" in reply.body
    task.refresh_from_db()
    assert task.first_action_at is not None and task.first_action_at >= survey.answered_at


CUSTOMER_SURVEYS = "query C($id: ID!) { customerSurveys(customerId: $id) { title nps csat comment } }"


def test_staff_see_a_customers_surveys_only_while_handling_them(every_touchpoint, customer, callback_staff):
    survey = _raise(customer)
    surveys.survey_answer(survey=survey, csat=1, comment="钱还没到账")
    client = _as(callback_staff.user)
    variables = {"id": gid("Customer", customer.pk)}
    # The follow-up is open but not hers yet: the customer looks missing
    refused = client(CUSTOMER_SURVEYS, variables)
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    online(callback_staff)
    task = Task.objects.get(kind=TaskKind.FEEDBACK_FOLLOW_UP)
    tasks.task_accept(user=callback_staff.user, task=task)
    seen = client(CUSTOMER_SURVEYS, variables)["data"]["customerSurveys"]
    assert seen == [{"title": "您对这次办理满意吗？", "nps": None, "csat": 1, "comment": "钱还没到账"}]
    from policies.models import AuditEvent

    assert AuditEvent.objects.filter(
        actor=callback_staff.user, action="customer.view", object_id=str(customer.pk), after__viewed="surveys"
    ).exists()
    refused = _as(customer.user)(CUSTOMER_SURVEYS, variables)
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_survey_opens_what_it_is_about(every_touchpoint, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = contact_update(customer=customer, actor=customer.user, email="zhao@example.com")
    data = _as(customer.user)(
        "{ mySurveys { subject { __typename id ... on ServicingRequest { type status } } } }"
    )["data"]["mySurveys"]
    assert data == [
        {
            "subject": {
                "__typename": "ServicingRequest",
                "id": gid("ServicingRequest", result["request"]),
                "type": "CONTACT_CHANGE",
                "status": "COMPLETED",
            }
        }
    ]

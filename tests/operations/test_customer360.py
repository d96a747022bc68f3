"""A customer's whole picture only while one handles them, each look audited; lists that do not
cost more queries as they grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat.models import Conversation, ConversationStatus
from chat.services import messages
from operations.models import Task
from operations.services import dispatch, tasks
from policies.models import AuditEvent
from tests.conftest import GraphQLClient
from tests.policies.factories import PolicyFactory
from tests.policies.gql import gid

from .conftest import online
from .helpers import review_request

pytestmark = pytest.mark.django_db

C360 = """
query C($id: ID!) {
  customer360(customerId: $id) {
    customerId maskedName maskedPhone maskedIdNumber age elderly language
    policies { number status } openRequests { type status reasonCodes }
    recentChats { id status } openTasks { kind status }
  }
}
"""
MINE = """
query { myTasks(first: 50) { edges { node {
  id kind status dueAt atRisk overdue kindLabel
  customer { customerId maskedName elderly language }
  assignee { colleagueId displayName }
  subject { __typename ... on ServicingRequest { status reasonCodes amount } }
} } } }
"""


def _client(staff) -> GraphQLClient:
    client = GraphQLClient()
    client.login(staff.user.phone)
    return client


def test_customer360_is_refused_without_a_task_or_chat_about_the_customer(customer, reviewer):
    review_request(customer)  # a task exists, but in the pool: not held by the reviewer

    result = _client(reviewer)(C360, {"id": gid("Customer", customer)})
    missing = _client(reviewer)(C360, {"id": gid("Customer", 999999)})

    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert result["errors"][0]["message"] == missing["errors"][0]["message"]
    assert not AuditEvent.objects.filter(action="customer.view").exists()


def test_customer360_answers_while_holding_a_task_and_every_look_is_audited(customer, reviewer):
    review_request(customer)
    online(reviewer)
    dispatch.pool_dispatch()
    client = _client(reviewer)

    first = client(C360, {"id": gid("Customer", customer)})["data"]["customer360"]
    client(C360, {"id": gid("Customer", customer)})

    assert first["maskedName"] == "张*" and first["maskedPhone"] == "138****0061"
    assert "*" in first["maskedIdNumber"] and first["elderly"] is False
    assert first["openRequests"][0]["status"] == "PENDING_REVIEW"
    assert first["openRequests"][0]["reasonCodes"] == ["ACCOUNT_RECENTLY_VERIFIED"]
    assert first["openTasks"] == [{"kind": "SERVICING_REVIEW", "status": "ASSIGNED"}]
    assert len(first["policies"]) == 1
    looks = AuditEvent.objects.filter(action="customer.view", object_id=str(customer.pk))
    assert looks.count() == 2 and {e.actor for e in looks} == {reviewer.user}

    # Finished: the task is no longer held, and the customer is out of reach again.
    task = Task.objects.get(kind="SERVICING_REVIEW")
    tasks.task_release(user=reviewer.user, task=task)
    assert client(C360, {"id": gid("Customer", customer)})["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_customer360_answers_while_in_a_chat_with_the_customer(customer, desk):
    conversation = messages.conversation_start(customer=customer)
    Conversation.objects.filter(pk=conversation.pk).update(
        status=ConversationStatus.ACTIVE, assigned_staff=desk.user
    )

    result = _client(desk)(C360, {"id": gid("Customer", customer)})

    assert result["data"]["customer360"]["recentChats"][0]["id"] == gid("Conversation", conversation)


def test_my_tasks_costs_the_same_queries_for_3_or_30_tasks(customer, reviewer):
    from operations.models import StaffSkill

    StaffSkill.objects.filter(user=reviewer.user).update(capacity=50)
    online(reviewer)
    client = _client(reviewer)

    def count_for(n: int) -> int:
        for _ in range(n - Task.objects.filter(assignee=reviewer.user).count()):
            request = review_request(customer)
            PolicyFactory
            assert request.status == "PENDING_REVIEW"
        dispatch.pool_dispatch()
        with CaptureQueriesContext(connection) as queries:
            edges = client(MINE)["data"]["myTasks"]["edges"]
        assert len(edges) == n
        assert edges[0]["node"]["subject"]["__typename"] == "ServicingRequest"
        return len(queries)

    assert count_for(3) == count_for(30)

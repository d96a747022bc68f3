"""Queries do not grow with list length: a page of 1 and a page of 20 rows cost the same, for every
list the apps page through."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chat.demo import seed_chat
from chat.models import Conversation, ConversationStatus
from chat.services import messages as chat_messages
from reminders.models import Notification, Reminder, ReminderKind
from tests.accounts.factories import AgentFactory, CustomerFactory, StaffFactory
from tests.conftest import GraphQLClient, access_token
from tests.policies.factories import BankAccountFactory, LoanFactory, PolicyFactory

pytestmark = pytest.mark.django_db


def _queries(token: str, document: str, variables: dict | None = None) -> int:
    client = GraphQLClient()
    client(document, variables, token=token)  # warm: caches, prepared documents
    with CaptureQueriesContext(connection) as captured:
        result = client(document, variables, token=token)
    assert "errors" not in result, result
    return len(captured.captured_queries)


def _same_for_1_and_20(make_rows, token, document, variables=None):
    make_rows(1)
    one = _queries(token, document, variables)
    make_rows(19)
    twenty = _queries(token, document, variables)
    assert one == twenty, f"{one} queries for 1 row, {twenty} for 20"


@pytest.fixture
def agent():
    return AgentFactory(user__phone="13900000101")


@pytest.fixture
def customer():
    return CustomerFactory(user__phone="13800000101")


def test_my_policies(customer, agent):
    def rows(n):
        for _ in range(n):
            policy = PolicyFactory(holder=customer, servicing_agent=agent)
            LoanFactory(policy=policy, bank_account=BankAccountFactory(customer=customer))

    query = """{ myPolicies(first: 50) { edges { node { number status premium cashValue product { name }
      nextPremium { amount } renewalAccount { maskedNumber } loanQuote { maxAmount annualRate }
      loans { principal totalOwed } benefits { amount } } } } }"""
    _same_for_1_and_20(rows, access_token(customer.user), query)


def test_agent_customers(agent):
    def rows(n):
        for _ in range(n):
            PolicyFactory(holder=CustomerFactory(), servicing_agent=agent)

    query = "{ agentCustomers(first: 50) { edges { node { name maskedPhone age } } } }"
    _same_for_1_and_20(rows, access_token(agent.user), query)


def test_agent_reminders(agent, customer):
    def rows(n):
        for _ in range(n):
            policy = PolicyFactory(holder=customer, servicing_agent=agent)
            Reminder.objects.create(
                kind=ReminderKind.LAPSE_RISK,
                stage=15,
                policy=policy,
                customer=customer,
                agent=agent,
                due_date=timezone.localdate() + timedelta(days=10),
            )

    query = "{ agentReminders(first: 50) { edges { node { kind status policyNumber customerName } } } }"
    _same_for_1_and_20(rows, access_token(agent.user), query)


def test_my_notifications(customer):
    def rows(n):
        for _ in range(n):
            Notification.objects.create(user=customer.user, kind="SERVICING_RESULT", title="t", body="b")

    query = "{ myNotifications(first: 50) { edges { node { kind title readAloudText } } } }"
    _same_for_1_and_20(rows, access_token(customer.user), query)


def test_staff_queue():
    seed_chat()
    staff = StaffFactory(user__phone="13700000101")

    def rows(n):
        for _ in range(n):
            conversation = chat_messages.conversation_start(customer=CustomerFactory())
            Conversation.objects.filter(pk=conversation.pk).update(
                status=ConversationStatus.QUEUED, queued_at=timezone.now()
            )

    # As the workbench lists it: who is waiting (masked), elderly, their language, a left message.
    query = """{ staffQueue { id topic queuePosition estimatedWaitSeconds queuedAt
      customer { maskedName elderly language } leftMessage } }"""
    _same_for_1_and_20(rows, access_token(staff.user), query)


def test_my_active_chats():
    seed_chat()
    staff = StaffFactory(user__phone="13700000102")

    def rows(n):
        for _ in range(n):
            conversation = chat_messages.conversation_start(customer=CustomerFactory())
            Conversation.objects.filter(pk=conversation.pk).update(
                status=ConversationStatus.ACTIVE, assigned_staff=staff.user, assigned_at=timezone.now()
            )

    query = "{ myActiveChats { id topic assignedAt lastSeq customer { maskedName elderly language } } }"
    _same_for_1_and_20(rows, access_token(staff.user), query)


def test_chat_messages(customer):
    seed_chat()
    conversation = chat_messages.conversation_start(customer=customer)
    from strawberry import relay

    def rows(n):
        for index in range(n):
            chat_messages.message_send(
                conversation_id=conversation.pk,
                sender=customer.user,
                kind="CUSTOMER",
                body=f"问题{index}",
                client_message_id=None,
            )

    gid = str(relay.GlobalID("Conversation", str(conversation.pk)))
    query = "query($id: ID!) { chatMessages(conversationId: $id, first: 100) { seq body suggestions } }"
    _same_for_1_and_20(rows, access_token(customer.user), query, {"id": gid})

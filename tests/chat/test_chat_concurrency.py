"""Concurrent senders in one conversation on separate PostgreSQL connections get gap-free seqs."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from chat.models import Conversation, ConversationStatus, Message, SenderKind
from chat.services import messages

pytestmark = pytest.mark.django_db(transaction=True)
SENDERS = 16
EACH = 10


def test_concurrent_senders_get_gap_free_seq(postgres, customer, staff_a):
    conversation = messages.conversation_start(customer=customer)
    Conversation.objects.filter(pk=conversation.pk).update(
        status=ConversationStatus.ACTIVE, assigned_staff=staff_a.user
    )
    barrier = threading.Barrier(SENDERS)

    def send(index):
        try:
            barrier.wait(timeout=30)
            for n in range(EACH):
                sender, kind = (
                    (staff_a.user, SenderKind.STAFF) if index % 2 else (customer.user, SenderKind.CUSTOMER)
                )
                messages.message_send(
                    conversation_id=conversation.pk,
                    sender=sender,
                    kind=kind,
                    body=f"{index}-{n}",
                    client_message_id=f"{index}-{n}",
                )
        finally:
            connection.close()

    with ThreadPoolExecutor(SENDERS) as pool:
        list(pool.map(send, range(SENDERS)))

    seqs = list(
        Message.objects.filter(conversation=conversation).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, SENDERS * EACH + 2))  # the greeting, then every message once
    assert Conversation.objects.get().last_seq == SENDERS * EACH + 1

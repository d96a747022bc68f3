"""Typed chat events: what a service sends is what a subscription decodes, and a replay from the
store builds the same event as the live broadcast did."""

from unittest import mock

from chat import events
from chat.models import Message
from chat.services import common, messages


def test_every_kind_round_trips_through_the_channel_layer_encoding():
    samples = [
        events.MessageEvent(1, 2, 3, "CUSTOMER", "你好", "2026-11-21T10:00:00+08:00", 0.8, ("怎么还款？",)),
        events.StatusEvent(1, "QUEUED"),
        events.TypingEvent(1, "STAFF"),
        events.ReadEvent(1, "CUSTOMER", 3),
        events.QueuePositionEvent(1, 2, 240),
        events.AssignedEvent(1),
        events.QueueChangedEvent(),
    ]
    for event in samples:
        assert events.decode(events.encode(event)) == event


def test_a_replayed_message_is_the_event_that_was_broadcast(
    customer, clock, django_capture_on_commit_callbacks
):
    conversation = messages.conversation_start(customer=customer)
    with mock.patch("core.broadcast.group_send_on_commit") as send:
        message = messages.message_send(
            conversation_id=conversation.pk,
            sender=customer.user,
            kind="CUSTOMER",
            body="我要还款",
            client_message_id=None,
        )
    sent = [events.decode(call.args[1]["event"]) for call in send.call_args_list]
    live = next(e for e in sent if isinstance(e, events.MessageEvent) and e.message_id == message.pk)
    assert common.message_event(Message.objects.get(pk=message.pk)) == live

"""Chat events over the channel layer, sent only after the data they describe is committed."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

STAFF_ALL = "chat.staff"


def conversation_group(conversation_id: int) -> str:
    return f"chat.conversation.{conversation_id}"


def staff_group(user_id: int) -> str:
    return f"chat.staff.{user_id}"


def send_on_commit(group: str, event: dict) -> None:
    def send():
        async_to_sync(get_channel_layer().group_send)(group, {"type": "chat.event", "event": event})

    transaction.on_commit(send)

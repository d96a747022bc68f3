"""Chat events over the channel layer, sent only after the data they describe is committed."""

from core.broadcast import group_send_on_commit

STAFF_ALL = "chat.staff"


def conversation_group(conversation_id: int) -> str:
    return f"chat.conversation.{conversation_id}"


def staff_group(user_id: int) -> str:
    return f"chat.staff.{user_id}"


def send_on_commit(group: str, event: dict) -> None:
    group_send_on_commit(group, {"type": "chat.event", "event": event})

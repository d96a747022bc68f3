"""The bot's FAQ (chat.faq) and the desk's canned responses, created once."""

from .faq import FAQ
from .models import CannedResponse, FaqEntry

CANNED = [
    ("问候", "您好，我是暖心客服，很高兴为您服务。"),
    ("稍等", "好的，请稍等，我为您查询一下。"),
    ("结束", "感谢您的耐心，还有其他可以帮您的吗？"),
]


def seed_chat() -> None:
    # Created once by key: what staff changed in the admin since stays as they left it.
    for entry in FAQ:
        FaqEntry.objects.get_or_create(key=entry["key"], defaults=entry)
    for title, body in CANNED:
        CannedResponse.objects.get_or_create(title=title, defaults={"body": body})


def seed_demo_left_message(users) -> None:
    """Li Xiuying left a message last night: a callback task waits in the pool."""
    from .models import LeftMessage
    from .services import messages, queue

    li = users["13800000002"].customer
    if LeftMessage.objects.filter(customer=li).exists():
        return
    conversation = messages.conversation_start(customer=li, topic="满期金")
    queue.leave_message(
        conversation=conversation,
        body="我想问一下满期金怎么领，请给我回个电话。",
        callback_phone=li.user.phone,
    )
